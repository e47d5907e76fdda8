/**
 * The message shapes tf works with, defined structurally: the generated `geometry_msgs` and
 * `tf2_msgs` interfaces (same field names, `time` as `{ sec, nsec }`) are assignable to them, and
 * what the buffer returns is assignable to the generated types (every field present), so a
 * looked-up transform can be published as it is.
 */
import type { Time } from "../codec/types.js";

export type { Time };

export interface Header {
  seq: number;
  stamp: Time;
  frame_id: string;
}

export interface Vector3 {
  x: number;
  y: number;
  z: number;
}

export type Point = Vector3;

export interface Quaternion {
  x: number;
  y: number;
  z: number;
  w: number;
}

export interface Transform {
  translation: Vector3;
  rotation: Quaternion;
}

export interface Pose {
  position: Point;
  orientation: Quaternion;
}

/** geometry_msgs/TransformStamped: the transform from `child_frame_id` to `header.frame_id`. */
export interface TransformStamped {
  header: Header;
  child_frame_id: string;
  transform: Transform;
}

export interface PointStamped {
  header: Header;
  point: Point;
}

export interface PoseStamped {
  header: Header;
  pose: Pose;
}

export interface Vector3Stamped {
  header: Header;
  vector: Vector3;
}

/** tf2_msgs/TFMessage and the legacy tf/tfMessage: the same fields, the same bytes. */
export interface TFMessage {
  transforms: TransformStamped[];
}

/** What the buffer accepts: a header's `seq` may be left out (nothing in tf reads it). */
export interface HeaderInput {
  seq?: number;
  stamp: Time;
  frame_id: string;
}

export interface TransformStampedInput {
  header: HeaderInput;
  child_frame_id: string;
  transform: Transform;
}

export interface PointStampedInput {
  header: HeaderInput;
  point: Point;
}

export interface PoseStampedInput {
  header: HeaderInput;
  pose: Pose;
}

export interface Vector3StampedInput {
  header: HeaderInput;
  vector: Vector3;
}

export interface TFMessageInput {
  transforms: readonly TransformStampedInput[];
}
