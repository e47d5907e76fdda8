/**
 * `noros-gen --bridge` keys `topics` and `TopicTypeMap` by the global name a client subscribes
 * with, also when a server advertises a relative one (`imu`, as a bag recorded with relative
 * names used to be served).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";

import { main } from "../../generator/cli.js";
import { codecs } from "../../generated/index.js";
import { startBridgeLikeServer } from "../tools/helpers.js";
import { runCli } from "../helpers/cli.js";

const root = path.resolve(__dirname, "..", "..");

describe("noros-gen --bridge and relative topic names", () => {
  it("keys the topic map by the resolved name", async () => {
    const bridge = await startBridgeLikeServer();
    const imu = codecs["sensor_msgs/Imu"];
    bridge.server.addChannel({
      topic: "imu",
      encoding: "ros1",
      schemaName: "sensor_msgs/Imu",
      schema: imu.definition,
    });
    const out = mkdtempSync(path.join(root, "test", "generator", ".tmp-bridge-names-"));
    try {
      const result = await runCli(main, ["--bridge", bridge.url, "--wait-ms", "200", "--out", out]);
      expect(result.code).toBe(0);
      const index = readFileSync(path.join(out, "index.ts"), "utf8");
      expect(index).toContain('"/imu": "sensor_msgs/Imu"');
      expect(index).not.toMatch(/[{\s]"imu"/);
    } finally {
      rmSync(out, { recursive: true, force: true });
      await bridge.close();
    }
  }, 30000);
});
