#!/usr/bin/env node
// Assembles the two packages users install from the build in dist/ (run `npm run build` first):
//   dist/packages/noros      the runtime: codecs, standard messages, RosClient, TF (depends on ws)
//   dist/packages/noros-gen  the generator and the `noros` command (ts-morph, yargs, readers...)
// Each gets its package.json from packaging/<name>/package.json, with the version of the
// repository's package.json and dependency ranges taken from it (so they never drift), and only
// compiled JavaScript and declarations: no sources, no source maps, no tests, no bench.
// `--pack` also runs `npm pack` on each, leaving noros-<version>.tgz and noros-gen-<version>.tgz
// in dist/packages/ (or in the folder given with `--out DIR`).
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const dist = path.join(root, "dist");
const outFlag = process.argv.indexOf("--out");
const out = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(dist, "packages");
const repo = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const ranges = { ...repo.devDependencies, ...repo.dependencies };

const PACKAGES = {
  noros: { dirs: ["runtime", "generated", "generated-ros2"], bin: false, cjsTypes: true },
  // generated-ros2: `noros play` serves the standard ROS 2 definitions where a recording has none.
  "noros-gen": {
    dirs: ["runtime", "generated", "generated-ros2", "generator", "tools"],
    bin: true,
    cjsTypes: false,
  },
};

function fill(deps, name) {
  const filled = {};
  for (const dep of Object.keys(deps ?? {}).sort()) {
    if (dep === "noros")
      filled[dep] = repo.version; // the generator's output needs this runtime
    else if (ranges[dep] !== undefined) filled[dep] = ranges[dep];
    else
      throw new Error(
        `packaging/${name}/package.json: ${dep} is not a dependency of the repository`,
      );
  }
  return filled;
}

/**
 * Copies *.js and *.d.ts below `from` (the compiled code and its declarations). With `cjsTypes`,
 * each declaration also gets a CommonJS twin (.d.cts, relative specifiers ending in .cjs): the
 * `require` condition's types, so that CommonJS consumers type-check under `moduleResolution`
 * node16 too, which refuses to `require` an ES module's declarations. At run time `require`
 * loads the same ES modules (Node 20.19+ requires ES modules), so there is one copy of the code.
 */
function copyCompiled(from, to, cjsTypes) {
  for (const entry of readdirSync(from)) {
    const source = path.join(from, entry);
    if (statSync(source).isDirectory()) copyCompiled(source, path.join(to, entry), cjsTypes);
    else if (entry.endsWith(".js") || entry.endsWith(".d.ts")) {
      mkdirSync(to, { recursive: true });
      cpSync(source, path.join(to, entry));
      if (cjsTypes && entry.endsWith(".d.ts")) {
        const text = readFileSync(source, "utf8").replace(
          /((?:from|import|declare module)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\.js\2/g,
          "$1$2$3.cjs$2",
        );
        writeFileSync(path.join(to, entry.replace(/\.d\.ts$/, ".d.cts")), text);
      }
    }
  }
}

rmSync(out, { recursive: true, force: true });
for (const [name, { dirs, bin, cjsTypes }] of Object.entries(PACKAGES)) {
  const template = JSON.parse(
    readFileSync(path.join(root, "packaging", name, "package.json"), "utf8"),
  );
  const dir = path.join(out, name);
  const manifest = {
    name: template.name,
    version: repo.version,
    ...template,
    ...(template.dependencies ? { dependencies: fill(template.dependencies, name) } : {}),
    ...(template.peerDependencies
      ? { peerDependencies: fill(template.peerDependencies, name) }
      : {}),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  cpSync(path.join(root, "packaging", name, "README.md"), path.join(dir, "README.md"));
  cpSync(path.join(root, "LICENSE"), path.join(dir, "LICENSE"));
  for (const d of dirs) copyCompiled(path.join(dist, d), path.join(dir, "dist", d), cjsTypes);
  if (bin) {
    for (const f of ["noros-gen.js", "noros.js"]) {
      mkdirSync(path.join(dir, "bin"), { recursive: true });
      cpSync(path.join(root, "bin", f), path.join(dir, "bin", f));
    }
  }
  if (process.argv.includes("--pack")) {
    const file = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
      cwd: dir,
      encoding: "utf8",
    }).trim();
    const size = statSync(path.join(out, file)).size;
    console.log(
      `${name}: ${path.relative(root, path.join(out, file))} (${(size / 1024).toFixed(0)} KiB)`,
    );
  } else console.log(`${name}: ${path.relative(root, dir)}`);
}
