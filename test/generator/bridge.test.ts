/**
 * `noros-gen --bridge` end to end: `noros play` serves a bag written by ROS like foxglove_bridge
 * does, noros-gen collects the advertised schemas over a real socket, and the bindings it writes
 * type-check, type topics by name and decode (and re-encode) every recorded message.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { main } from "../../generator/cli.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { startPlayServer } from "../../tools/play/server.js";
import { runCli } from "../helpers/cli.js";
import { GOLDEN_DIR } from "../helpers/golden.js";
import { typecheck } from "../helpers/typecheck.js";

const root = path.resolve(__dirname, "..", "..");

describe("noros-gen --bridge", () => {
  it("generates bindings from what a bridge serving a ROS bag advertises", async () => {
    const bag = path.join(GOLDEN_DIR, "edge.bag");
    const server = await startPlayServer({ file: bag, port: 0, start: "manual" });
    const out = mkdtempSync(path.join(root, "test", "generator", ".tmp-bridge-"));
    try {
      const result = await runCli(main, ["--bridge", server.url, "--wait-ms", "300", "--out", out]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const topics = new Set(server.channels.map((c) => c.topic));
      expect(result.stdout).toContain(`${topics.size} topics`);
      expect(typecheck(readdirSync(out).map((f) => path.join(out, f)))).toEqual([]);

      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const live = require(path.join(out, "index.ts")) as {
        topics: Record<string, string>;
        codecs: Record<string, Codec>;
      };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const std = require("../../generated/index.js") as { codecs: Record<string, Codec> };
      expect(Object.keys(live.topics).sort()).toEqual([...topics].sort());
      const source = await openMessageSource(bag);
      let count = 0;
      try {
        for await (const message of source.messages()) {
          const type = live.topics[message.topic]!;
          const codec = live.codecs[type] ?? std.codecs[type]!;
          expect(codec.md5sum).toBe(
            compileCodec(message.schemaName, message.schema, { allowEmpty: true }).md5sum,
          );
          const decoded = codec.decode(message.data, { strict: true });
          if (message.topic !== "/edge/string_invalid_utf8") {
            expect(Buffer.compare(codec.encode(decoded as never), message.data)).toBe(0);
          }
          count++;
        }
      } finally {
        await source.close();
      }
      expect(count).toBeGreaterThan(100);
    } finally {
      rmSync(out, { recursive: true, force: true });
      await server.close();
    }
  }, 60000);

  it("names an unreachable bridge without a stack trace", async () => {
    const result = await runCli(main, [
      "--bridge",
      "ws://127.0.0.1:9",
      "--wait-ms",
      "100",
      "--out",
      "unused",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^noros-gen: .*127\.0\.0\.1:9/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
