/**
 * The built `noros` binary as a user runs it (`node bin/noros.js`, after `npm run build`):
 * Ctrl-C (a real SIGINT) ends a recording with a complete file holding every message it counted,
 * and user mistakes exit non-zero with one line on stderr.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

import { startPlayServer } from "../../tools/play/server.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf } from "../helpers/env.js";
import { canMakeRecordings, makeRecordings, spawnCollecting, tempDir } from "./helpers.js";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "noros.js");
const built = existsSync(path.join(root, "dist", "tools", "cli.js"));

function runBin(args: string[]) {
  return spawnCollecting(process.execPath, [bin, ...args], root);
}

async function until(condition: () => boolean, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeIf(built, "needs the built package (npm run build)")("the noros binary", () => {
  it("exits 1 with one line on stderr for an unreachable bridge", async () => {
    const run = runBin(["echo", "/imu", "--url", "ws://127.0.0.1:9", "--timeout", "2"]);
    expect(await run.exited).toBe(1);
    expect(run.out.stderr).toBe(
      "noros echo: cannot reach bridge at ws://127.0.0.1:9: connection refused; is foxglove_bridge (or `noros play`) running there?\n",
    );
  });

  describeIf(canMakeRecordings, "needs Debian python3-rosbag")("record", () => {
    it("finishes the file on Ctrl-C with every message it received", async () => {
      const rec = makeRecordings();
      const tmp = tempDir();
      const server = await startPlayServer({
        file: rec.files.lz4,
        port: 0,
        rate: 0,
        loop: true,
        start: "manual",
      });
      try {
        const out = path.join(tmp.dir, "sigint.mcap");
        const run = runBin(["record", "-o", out, "/imu", "/chatter", "--url", server.url]);
        await Promise.all([server.subscribed("/imu"), server.subscribed("/chatter")]);
        server.start();
        // The first progress line comes after a second of recording.
        await until(() => /recording: [1-9]\d* messages/.test(run.out.stderr));
        run.child.kill("SIGINT");
        expect(await run.exited).toBe(0);
        const last = run.out.stderr.trim().split("\n").at(-1) ?? "";
        const match = /^noros record: wrote (\d+) messages on 2 topics \(.+\) to (.+)$/.exec(last);
        expect(match?.[2]).toBe(out);
        expect(existsSync(`${out}.part`)).toBe(false);
        const source = await openMessageSource(out);
        try {
          expect(source.messageCount).toBe(Number(match?.[1]));
          let n = 0;
          for await (const _ of source.messages()) n++;
          expect(n).toBe(Number(match?.[1]));
        } finally {
          await source.close();
        }
      } finally {
        await server.close();
        tmp.remove();
        rec.remove();
      }
    });
  });
});
