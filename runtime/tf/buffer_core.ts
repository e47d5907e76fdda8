/**
 * tf2's BufferCore (0.7.6) in TypeScript: the frames, each frame's link to its parent over time,
 * and lookups through the tree. TfBuffer (tf_buffer.ts) adds waiting, time travel and applying
 * transforms to points, poses and vectors, as tf2_ros::Buffer does on top of BufferCore.
 *
 * What it mirrors, and the ground-truth tests (test/tf/) check against real tf2:
 * - The walk: from the source frame up to its root, then from the target frame up to where the
 *   first walk stopped; the path meets at the closest common ancestor. Like tf2, the first walk
 *   goes on above that ancestor (those links cancel out, but must have data at the time).
 * - Time zero means the latest time common to the links on the path (getLatestCommonTime);
 *   static links do not count. Between two samples of a link: linear interpolation of the
 *   translation and slerp of the rotation; at a stored stamp, that sample; a static link holds
 *   at every time. Where a link changed parent between two samples the older sample is used.
 * - The cache keeps each link's samples within `cacheTimeSec` of its newest one; older data and
 *   repeated stamps are ignored (TF_OLD_DATA, TF_REPEATED_DATA).
 * - The first transform of a child frame decides whether its link is static; later ones join
 *   that link whatever their flag (a static link then takes the newest value).
 * - Errors: LookupError (unknown frame, loop), ConnectivityError (different trees),
 *   ExtrapolationError (no data at that time, saying how far), InvalidArgumentError (empty id),
 *   with tf2's messages.
 *
 * One deliberate difference: tf2 strips one leading '/' from the frame ids it is fed but rejects
 * a leading '/' in a query (InvalidArgumentException); here a query's ids are stripped the same
 * way, so "/base_link" and "base_link" are the same frame everywhere.
 */
import type { Time } from "../codec/types.js";
import { InvalidArgumentError, TransformError, type TransformQuery } from "./errors.js";
import type { TFMessageInput, TransformStamped, TransformStampedInput } from "./messages.js";
import { compareStamps, durationFromSec, normalizeTime } from "./time.js";
import {
  emptyMiss,
  emptySample,
  StaticCache,
  TimeCache,
  type CacheMiss,
  type LinkCache,
} from "./time_cache.js";
import {
  connectivityError,
  extrapolationError,
  frameIdError,
  loopError,
} from "./tf2_error_texts.js";
import { TransformAccum, WalkEnding } from "./transform_accum.js";
import {
  insertRejection,
  malformedRejection,
  malformedTransform,
  tf2Rejections,
  type Rejection,
  type TfWarningCode,
} from "./transform_checks.js";

export type { TfWarningCode };

/** tf2's BufferCore::DEFAULT_CACHE_TIME. */
export const DEFAULT_CACHE_TIME_SEC = 10;
/** tf2's MAX_GRAPH_DEPTH: a deeper walk is taken to be a loop. */
const MAX_GRAPH_DEPTH = 1000;

export interface TfWarning {
  code: TfWarningCode;
  message: string;
  authority: string;
  /** The child frame id as given (may be empty or absent for malformed input). */
  childFrameId: string;
}

export interface TfBufferOptions {
  /** How long each link's history reaches back from its newest sample. Default 10 (tf2's). */
  cacheTimeSec?: number;
  /**
   * Told about every transform that was ignored, and why. Default: `console.warn`, once for
   * each code, child frame and authority (a repeating problem does not flood the console).
   */
  onWarning?: (warning: TfWarning) => void;
}

/** The failure of a walk asked without a query (canTransform): no message is built. */
const CANNOT = new TransformError("cannot transform");

/** tf2's stripSlash: one leading '/' goes. */
export function stripSlash(frameId: string): string {
  return frameId.startsWith("/") ? frameId.slice(1) : frameId;
}

function defaultWarningHandler(): (w: TfWarning) => void {
  const seen = new Set<string>();
  return (w) => {
    const key = `${w.code}\u0000${w.childFrameId}\u0000${w.authority}`;
    if (seen.has(key)) return;
    seen.add(key);
    console.warn(`${w.message} (further ${w.code} warnings for this frame are not shown)`);
  };
}

export function makeTransformStamped(
  target: string,
  source: string,
  stamp: Time,
  tx: number,
  ty: number,
  tz: number,
  qx: number,
  qy: number,
  qz: number,
  qw: number,
): TransformStamped {
  return {
    header: { seq: 0, stamp, frame_id: target },
    child_frame_id: source,
    transform: { translation: { x: tx, y: ty, z: tz }, rotation: { x: qx, y: qy, z: qz, w: qw } },
  };
}

export class BufferCore {
  readonly cacheTimeSec: number;
  private readonly cacheSec: number;
  private readonly cacheNsec: number;
  private readonly onWarning: (w: TfWarning) => void;

  /** Frame id -> number; 0 is "NO_PARENT", as in tf2 (numbering decides allFramesAsString order). */
  private readonly frameIds = new Map<string, number>([["NO_PARENT", 0]]);
  private readonly frameNames: string[] = ["NO_PARENT"];
  /** The link of each frame to its parent, by frame number; undefined for roots and unknowns. */
  private readonly links: (LinkCache | undefined)[] = [undefined];

  // Scratch state, reused to keep lookups allocation-free.
  private readonly acc = new TransformAccum();
  private readonly miss: CacheMiss = emptyMiss();
  private readonly sourceMiss: CacheMiss = emptyMiss();
  private readonly scratch = emptySample();
  /** The time of the current walk (the resolved latest common time for time zero). */
  private walkSec = 0;
  private walkNsec = 0;

  constructor(options: TfBufferOptions = {}) {
    const cacheTimeSec = options.cacheTimeSec ?? DEFAULT_CACHE_TIME_SEC;
    if (!(typeof cacheTimeSec === "number" && cacheTimeSec > 0 && cacheTimeSec < 2 ** 31)) {
      throw new RangeError(
        `TfBuffer: cacheTimeSec must be a positive number of seconds, got ${String(cacheTimeSec)}`,
      );
    }
    this.cacheTimeSec = cacheTimeSec;
    const d = durationFromSec(cacheTimeSec);
    this.cacheSec = d.sec;
    this.cacheNsec = d.nsec;
    this.onWarning = options.onWarning ?? defaultWarningHandler();
  }

  // --- feeding --------------------------------------------------------------------------------

  /**
   * Store one transform (what /tf or, with `isStatic`, /tf_static carries). Returns false when
   * tf2 would ignore it; `onWarning` is told why.
   */
  setTransform(
    transform: TransformStampedInput,
    authority = "default_authority",
    isStatic = false,
  ): boolean {
    const ok = this.insert(transform, authority, isStatic);
    if (ok) this.transformsStored();
    return ok;
  }

  /**
   * Store every transform of a tf2_msgs/TFMessage or legacy tf/tfMessage (same shape). Returns
   * how many were stored.
   */
  setTransforms(
    message: TFMessageInput,
    authority = "default_authority",
    isStatic = false,
  ): number {
    const transforms = (message as { transforms?: unknown } | null)?.transforms;
    if (!Array.isArray(transforms)) {
      const message = `TF_INVALID_INPUT: Ignoring message from authority "${authority}" because it has no transforms array`;
      this.warn({ code: "TF_INVALID_INPUT", message }, authority, "");
      return 0;
    }
    let stored = 0;
    for (const t of transforms as readonly TransformStampedInput[]) {
      if (this.insert(t, authority, isStatic)) stored += 1;
    }
    if (stored > 0) this.transformsStored();
    return stored;
  }

  /** Called after a setTransform / setTransforms call stored something (TfBuffer wakes waiters). */
  protected transformsStored(): void {}

  private warn(r: Rejection, authority: string, childFrameId: string): void {
    this.onWarning({ code: r.code, message: r.message, authority, childFrameId });
  }

  /** BufferCore::setTransform: tf2's checks (each failing one reported), then the link. */
  private insert(transform: TransformStampedInput, authority: string, isStatic: boolean): boolean {
    const malformed = malformedTransform(transform);
    if (malformed !== undefined) {
      const child = typeof transform?.child_frame_id === "string" ? transform.child_frame_id : "";
      this.warn(malformedRejection(child, authority, malformed), authority, child);
      return false;
    }
    const child = stripSlash(transform.child_frame_id);
    const parent = stripSlash(transform.header.frame_id);
    const { translation: tr, rotation: rot } = transform.transform;
    const rejections = tf2Rejections(parent, child, tr, rot, authority);
    for (const r of rejections) this.warn(r, authority, child);
    if (rejections.length > 0) return false;

    const stamp = normalizeTime(transform.header.stamp) as Time; // checked by malformedTransform
    const childId = this.frameNumberOrInsert(child);
    let link = this.links[childId];
    if (link === undefined) {
      link = isStatic ? new StaticCache() : new TimeCache(this.cacheSec, this.cacheNsec);
      this.links[childId] = link;
    }
    const sample = this.scratch;
    sample.sec = stamp.sec;
    sample.nsec = stamp.nsec;
    sample.parent = this.frameNumberOrInsert(parent);
    sample.tx = tr.x;
    sample.ty = tr.y;
    sample.tz = tr.z;
    sample.qx = rot.x;
    sample.qy = rot.y;
    sample.qz = rot.z;
    sample.qw = rot.w;
    const rejected = link.insert(sample);
    if (rejected !== undefined) {
      this.warn(
        insertRejection(rejected, child, stamp.sec, stamp.nsec, authority),
        authority,
        child,
      );
      return false;
    }
    return true;
  }

  private frameNumberOrInsert(frame: string): number {
    let id = this.frameIds.get(frame);
    if (id === undefined) {
      id = this.frameNames.length;
      this.frameIds.set(frame, id);
      this.frameNames.push(frame);
      this.links.push(undefined);
    }
    return id;
  }

  /** Forget all dynamic data (tf2's clear(): static links keep their value). */
  clear(): void {
    for (const link of this.links) link?.clear();
  }

  // --- asking ---------------------------------------------------------------------------------

  /**
   * The transform that takes data in `sourceFrame` to `targetFrame` at `time` (omitted or zero:
   * the latest time common to the whole chain). Throws LookupError, ConnectivityError,
   * ExtrapolationError or InvalidArgumentError.
   */
  lookupTransform(targetFrame: string, sourceFrame: string, time?: Time): TransformStamped {
    const t = this.checkTime(time, "lookupTransform", targetFrame, sourceFrame);
    const target = stripSlash(targetFrame);
    const source = stripSlash(sourceFrame);
    if (target === source) {
      let stamp = t;
      if (t.sec === 0 && t.nsec === 0) {
        const id = this.frameIds.get(target);
        const link = id === undefined ? undefined : this.links[id];
        if (link !== undefined) {
          link.latest(this.scratch);
          stamp = { sec: this.scratch.sec, nsec: this.scratch.nsec };
        }
      }
      return makeTransformStamped(target, source, stamp, 0, 0, 0, 0, 0, 0, 1);
    }
    const query = { targetFrame: target, sourceFrame: source, time: t };
    const targetId = this.validateFrameId("lookupTransform argument target_frame", target, query);
    const sourceId = this.validateFrameId("lookupTransform argument source_frame", source, query);
    const error = this.walkToTopParent(t.sec, t.nsec, targetId, sourceId, true, query);
    if (error !== undefined) throw error;
    return makeTransformStamped(
      target,
      source,
      { sec: this.walkSec, nsec: this.walkNsec },
      this.acc.rVx,
      this.acc.rVy,
      this.acc.rVz,
      this.acc.rQx,
      this.acc.rQy,
      this.acc.rQz,
      this.acc.rQw,
    );
  }

  /** Whether `lookupTransform` would succeed (it never throws; a bad argument gives false). */
  canTransform(targetFrame: string, sourceFrame: string, time?: Time): boolean {
    const t = time === undefined ? { sec: 0, nsec: 0 } : normalizeTime(time);
    if (typeof t === "string") return false;
    const target = stripSlash(targetFrame);
    const source = stripSlash(sourceFrame);
    if (target === source) return true;
    if (target === "" || source === "" || target.startsWith("/") || source.startsWith("/")) {
      return false;
    }
    const targetId = this.frameIds.get(target);
    const sourceId = this.frameIds.get(source);
    if (targetId === undefined || sourceId === undefined || targetId === 0 || sourceId === 0) {
      return false;
    }
    return this.walkToTopParent(t.sec, t.nsec, targetId, sourceId, false, undefined) === undefined;
  }

  /** The latest time common to the chain between two frames (tf2's getLatestCommonTime). */
  getLatestCommonTime(targetFrame: string, sourceFrame: string): Time {
    const target = stripSlash(targetFrame);
    const source = stripSlash(sourceFrame);
    const query = { targetFrame: target, sourceFrame: source, time: { sec: 0, nsec: 0 } };
    const targetId = this.validateFrameId(
      "getLatestCommonTime argument target_frame",
      target,
      query,
    );
    const sourceId = this.validateFrameId(
      "getLatestCommonTime argument source_frame",
      source,
      query,
    );
    const error = this.latestCommonTime(targetId, sourceId, query);
    if (error !== undefined) throw error;
    return { sec: this.walkSec, nsec: this.walkNsec };
  }

  /** Whether the buffer has heard of a frame (as a child or as a parent). */
  frameExists(frameId: string): boolean {
    const id = this.frameIds.get(stripSlash(frameId));
    return id !== undefined && id !== 0;
  }

  /** Every frame id the buffer has heard of, in the order it first heard of them. */
  getFrameIds(): string[] {
    return this.frameNames.slice(1);
  }

  /** tf2's allFramesAsString: "Frame X exists with parent Y." for each frame that has a link. */
  allFramesAsString(): string {
    let out = "";
    for (let id = 1; id < this.links.length; id++) {
      const link = this.links[id];
      if (link === undefined) continue;
      const parent = link.getData(0, 0, this.scratch, this.miss, false) ? this.scratch.parent : 0;
      out += `Frame ${this.frameNames[id]!} exists with parent ${this.frameNames[parent]!}.\n`;
    }
    return out;
  }

  // --- the walk (tf2's walkToTopParent with TransformAccum / CanTransformAccum) ---------------

  protected checkTime(time: Time | undefined, fn: string, target: string, source: string): Time {
    if (time === undefined) return { sec: 0, nsec: 0 };
    const t = normalizeTime(time);
    if (typeof t === "string") {
      throw new InvalidArgumentError(`Invalid argument passed to ${fn}: time ${t}`, {
        targetFrame: stripSlash(target),
        sourceFrame: stripSlash(source),
        time: { sec: 0, nsec: 0 },
      });
    }
    return t;
  }

  protected validateFrameId(what: string, frame: string, query: TransformQuery): number {
    const id = this.frameIds.get(frame);
    if (frame === "" || frame.startsWith("/") || id === undefined || id === 0) {
      throw frameIdError(what, frame, query);
    }
    return id;
  }

  /** Read one link at the walk's time into `st`; its parent, or 0 with `miss` filled in. */
  private gather(link: LinkCache, withMath: boolean, miss: CacheMiss): number {
    return link.getData(this.walkSec, this.walkNsec, this.acc.st, miss, withMath)
      ? this.acc.st.parent
      : 0;
  }

  /**
   * tf2's walkToTopParent. On success the result is in r* and the time used in walkSec/Nsec;
   * otherwise the error (built only when `query` is given: canTransform needs no message).
   */
  private walkToTopParent(
    sec: number,
    nsec: number,
    targetId: number,
    sourceId: number,
    withMath: boolean,
    query: TransformQuery | undefined,
  ): TransformError | undefined {
    this.acc.reset();
    this.walkSec = sec;
    this.walkNsec = nsec;
    if (sourceId === targetId) {
      this.acc.finalize(WalkEnding.Identity);
      return undefined;
    }
    if (sec === 0 && nsec === 0) {
      const error = this.latestCommonTime(targetId, sourceId, query);
      if (error !== undefined) return error;
    }

    // Walk from the source frame to its root, accumulating the transform.
    let frame = sourceId;
    let topParent = frame;
    let depth = 0;
    let extrapolationMightHaveOccurred = false;
    while (frame !== 0) {
      const link = this.links[frame];
      if (link === undefined) {
        topParent = frame; // the root of the tree has no link
        break;
      }
      const parent = this.gather(link, withMath, this.sourceMiss);
      if (parent === 0) {
        // No data here; there may still be a path from the source to the target.
        topParent = frame;
        extrapolationMightHaveOccurred = true;
        break;
      }
      if (frame === targetId) {
        if (withMath) this.acc.finalize(WalkEnding.TargetParentOfSource);
        return undefined;
      }
      if (withMath) this.acc.accumSource();
      topParent = frame;
      frame = parent;
      if (++depth > MAX_GRAPH_DEPTH)
        return query ? loopError(this.allFramesAsString(), query) : CANNOT;
    }

    // Walk from the target frame up to where the first walk stopped.
    frame = targetId;
    depth = 0;
    while (frame !== topParent) {
      const link = this.links[frame];
      if (link === undefined) break;
      const parent = this.gather(link, withMath, this.miss);
      if (parent === 0) {
        return query
          ? extrapolationError(
              this.miss,
              this.frameNames[sourceId]!,
              this.frameNames[targetId]!,
              query,
            )
          : CANNOT;
      }
      if (frame === sourceId) {
        if (withMath) this.acc.finalize(WalkEnding.SourceParentOfTarget);
        return undefined;
      }
      if (withMath) this.acc.accumTarget();
      frame = parent;
      if (++depth > MAX_GRAPH_DEPTH)
        return query ? loopError(this.allFramesAsString(), query) : CANNOT;
    }

    if (frame !== topParent) {
      if (extrapolationMightHaveOccurred) {
        return query
          ? extrapolationError(
              this.sourceMiss,
              this.frameNames[sourceId]!,
              this.frameNames[targetId]!,
              query,
            )
          : CANNOT;
      }
      return query
        ? connectivityError(this.frameNames[sourceId]!, this.frameNames[targetId]!, query)
        : CANNOT;
    }
    if (withMath) this.acc.finalize(WalkEnding.FullPath);
    return undefined;
  }

  /**
   * tf2's getLatestCommonTime: the smallest newest-stamp over the links from both frames up to
   * their common parent (static links have none); zero when there is none. Sets walkSec/Nsec.
   */
  private latestCommonTime(
    targetId: number,
    sourceId: number,
    query: TransformQuery | undefined,
  ): TransformError | undefined {
    const latest = this.scratch;
    if (sourceId === targetId) {
      const link = this.links[sourceId];
      if (link === undefined) {
        this.walkSec = this.walkNsec = 0;
      } else {
        link.latest(latest);
        this.walkSec = latest.sec;
        this.walkNsec = latest.nsec;
      }
      return undefined;
    }
    // Source to its root: the (newest stamp, parent) of each link.
    const chainSec: number[] = [];
    const chainNsec: number[] = [];
    const chainParent: number[] = [];
    let frame = sourceId;
    let depth = 0;
    let commonSec = Infinity;
    let commonNsec = 0;
    while (frame !== 0) {
      const link = this.links[frame];
      if (link === undefined) break;
      link.latest(latest);
      if (latest.parent === 0) break;
      if (
        !(latest.sec === 0 && latest.nsec === 0) &&
        compareStamps(latest.sec, latest.nsec, commonSec, commonNsec) < 0
      ) {
        commonSec = latest.sec;
        commonNsec = latest.nsec;
      }
      chainSec.push(latest.sec);
      chainNsec.push(latest.nsec);
      chainParent.push(latest.parent);
      frame = latest.parent;
      if (frame === targetId) {
        this.setCommonTime(commonSec, commonNsec);
        return undefined;
      }
      if (++depth > MAX_GRAPH_DEPTH)
        return query ? loopError(this.allFramesAsString(), query) : CANNOT;
    }

    // Target upwards until a frame of the source chain is a parent.
    frame = targetId;
    depth = 0;
    commonSec = Infinity;
    commonNsec = 0;
    let commonParent = 0;
    for (;;) {
      const link = this.links[frame];
      if (link === undefined) break;
      link.latest(latest);
      if (latest.parent === 0) break;
      if (
        !(latest.sec === 0 && latest.nsec === 0) &&
        compareStamps(latest.sec, latest.nsec, commonSec, commonNsec) < 0
      ) {
        commonSec = latest.sec;
        commonNsec = latest.nsec;
      }
      if (chainParent.includes(latest.parent)) {
        commonParent = latest.parent;
        break;
      }
      frame = latest.parent;
      if (frame === sourceId) {
        this.setCommonTime(commonSec, commonNsec);
        return undefined;
      }
      if (++depth > MAX_GRAPH_DEPTH)
        return query ? loopError(this.allFramesAsString(), query) : CANNOT;
    }
    if (commonParent === 0)
      return query
        ? connectivityError(this.frameNames[sourceId]!, this.frameNames[targetId]!, query)
        : CANNOT;

    // The source chain's links up to (and including) the one into the common parent.
    for (let i = 0; i < chainParent.length; i++) {
      const s = chainSec[i]!;
      const n = chainNsec[i]!;
      if (!(s === 0 && n === 0) && compareStamps(s, n, commonSec, commonNsec) < 0) {
        commonSec = s;
        commonNsec = n;
      }
      if (chainParent[i] === commonParent) break;
    }
    this.setCommonTime(commonSec, commonNsec);
    return undefined;
  }

  private setCommonTime(sec: number, nsec: number): void {
    if (sec === Infinity) {
      this.walkSec = 0;
      this.walkNsec = 0;
    } else {
      this.walkSec = sec;
      this.walkNsec = nsec;
    }
  }
}
