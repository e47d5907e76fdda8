/**
 * `collectBridgeSchemas` against real protocol servers: `noros play` (channels from a bag) and a
 * `FoxgloveServer` set up like foxglove_bridge 0.8.5 with the services captured from the real
 * bridge (legacy `requestSchema`/`responseSchema`) plus one in the newer `request`/`response` form.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

import type { Service } from "@foxglove/ws-protocol";

import { collectBridgeSchemas } from "../../tools/bridge-schemas.js";
import { UserError } from "../../tools/errors.js";
import { startPlayServer } from "../../tools/play/server.js";
import { bridgeCapturesDir, describeIf } from "../helpers/env.js";
import { canMakeRecordings, makeRecordings, startBridgeLikeServer } from "./helpers.js";

describeIf(canMakeRecordings, "needs Debian python3-rosbag")(
  "collectBridgeSchemas from noros play",
  () => {
    it("collects every channel's full schema, filtered by a topic pattern", async () => {
      const rec = makeRecordings();
      const server = await startPlayServer({ file: rec.files.none, port: 0, start: "manual" });
      try {
        const all = await collectBridgeSchemas(server.url, { waitMs: 100 });
        expect(all.channels).toEqual(
          [...server.channels]
            .sort((a, b) => a.topic.localeCompare(b.topic))
            .map(({ topic, schemaName, schema }) => ({ topic, schemaName, schema })),
        );
        expect(all.services).toEqual([]);
        const some = await collectBridgeSchemas(server.url, {
          waitMs: 50,
          topics: /^\/(imu|chatter)$/,
        });
        expect(some.channels.map((c) => c.topic)).toEqual(["/chatter", "/imu"]);
        await expect(
          collectBridgeSchemas(server.url, { waitMs: 50, topics: /^\/nothing/ }),
        ).rejects.toThrow(
          `bridge at ${server.url} advertised no usable topics matching /^\\/nothing/ or services within 50 ms; is anything publishing? a longer wait may help`,
        );
      } finally {
        await server.close();
        rec.remove();
      }
    });
  },
);

describe("collectBridgeSchemas from a foxglove_bridge-like server", () => {
  const captures = bridgeCapturesDir();
  const legacyServices: Omit<Service, "id">[] =
    captures !== undefined
      ? (
          JSON.parse(
            readFileSync(path.join(captures, "text_advertiseServices_1795462855312.json"), "utf8"),
          ) as {
            services: Service[];
          }
        ).services
          .slice(0, 2)
          .map(({ id: _id, ...rest }) => rest)
      : [
          {
            name: "/rosout/get_loggers",
            type: "roscpp/GetLoggers",
            requestSchema: "\n",
            responseSchema:
              "Logger[] loggers\n\n" +
              "=".repeat(80) +
              "\nMSG: roscpp/Logger\nstring name\nstring level\n",
          },
        ];

  it("reads legacy and new service schema fields, channels advertised late, and skips unusable ones", async () => {
    const bridge = await startBridgeLikeServer();
    try {
      for (const service of legacyServices) bridge.server.addService(service);
      bridge.server.addService({
        name: "/set_bool",
        type: "std_srvs/SetBool",
        request: {
          encoding: "ros1",
          schemaName: "std_srvs/SetBool_Request",
          schemaEncoding: "ros1msg",
          schema: "bool data\n",
        },
        response: {
          encoding: "ros1",
          schemaName: "std_srvs/SetBool_Response",
          schemaEncoding: "ros1msg",
          schema: "bool success\nstring message\n",
        },
      });
      bridge.server.addChannel({
        topic: "/chatter",
        encoding: "ros1",
        schemaName: "std_msgs/String",
        schema: "string data\n",
      });
      bridge.server.addChannel({
        topic: "/unknown",
        encoding: "ros1",
        schemaName: "acme_msgs/Secret",
        schema: "",
      });
      bridge.server.addChannel({
        topic: "/cdr",
        encoding: "cdr",
        schemaName: "std_msgs/msg/String",
        schema: "string data",
      });
      // foxglove_bridge finds new topics periodically: one appears while the collector listens.
      setTimeout(
        () =>
          bridge.server.addChannel({
            topic: "/late",
            encoding: "ros1",
            schemaName: "std_msgs/Int32",
            schema: "int32 data\n",
          }),
        100,
      );
      const schemas = await collectBridgeSchemas(bridge.url, { waitMs: 400 });
      expect(schemas.channels).toEqual([
        { topic: "/chatter", schemaName: "std_msgs/String", schema: "string data\n" },
        { topic: "/late", schemaName: "std_msgs/Int32", schema: "int32 data\n" },
      ]);
      expect(schemas.skipped).toEqual([
        { name: "/cdr", type: "std_msgs/msg/String", reason: 'encoding "cdr" is not ros1' },
        {
          name: "/unknown",
          type: "acme_msgs/Secret",
          reason: "the bridge sent no definition (type not installed on the bridge host)",
        },
      ]);
      const setBool = schemas.services.find((s) => s.name === "/set_bool");
      expect(setBool).toEqual({
        name: "/set_bool",
        type: "std_srvs/SetBool",
        requestSchema: "bool data\n",
        responseSchema: "bool success\nstring message\n",
      });
      for (const legacy of legacyServices) {
        expect(schemas.services).toContainEqual({
          name: legacy.name,
          type: legacy.type,
          requestSchema: legacy.requestSchema,
          responseSchema: legacy.responseSchema,
        });
      }
    } finally {
      await bridge.close();
    }
  });

  it("errors clearly when the bridge is unreachable or advertises nothing", async () => {
    const bridge = await startBridgeLikeServer();
    const url = bridge.url;
    try {
      await expect(collectBridgeSchemas(url, { waitMs: 50 })).rejects.toThrow(
        `bridge at ${url} advertised no usable topics or services within 50 ms`,
      );
    } finally {
      await bridge.close();
    }
    const error = await collectBridgeSchemas(url, { waitMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^cannot reach bridge at ws:\/\/127\.0\.0\.1:\d+: connection refused/,
    );
  });
});
