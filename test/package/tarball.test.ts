/**
 * Installing the packed packages as a user does: `npm pack` of `noros` and `noros-gen`, both
 * installed from their tarballs (copies, not links) into a fresh project with "type": "module";
 * there `npx noros-gen` generates bindings for a package tree, a typed program using them is
 * compiled with strict flags and `skipLibCheck: false`, and run against `noros play` (the
 * installed one) serving the golden edge.bag; CommonJS `require` works too. The tarballs hold
 * only what they should.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sharedRos2BagsDir } from "../helpers/env.js";
import { readJsonl, GOLDEN_DIR } from "../helpers/golden.js";
import { assemblePackages, REPO, VERSION } from "./helpers.js";

let dir: string;
let project: string;
const tarball = (name: string) => path.join(dir, "packages", `${name}-${VERSION}.tgz`);

/** Runs a command; a failure's error carries what it printed. */
function run(command: string, args: string[], cwd = project): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(command)} ${args.join(" ")}:\n${e.stdout}${e.stderr}`);
  }
}

/**
 * Writes `tsconfig.<name>.json` in the project: strict, only the ES2022 library, declarations of
 * dependencies checked unless `options` says otherwise; returns its path.
 */
function consumerConfig(
  name: string,
  options: Record<string, unknown>,
  files: { files: string[] } | { include: string[] },
): string {
  const file = path.join(project, `tsconfig.${name}.json`);
  const compilerOptions = {
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["es2022"],
    types: [],
    typeRoots: [path.join(REPO, "node_modules", "@types")],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    ...options,
  };
  writeFileSync(file, JSON.stringify({ compilerOptions, ...files }));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "noros-tarball-"));
  assemblePackages(path.join(dir, "packages"), true);
  project = path.join(dir, "app");
  mkdirSync(project);
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module" }, null, 2),
  );
  // From npm's cache where it can (npm ci filled it), from the registry otherwise.
  run("npm", [
    "install",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    tarball("noros"),
    tarball("noros-gen"),
  ]);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the packed packages", () => {
  it("contain compiled code, declarations, README and LICENSE only", () => {
    for (const name of ["noros", "noros-gen"]) {
      const files = run("tar", ["-tzf", tarball(name)], dir)
        .trim()
        .split("\n");
      const unexpected = files.filter(
        (f) =>
          !/^package\/(package\.json|README\.md|LICENSE|bin\/[\w-]+\.js|dist\/[\w/-]+\.(js|d\.ts|d\.cts))$/.test(
            f,
          ),
      );
      expect(unexpected).toEqual([]);
      expect(files.filter((f) => /test|fixture|bench|\.map$|examples/.test(f))).toEqual([]);
      expect(files).toContain("package/LICENSE");
    }
    // The runtime needs nothing but ws: no generator, no readers, no TypeScript.
    const manifest = JSON.parse(
      readFileSync(path.join(project, "node_modules", "noros", "package.json"), "utf8"),
    ) as { dependencies: Record<string, string>; scripts?: unknown };
    expect(Object.keys(manifest.dependencies)).toEqual(["ws"]);
    expect(manifest.scripts).toBeUndefined(); // nothing runs at install
    const gen = JSON.parse(
      readFileSync(path.join(project, "node_modules", "noros-gen", "package.json"), "utf8"),
    ) as { peerDependencies: Record<string, string> };
    expect(gen.peerDependencies).toEqual({ noros: VERSION });
  });

  it("generate, compile and run a typed program against noros play", async () => {
    run(path.join(project, "node_modules", ".bin", "noros-gen"), [
      path.join(REPO, "test", "fixtures", "golden", "noros_test"),
      "--out",
      "src/msgs",
    ]);
    mkdirSync(path.join(project, "src"), { recursive: true });
    writeFileSync(
      path.join(project, "src", "app.ts"),
      `import { RosClient } from "noros";
import { ImageCodec } from "noros/msgs/sensor_msgs";
import type { noros_test } from "./msgs/index.js";

const client = new RosClient(process.argv[2]!);
const texts = new Set<string>();
const images = new Set<string>();
await new Promise<void>((resolve) => {
  const check = () => { if (texts.size === 3 && images.size === 2) resolve(); };
  client.subscribe("/custom/Scalars/random", "noros_test/Scalars", (msg) => {
    const m: noros_test.Scalars = msg;
    texts.add(JSON.stringify({ text: m.text, i64: m.i64.toString(), u32: m.u32 }));
    check();
  });
  client.subscribe("/edge/image", ImageCodec, (msg) => {
    images.add(\`\${msg.width}x\${msg.height} \${msg.encoding} \${msg.data.length}\`);
    check();
  });
});
console.log(JSON.stringify({ scalars: [...texts].sort(), images: [...images].sort() }));
await client.close();
`,
    );
    const appConfig = consumerConfig(
      "app",
      {
        types: ["node"],
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noEmit: false,
        rootDir: "src",
        outDir: "build",
      },
      { include: ["src"] },
    );
    run(process.execPath, [
      path.join(REPO, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      appConfig,
    ]);

    const bag = path.join(GOLDEN_DIR, "edge.bag");
    const play: ChildProcess = spawn(
      path.join(project, "node_modules", ".bin", "noros"),
      ["play", bag, "--port", "0", "--loop"],
      { cwd: project, stdio: ["ignore", "ignore", "pipe"] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = "";
        play.stderr!.on("data", (chunk: Buffer) => {
          err += chunk.toString();
          const m = /at (ws:\/\/\S+)/.exec(err);
          if (m) resolve(m[1]!);
        });
        play.on("exit", (code) => reject(new Error(`noros play exited (${code}): ${err}`)));
      });
      const output = await new Promise<string>((resolve, reject) => {
        const app = spawn(process.execPath, ["build/app.js", url], { cwd: project });
        let out = "";
        let err = "";
        app.stdout.on("data", (c: Buffer) => (out += c.toString()));
        app.stderr.on("data", (c: Buffer) => (err += c.toString()));
        const timer = setTimeout(() => app.kill(), 60_000);
        app.on("exit", (code) => {
          clearTimeout(timer);
          if (code === 0) resolve(out);
          else reject(new Error(`app exited ${code}: ${err}`));
        });
      });
      const golden = readJsonl(path.join(GOLDEN_DIR, "edge.jsonl"));
      const expected = golden
        .filter((r) => r.topic === "/custom/Scalars/random")
        .map((r) => {
          const v = r.value as { text: string; i64: { $int: string } | number; u32: number };
          const i64 = typeof v.i64 === "number" ? String(v.i64) : v.i64.$int;
          return JSON.stringify({ text: v.text, i64, u32: v.u32 });
        })
        .sort();
      const images = golden
        .filter((r) => r.topic === "/edge/image")
        .map((r) => {
          const v = r.value as { width: number; height: number; encoding: string; step: number };
          return `${v.width}x${v.height} ${v.encoding} ${v.step * v.height}`;
        })
        .sort();
      const result = JSON.parse(output) as { scalars: string[]; images: string[] };
      expect(result.scalars).toEqual(expected);
      expect(result.images).toEqual(images);
    } finally {
      play.kill("SIGINT");
    }
  }, 180_000);

  // sql.js (with its .wasm) and fzstd come with the installed noros-gen: nothing compiled or
  // downloaded at install, yet .db3 files and zstd chunks play.
  (sharedRos2BagsDir() !== undefined ? it : it.skip)(
    "play ROS 2 recordings (.db3, zstd .mcap) with the installed noros",
    () => {
      for (const [file, count] of [
        ["ros2__rosbag2__talker.db3", 20],
        ["ros2__rosbag2__talker.mcap", 20],
      ] as const) {
        const child = spawnSync(
          path.join(project, "node_modules", ".bin", "noros"),
          ["play", path.join(sharedRos2BagsDir()!, file), "--port", "0", "--now", "--rate", "0"],
          { cwd: project, encoding: "utf8", timeout: 60_000 },
        );
        expect(child.stderr).toContain(`noros play: finished: ${count} messages played\n`);
        expect(child.status).toBe(0);
      }
    },
    120_000,
  );

  it("resolve every export, and their declarations type-check for ESM and CommonJS consumers", async () => {
    const tsc = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
    const entries: Record<string, string[]> = {};
    for (const name of ["noros", "noros-gen"]) {
      const manifest = JSON.parse(
        readFileSync(path.join(project, "node_modules", name, "package.json"), "utf8"),
      ) as { exports: Record<string, unknown> };
      entries[name] = Object.keys(manifest.exports)
        .filter((key) => key !== "./package.json")
        .flatMap((key) =>
          // A pattern export (`./msgs/*`, `./ros2/msgs/*`): a few of the packages behind it.
          key.endsWith("/*")
            ? ["std_msgs", "sensor_msgs", "geometry_msgs"].map(
                (p) => `${name}/${key.slice(2, -1)}${p}`,
              )
            : [key === "." ? name : `${name}/${key.slice(2)}`],
        );
    }
    expect(entries.noros).toEqual(
      expect.arrayContaining([
        "noros",
        "noros/msgs",
        "noros/msgs/register",
        "noros/msgs/sensor_msgs",
        "noros/ros2/msgs",
        "noros/ros2/msgs/register",
        "noros/ros2/msgs/sensor_msgs",
        "noros/support",
      ]),
    );
    expect(entries["noros-gen"]).toEqual(["noros-gen", "noros-gen/tools"]);
    // Every entry loads, from ESM and from CommonJS.
    const all = [...entries.noros!, ...entries["noros-gen"]!];
    const loaded = run(process.execPath, [
      "--input-type=module",
      "-e",
      `for (const e of ${JSON.stringify(all)}) { const m = await import(e); if (Object.keys(m).length === 0 && !e.endsWith("register")) throw new Error(e + ": no exports"); }
       const { createRequire } = await import("node:module");
       const require = createRequire(process.cwd() + "/");
       for (const e of ${JSON.stringify(entries.noros)}) require(e);
       console.log("ok");`,
    ]);
    expect(loaded.trim()).toBe("ok");

    // One consumer file importing every runtime entry, type-checked under each resolution mode,
    // with only the ES2022 library (no DOM, no Node types) and skipLibCheck off.
    const body = entries
      .noros!.map((e, i) => `import * as m${i} from "${e}";`)
      .concat([`export const all = [${entries.noros!.map((_, i) => `m${i}`).join(", ")}];`])
      .join("\n");
    const check = (file: string, module: string, moduleResolution: string) => {
      writeFileSync(path.join(project, file), body + "\n");
      return run(process.execPath, [
        tsc,
        "-p",
        consumerConfig(file, { module, moduleResolution }, { files: [file] }),
      ]);
    };
    for (const [file, module, resolution] of [
      ["esm16.mts", "node16", "node16"],
      ["cjs16.cts", "node16", "node16"],
      ["esmnext.mts", "nodenext", "nodenext"],
      ["cjsnext.cts", "nodenext", "nodenext"],
      ["bundler.ts", "esnext", "bundler"],
    ] as const) {
      expect(check(file, module, resolution)).toBe("");
    }
    // The generator and tools as libraries (Node programs: Node's types).
    writeFileSync(
      path.join(project, "gen.mts"),
      `import { generate, writeOutput } from "noros-gen";
import { openMessageSource, startPlayServer, record } from "noros-gen/tools";
export const all = [generate, writeOutput, openMessageSource, startPlayServer, record];
`,
    );
    // ts-morph's and ws-protocol's own declarations need more than ES2022: skipLibCheck here.
    const genConfig = consumerConfig(
      "gen",
      { types: ["node"], skipLibCheck: true },
      { files: ["gen.mts"] },
    );
    expect(run(process.execPath, [tsc, "-p", genConfig])).toBe("");
  }, 120_000);

  it("work from CommonJS through require()", () => {
    const out = run(process.execPath, [
      "-e",
      `const { RosClient, compileCodec } = require("noros");
       const { sensor_msgs } = require("noros/msgs");
       const codec = compileCodec("a/B", "int32 x");
       console.log(typeof RosClient, codec.decode(new Uint8Array([7, 0, 0, 0])).x, sensor_msgs.ImuCodec.md5sum);`,
    ]);
    expect(out.trim()).toBe("function 7 6a62c6daae103f4ff57a132d6f95cec2");
  });
});
