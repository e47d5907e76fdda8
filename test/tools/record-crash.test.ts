/**
 * `noros record` when things go wrong, with the built binary as a separate process: SIGKILLed
 * mid-recording it keeps all but its last moments in the `.part` (which `play` reads and
 * `--recover` makes whole), a failing disk stops it at the first failed write, and a bad `-o` is
 * refused before recording.
 */
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";

import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf } from "../helpers/env.js";
import {
  canMakeRecordings,
  makeRecordings,
  runNoros,
  spawnCollecting,
  tempDir,
  type Recordings,
} from "./helpers.js";

const root = path.resolve(__dirname, "..", "..");
const bin = path.join(root, "bin", "noros.js");
const built = existsSync(path.join(root, "dist", "tools", "cli.js"));

/** `noros ...args` in a child process; `limitBlocks` caps the file size it may write (ulimit -f). */
function runBin(args: string[], limitBlocks?: number) {
  const command =
    limitBlocks === undefined
      ? [process.execPath, bin, ...args]
      : ["sh", "-c", `ulimit -f ${limitBlocks} && exec "$0" "$@"`, process.execPath, bin, ...args];
  return spawnCollecting(command[0]!, command.slice(1), root);
}

const noros = runNoros;

/** Messages per topic readable from a (possibly unfinished) recording. */
async function readable(file: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let source;
  try {
    source = await openMessageSource(file);
  } catch {
    return counts; // nothing readable yet (only the header)
  }
  try {
    for await (const m of source.messages()) counts.set(m.topic, (counts.get(m.topic) ?? 0) + 1);
  } catch {
    // An unfinished chunk at the end: what came before counts.
  } finally {
    await source.close();
  }
  return counts;
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeIf(built, "needs the built package (npm run build)")("noros record under faults", () => {
  describeIf(canMakeRecordings, "needs Debian python3-rosbag")("with a bridge", () => {
    let rec: Recordings;
    let tmp: { dir: string; remove(): void };
    let server: PlayServer | undefined;
    beforeAll(() => {
      rec = makeRecordings();
      tmp = tempDir();
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });
    afterAll(() => {
      rec.remove();
      tmp.remove();
    });

    it("keeps a SIGKILLed recording's messages (slow topics too) in a .part that plays and recovers", async () => {
      // The test bag in a loop at its real rate: 1 s passes with /imu at 50 Hz and /counter at
      // 5 Hz, about 20 KB/s, far below the 1 MiB chunk size.
      server = await startPlayServer({ file: rec.files.lz4, port: 0, rate: 1, loop: true });
      const out = path.join(tmp.dir, "killed.mcap");
      const part = `${out}.part`;
      const run = runBin(["record", "-o", out, "--url", server.url]);
      try {
        // Flushed on time, the slowest topic reaches the disk while the recording runs.
        await until("/counter messages in the .part", async () => {
          if (!existsSync(part)) return false;
          return ((await readable(part)).get("/counter") ?? 0) >= 10;
        });
      } finally {
        run.child.kill("SIGKILL");
        await run.exited;
      }
      const kept = await readable(part);
      const total = [...kept.values()].reduce((a, b) => a + b, 0);
      expect(kept.get("/imu")).toBeGreaterThanOrEqual(50);

      // `play` reads the .part, and its banner counts the readable messages.
      const played = await startPlayServer({ file: part, port: 0, start: "manual" });
      expect(played.source.messageCount).toBe(total);
      await played.close();

      const recovered = await noros(["record", "--recover", part]);
      expect(recovered).toMatchObject({ code: 0, stdout: "" });
      expect(recovered.stderr).toMatch(
        new RegExp(`recovered ${total} messages on 5 topics to ${out} \\(.*removed\\)\\n$`),
      );
      expect(existsSync(part)).toBe(false);
      const whole = await openMessageSource(out);
      try {
        // A whole file: read through its index, with the statistics the banner shows.
        expect(whole.messageCount).toBe(total);
      } finally {
        await whole.close();
      }
      expect(await readable(out)).toEqual(kept);
      // A recovery never overwrites a file.
      const again = await noros(["record", "--recover", part, "-o", out]);
      expect(again).toEqual({
        code: 1,
        stdout: "",
        stderr: `noros record: cannot recover ${part}: ${out} exists (name another output with -o)\n`,
      });
    });

    it("stops at the first failed write with one line and exit 1, keeping what was written", async () => {
      server = await startPlayServer({ file: rec.files.none, port: 0, rate: 1, loop: true });
      const out = path.join(tmp.dir, "full.mcap");
      // The file may not grow past 64 KiB (about 3 s of this recording): writes then fail with
      // EFBIG, as they fail with ENOSPC on a full disk.
      const run = runBin(["record", "-o", out, "--url", server.url], 128);
      const code = await run.exited;
      expect(code).toBe(1);
      const lines = run.out.stderr.trim().split("\n");
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^noros record: writing ${out}\\.part failed: EFBIG: file too large, write; \\d+ of \\d+ messages are in it \\(make a whole file of them with \`noros record --recover ${out}\\.part\`\\)$`,
        ),
      );
      expect(run.out.stderr).not.toContain("    at ");
      const onDisk = Number(/; (\d+) of/.exec(lines.at(-1) ?? "")?.[1]);
      const kept = await readable(`${out}.part`);
      expect([...kept.values()].reduce((a, b) => a + b, 0)).toBe(onDisk);
    });

    it("refuses a full disk when creating the file", async () => {
      server = await startPlayServer({ file: rec.files.none, port: 0, rate: 0, loop: true });
      const out = path.join(tmp.dir, "devfull.mcap");
      symlinkSync("/dev/full", `${out}.part`);
      const result = await noros(["record", "-o", out, "--url", server.url]);
      expect(result).toEqual({
        code: 1,
        stdout: "",
        stderr: `noros record: cannot write ${out}.part: ENOSPC: no space left on device, write\n`,
      });
    });
  });

  it("refuses an -o that names a folder or lies in a missing one, before connecting", async () => {
    const tmp = tempDir();
    try {
      const folder = path.join(tmp.dir, "runs");
      mkdirSync(folder);
      // Nothing listens at this URL: the path is checked first.
      const url = "ws://127.0.0.1:9";
      expect(await noros(["record", "-o", folder, "--url", url])).toEqual({
        code: 1,
        stdout: "",
        stderr: `noros record: cannot record to ${folder}: it is a folder (name a file, e.g. ${folder}/run.mcap)\n`,
      });
      const missing = path.join(tmp.dir, "nope", "x.mcap");
      expect(await noros(["record", "-o", missing, "--url", url])).toEqual({
        code: 1,
        stdout: "",
        stderr: `noros record: cannot record to ${missing}: folder ${path.dirname(missing)} does not exist\n`,
      });
    } finally {
      tmp.remove();
    }
  });
});
