/**
 * TransformListener when time goes back, through RosClient against `noros play --loop` of a real
 * bag with /tf: at each restart of the replay the listener clears the buffer as tf2_ros does
 * ("Detected jump back in time. Clearing TF buffer."), emits `jumpBack`, the new samples are
 * accepted (no TF_OLD_DATA / TF_REPEATED_DATA), and lookups follow the replay back in time.
 */
import * as path from "node:path";

import { RosClient } from "../../runtime/client/index.js";
import {
  TfBuffer,
  TransformError,
  TransformListener,
  type TimeJumpEvent,
  type TfWarning,
  type TransformStamped,
} from "../../runtime/tf/index.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { until } from "../client/helpers/harness.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";

const bagsDir = sharedBagsDir();

/** Some transform between two frames the buffer holds, or undefined. */
function anyTransform(buffer: TfBuffer): TransformStamped | undefined {
  const frames = buffer.getFrameIds().sort();
  for (const target of frames) {
    for (const source of frames) {
      if (target === source) continue;
      try {
        return buffer.lookupTransform(target, source);
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
      }
    }
  }
  return undefined;
}

describeIf(bagsDir !== undefined, "needs ../shared/bags")(
  "TransformListener on a looping replay",
  () => {
    let server: PlayServer | undefined;
    let client: RosClient | undefined;
    afterEach(async () => {
      await client?.close();
      await server?.close();
    });

    test("clears the buffer on each jump back, emits jumpBack, and follows the new time", async () => {
      // jsk watercan: 6.7 s of /tf from six publishers; at --rate 2 a pass takes 3.3 s.
      server = await startPlayServer({
        file: path.join(bagsDir!, "jsk_recognition__watercan.bag"),
        port: 0,
        rate: 2,
        loop: true,
        topics: ["/tf"],
      });
      client = new RosClient(server.url, { reconnect: false });
      const warnings: TfWarning[] = [];
      const buffer = new TfBuffer({ cacheTimeSec: 100, onWarning: (w) => warnings.push(w) });
      const listener = new TransformListener(client, buffer);
      const jumps: { event: TimeJumpEvent; before: TransformStamped | undefined }[] = [];
      let lastSeen: TransformStamped | undefined;
      const sampler = setInterval(() => (lastSeen = anyTransform(buffer)), 20);
      listener.on("jumpBack", (event) => jumps.push({ event, before: lastSeen }));
      try {
        await until(() => jumps.length >= 1, "a jump back", 20000);
        const { event, before } = jumps[0]!;
        expect(event.toNs).toBeLessThan(event.fromNs);
        // The buffer was emptied, then filled from the new pass: the answers are back in time.
        await until(() => anyTransform(buffer) !== undefined, "transforms after the jump", 5000);
        const after = anyTransform(buffer)!;
        expect(before).toBeDefined();
        const stampNs = (t: TransformStamped) =>
          BigInt(t.header.stamp.sec) * 1_000_000_000n + BigInt(t.header.stamp.nsec);
        expect(stampNs(after)).toBeLessThan(stampNs(before!));
        expect(warnings.filter((w) => /OLD_DATA|REPEATED_DATA/.test(w.code))).toEqual([]);
      } finally {
        clearInterval(sampler);
        listener.close();
      }
    });
  },
);
