/**
 * noros-gen on hostile input: an output path it cannot use, the leftovers of a killed run, type
 * chains thousands deep, and control characters in definitions.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";

import { main } from "../../generator/cli.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import { runCli } from "../helpers/cli.js";

const root = path.resolve(__dirname, "..", "..");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(root, "test", "generator", ".tmp-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): void {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function gen(out: string, ...extra: string[]) {
  return runCli(main, [path.join(dir, "in"), "--out", out, "--msgs-import", "none", ...extra]);
}

/** `pkg/T0` holds a T1, which holds a T2, ... `depth` types; `field` is each one's own field. */
function chain(depth: number, field: string): string[] {
  return Array.from({ length: depth }, (_, i) =>
    i < depth - 1 ? `${field}\nT${i + 1} next\n` : `${field}\n`,
  );
}

describe("noros-gen output paths", () => {
  it("refuses an --out that is a file, lies under a file, or cannot be written: one line, exit 1", async () => {
    write("in/pkg/msg/A.msg", "int32 a\n");
    write("afile.ts", "mine\n");
    const file = path.join(dir, "afile.ts");
    expect(await gen(file)).toEqual({
      code: 1,
      stdout: "",
      stderr: `noros-gen: cannot write ${file}: it is a file, not a folder\n`,
    });
    expect(await gen(file, "--check")).toEqual({
      code: 1,
      stdout: "",
      stderr: `noros-gen: cannot check ${file}: it is a file, not a folder\n`,
    });
    expect(readFileSync(file, "utf8")).toBe("mine\n");
    const under = path.join(file, "out");
    const result = await gen(under);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(
      new RegExp(`^noros-gen: cannot write ${under}: a file is in the way( \\(.*\\))?\\n$`),
    );
  });

  it("refuses a folder it may not write to in one line", async () => {
    write("in/pkg/msg/A.msg", "int32 a\n");
    // Even root may not create folders in /sys.
    const result = await gen("/sys/noros-gen-test-out");
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(
      /^noros-gen: cannot write \/sys\/noros-gen-test-out: (permission denied|read-only file system)( \(.*\))?\n$/,
    );
  });

  it("cleans up the hidden folders of a killed run, putting a swapped-out output back", async () => {
    write("in/pkg/msg/A.msg", "int32 a\n");
    const out = path.join(dir, "out");
    expect((await gen(out)).code).toBe(0);
    // A run killed while writing: its half-written folder (pid 2^22+1 is above Linux's largest pid).
    write(".out.noros-gen-4194305-1700000000000/pkg.ts", "half\n");
    expect((await gen(out)).code).toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes("noros-gen"))).toEqual([]);

    // A run killed between its renames: no output, the previous one in the -old- folder.
    write("out/mine.md", "kept\n");
    const old = path.join(dir, ".out.noros-gen-old-4194305-1700000000000");
    renameSync(out, old);
    expect((await gen(out, "--check")).code).toBe(1); // --check touches nothing
    expect((await gen(out)).code).toBe(0);
    expect(readFileSync(path.join(out, "mine.md"), "utf8")).toBe("kept\n");
    expect(existsSync(old)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("noros-gen"))).toEqual([]);
  });
});

describe("noros-gen input limits", () => {
  it("generates a chain of 3000 nested types in output linear in the input, without overflowing the stack", async () => {
    chain(3000, "string s").forEach((text, i) => write(`in/pkg/msg/T${i}.msg`, text));
    const out = path.join(dir, "out");
    const result = await gen(out);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const bytes = readdirSync(out).reduce((n, f) => n + statSync(path.join(out, f)).size, 0);
    // About 9 KB per type; inlining whole chains made depth 500 alone write 388 MB.
    expect(bytes).toBeLessThan(3000 * 20_000);
  }, 120000);

  it("decodes and encodes chains deeper than the inlining limit exactly", () => {
    const texts = chain(20, "int32 a");
    const full = [
      texts[0],
      ...texts.slice(1).map((t, i) => `${"=".repeat(80)}\nMSG: pkg/T${i + 1}\n${t}`),
    ].join("\n");
    const codec = compileCodec("pkg/T0", full);
    type Link = { a: number; next?: Link };
    let value: Link = { a: 19 };
    for (let i = 18; i >= 0; i--) value = { a: i, next: value };
    const bytes = codec.encode(value);
    expect(bytes.byteLength).toBe(80);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getInt32(76, true)).toBe(19);
    expect(codec.decode(bytes)).toEqual(value);
  });

  it("escapes control characters of a definition in its error messages", async () => {
    write("in/pkg/msg/A.msg", "int32 a\n\u001b]0;pwned\u0007 \u009b31m x\n");
    const result = await gen(path.join(dir, "out"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("invalid declaration '\\x1b]0;pwned\\x07 \\x9b31m x'");
    const controls = [...result.stderr].filter((c) => c !== "\n" && /\p{Cc}/u.test(c));
    expect(controls).toEqual([]);
  });
});
