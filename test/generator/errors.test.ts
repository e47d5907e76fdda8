/**
 * Bad input: every problem of a run is reported together with file:line and what to do, the exit
 * code is 1, and nothing is written (the previous output stays as it was).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { main } from "../../generator/cli.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "noros-gen-errors-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, text: string): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

async function generateErrors(): Promise<{ code: number; stderr: string }> {
  const { code, stderr } = await runCli(main, [
    path.join(dir, "in"),
    "--out",
    path.join(dir, "out"),
  ]);
  return { code, stderr };
}

describe("noros-gen bad input", () => {
  it("reports every problem with file:line, exits 1 and writes nothing", async () => {
    const a = write(
      "in/pkg/msg/A.msg",
      [
        "# comment",
        "Unknown thing", // line 2: unknown type
        "int32 1bad", // line 3: invalid field name
        "int32 x y z", // line 4: bad syntax
        "uint8 TOO_BIG=256", // line 5: constant out of range
        "int32 dup", // line 6
        "float64 dup", // line 7: duplicate
        "time T=1", // line 8: time constant
        "int8 NOT_INT=1.5", // line 9
        "bool B=maybe", // line 10
      ].join("\n"),
    );
    const b = write("in/pkg/msg/B.msg", "C c\n");
    write("in/pkg/msg/C.msg", "B b\n");
    write("in/other/msg/bad-name.msg", "int32 x\n");
    mkdirSync(path.join(dir, "in/empty/msg"), { recursive: true });
    const { code, stderr } = await generateErrors();
    expect(code).toBe(1);
    const expected: [string, RegExp][] = [
      [`${a}:2:`, /unknown type 'Unknown' \(looked for pkg\/Unknown\)/],
      [`${a}:3:`, /'1bad' is not a legal field name/],
      [`${a}:4:`, /invalid declaration/],
      [`${a}:5:`, /256 does not fit uint8 \(0\.\.255\)/],
      [`${a}:7:`, /duplicate name 'dup' \(first declared on line 6\)/],
      [`${a}:8:`, /'time' is not a legal constant type/],
      [`${a}:9:`, /'1.5' is not an integer/],
      [`${a}:10:`, /'maybe' is not a bool value/],
      [`${b}:1:`, /recursive type: pkg\/B -> pkg\/C -> pkg\/B/],
      [path.join(dir, "in/other/msg/bad-name.msg"), /'bad-name' is not a legal type name/],
      [path.join(dir, "in/empty/msg"), /package folder has no \.msg definitions/],
    ];
    for (const [where, what] of expected) {
      const line = stderr.split("\n").find((l) => l.startsWith(where) && what.test(l));
      expect({ where, what: what.source, found: line !== undefined }).toEqual({
        where,
        what: what.source,
        found: true,
      });
    }
    expect(stderr).toMatch(/problem\(s\); nothing was written/);
  });

  it("leaves the previous output untouched when a run fails", async () => {
    write("in/pkg/msg/Good.msg", "int32 x\n");
    const out = path.join(dir, "out");
    expect((await runCli(main, [path.join(dir, "in"), "--out", out])).code).toBe(0);
    const before = readFileSync(path.join(out, "pkg.ts"), "utf8");
    write("in/pkg/msg/Bad.msg", "NoSuchType y\n");
    expect((await generateErrors()).code).toBe(1);
    expect(readFileSync(path.join(out, "pkg.ts"), "utf8")).toBe(before);
  });

  it("rejects an input folder without definitions and a missing input", async () => {
    mkdirSync(path.join(dir, "in"), { recursive: true });
    const { code, stderr } = await generateErrors();
    expect(code).toBe(1);
    expect(stderr).toMatch(/no definitions found: expected ROS packages laid out as <pkg>\/msg/);
    const missing = await runCli(main, [path.join(dir, "nope"), "--out", path.join(dir, "out")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope:0: no such file or folder/);
  });

  it("rejects an action without three sections and a service with two separators", async () => {
    const act = write("in/pkg/action/Go.action", "int32 goal\n---\nint32 result\n");
    const srv = write("in/pkg/srv/S.srv", "int32 a\n---\nint32 b\n---\nint32 c\n");
    const { code, stderr } = await generateErrors();
    expect(code).toBe(1);
    expect(stderr).toContain(`${act}:1: an action needs three sections`);
    expect(stderr).toContain(`${srv}:4: a service has one '---' line`);
  });

  it("explains usage mistakes without a stack trace", async () => {
    const noOut = await runCli(main, [path.join(dir, "in")]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/Missing required argument: out/);
    expect(noOut.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
