/**
 * Bad input to `noros` commands ends in one clear line and the documented exit code (1 a problem
 * to fix, 2 a usage mistake), never an internal error; a truncated bag plays what it holds.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

import { describeIf, sharedBagsDir } from "../helpers/env.js";
import { runNoros, tempDir } from "./helpers.js";

const noros = runNoros;

describe("noros bad input", () => {
  it("play --port out of range: a usage error", async () => {
    expect(await noros(["play", "whatever.bag", "--port", "99999"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "noros play: --port must be a TCP port, 0 to 65535, got 99999\n",
    });
  });

  it("pub to an illegal topic name: a usage error before connecting", async () => {
    const result = await noros([
      "pub",
      "bad topic",
      "std_msgs/String",
      "data: x",
      "--url",
      "ws://127.0.0.1:9",
    ]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "noros pub: \"bad topic\" is not a legal ROS topic name (a letter, '/' or '~' first, then letters, digits, '_' and '/')\n",
    });
    for (const name of ["/a//b", "1abc", "/x\u001b[2J"]) {
      const r = await noros(["pub", name, "std_msgs/String", "--url", "ws://127.0.0.1:9"]);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toContain("\u001b");
    }
  });
});

const bags = sharedBagsDir();
describeIf(bags !== undefined, "needs ../shared/bags")("noros play of a truncated bag", () => {
  it("plays the chunks before the cut and says what is missing", async () => {
    const tmp = tempDir();
    try {
      // A real bz2 bag (6121 messages in 5 chunks) cut at 60 %.
      const bytes = readFileSync(path.join(bags ?? "", "robot_localization__test2.bag"));
      const cut = path.join(tmp.dir, "cut.bag");
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const result = await noros(["play", cut, "--port", "0", "--now", "--rate", "0"]);
      expect(result.code).toBe(0);
      const lines = result.stderr.trim().split("\n");
      const banner =
        /^noros play: serving cut\.bag \(2 topics, (\d+) messages over [\d.]+ s\) at ws:\/\/127\.0\.0\.1:\d+$/.exec(
          lines[0] ?? "",
        );
      expect(banner).not.toBeNull();
      const count = Number(banner?.[1]);
      expect(count).toBeGreaterThan(6121 / 3);
      expect(count).toBeLessThan(6121);
      expect(lines[1]).toMatch(
        /^noros play: warning: cut\.bag: its index is missing \(\d+ bytes; cut short\?\); read front to back: \d+ messages up to where the file ends inside a record at byte \d+ of \d+; serving what could be read$/,
      );
      expect(lines.at(-1)).toBe(`noros play: finished: ${count} messages played`);
    } finally {
      tmp.remove();
    }
  });
});
