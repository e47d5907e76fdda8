/**
 * Micro-benchmark of TfBuffer lookups: a chain of 5 dynamic links (map -> odom -> base_link ->
 * torso -> arm -> tool), each with 10 s of samples at 100 Hz, asked at times between samples so
 * every link interpolates (lerp + slerp). Reports lookups per second (median over samples of 1000).
 *
 * tinybench is ESM-only, hence the dynamic import from this CommonJS package.
 */
import { TfBuffer, type TransformStampedInput } from "../runtime/tf/index.js";

/** One measured task. */
export interface TfBenchTask {
  name: string;
  lookupsPerSec: number;
  /** Median time of one lookup, in nanoseconds (the same median as lookupsPerSec). */
  medianNs: number;
  /** Relative margin of error of the throughput, in percent. */
  rmePercent: number;
  samples: number;
}

const FRAMES = ["map", "odom", "base_link", "torso", "arm", "tool"];
const T0 = 1_700_000_000;
const RATE_HZ = 100;
const SECONDS = 10;
/** Lookups per benchmark iteration: one lookup is too short for the timer alone. */
const BATCH = 1000;

function chainBuffer(): TfBuffer {
  const buffer = new TfBuffer({ cacheTimeSec: SECONDS + 1, onWarning: () => {} });
  for (let k = 0; k <= RATE_HZ * SECONDS; k++) {
    const ns = Math.round((k * 1e9) / RATE_HZ);
    for (let i = 0; i + 1 < FRAMES.length; i++) {
      const a = 0.001 * k + i;
      const t: TransformStampedInput = {
        header: { stamp: { sec: T0 + Math.floor(ns / 1e9), nsec: ns % 1e9 }, frame_id: FRAMES[i]! },
        child_frame_id: FRAMES[i + 1]!,
        transform: {
          translation: { x: Math.cos(a), y: Math.sin(a), z: 0.1 * i },
          rotation: { x: 0, y: Math.sin(a / 4), z: 0, w: Math.cos(a / 4) },
        },
      };
      buffer.setTransform(t);
    }
  }
  return buffer;
}

export interface TfBenchResult {
  /** Interpolated lookups per second through the 5-link chain (the headline figure). */
  lookupsPerSec: number;
  tasks: TfBenchTask[];
}

/** `quick`: a short run (0.2 s per task instead of `timeMs`, default 1 s). */
export async function benchTfLookups(
  options: { quick?: boolean; timeMs?: number } = {},
): Promise<TfBenchResult> {
  const { Bench } = await import("tinybench");
  const buffer = chainBuffer();
  // Times strictly between samples (offset by a third of a period), spread over the 10 s.
  const times = Array.from({ length: BATCH }, (_, i) => {
    const ns = Math.round(((i * 7919) % (RATE_HZ * SECONDS)) * (1e9 / RATE_HZ) + 1e9 / RATE_HZ / 3);
    return { sec: T0 + Math.floor(ns / 1e9), nsec: ns % 1e9 };
  });
  let sink = 0;
  const bench = new Bench({ time: options.quick === true ? 200 : (options.timeMs ?? 1000) });
  bench
    .add("tf lookupTransform, 5-link chain, interpolated", () => {
      for (const t of times)
        sink += buffer.lookupTransform("tool", "map", t).transform.translation.x;
    })
    .add("tf lookupTransform, 5-link chain, latest common time", () => {
      for (let i = 0; i < BATCH; i++)
        sink += buffer.lookupTransform("tool", "map").transform.rotation.w;
    })
    .add("tf canTransform, 5-link chain", () => {
      for (const t of times) sink += buffer.canTransform("tool", "map", t) ? 1 : 0;
    });
  await bench.run();
  if (Number.isNaN(sink)) throw new Error("benchTfLookups: lookups produced NaN");
  const tasks = bench.tasks.map((task): TfBenchTask => {
    const r = task.result;
    if (r.state !== "completed") {
      throw new Error(
        `benchTfLookups: ${task.name} ${r.state === "errored" ? String(r.error) : r.state}`,
      );
    }
    return {
      name: task.name,
      lookupsPerSec: (BATCH * 1000) / r.latency.p50,
      medianNs: (r.latency.p50 * 1e6) / BATCH,
      rmePercent: r.throughput.rme,
      samples: r.latency.samplesCount,
    };
  });
  return { lookupsPerSec: tasks[0]!.lookupsPerSec, tasks };
}
