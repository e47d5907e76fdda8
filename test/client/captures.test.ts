/**
 * Replays what a real foxglove_bridge 0.8.5 sent (../shared/bridge-captures): its serverInfo,
 * channel and service advertisements and captured binary frames, served by a FoxgloveServer to
 * the client over a real socket. The client must decode exactly what the reference ROS 1 decoder
 * reads from the same bytes.
 */
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg-serialization";
import type { RosClient } from "../../runtime/client/index.js";
import { describeIf } from "../helpers/env.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { loadCaptures } from "./helpers/captures.js";
import { newClient, until, type Recorded } from "./helpers/harness.js";

const captures = loadCaptures();

describeIf(captures !== undefined, "../shared/bridge-captures is absent")(
  "captured bridge frames",
  () => {
    const c = captures!;
    let server: BridgeServer;
    let client: RosClient;
    let events: Recorded;
    /** Captured topic -> channel id on the replaying server. */
    const channelOf = new Map<string, number>();

    beforeEach(async () => {
      server = await BridgeServer.start({
        name: c.serverInfo.name,
        capabilities: c.serverInfo.capabilities,
        supportedEncodings: c.serverInfo.supportedEncodings ?? [],
        sessionId: c.serverInfo.sessionId ?? "",
        parameters: Object.fromEntries(c.parameterValues.parameters.map((p) => [p.name, p.value])),
      });
      channelOf.clear();
      for (const channel of c.channels) {
        // As captured: no schemaEncoding.
        expect(channel.schemaEncoding).toBeUndefined();
        channelOf.set(
          channel.topic,
          server.addTopic(channel.topic, channel.schemaName, channel.schema),
        );
      }
      ({ client, events } = newClient(server.url));
    });

    afterEach(async () => {
      await client.close();
      await server.close();
    });

    it("takes the captured serverInfo", async () => {
      const info = await client.connected();
      expect(info).toMatchObject({
        name: "foxglove_bridge",
        capabilities: c.serverInfo.capabilities,
        supportedEncodings: ["ros1"],
        sessionId: c.serverInfo.sessionId,
      });
      expect(events.errors).toEqual([]);
    });

    it.each([...c.messageFrames.keys()])(
      "decodes the captured frame of %s like the reference",
      async (topic) => {
        const frame = c.messageFrames.get(topic)!;
        const channel = c.channels.find((ch) => ch.topic === topic)!;
        const id = channelOf.get(topic)!;
        const decoded: { msg: unknown; time: bigint; datatype: string }[] = [];
        const raw: Uint8Array[] = [];
        client.subscribe(topic, "*", (msg, time, info) =>
          decoded.push({ msg, time, datatype: info.datatype }),
        );
        client.subscribeRaw(topic, channel.schemaName, (bytes) => raw.push(bytes.slice()));
        await server.waitFor(() => server.subscribed.has(id), "subscription");
        server.replayMessageFrame(id, frame);
        await until(() => decoded.length === 1 && raw.length === 1, `the frame of ${topic}`);

        const payload = frame.subarray(13);
        expect(raw[0]).toEqual(payload);
        const reference = new MessageReader(parse(channel.schema)).readMessage(payload);
        expect(toJson(decoded[0]!.msg)).toEqual(toJson(reference));
        expect(decoded[0]!.time).toBe(
          new DataView(frame.buffer, frame.byteOffset).getBigUint64(5, true),
        );
        expect(decoded[0]!.datatype).toBe(channel.schemaName);
        expect(events.errors).toEqual([]);
      },
    );

    it("reads the captured chatter, image and compressed image", async () => {
      const got = new Map<string, unknown>();
      for (const topic of ["/chatter", "/image_raw", "/image_raw/compressed"]) {
        client.subscribe(topic, "*", (msg) => got.set(topic, msg));
      }
      await server.waitFor(() => server.subscribed.size === 3, "three subscriptions");
      for (const [topic, frame] of c.messageFrames)
        server.replayMessageFrame(channelOf.get(topic)!, frame);
      await until(() => got.size === 3, "three messages");
      expect(got.get("/chatter")).toEqual({ data: "hello" });
      const image = got.get("/image_raw") as {
        height: number;
        width: number;
        encoding: string;
        step: number;
        data: Uint8Array;
      };
      expect([
        image.height,
        image.width,
        image.encoding,
        image.step,
        image.data.byteLength,
      ]).toEqual([3, 4, "rgb8", 12, 36]);
      const compressed = got.get("/image_raw/compressed") as { format: string; data: Uint8Array };
      expect(compressed.format).toBe("png");
      expect(Array.from(compressed.data.subarray(0, 8))).toEqual([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
      ]);
    });

    it("calls a captured service (legacy schemas) and decodes the captured response", async () => {
      const service = c.services.find((s) => s.name === "/rosout/get_loggers")!;
      const response = c.serviceCallResponse;
      const encodingLength = new DataView(response.buffer, response.byteOffset).getUint32(9, true);
      const payload = response.subarray(13 + encodingLength);
      server.addService(
        service.name,
        service.type,
        service.requestSchema!,
        service.responseSchema!,
        (request) => {
          return request.byteLength === 0 ? payload : { fail: "GetLoggers takes an empty request" };
        },
      );
      const result = await client.callService("/rosout/get_loggers", "roscpp/GetLoggers", {});
      const reference = new MessageReader(parse(service.responseSchema!)).readMessage(payload);
      expect(result).toEqual(reference);
      expect((result as { loggers: unknown[] }).loggers).toContainEqual({
        name: "ros.rosout",
        level: "info",
      });
    });

    it("gets the captured parameters, newline included", async () => {
      const values = await client.getParameters(["/rosdistro", "/rosversion"]);
      expect(values).toEqual(
        Object.fromEntries(c.parameterValues.parameters.map((p) => [p.name, p.value])),
      );
      expect(values["/rosdistro"]).toBe("noetic\n");
    });
  },
);

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
    if (typeof v === "bigint") return v.toString();
    return v;
  });
}
