/**
 * Replays a tf2 ground-truth file (scripts/tf_ground_truth.py) into a TfBuffer and compares
 * every answer with tf2's: same success or same exception class and message, the same stamp,
 * and numbers within a tolerance.
 */
import { readFileSync } from "node:fs";
import { TfBuffer, TransformError, type TfWarning } from "../../runtime/tf/index.js";

type JsonFloat = number | { $float: "NaN" | "Infinity" | "-Infinity" };
/** [static, frame_id, child_frame_id, sec, nsec, tx, ty, tz, qx, qy, qz, qw] */
type FedRow = [0 | 1, string, string, number, number, ...JsonFloat[]];
/** [sec, nsec, tx, ty, tz, qx, qy, qz, qw] or [ExceptionClassName, message] */
type Result = JsonFloat[] | [string, string];

interface Query {
  target: string;
  source: string;
  time: [number, number];
  /** Present for a fixed-frame lookup: `source` at `time`, `target` at `targetTime`. */
  fixed?: string;
  targetTime?: [number, number];
  can: boolean;
  result: Result;
  stripped?: { can: boolean; result: Result };
}

export interface GroundTruth {
  source: string;
  tf2: string;
  cacheTimeSec: number;
  transforms: FedRow[];
  /** `clear`: BufferCore.clear() was called before these queries. */
  checkpoints: { after: number; clear?: boolean; queries: Query[] }[];
}

export function loadGroundTruth(file: string): GroundTruth {
  return JSON.parse(readFileSync(file, "utf8")) as GroundTruth;
}

function num(v: JsonFloat | undefined): number {
  if (typeof v === "number") return v;
  if (v === undefined) throw new Error("ground truth: missing number");
  return v.$float === "NaN" ? NaN : v.$float === "Infinity" ? Infinity : -Infinity;
}

export interface ReplayReport {
  queries: number;
  /** Per outcome ("ok" or tf2's exception class): how many queries had it. */
  outcomes: Record<string, number>;
  /** Queries whose frame ids started with '/', answered like tf2 answers the stripped ids. */
  slashed: number;
  /** Fixed-frame (time travel) lookups among the queries. */
  full: number;
  /** Largest absolute difference over all numbers of all successful lookups. */
  maxAbsDiff: number;
  /** Successful lookups whose seven numbers were bit-identical to tf2's. */
  identical: number;
  /** Human-readable disagreements (empty when the buffer agrees with tf2 everywhere). */
  mismatches: string[];
  warnings: TfWarning[];
}

function timeText(t: [number, number]): string {
  return `${t[0]}.${String(t[1]).padStart(9, "0")}`;
}

function describe(q: Query): string {
  if (q.fixed !== undefined && q.targetTime !== undefined) {
    return `lookupTransformFull(${JSON.stringify(q.target)}, ${timeText(q.targetTime)}, ${JSON.stringify(q.source)}, ${timeText(q.time)}, ${JSON.stringify(q.fixed)})`;
  }
  return `lookupTransform(${JSON.stringify(q.target)}, ${JSON.stringify(q.source)}, ${timeText(q.time)})`;
}

export function replay(truth: GroundTruth, tolerance: number): ReplayReport {
  const warnings: TfWarning[] = [];
  const buffer = new TfBuffer({
    cacheTimeSec: truth.cacheTimeSec,
    onWarning: (w) => warnings.push(w),
  });
  const report: ReplayReport = {
    queries: 0,
    outcomes: {},
    slashed: 0,
    full: 0,
    maxAbsDiff: 0,
    identical: 0,
    mismatches: [],
    warnings,
  };
  const fail = (q: Query, what: string): void => {
    if (report.mismatches.length < 30) report.mismatches.push(`${describe(q)}: ${what}`);
    else if (report.mismatches.length === 30) report.mismatches.push("... (more)");
  };
  let fed = 0;
  for (const checkpoint of truth.checkpoints) {
    for (; fed < checkpoint.after; fed++) {
      const row = truth.transforms[fed]!;
      const [isStatic, frameId, childFrameId, sec, nsec] = row;
      const v = row.slice(5).map((x) => num(x as JsonFloat));
      buffer.setTransform(
        {
          header: { stamp: { sec, nsec }, frame_id: frameId },
          child_frame_id: childFrameId,
          transform: {
            translation: { x: v[0]!, y: v[1]!, z: v[2]! },
            rotation: { x: v[3]!, y: v[4]!, z: v[5]!, w: v[6]! },
          },
        },
        "tf_ground_truth",
        isStatic === 1,
      );
    }
    if (checkpoint.clear === true) buffer.clear();
    for (const q of checkpoint.queries) {
      report.queries += 1;
      let expected = q.result;
      let expectedCan = q.can;
      if (q.stripped !== undefined) {
        // tf2 itself rejects a leading '/' in a query; noros strips it (see TfBuffer).
        // (tf2 answers InvalidArgumentException, unless it decided earlier: equal ids give the
        // identity, an unknown target frame is reported first.)
        report.slashed += 1;
        expected = q.stripped.result;
        expectedCan = q.stripped.can;
      }
      const time = { sec: q.time[0], nsec: q.time[1] };
      const fixed = q.fixed;
      const targetTime = q.targetTime && { sec: q.targetTime[0], nsec: q.targetTime[1] };
      const full = fixed !== undefined && targetTime !== undefined;
      if (full) report.full += 1;
      const can = full
        ? buffer.canTransformFull(q.target, targetTime, q.source, time, fixed)
        : buffer.canTransform(q.target, q.source, time);
      if (can !== expectedCan) fail(q, `canTransform ${can}, tf2 ${expectedCan}`);
      let ours: ReturnType<TfBuffer["lookupTransform"]> | TransformError;
      try {
        ours = full
          ? buffer.lookupTransformFull(q.target, targetTime, q.source, time, fixed)
          : buffer.lookupTransform(q.target, q.source, time);
      } catch (e) {
        if (!(e instanceof TransformError)) throw e;
        ours = e;
      }
      const expectedKind = typeof expected[0] === "string" ? expected[0] : "ok";
      report.outcomes[expectedKind] = (report.outcomes[expectedKind] ?? 0) + 1;
      if (expectedKind !== "ok") {
        if (!(ours instanceof TransformError)) {
          fail(q, `succeeded, tf2 threw ${expectedKind}: ${String(expected[1])}`);
        } else if (ours.tf2Name !== expectedKind || ours.message !== expected[1]) {
          fail(
            q,
            `threw ${ours.tf2Name}: ${JSON.stringify(ours.message)}\n  tf2 ${expectedKind}: ${JSON.stringify(expected[1])}`,
          );
        }
        continue;
      }
      if (ours instanceof TransformError) {
        fail(q, `threw ${ours.tf2Name}: ${ours.message}; tf2 succeeded`);
        continue;
      }
      const want = (expected as JsonFloat[]).map(num);
      const got = [
        ours.header.stamp.sec,
        ours.header.stamp.nsec,
        ours.transform.translation.x,
        ours.transform.translation.y,
        ours.transform.translation.z,
        ours.transform.rotation.x,
        ours.transform.rotation.y,
        ours.transform.rotation.z,
        ours.transform.rotation.w,
      ];
      const frameOk =
        ours.header.frame_id === q.target.replace(/^\//, "") &&
        ours.child_frame_id === q.source.replace(/^\//, "");
      if (!frameOk) fail(q, `frames ${ours.header.frame_id} <- ${ours.child_frame_id}`);
      if (got[0] !== want[0] || got[1] !== want[1]) {
        fail(q, `stamp ${got[0]}.${got[1]}, tf2 ${want[0]}.${want[1]}`);
      }
      let identical = true;
      for (let i = 2; i < 9; i++) {
        const d = Math.abs(got[i]! - want[i]!);
        if (!Object.is(got[i], want[i])) identical = false;
        if (!(d <= tolerance)) fail(q, `value ${i - 2}: ${got[i]} vs tf2 ${want[i]} (|diff| ${d})`);
        if (d > report.maxAbsDiff) report.maxAbsDiff = d;
      }
      if (identical) report.identical += 1;
    }
  }
  return report;
}
