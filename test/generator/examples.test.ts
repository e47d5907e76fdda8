/**
 * The example package in msgs/ (what the README's main command generates) against genmsg:
 * md5sum and full text of every message, service half and action message. The ground truth is
 * committed (test/fixtures/examples-genmsg.json, from scripts/genmsg_types.py); with Debian's
 * genmsg installed the script also runs live over the current msgs/.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { generate } from "../../generator/generate.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import { ROS_PYTHON, describeIf, hasPython, rosEnv } from "../helpers/env.js";

const root = path.resolve(__dirname, "..", "..");

interface Truth {
  msgs: Record<string, { md5: string; definition: string }>;
  srvs: Record<string, string>;
}

/** md5 and definition of every generated codec, read back from the generated module text. */
function generatedTypes(): {
  msgs: Map<string, { md5: string; definition: string }>;
  srvs: Map<string, string>;
} {
  const { files } = generate({ inputs: [path.join(root, "msgs")] });
  const text = files.get("noros_examples.ts")!;
  const msgs = new Map<string, { md5: string; definition: string }>();
  const codec =
    /\$rt\.defineCodec<\w+>\(\{\s*datatype: ("[^"]*"),\s*md5sum: ("[^"]*"),\s*definition: ("(?:[^"\\]|\\.)*"),/g;
  for (const m of text.matchAll(codec)) {
    msgs.set(JSON.parse(m[1]!) as string, {
      md5: JSON.parse(m[2]!) as string,
      definition: JSON.parse(m[3]!) as string,
    });
  }
  const srvs = new Map<string, string>();
  for (const m of text.matchAll(/\{ datatype: ("[^"]*"), md5sum: ("[^"]*"), request:/g)) {
    srvs.set(JSON.parse(m[1]!) as string, JSON.parse(m[2]!) as string);
  }
  return { msgs, srvs };
}

function compare(truth: Truth): void {
  const ours = generatedTypes();
  expect([...ours.msgs.keys()].sort()).toEqual(Object.keys(truth.msgs).sort());
  for (const [name, t] of Object.entries(truth.msgs)) {
    expect({ name, ...ours.msgs.get(name) }).toEqual({ name, ...t });
    // compileCodec, given the same text as a bag would carry it, agrees too.
    expect({ name, md5: compileCodec(name, t.definition).md5sum }).toEqual({ name, md5: t.md5 });
  }
  expect(Object.fromEntries(ours.srvs)).toEqual(truth.srvs);
}

describe("example package msgs/", () => {
  it("matches genmsg (committed ground truth)", () => {
    compare(
      JSON.parse(
        readFileSync(path.join(root, "test/fixtures/examples-genmsg.json"), "utf8"),
      ) as Truth,
    );
  });
});

describeIf(hasPython("genmsg"), "Debian's genmsg is not installed")(
  "example package msgs/ live",
  () => {
    it("matches genmsg run now over msgs/ (actions expanded by genaction.py)", () => {
      const out = execFileSync(
        ROS_PYTHON,
        [path.join(root, "scripts/genmsg_types.py"), path.join(root, "msgs")],
        {
          env: rosEnv,
        },
      ).toString();
      compare(JSON.parse(out) as Truth);
    });
  },
);
