/**
 * `noros topics` shows publishers from a connection graph sent the way the real foxglove_bridge
 * 0.8.5 sends it (an empty first reply, the whole graph on the next discovery cycle), and every
 * publisher of a topic `noros play` serves from a real bag.
 */
import * as path from "node:path";

import { startPlayServer } from "../../tools/play/server.js";
import { capturedBridge } from "../client/helpers/captured-bridge.js";
import { bridgeCapturesDir, describeIf, sharedBagsDir } from "../helpers/env.js";
import { runNoros } from "./helpers.js";

const noros = runNoros;

describeIf(bridgeCapturesDir() !== undefined, "needs ../shared/bridge-captures")(
  "noros topics against the bridge's captured graph frames",
  () => {
    it("waits through the empty first graph for the publishers", async () => {
      const bridge = await capturedBridge(1500);
      try {
        const result = await noros(["topics", "--url", bridge.url, "--json"]);
        expect(result).toMatchObject({ code: 0, stderr: "" });
        const rows = result.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { topic: string; publishers: string[] });
        expect(rows.find((r) => r.topic === "/chatter")?.publishers).toEqual(["/demo_publishers"]);
        expect(rows.every((r) => r.publishers.length > 0)).toBe(true);
      } finally {
        await bridge.close();
      }
    });
  },
);

const bags = sharedBagsDir();
describeIf(bags !== undefined, "needs ../shared/bags")("noros topics against noros play", () => {
  it("lists all six publishers of a real bag's /tf", async () => {
    const server = await startPlayServer({
      file: path.join(bags ?? "", "jsk_recognition__watercan.bag"),
      port: 0,
      start: "manual",
    });
    try {
      const result = await noros(["topics", "--url", server.url]);
      expect(result.code).toBe(0);
      const tf = result.stdout.split("\n").find((l) => l.startsWith("/tf "));
      expect(
        tf
          ?.split(/\s{2,}/)[2]
          ?.split(", ")
          .sort(),
      ).toEqual([
        "/HrpsysSeqStateROSBridge",
        "/footcoords",
        "/hrpsys_state_publisher",
        "/multisense/multisense_driver",
        "/multisense_laser",
        "/odom_tf_broadcaster",
      ]);
    } finally {
      await server.close();
    }
  });
});
