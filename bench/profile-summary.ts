/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * and for the hottest of them the source lines their samples fell on. Usage:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/run.js --only tf50/decode/noros --time 3000
 *   node dist/bench/profile-summary.js /tmp/prof/<file>.cpuprofile [--top 25] [--lines 5]
 *
 * Line numbers are those of the JavaScript that ran (dist/..., or the `new Function` source of a
 * compiled codec), 1-based.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionCost {
  name: string;
  /** `file:line` of the function's definition (1-based). */
  location: string;
  selfMs: number;
  selfPercent: number;
  /** Hottest lines inside the function: line (1-based) and share of its self samples. */
  lines: { line: number; percent: number }[];
}

function shortUrl(url: string): string {
  if (url === "") return "";
  const file = url.startsWith("file://") ? new URL(url).pathname : url;
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

/** Self time per function (all nodes of one function merged), most expensive first. */
export function summarizeProfile(profile: CpuProfile): {
  totalMs: number;
  functions: FunctionCost[];
} {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the delta to the next one (V8 records the delta before each sample).
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, dt));
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const merged = new Map<
    string,
    { name: string; location: string; us: number; ticks: Map<number, number> }
  >();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === "" ? "(anonymous)" : functionName;
    const location = url === "" ? "" : `${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${name}@${location}`;
    const entry = merged.get(key) ?? { name, location, us: 0, ticks: new Map<number, number>() };
    entry.us += selfUs.get(node.id) ?? 0;
    for (const t of node.positionTicks ?? []) {
      entry.ticks.set(t.line, (entry.ticks.get(t.line) ?? 0) + t.ticks);
    }
    merged.set(key, entry);
  }
  const functions = [...merged.values()]
    .filter((e) => e.us > 0)
    .sort((a, b) => b.us - a.us)
    .map((e) => {
      const ticks = [...e.ticks.entries()].sort((a, b) => b[1] - a[1]);
      const all = ticks.reduce((s, [, n]) => s + n, 0);
      return {
        name: e.name,
        location: e.location,
        selfMs: e.us / 1000,
        selfPercent: totalUs === 0 ? 0 : (100 * e.us) / totalUs,
        lines: ticks.map(([line, n]) => ({ line, percent: (100 * n) / all })),
      };
    });
  return { totalMs: totalUs / 1000, functions };
}

function main(argv: readonly string[]): number {
  const files: string[] = [];
  let top = 25;
  let lines = 4;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--top") top = Number(argv[++i]);
    else if (a === "--lines") lines = Number(argv[++i]);
    else files.push(a);
  }
  if (files.length === 0) {
    console.error(
      "usage: node dist/bench/profile-summary.js <file.cpuprofile> [--top N] [--lines N]",
    );
    return 2;
  }
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    const { totalMs, functions } = summarizeProfile(profile);
    console.log(`${file}: ${totalMs.toFixed(0)} ms sampled`);
    console.log("  self%   self ms  function  (location; hottest lines: line share-of-function)");
    for (const f of functions.slice(0, top)) {
      const hot = f.lines
        .slice(0, lines)
        .map((l) => `${l.line} ${l.percent.toFixed(0)}%`)
        .join(", ");
      console.log(
        `  ${f.selfPercent.toFixed(1).padStart(5)}  ${f.selfMs.toFixed(1).padStart(8)}  ${f.name}` +
          `${f.location === "" ? "" : `  (${f.location}${hot === "" ? "" : `; ${hot}`})`}`,
      );
    }
  }
  return 0;
}

// Run as a script (the module is ESM: `require.main` does not exist here).
if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  process.exitCode = main(process.argv.slice(2));
}
