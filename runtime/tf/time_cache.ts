/**
 * The history of one link (one child frame and its parent over time), as tf2's TimeCache and
 * StaticCache keep it. A dynamic link holds its samples sorted by stamp and answers a time with
 * the sample at that stamp, an interpolation between the two around it, or an extrapolation
 * miss; a static link holds one sample that answers every time.
 */
import { compareStamps, durationSec, NSEC_PER_SEC } from "./time.js";
import { slerp, slerped } from "./linear_math.js";

/** One stored transform: child frame -> `parent` at a stamp. Frames are numbers (BufferCore ids). */
export interface LinkSample {
  sec: number;
  nsec: number;
  parent: number;
  tx: number;
  ty: number;
  tz: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
}

export function emptySample(): LinkSample {
  return { sec: 0, nsec: 0, parent: 0, tx: 0, ty: 0, tz: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
}

function copySample(from: LinkSample, to: LinkSample): void {
  to.sec = from.sec;
  to.nsec = from.nsec;
  to.parent = from.parent;
  to.tx = from.tx;
  to.ty = from.ty;
  to.tz = from.tz;
  to.qx = from.qx;
  to.qy = from.qy;
  to.qz = from.qz;
  to.qw = from.qw;
}

/**
 * Why a link had no data at a time: `direction` "empty" (nothing stored), or tf2's three
 * extrapolation cases with the time asked and the stamp it fell outside of.
 */
export interface CacheMiss {
  direction: "empty" | "single" | "past" | "future";
  reqSec: number;
  reqNsec: number;
  dataSec: number;
  dataNsec: number;
}

export function emptyMiss(): CacheMiss {
  return { direction: "empty", reqSec: 0, reqNsec: 0, dataSec: 0, dataNsec: 0 };
}

/** Why a sample was not stored (tf2's warning codes). */
export type InsertRejection = "TF_OLD_DATA" | "TF_REPEATED_DATA";

export interface LinkCache {
  readonly isStatic: boolean;
  /** Store a sample; a reason when tf2 would ignore it. */
  insert(sample: LinkSample): InsertRejection | undefined;
  /**
   * The link at a time (zero: the newest sample) into `out`; false, with `miss` filled in, when
   * there is none. With `interpolate` false only `out.parent` is meaningful (canTransform).
   */
  getData(
    sec: number,
    nsec: number,
    out: LinkSample,
    miss: CacheMiss,
    interpolate: boolean,
  ): boolean;
  /** Stamp and parent of the newest sample; a static link answers time zero; parent 0 if empty. */
  latest(out: LinkSample): void;
  /** Stamp of the oldest sample (zero for a static link or an empty one). */
  oldest(out: LinkSample): void;
  /** Drop every sample (a static link keeps its value, as in tf2). */
  clear(): void;
  readonly size: number;
}

/** tf2::StaticCache: the newest value holds at every time. */
export class StaticCache implements LinkCache {
  readonly isStatic = true;
  private readonly sample = emptySample();

  insert(sample: LinkSample): undefined {
    copySample(sample, this.sample);
    return undefined;
  }

  getData(sec: number, nsec: number, out: LinkSample): boolean {
    copySample(this.sample, out);
    out.sec = sec;
    out.nsec = nsec;
    return true;
  }

  latest(out: LinkSample): void {
    out.sec = 0;
    out.nsec = 0;
    out.parent = this.sample.parent;
  }

  oldest(out: LinkSample): void {
    out.sec = 0;
    out.nsec = 0;
  }

  clear(): void {}

  get size(): number {
    return 1;
  }
}

/** tf2::TimeCache: samples within `maxStorage` of the newest, ascending by stamp. */
export class TimeCache implements LinkCache {
  readonly isStatic = false;
  /** Ascending by stamp; entries before `head` have been pruned. */
  private samples: LinkSample[] = [];
  private head = 0;

  constructor(
    private readonly maxSec: number,
    private readonly maxNsec: number,
  ) {}

  get size(): number {
    return this.samples.length - this.head;
  }

  insert(sample: LinkSample): InsertRejection | undefined {
    const samples = this.samples;
    const end = samples.length;
    if (end > this.head) {
      // tf2: ignore data older than the newest sample minus the cache time.
      const newest = samples[end - 1]!;
      let sec = sample.sec + this.maxSec;
      let nsec = sample.nsec + this.maxNsec;
      if (nsec >= NSEC_PER_SEC) {
        nsec -= NSEC_PER_SEC;
        sec += 1;
      }
      if (compareStamps(newest.sec, newest.nsec, sec, nsec) > 0) return "TF_OLD_DATA";
    }
    // The last sample at or before the new stamp; the new one goes right after it.
    const at = this.lastAtOrBefore(sample.sec, sample.nsec);
    if (at >= this.head) {
      const s = samples[at]!;
      if (s.sec === sample.sec && s.nsec === sample.nsec) return "TF_REPEATED_DATA";
    }
    const stored = emptySample();
    copySample(sample, stored);
    if (at === end - 1) samples.push(stored);
    else samples.splice(at + 1, 0, stored);
    this.prune();
    return undefined;
  }

  /** tf2's pruneList: drop samples older than the newest minus the cache time. */
  private prune(): void {
    const samples = this.samples;
    const newest = samples[samples.length - 1]!;
    while (this.head < samples.length) {
      const s = samples[this.head]!;
      let sec = s.sec + this.maxSec;
      let nsec = s.nsec + this.maxNsec;
      if (nsec >= NSEC_PER_SEC) {
        nsec -= NSEC_PER_SEC;
        sec += 1;
      }
      if (compareStamps(sec, nsec, newest.sec, newest.nsec) >= 0) break;
      this.head += 1;
    }
    // Reclaim the pruned prefix now and then, not on every insert.
    if (this.head > 256 && this.head * 2 > samples.length) {
      this.samples = samples.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the last sample with stamp <= (sec, nsec), or head - 1 when there is none. */
  private lastAtOrBefore(sec: number, nsec: number): number {
    const samples = this.samples;
    let lo = this.head;
    let hi = samples.length; // answer in [lo - 1, hi - 1]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = samples[mid]!;
      if (compareStamps(s.sec, s.nsec, sec, nsec) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  getData(
    sec: number,
    nsec: number,
    out: LinkSample,
    miss: CacheMiss,
    interpolate: boolean,
  ): boolean {
    // tf2's findClosest, then getData.
    const samples = this.samples;
    const end = samples.length;
    const count = end - this.head;
    if (count === 0) {
      miss.direction = "empty";
      miss.reqSec = sec;
      miss.reqNsec = nsec;
      miss.dataSec = miss.dataNsec = 0;
      return false;
    }
    const newest = samples[end - 1]!;
    if (sec === 0 && nsec === 0) {
      copySample(newest, out);
      return true;
    }
    if (count === 1) {
      if (newest.sec === sec && newest.nsec === nsec) {
        copySample(newest, out);
        return true;
      }
      return this.fillMiss(miss, "single", sec, nsec, newest);
    }
    const oldest = samples[this.head]!;
    if (sec === newest.sec && nsec === newest.nsec) {
      copySample(newest, out);
      return true;
    }
    if (sec === oldest.sec && nsec === oldest.nsec) {
      copySample(oldest, out);
      return true;
    }
    if (compareStamps(sec, nsec, newest.sec, newest.nsec) > 0) {
      return this.fillMiss(miss, "future", sec, nsec, newest);
    }
    if (compareStamps(sec, nsec, oldest.sec, oldest.nsec) < 0) {
      return this.fillMiss(miss, "past", sec, nsec, oldest);
    }
    const i = this.lastAtOrBefore(sec, nsec);
    const one = samples[i]!; // older (or at the stamp)
    const two = samples[i + 1]!; // newer
    if (one.parent !== two.parent) {
      // The parent changed between the two samples: tf2 takes the older one as it is.
      copySample(one, out);
      return true;
    }
    if (!interpolate) {
      out.parent = one.parent;
      return true;
    }
    // tf2's TimeCache::interpolate: linear in translation, slerp in rotation.
    const ratio =
      durationSec(sec, nsec, one.sec, one.nsec) / durationSec(two.sec, two.nsec, one.sec, one.nsec);
    const s = 1.0 - ratio;
    out.tx = s * one.tx + ratio * two.tx;
    out.ty = s * one.ty + ratio * two.ty;
    out.tz = s * one.tz + ratio * two.tz;
    slerp(one.qx, one.qy, one.qz, one.qw, two.qx, two.qy, two.qz, two.qw, ratio);
    out.qx = slerped[0]!;
    out.qy = slerped[1]!;
    out.qz = slerped[2]!;
    out.qw = slerped[3]!;
    out.sec = sec;
    out.nsec = nsec;
    out.parent = one.parent;
    return true;
  }

  private fillMiss(
    miss: CacheMiss,
    direction: CacheMiss["direction"],
    sec: number,
    nsec: number,
    data: LinkSample,
  ): false {
    miss.direction = direction;
    miss.reqSec = sec;
    miss.reqNsec = nsec;
    miss.dataSec = data.sec;
    miss.dataNsec = data.nsec;
    return false;
  }

  latest(out: LinkSample): void {
    const end = this.samples.length;
    if (end === this.head) {
      out.sec = 0;
      out.nsec = 0;
      out.parent = 0;
      return;
    }
    const s = this.samples[end - 1]!;
    out.sec = s.sec;
    out.nsec = s.nsec;
    out.parent = s.parent;
  }

  oldest(out: LinkSample): void {
    if (this.samples.length === this.head) {
      out.sec = 0;
      out.nsec = 0;
      return;
    }
    const s = this.samples[this.head]!;
    out.sec = s.sec;
    out.nsec = s.nsec;
  }

  clear(): void {
    this.samples = [];
    this.head = 0;
  }
}
