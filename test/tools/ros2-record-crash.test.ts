/**
 * `noros record` from a ROS 2 bridge under faults: the built binary as a separate
 * process, SIGKILLed mid-recording, keeps in its `.part` every message up to its last moments
 * (each topic's recorded messages are exactly the first ones the bridge sent, slow topics too), and
 * `--recover` makes a whole ros2-profile file of it with the bridge's ROS_DISTRO; a failing disk
 * stops it at the first failed write with one line, keeping what reached the disk.
 */
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import * as path from "node:path";

import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf } from "../helpers/env.js";
import { Ros2BridgeServer } from "../helpers/ros2-bridge-server.js";
import { runNoros, spawnCollecting, tempDir } from "./helpers.js";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "noros.js");
const built = existsSync(path.join(root, "dist", "tools", "cli.js"));

/** Each topic's messages readable from a (possibly unfinished) recording, in order. */
async function readable(file: string): Promise<Map<string, Buffer[]>> {
  const byTopic = new Map<string, Buffer[]>();
  let source;
  try {
    source = await openMessageSource(file);
  } catch {
    return byTopic; // nothing readable yet (only the header)
  }
  try {
    for await (const m of source.messages()) {
      byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), Buffer.from(m.data)]);
    }
  } catch {
    // An unfinished chunk at the end: what came before counts.
  } finally {
    await source.close();
  }
  return byTopic;
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeIf(built, "needs the built package (npm run build)")(
  "noros record (ROS 2) under faults",
  () => {
    let tmp: { dir: string; remove(): void };
    let server: Ros2BridgeServer;
    beforeAll(() => (tmp = tempDir()));
    afterAll(() => tmp.remove());
    afterEach(async () => server.close());

    it("keeps each topic's first messages in the .part, and --recover makes a ros2 file of it", async () => {
      server = await Ros2BridgeServer.start({ distro: "humble" });
      const fast = server.addTopic("/fast", "std_msgs/msg/String");
      const slow = server.addTopic("/slow", "std_msgs/msg/String");
      const out = path.join(tmp.dir, "killed.mcap");
      const part = `${out}.part`;
      const run = spawnCollecting(
        process.execPath,
        [bin, "record", "-o", out, "--url", server.url],
        root,
      );
      const sent = new Map<string, Buffer[]>([
        ["/fast", []],
        ["/slow", []],
      ]);
      let timer: NodeJS.Timeout | undefined;
      try {
        await server.waitFor(
          () => server.subscribed.has(fast) && server.subscribed.has(slow),
          "the recorder to subscribe",
          15000,
        );
        // /fast at about 100 Hz, /slow at about 2 Hz: far below the 1 MiB chunk size.
        let tick = 0;
        timer = setInterval(() => {
          sent
            .get("/fast")!
            .push(Buffer.from(server.publishMessage(fast, { data: `fast ${tick}` })));
          if (tick % 50 === 0) {
            sent
              .get("/slow")!
              .push(Buffer.from(server.publishMessage(slow, { data: `slow ${tick}` })));
          }
          tick++;
        }, 10);
        // Flushed on time, the slow topic reaches the disk while the recording runs.
        await until("/slow messages in the .part", async () => {
          if (!existsSync(part)) return false;
          return ((await readable(part)).get("/slow")?.length ?? 0) >= 3;
        });
      } finally {
        run.child.kill("SIGKILL");
        await run.exited;
        clearInterval(timer);
      }
      const kept = await readable(part);
      expect(kept.get("/fast")!.length).toBeGreaterThanOrEqual(50);
      // Nothing lost or reordered before the end: each topic's first messages, byte-exact.
      for (const [topic, messages] of kept) {
        expect(messages).toEqual(sent.get(topic)!.slice(0, messages.length));
      }

      const recovered = await runNoros(["record", "--recover", part]);
      expect(recovered).toMatchObject({ code: 0, stdout: "" });
      const total = [...kept.values()].reduce((a, b) => a + b.length, 0);
      expect(recovered.stderr).toMatch(
        new RegExp(`recovered ${total} messages on 2 topics to ${out} \\(.*removed\\)\\n$`),
      );
      expect(existsSync(part)).toBe(false);
      expect(await readable(out)).toEqual(kept);

      const handle = await open(out);
      try {
        const reader = await McapIndexedReader.Initialize({
          readable: new FileHandleReadable(handle),
        });
        expect(reader.header.profile).toBe("ros2");
        expect([...reader.channelsById.values()].map((c) => c.messageEncoding)).toEqual([
          "cdr",
          "cdr",
        ]);
        const records = [];
        for await (const m of reader.readMetadata({ name: "rosbag2" })) records.push(m.metadata);
        // The distro the bridge announced, kept by the .part's opening record.
        expect(records.at(-1)!.get("ROS_DISTRO")).toBe("humble");
        expect(records.at(-1)!.get("serialized_metadata")).toMatch(
          new RegExp(`^message_count: ${total}$`, "m"),
        );
      } finally {
        await handle.close();
      }
    });

    it("stops at the first failed write with one line and exit 1, keeping what was written", async () => {
      server = await Ros2BridgeServer.start({ distro: "humble" });
      const fast = server.addTopic("/fast", "std_msgs/msg/String");
      const out = path.join(tmp.dir, "full.mcap");
      // The file may not grow past 64 KiB: writes then fail with EFBIG, as with ENOSPC on a full disk.
      const run = spawnCollecting(
        "sh",
        [
          "-c",
          'ulimit -f 128 && exec "$0" "$@"',
          process.execPath,
          bin,
          "record",
          "-o",
          out,
          "--url",
          server.url,
        ],
        root,
      );
      await server.waitFor(() => server.subscribed.has(fast), "the recorder to subscribe", 15000);
      // About 25 KB/s: a few chunks reach the disk before the limit.
      const payload = "x".repeat(500);
      const timer = setInterval(() => server.publishMessage(fast, { data: payload }), 20);
      let code: number | null;
      try {
        code = await run.exited;
      } finally {
        clearInterval(timer);
      }
      expect(code).toBe(1);
      const lines = run.out.stderr.trim().split("\n");
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^noros record: writing ${out}\\.part failed: EFBIG: file too large, write; \\d+ of \\d+ messages are in it \\(make a whole file of them with \`noros record --recover ${out}\\.part\`\\)$`,
        ),
      );
      expect(run.out.stderr).not.toContain("    at ");
      const onDisk = Number(/; (\d+) of/.exec(lines.at(-1) ?? "")?.[1]);
      expect(onDisk).toBeGreaterThan(0);
      expect((await readable(`${out}.part`)).get("/fast")?.length).toBe(onDisk);
    });
  },
);
