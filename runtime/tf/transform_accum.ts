/**
 * tf2's TransformAccum: what a lookup accumulates while it walks the tree. Going up from the
 * source frame it composes source -> top; going up from the target frame, target -> top; at the
 * end the result is (target -> top)^-1 * (source -> top), with tf2's operations in tf2's order.
 */
import { product, quatMultiply, quatRotate, rotated } from "./linear_math.js";
import { emptySample, type LinkSample } from "./time_cache.js";

/** How the two walks met (tf2's WalkEnding). */
export const WalkEnding = {
  Identity: 0,
  TargetParentOfSource: 1,
  SourceParentOfTarget: 2,
  FullPath: 3,
} as const;
export type WalkEnding = (typeof WalkEnding)[keyof typeof WalkEnding];

export class TransformAccum {
  /** The link just read (tf2's `st`): the next step up. */
  readonly st: LinkSample = emptySample();
  // source -> top
  sVx = 0;
  sVy = 0;
  sVz = 0;
  sQx = 0;
  sQy = 0;
  sQz = 0;
  sQw = 1;
  // target -> top
  tVx = 0;
  tVy = 0;
  tVz = 0;
  tQx = 0;
  tQy = 0;
  tQz = 0;
  tQw = 1;
  // the result: source -> target
  rVx = 0;
  rVy = 0;
  rVz = 0;
  rQx = 0;
  rQy = 0;
  rQz = 0;
  rQw = 1;

  reset(): void {
    this.sVx = this.sVy = this.sVz = 0;
    this.sQx = this.sQy = this.sQz = 0;
    this.sQw = 1;
    this.tVx = this.tVy = this.tVz = 0;
    this.tQx = this.tQy = this.tQz = 0;
    this.tQw = 1;
    this.rVx = this.rVy = this.rVz = 0;
    this.rQx = this.rQy = this.rQz = 0;
    this.rQw = 1;
  }

  /** One more link on the source side: source_to_top = st * source_to_top. */
  accumSource(): void {
    const st = this.st;
    quatRotate(st.qx, st.qy, st.qz, st.qw, this.sVx, this.sVy, this.sVz);
    this.sVx = rotated[0]! + st.tx;
    this.sVy = rotated[1]! + st.ty;
    this.sVz = rotated[2]! + st.tz;
    quatMultiply(st.qx, st.qy, st.qz, st.qw, this.sQx, this.sQy, this.sQz, this.sQw);
    this.sQx = product[0]!;
    this.sQy = product[1]!;
    this.sQz = product[2]!;
    this.sQw = product[3]!;
  }

  /** One more link on the target side: target_to_top = st * target_to_top. */
  accumTarget(): void {
    const st = this.st;
    quatRotate(st.qx, st.qy, st.qz, st.qw, this.tVx, this.tVy, this.tVz);
    this.tVx = rotated[0]! + st.tx;
    this.tVy = rotated[1]! + st.ty;
    this.tVz = rotated[2]! + st.tz;
    quatMultiply(st.qx, st.qy, st.qz, st.qw, this.tQx, this.tQy, this.tQz, this.tQw);
    this.tQx = product[0]!;
    this.tQy = product[1]!;
    this.tQz = product[2]!;
    this.tQw = product[3]!;
  }

  finalize(end: WalkEnding): void {
    switch (end) {
      case WalkEnding.Identity:
        break;
      case WalkEnding.TargetParentOfSource:
        this.rVx = this.sVx;
        this.rVy = this.sVy;
        this.rVz = this.sVz;
        this.rQx = this.sQx;
        this.rQy = this.sQy;
        this.rQz = this.sQz;
        this.rQw = this.sQw;
        break;
      case WalkEnding.SourceParentOfTarget: {
        const ix = -this.tQx;
        const iy = -this.tQy;
        const iz = -this.tQz;
        const iw = this.tQw;
        quatRotate(ix, iy, iz, iw, -this.tVx, -this.tVy, -this.tVz);
        this.rVx = rotated[0]!;
        this.rVy = rotated[1]!;
        this.rVz = rotated[2]!;
        this.rQx = ix;
        this.rQy = iy;
        this.rQz = iz;
        this.rQw = iw;
        break;
      }
      case WalkEnding.FullPath: {
        const ix = -this.tQx;
        const iy = -this.tQy;
        const iz = -this.tQz;
        const iw = this.tQw;
        quatRotate(ix, iy, iz, iw, -this.tVx, -this.tVy, -this.tVz);
        const invX = rotated[0]!;
        const invY = rotated[1]!;
        const invZ = rotated[2]!;
        quatRotate(ix, iy, iz, iw, this.sVx, this.sVy, this.sVz);
        this.rVx = rotated[0]! + invX;
        this.rVy = rotated[1]! + invY;
        this.rVz = rotated[2]! + invZ;
        quatMultiply(ix, iy, iz, iw, this.sQx, this.sQy, this.sQz, this.sQw);
        this.rQx = product[0]!;
        this.rQy = product[1]!;
        this.rQz = product[2]!;
        this.rQw = product[3]!;
        break;
      }
    }
  }
}
