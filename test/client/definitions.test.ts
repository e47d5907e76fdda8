/**
 * The definition texts the client tests encode with are Debian's: same full text and md5 as the
 * genpy classes (checked when ROS Python is installed), and noros computes the same md5.
 */
import { execFileSync } from "node:child_process";
import { compileCodec } from "../../runtime/codec/compile.js";
import { describeIf, hasPython, ROS_PYTHON, rosEnv } from "../helpers/env.js";
import { DEFINITIONS } from "./helpers/definitions.js";

const entries = Object.values(DEFINITIONS);

describeIf(
  hasPython("genpy", "std_msgs.msg", "sensor_msgs.msg", "std_srvs.srv", "roscpp.srv"),
  "ROS Python is absent",
)("test definitions", () => {
  it("match the genpy classes' _full_text and _md5sum", () => {
    const script = [
      "import importlib, json, sys",
      "out = {}",
      "for name in sys.argv[1:]:",
      "    pkg, typ = name.split('/')",
      "    mod = importlib.import_module(pkg + ('.srv' if typ.endswith(('Request', 'Response')) else '.msg'))",
      "    cls = getattr(mod, typ)",
      "    out[name] = {'text': cls._full_text, 'md5sum': cls._md5sum}",
      "print(json.dumps(out))",
    ].join("\n");
    const names = entries.map((d) => d.datatype);
    const genpy = JSON.parse(
      execFileSync(ROS_PYTHON, ["-c", script, ...names], { env: rosEnv, encoding: "utf8" }),
    ) as Record<string, { text: string; md5sum: string }>;
    for (const d of entries)
      expect({ name: d.datatype, ...genpy[d.datatype] }).toEqual({
        name: d.datatype,
        text: d.text,
        md5sum: d.md5sum,
      });
  });
});

it.each(entries.map((d) => [d.datatype, d] as const))(
  "compileCodec gives the genpy md5 for %s",
  (_name, d) => {
    expect(compileCodec(d.datatype, d.text, { allowEmpty: true }).md5sum).toBe(d.md5sum);
  },
);
