/**
 * Generation cost: `noros-gen` over the whole standard set, each run a fresh `node` process (cold:
 * module loading, parsing and emitting included), with the inputs of package.json's
 * `generate:std` script (the definitions committed in generator/std-msgs and std-extra); and the size of the generated code, source and compiled.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";

export interface GenerationResult {
  command: string;
  runs: number;
  /** Wall time of each run (process spawn to exit), milliseconds. */
  wallMs: number[];
  medianMs: number;
  /** What the tool printed about itself on the last run. */
  toolReport: string;
  filesWritten: number;
}

export interface SizeEntry {
  files: number;
  bytes: number;
  gzipBytes: number;
}

export interface CodeSize {
  /** generated/*.ts */
  source: SizeEntry;
  /** dist/generated/*.js (no maps, no declarations) */
  compiled: SizeEntry;
}

/** The arguments of `generate:std` after `node bin/noros-gen.js`, with `--out` replaced. */
export function generateStdArgs(repoRoot: string, outDir: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.["generate:std"];
  if (script === undefined) throw new Error('package.json has no "generate:std" script');
  const words = script.trim().split(/\s+/);
  if (words[0] !== "node" || words[1] !== "bin/noros-gen.js") {
    throw new Error(`"generate:std" does not start with "node bin/noros-gen.js": ${script}`);
  }
  const args = words.slice(2);
  // The bench measures the committed definitions (generator/std-msgs...), never what a machine
  // happens to have installed under /usr/share.
  for (const input of args.slice(
    0,
    args.findIndex((a) => a.startsWith("--")),
  )) {
    if (path.isAbsolute(input) || !fs.existsSync(path.join(repoRoot, input))) {
      throw new Error(`"generate:std" input ${input} is not a folder of this repository`);
    }
  }
  const out = args.indexOf("--out");
  if (out < 0 || out + 1 >= args.length) throw new Error(`"generate:std" has no --out: ${script}`);
  args[out + 1] = outDir;
  return args;
}

export function measureGeneration(repoRoot: string, runs: number): GenerationResult {
  const wallMs: number[] = [];
  let toolReport = "";
  let filesWritten = 0;
  let command = "";
  for (let i = 0; i < runs; i++) {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "noros-bench-gen-"));
    try {
      const args = ["bin/noros-gen.js", ...generateStdArgs(repoRoot, outDir)];
      command = `node ${args.join(" ")}`;
      const t0 = performance.now();
      const child = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8" });
      wallMs.push(performance.now() - t0);
      if (child.error !== undefined) throw child.error;
      if (child.status !== 0) {
        throw new Error(
          `noros-gen exited with ${String(child.status ?? child.signal)}: ${child.stderr.trim()}`,
        );
      }
      toolReport = `${child.stdout}${child.stderr}`.trim();
      filesWritten = fs.readdirSync(outDir).filter((f) => f.endsWith(".ts")).length;
      if (filesWritten === 0) throw new Error(`noros-gen wrote no .ts file into ${outDir}`);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }
  return { command, runs, wallMs, medianMs: median(wallMs), toolReport, filesWritten };
}

function sizeOf(dir: string, keep: (file: string) => boolean): SizeEntry {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter(keep) : [];
  let bytes = 0;
  let gzipBytes = 0;
  for (const f of files) {
    const content = fs.readFileSync(path.join(dir, f));
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { files: files.length, bytes, gzipBytes };
}

export function measureCodeSize(repoRoot: string): CodeSize {
  return {
    source: sizeOf(path.join(repoRoot, "generated"), (f) => f.endsWith(".ts")),
    compiled: sizeOf(
      path.join(repoRoot, "dist", "generated"),
      (f) => f.endsWith(".js") && !f.endsWith(".d.js"),
    ),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
