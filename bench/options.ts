/** Command-line options of `npm run bench` (`node dist/bench/run.js [options]`). */
import type { HarnessOptions } from "./harness.js";

export interface BenchOptions {
  /** Run only tasks whose id (`case/op/impl`, `generation`, `tf-lookups`, `bridge-relay`) contains this. */
  only?: string;
  quick: boolean;
  /** Run the floors of the selected tasks too (off with --no-floors, e.g. when profiling). */
  floors: boolean;
  /** Where the machine-readable results go. */
  json: string;
  /** Also write the ratio table as Markdown here. */
  markdown?: string;
  harness: HarnessOptions;
  /** noros-gen runs for the generation figure. */
  generationRuns: number;
}

export const USAGE = `usage: node dist/bench/run.js [options]
  --only <text>   run only tasks whose id contains <text>; ids are case/op/impl
                  (e.g. tf50, tf50/decode, tf50/decode/noros, pointcloud640x480/encode),
                  "generation", "tf-lookups" and "bridge-relay" (noros bridge; needs roscore)
  --quick         short budgets (CI smoke run): 100 ms per task, 2 generation runs
  --time <ms>     sample budget per task (default 300; 100 with --quick); raise it
                  when profiling one task with --cpu-prof
  --no-floors     do not add the floors of the selected tasks (for a clean --cpu-prof)
  --json <file>   machine-readable results (default bench/results/latest.json)
  --md <file>     also write the ratio table as Markdown
  --vm-defaults   keep V8's allocation-site pretenuring on (see bench/vm-flags.ts)
  --help          this text`;

export function parseOptions(argv: readonly string[], defaultJson: string): BenchOptions {
  let only: string | undefined;
  let quick = false;
  let floors = true;
  let json = defaultJson;
  let markdown: string | undefined;
  let time: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    switch (arg) {
      case "--only":
        only = value();
        break;
      case "--quick":
        quick = true;
        break;
      case "--no-floors":
        floors = false;
        break;
      case "--json":
        json = value();
        break;
      case "--md":
        markdown = value();
        break;
      case "--time": {
        const v = value();
        time = Number(v);
        if (!Number.isFinite(time) || time <= 0) throw new Error(`--time: not a duration: ${v}`);
        break;
      }
      case "--vm-defaults": // read by vm-flags.ts before anything else runs
        break;
      case "--help":
      case "-h":
        throw new UsageRequest();
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  const budget = time ?? (quick ? 100 : 300);
  return {
    ...(only === undefined ? {} : { only }),
    quick,
    floors,
    json,
    ...(markdown === undefined ? {} : { markdown }),
    harness: {
      time: budget,
      minSamples: quick ? 5 : 10,
      warmupTime: Math.max(30, budget / 3),
      sampleMs: quick ? 0.5 : 1,
      rounds: quick ? 2 : 3,
    },
    generationRuns: quick ? 2 : 5,
  };
}

/** `--help`: print the usage and exit successfully. */
export class UsageRequest extends Error {
  constructor() {
    super(USAGE);
  }
}
