/**
 * What BufferCore::setTransform checks before it stores a transform, with tf2's codes and texts
 * (tf2 logs them; here they go to the buffer's `onWarning`). Input that is not a TransformStamped
 * at all (a missing field, a string for a number: tf2's C++ types rule that out) is caught first.
 */
import type { Quaternion, TransformStampedInput, Vector3 } from "./messages.js";
import { formatFixed, normalizeTime, timeToSec } from "./time.js";
import type { InsertRejection } from "./time_cache.js";

/** Why `setTransform` ignored a transform (tf2's codes, plus one for input tf2 never sees). */
export type TfWarningCode =
  | "TF_SELF_TRANSFORM"
  | "TF_NO_CHILD_FRAME_ID"
  | "TF_NO_FRAME_ID"
  | "TF_NAN_INPUT"
  | "TF_DENORMALIZED_QUATERNION"
  | "TF_OLD_DATA"
  | "TF_REPEATED_DATA"
  /** Not a TransformStamped / TFMessage (missing or non-numeric field, bad stamp). */
  | "TF_INVALID_INPUT";

export interface Rejection {
  code: TfWarningCode;
  message: string;
}

/** tf2's QUATERNION_NORMALIZATION_TOLERANCE. */
const QUATERNION_NORMALIZATION_TOLERANCE = 10e-3;

/** A reason when `t` is not a TransformStamped at all, naming the field. */
export function malformedTransform(t: TransformStampedInput): string | undefined {
  if (typeof t !== "object" || t === null) return "not an object";
  if (typeof t.child_frame_id !== "string") return "child_frame_id is not a string";
  if (typeof t.header !== "object" || t.header === null) return "header is missing";
  if (typeof t.header.frame_id !== "string") return "header.frame_id is not a string";
  const stamp = normalizeTime(t.header.stamp);
  if (typeof stamp === "string") return `header.stamp: ${stamp}`;
  const tr = t.transform?.translation;
  const rot = t.transform?.rotation;
  if (typeof tr !== "object" || tr === null) return "transform.translation is missing";
  if (typeof rot !== "object" || rot === null) return "transform.rotation is missing";
  for (const k of ["x", "y", "z"] as const) {
    if (typeof tr[k] !== "number") return `transform.translation.${k} is not a number`;
  }
  for (const k of ["x", "y", "z", "w"] as const) {
    if (typeof rot[k] !== "number") return `transform.rotation.${k} is not a number`;
  }
  return undefined;
}

export function malformedRejection(
  childFrameId: string,
  authority: string,
  reason: string,
): Rejection {
  return {
    code: "TF_INVALID_INPUT",
    message: `TF_INVALID_INPUT: Ignoring transform for child_frame_id "${childFrameId}" from authority "${authority}": ${reason}`,
  };
}

/**
 * tf2's checks, in tf2's order, every failing one reported (ids already stripped of '/'): the
 * transform is stored only when this returns nothing.
 */
export function tf2Rejections(
  parent: string,
  child: string,
  tr: Vector3,
  rot: Quaternion,
  authority: string,
): Rejection[] {
  const out: Rejection[] = [];
  if (child === parent) {
    out.push({
      code: "TF_SELF_TRANSFORM",
      message: `TF_SELF_TRANSFORM: Ignoring transform from authority "${authority}" with frame_id and child_frame_id  "${child}" because they are the same`,
    });
  }
  if (child === "") {
    out.push({
      code: "TF_NO_CHILD_FRAME_ID",
      message: `TF_NO_CHILD_FRAME_ID: Ignoring transform from authority "${authority}" because child_frame_id not set `,
    });
  }
  if (parent === "") {
    out.push({
      code: "TF_NO_FRAME_ID",
      message: `TF_NO_FRAME_ID: Ignoring transform with child_frame_id "${child}"  from authority "${authority}" because frame_id not set`,
    });
  }
  if ([tr.x, tr.y, tr.z, rot.x, rot.y, rot.z, rot.w].some(Number.isNaN)) {
    out.push({
      code: "TF_NAN_INPUT",
      message: `TF_NAN_INPUT: Ignoring transform for child_frame_id "${child}" from authority "${authority}" because of a nan value in the transform (${tr.x} ${tr.y} ${tr.z}) (${rot.x} ${rot.y} ${rot.z} ${rot.w})`,
    });
  }
  // tf2's sum, in tf2's order (the tolerance is an edge a value can sit on).
  const norm2 = rot.w * rot.w + rot.x * rot.x + rot.y * rot.y + rot.z * rot.z;
  if (!(Math.abs(norm2 - 1.0) < QUATERNION_NORMALIZATION_TOLERANCE)) {
    out.push({
      code: "TF_DENORMALIZED_QUATERNION",
      message: `TF_DENORMALIZED_QUATERNION: Ignoring transform for child_frame_id "${child}" from authority "${authority}" because of an invalid quaternion in the transform (${rot.x} ${rot.y} ${rot.z} ${rot.w})`,
    });
  }
  return out;
}

/** tf2's warning when a link does not store a sample (too old, or a stamp it already has). */
export function insertRejection(
  code: InsertRejection,
  child: string,
  sec: number,
  nsec: number,
  authority: string,
): Rejection {
  const what =
    code === "TF_OLD_DATA"
      ? "TF_OLD_DATA ignoring data from the past (Possible reasons are listed at http://wiki.ros.org/tf/Errors%20explained)"
      : "TF_REPEATED_DATA ignoring data with redundant timestamp";
  return {
    code,
    message: `${what} for frame ${child} at time ${formatFixed(timeToSec(sec, nsec), 6)} according to authority ${authority}`,
  };
}
