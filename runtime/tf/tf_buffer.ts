/**
 * TfBuffer: tf2_ros::Buffer's additions on top of BufferCore (buffer_core.ts): waiting for a
 * transform to become available, time travel through a fixed frame, and applying transforms to
 * points, poses and vectors the way tf2_geometry_msgs does.
 *
 * Browser-safe: no Node APIs (timers and queueMicrotask only).
 */
import type { Time } from "../codec/types.js";
import { TransformError, TransformTimeoutError } from "./errors.js";
import { Transform3 } from "./linear_math.js";
import type {
  PointStamped,
  PointStampedInput,
  PoseStamped,
  PoseStampedInput,
  TransformStamped,
  Vector3Stamped,
  Vector3StampedInput,
} from "./messages.js";
import {
  BufferCore,
  makeTransformStamped,
  stripSlash,
  type TfBufferOptions,
} from "./buffer_core.js";
import { formatFixed9, timeToSec } from "./time.js";

export {
  DEFAULT_CACHE_TIME_SEC,
  type TfBufferOptions,
  type TfWarning,
  type TfWarningCode,
} from "./buffer_core.js";

export interface WaitOptions {
  /** Reject with TransformTimeoutError after this long. Default: wait without a time limit. */
  timeoutMs?: number;
  /** Reject with the signal's reason when it aborts. */
  signal?: AbortSignal;
}

interface Waiter {
  target: string;
  source: string;
  time: Time;
  resolve(t: TransformStamped): void;
  reject(e: unknown): void;
  dispose(): void;
}

function toTransform3(tf: TransformStamped): Transform3 {
  const { translation: v, rotation: q } = tf.transform;
  return Transform3.fromQuaternion(q.x, q.y, q.z, q.w, v.x, v.y, v.z);
}

export class TfBuffer extends BufferCore {
  private readonly waiters = new Set<Waiter>();
  private waitCheckScheduled = false;

  constructor(options: TfBufferOptions = {}) {
    super(options);
  }

  protected override transformsStored(): void {
    if (this.waiters.size > 0) this.scheduleWaitCheck();
  }

  // --- waiting --------------------------------------------------------------------------------

  /**
   * Resolves with the transform once `canTransform` holds (checked whenever transforms arrive);
   * rejects with TransformTimeoutError after `timeoutMs`, or when `signal` aborts.
   */
  waitForTransform(
    targetFrame: string,
    sourceFrame: string,
    time?: Time,
    options: WaitOptions = {},
  ): Promise<TransformStamped> {
    let t: Time;
    try {
      t = this.checkTime(time, "waitForTransform", targetFrame, sourceFrame);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.canTransform(targetFrame, sourceFrame, t)) {
      try {
        return Promise.resolve(this.lookupTransform(targetFrame, sourceFrame, t));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const { timeoutMs, signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<TransformStamped>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        waiter.dispose();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        target: targetFrame,
        source: sourceFrame,
        time: t,
        resolve,
        reject,
        dispose: () => {
          this.waiters.delete(waiter);
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      this.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        timer = setTimeout(
          () => {
            waiter.dispose();
            reject(this.timeoutError(targetFrame, sourceFrame, t, timeoutMs));
          },
          Math.max(0, timeoutMs),
        );
      }
    });
  }

  private timeoutError(
    target: string,
    source: string,
    t: Time,
    timeoutMs: number,
  ): TransformTimeoutError {
    let last: TransformError | undefined;
    try {
      this.lookupTransform(target, source, t);
    } catch (e) {
      if (e instanceof TransformError) last = e;
    }
    const when =
      t.sec === 0 && t.nsec === 0
        ? "the latest common time"
        : `time ${formatFixed9(timeToSec(t.sec, t.nsec))}`;
    const query = { targetFrame: stripSlash(target), sourceFrame: stripSlash(source), time: t };
    return new TransformTimeoutError(
      `Timed out after ${timeoutMs} ms waiting for the transform from frame [${query.sourceFrame}] to frame [${query.targetFrame}] at ${when}${last ? `: ${last.message}` : ""}`,
      query,
      last,
    );
  }

  private scheduleWaitCheck(): void {
    if (this.waitCheckScheduled) return;
    this.waitCheckScheduled = true;
    // One check after a burst of setTransform calls, not one per transform.
    queueMicrotask(() => {
      this.waitCheckScheduled = false;
      for (const w of [...this.waiters]) {
        if (!this.canTransform(w.target, w.source, w.time)) continue;
        w.dispose();
        try {
          w.resolve(this.lookupTransform(w.target, w.source, w.time));
        } catch (e) {
          w.reject(e);
        }
      }
    });
  }

  // --- time travel ----------------------------------------------------------------------------

  /**
   * Time travel (tf2's lookupTransform with a fixed frame): data stamped `sourceTime` in
   * `sourceFrame`, into `targetFrame` as it was at `targetTime`, assuming `fixedFrame` does not
   * move over time (typically "map" or "odom"). As tf2: source -> fixed at sourceTime, then
   * fixed -> target at targetTime; the result carries the second lookup's stamp.
   */
  lookupTransformFull(
    targetFrame: string,
    targetTime: Time,
    sourceFrame: string,
    sourceTime: Time,
    fixedFrame: string,
  ): TransformStamped {
    const tt = this.checkTime(targetTime, "lookupTransform", targetFrame, sourceFrame);
    const st = this.checkTime(sourceTime, "lookupTransform", targetFrame, sourceFrame);
    const target = stripSlash(targetFrame);
    const source = stripSlash(sourceFrame);
    const fixed = stripSlash(fixedFrame);
    const query = { targetFrame: target, sourceFrame: source, time: tt };
    this.validateFrameId("lookupTransform argument target_frame", target, query);
    this.validateFrameId("lookupTransform argument source_frame", source, query);
    this.validateFrameId("lookupTransform argument fixed_frame", fixed, query);
    const sourceToFixed = this.lookupTransform(fixed, source, st);
    const fixedToTarget = this.lookupTransform(target, fixed, tt);
    const m = toTransform3(fixedToTarget).multiply(toTransform3(sourceToFixed));
    const [qx, qy, qz, qw] = m.rotation();
    return makeTransformStamped(
      target,
      source,
      fixedToTarget.header.stamp,
      m.origin[0]!,
      m.origin[1]!,
      m.origin[2]!,
      qx,
      qy,
      qz,
      qw,
    );
  }

  /** Whether `lookupTransformFull` would succeed (never throws). */
  canTransformFull(
    targetFrame: string,
    targetTime: Time,
    sourceFrame: string,
    sourceTime: Time,
    fixedFrame: string,
  ): boolean {
    // tf2 checks that all three frames exist before it walks (so also for equal frame ids).
    if (![targetFrame, sourceFrame, fixedFrame].every((f) => this.frameExists(f))) return false;
    return (
      this.canTransform(targetFrame, fixedFrame, targetTime) &&
      this.canTransform(fixedFrame, sourceFrame, sourceTime)
    );
  }

  // --- applying -------------------------------------------------------------------------------

  /** A point in another frame, at its own stamp (tf2_geometry_msgs' doTransform). */
  transformPoint(point: PointStampedInput, targetFrame: string): PointStamped {
    const tf = this.lookupTransform(targetFrame, point.header.frame_id, point.header.stamp);
    const [x, y, z] = toTransform3(tf).apply(point.point.x, point.point.y, point.point.z);
    return { header: { ...tf.header }, point: { x, y, z } };
  }

  /** A pose in another frame, at its own stamp (tf2_geometry_msgs' doTransform). */
  transformPose(pose: PoseStampedInput, targetFrame: string): PoseStamped {
    const tf = this.lookupTransform(targetFrame, pose.header.frame_id, pose.header.stamp);
    const { position: p, orientation: o } = pose.pose;
    const out = toTransform3(tf).multiply(
      Transform3.fromQuaternion(o.x, o.y, o.z, o.w, p.x, p.y, p.z),
    );
    const [qx, qy, qz, qw] = out.rotation();
    return {
      header: { ...tf.header },
      pose: {
        position: { x: out.origin[0]!, y: out.origin[1]!, z: out.origin[2]! },
        orientation: { x: qx, y: qy, z: qz, w: qw },
      },
    };
  }

  /** A free vector (a direction: rotated, not translated) in another frame, at its stamp. */
  transformVector(vector: Vector3StampedInput, targetFrame: string): Vector3Stamped {
    const tf = this.lookupTransform(targetFrame, vector.header.frame_id, vector.header.stamp);
    const [x, y, z] = toTransform3(tf).rotate(vector.vector.x, vector.vector.y, vector.vector.z);
    return { header: { ...tf.header }, vector: { x, y, z } };
  }
}
