/**
 * The committed standard bindings (`generated/`, exported as `noros/msgs`) against ROS itself:
 * every md5sum and full definition text equals what Debian's genpy classes carry. The ground truth
 * is committed (test/fixtures/std-types.json, written by scripts/std_types.py); when Debian's ROS
 * is installed the same script also runs live. generated/ is what noros-gen makes from the
 * definitions committed in generator/std-msgs (`npm run generate:std`, checked with `--check`),
 * which are Debian's files byte for byte (checked per package where Debian's are installed). And
 * the standard set compiles under the flags users set, in ESM, CommonJS and bundler projects.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { codecs, services } from "../../generated/index.js";
import { main } from "../../generator/cli.js";
import { runCli } from "../helpers/cli.js";
import { typecheck } from "../helpers/typecheck.js";
import {
  ROS_PYTHON,
  canRunPython,
  describeIf,
  rosEnv,
  standardPythonPackages,
} from "../helpers/env.js";

interface TruthType {
  type: string;
  md5sum: string;
  fullText: string;
}
interface Truth {
  messages: Record<string, TruthType>;
  services: Record<string, { md5sum: string; request: TruthType; response: TruthType }>;
}

const root = path.resolve(__dirname, "..", "..");

function compare(truth: Truth): void {
  const expected = new Map<string, TruthType>(Object.entries(truth.messages));
  for (const s of Object.values(truth.services)) {
    expected.set(s.request.type, s.request);
    expected.set(s.response.type, s.response);
  }
  const ours = codecs as Record<string, { md5sum: string; definition: string }>;
  expect(Object.keys(ours).sort()).toEqual([...expected.keys()].sort());
  for (const [name, t] of expected) {
    expect({ name, md5sum: ours[name]!.md5sum }).toEqual({ name, md5sum: t.md5sum });
    expect({ name, definition: ours[name]!.definition }).toEqual({ name, definition: t.fullText });
  }
  const ourServices = services as Record<string, { md5sum: string }>;
  expect(Object.keys(ourServices).sort()).toEqual(Object.keys(truth.services).sort());
  for (const [name, s] of Object.entries(truth.services)) {
    expect({ name, md5sum: ourServices[name]!.md5sum }).toEqual({ name, md5sum: s.md5sum });
  }
}

describe("standard bindings", () => {
  it("match genpy's md5sum and full text for every type and service (committed ground truth)", () => {
    compare(
      JSON.parse(readFileSync(path.join(root, "test/fixtures/std-types.json"), "utf8")) as Truth,
    );
  });

  it("cover the types a char->uint8 normalisation gets wrong", () => {
    const c = codecs as Record<string, { md5sum: string }>;
    expect(c["std_msgs/Char"]!.md5sum).toBe("1bf77f25acecdedba0e224b162199717");
    expect(c["std_msgs/Byte"]!.md5sum).toBe("ad736a2e8818154c487bb80fe42ce43b");
    expect(c["rosgraph_msgs/Log"]!.md5sum).toBe("acffd30cd6b6de30f120938c17c593fb");
    expect(c["diagnostic_msgs/DiagnosticStatus"]!.md5sum).toBe("d0ce08bc6e5ba34c7754f563a9cabaf1");
  });
});

describeIf(
  canRunPython(
    path.join(root, "scripts/std_types.py"),
    ...standardPythonPackages(path.join(root, "scripts")),
  ),
  "needs Debian's genpy, genmsg and the python3-*-msgs packages scripts/std_types.py imports",
)("standard bindings against live ROS", () => {
  it("match what scripts/std_types.py reads from genpy now", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "noros-std-"));
    try {
      const file = path.join(dir, "std-types.json");
      execFileSync(ROS_PYTHON, [path.join(root, "scripts/std_types.py"), "--out", file], {
        env: rosEnv,
        cwd: root,
        stdio: ["ignore", "ignore", "pipe"],
      });
      compare(JSON.parse(readFileSync(file, "utf8")) as Truth);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The arguments of a package.json script (`generate:std`...) after `node bin/noros-gen.js`. */
function generateStdArgs(script = "generate:std"): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts[script]!.trim().split(/\s+/);
  expect(words.slice(0, 2)).toEqual(["node", "bin/noros-gen.js"]);
  return words.slice(2);
}

describe("standard definitions in the repository", () => {
  it("generate:std reads only definitions committed in the repository", () => {
    const args = generateStdArgs();
    const inputs = args.slice(
      0,
      args.findIndex((a) => a.startsWith("--")),
    );
    expect(inputs).toEqual(["generator/std-msgs", "generator/std-extra"]);
  });

  it.each([
    ["generated/", "generate:std"],
    ["generated-ros2/ (ROS 2, from generator/std-ros2)", "generate:std-ros2"],
  ])("%s is what noros-gen makes from them (%s --check)", async (_, script) => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await runCli(main, [...generateStdArgs(script), "--check"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });

  it("compile, as a package's bindings, under noUnusedLocals/noUnusedParameters in ESM, CJS and bundler projects", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "noros-std-flags-"));
    try {
      const out = path.join(dir, "out");
      const result = await runCli(main, [
        path.join(root, "generator/std-msgs"),
        path.join(root, "generator/std-extra"),
        "--out",
        out,
        "--msgs-import",
        "none",
      ]);
      expect(result.code).toBe(0);
      expect(typecheck(readdirSync(out).map((f) => path.join(out, f)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240000);
});

/** Definition files of a package folder (`msg/A.msg`, `srv/B.srv`...), sorted. */
function definitionFiles(pkgDir: string): string[] {
  return ["msg", "srv", "action"]
    .filter((kind) => existsSync(path.join(pkgDir, kind)))
    .flatMap((kind) => readdirSync(path.join(pkgDir, kind)).map((f) => `${kind}/${f}`))
    .sort();
}

const committed = path.join(root, "generator/std-msgs");
for (const pkg of readdirSync(committed).filter(
  (p) => existsSync(path.join(committed, p, "msg")) || existsSync(path.join(committed, p, "srv")),
)) {
  const ours = definitionFiles(path.join(committed, pkg));
  const kinds = [...new Set(ours.map((f) => f.split("/")[0]!))];
  const debian = path.join("/usr/share", pkg);
  const missing = kinds.find((k) => !existsSync(path.join(debian, k)));
  describeIf(
    missing === undefined,
    `${debian}/${missing ?? ""} is absent (Debian's ros-${pkg.replace(/_/g, "-")} is not installed)`,
  )(`generator/std-msgs/${pkg} against Debian's ${debian}`, () => {
    it("has the same definition files, byte for byte", () => {
      expect(definitionFiles(debian)).toEqual(ours);
      for (const f of ours) {
        expect({ f, text: readFileSync(path.join(debian, f), "utf8") }).toEqual({
          f,
          text: readFileSync(path.join(committed, pkg, f), "utf8"),
        });
      }
    });
  });
}
