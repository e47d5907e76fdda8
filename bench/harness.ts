/**
 * One measurement = tinybench tasks: warm-up, then samples until both the time budget and the
 * minimum sample count are met; we report the median. Operations far below a microsecond cannot
 * be timed one call at a time (a timer read costs tens of nanoseconds), so each sample runs a
 * batch of calls sized to take about `sampleMs`, and reports the mean per call of that batch
 * (tinybench's `overriddenDuration`); the median is then taken over batch means.
 * Allocation-heavy operations thus have part of their garbage collection in the median, as they
 * would in a program decoding a stream of messages.
 */
import { performance } from "node:perf_hooks";
import * as v8 from "node:v8";
import * as vm from "node:vm";

/**
 * A full garbage collection, run between tasks (never inside a timing): a task then starts
 * without the previous task's garbage, whose collection (for the payload messages, tens of MB of
 * freed buffers) would otherwise be charged to whichever task runs next.
 */
v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;

export interface HarnessOptions {
  /** tinybench `time`: milliseconds of samples per task (after warm-up). */
  time: number;
  /** tinybench `iterations`: the least number of samples per task. */
  minSamples: number;
  warmupTime: number;
  /** Target duration of one sample (one batch of calls), milliseconds. */
  sampleMs: number;
  /** Interleaved rounds per group of compared tasks (see `measureGroup`). */
  rounds: number;
}

export interface Measurement {
  /** Median time per call, nanoseconds. */
  medianNs: number;
  meanNs: number;
  /** Relative margin of error of the mean, percent. */
  rme: number;
  samples: number;
  /** Calls per sample. */
  batch: number;
}

type Tinybench = typeof import("tinybench");
let tinybench: Tinybench | undefined;

/** tinybench is ESM-only: load it once with a dynamic import (kept as is by `nodenext`). */
async function loadTinybench(): Promise<Tinybench> {
  tinybench ??= await import("tinybench");
  return tinybench;
}

/** Results land here so no call can be optimized away as dead code. */
export const sink: { value: unknown } = { value: undefined };

/**
 * A fresh batch loop per task, compiled from source: V8 keeps type feedback per function, and a
 * loop shared by every task would see every operation at one call site (megamorphic) and charge
 * each of them for the others. Each result is stored (so no allocation can be optimized away) and
 * dropped before the next call: only the message being built is alive when the garbage collector
 * runs. Keeping the previous one alive too makes V8's allocation-site pretenuring kick in at
 * random for object-heavy messages (see RESULTS.md), which turns a median into a coin toss.
 */
function batchLoop(op: () => unknown, n: number): () => unknown {
  const make = new Function(
    "op",
    "n",
    "now",
    "sink",
    `return function batch() {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        sink.value = undefined;
        sink.value = op();
      }
      const dt = now() - t0;
      return { overriddenDuration: dt / n, overriddenIterationCost: dt };
    };`,
  ) as (op: () => unknown, n: number, now: () => number, s: typeof sink) => () => unknown;
  return make(op, n, () => performance.now(), sink);
}

/**
 * Calls per batch so that one batch takes about `sampleMs` (at least one call), from the median
 * of single calls: a mean would be dominated by the occasional garbage collection. The operation
 * runs a little first, so that the estimate is not taken from unoptimized code.
 */
function calibrate(op: () => unknown, sampleMs: number): number {
  const budget = Math.max(5, sampleMs * 5);
  for (let t0 = performance.now(), i = 0; i < 3 || performance.now() - t0 < budget; i++) {
    sink.value = op();
  }
  const times: number[] = [];
  for (let t0 = performance.now(); times.length < 5 || performance.now() - t0 < budget;) {
    if (times.length >= 10_000) break;
    const t = performance.now();
    sink.value = op();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const perCall = Math.max(times[times.length >> 1]!, 1e-6);
  return Math.max(1, Math.round(sampleMs / perCall));
}

export interface HarnessTask {
  readonly id: string;
  readonly fn: () => unknown;
}

/**
 * Measures related tasks (one corpus case: noros, the reference, the floors) in interleaved
 * rounds: each round gives every task a share of its time budget, and a task's median is taken
 * over the samples of all rounds. A burst of load from other processes, or a slow garbage
 * collection phase, then lands on all the compared tasks instead of skewing one ratio.
 */
export async function measureGroup(
  tasks: readonly HarnessTask[],
  options: HarnessOptions,
  onDone?: (id: string, m: Measurement) => void,
): Promise<Map<string, Measurement>> {
  const { Bench } = await loadTinybench();
  const rounds = Math.max(1, options.rounds);
  const prepared = tasks.map((t) => {
    const batch = calibrate(t.fn, options.sampleMs);
    return { ...t, batch, loop: batchLoop(t.fn, batch), samples: [] as number[] };
  });
  const n = prepared.length;
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < n; k++) {
      // Each round starts at another task, and every other round runs backwards: a rotation
      // alone keeps each task right after the same other one (encode/writer always ran right
      // after encode/noros, in the allocator and heap state that left).
      const t = prepared[(((r % 2 === 0 ? r + k : r - k) % n) + n) % n]!;
      collectGarbage();
      const bench = new Bench({
        time: options.time / rounds,
        iterations: Math.ceil(options.minSamples / rounds),
        warmup: r === 0,
        warmupTime: options.warmupTime,
        warmupIterations: 2,
        retainSamples: true,
        throws: true,
      });
      bench.add(t.id, t.loop);
      const [task] = bench.runSync();
      const result = task?.result;
      if (result === undefined || result.state !== "completed") {
        const reason =
          result?.state === "errored" ? String(result.error) : (result?.state ?? "none");
        throw new Error(`benchmark task ${t.id} did not complete: ${reason}`);
      }
      const samples = result.latency.samples;
      if (samples === undefined) throw new Error(`benchmark task ${t.id}: no samples retained`);
      t.samples.push(...samples);
    }
  }
  const out = new Map<string, Measurement>();
  for (const t of prepared) {
    const m = statistics(t.samples, t.batch);
    out.set(t.id, m);
    onDone?.(t.id, m);
  }
  return out;
}

/** Median, mean and relative margin of error (95%) of per-call samples in milliseconds. */
function statistics(samplesMs: readonly number[], batch: number): Measurement {
  const ns = samplesMs.map((x) => x * 1e6).sort((a, b) => a - b);
  const n = ns.length;
  const mid = n >> 1;
  const medianNs = n % 2 === 1 ? ns[mid]! : (ns[mid - 1]! + ns[mid]!) / 2;
  const meanNs = ns.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(ns.reduce((a, b) => a + (b - meanNs) ** 2, 0) / (n - 1)) : 0;
  const rme = n > 1 ? (100 * 1.96 * sd) / Math.sqrt(n) / meanNs : 0;
  return { medianNs, meanNs, rme, samples: n, batch };
}
