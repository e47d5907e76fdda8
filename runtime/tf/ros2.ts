/**
 * ROS 2 messages at the buffer's edge. The buffer keeps ROS 1's `{ sec, nsec }` times (one time
 * form inside, so that a tree fed from ROS 1 and from ROS 2 gives the same lookups); ROS 2's
 * `builtin_interfaces/Time` is `{ sec, nanosec }` and its `std_msgs/Header` has no `seq`. These
 * convert a ROS 2 TFMessage for the buffer, and a stamp or a looked-up transform back, so that
 * the result can be published on a ROS 2 bridge as `geometry_msgs/msg/TransformStamped`.
 */
import type { Time } from "../codec/types.js";
import type { Transform, TransformStamped } from "./messages.js";

/** builtin_interfaces/msg/Time (and Duration): seconds and nanoseconds. */
export interface Ros2Time {
  sec: number;
  nanosec: number;
}

/** std_msgs/msg/Header: no `seq` in ROS 2. */
export interface Ros2Header {
  stamp: Ros2Time;
  frame_id: string;
}

/** geometry_msgs/msg/TransformStamped. */
export interface Ros2TransformStamped {
  header: Ros2Header;
  child_frame_id: string;
  transform: Transform;
}

/** tf2_msgs/msg/TFMessage. */
export interface Ros2TFMessage {
  transforms: Ros2TransformStamped[];
}

/** `{ sec, nanosec }` -> `{ sec, nsec }` (what the buffer's queries take). */
export function fromRos2Time(time: Ros2Time): Time {
  return { sec: time.sec, nsec: time.nanosec };
}

/** `{ sec, nsec }` -> `{ sec, nanosec }`. */
export function toRos2Time(time: Time): Ros2Time {
  return { sec: time.sec, nanosec: time.nsec };
}

/** A looked-up transform as ROS 2's geometry_msgs/msg/TransformStamped (no `seq`). */
export function toRos2TransformStamped(t: TransformStamped): Ros2TransformStamped {
  return {
    header: { stamp: toRos2Time(t.header.stamp), frame_id: t.header.frame_id },
    child_frame_id: t.child_frame_id,
    transform: t.transform,
  };
}

/**
 * A received ROS 2 TFMessage in the buffer's form: each stamp `{ sec, nanosec }` becomes
 * `{ sec, nsec }`. What is not shaped like one is passed on as it is, so that the buffer's checks
 * report it (naming the field) instead of this throwing.
 */
export function tfMessageFromRos2(message: unknown): unknown {
  const transforms = (message as { transforms?: unknown } | null)?.transforms;
  if (!Array.isArray(transforms)) return message;
  return {
    transforms: transforms.map((t: unknown) => {
      const header = (t as { header?: unknown } | null)?.header;
      const stamp = (header as { stamp?: unknown } | null | undefined)?.stamp;
      if (typeof stamp !== "object" || stamp === null || !("nanosec" in stamp)) return t;
      const { sec, nanosec } = stamp as { sec: unknown; nanosec: unknown };
      return {
        ...(t as object),
        header: { ...(header as object), stamp: { sec, nsec: nanosec } },
      };
    }),
  };
}
