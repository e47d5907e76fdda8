/**
 * tf without ROS: a client-side transform buffer with tf2's semantics, and a listener that fills
 * it from /tf and /tf_static. Names follow tf2 so ROS users find them.
 */
export {
  TfBuffer,
  DEFAULT_CACHE_TIME_SEC,
  type TfBufferOptions,
  type TfWarning,
  type TfWarningCode,
  type WaitOptions,
} from "./tf_buffer.js";
export {
  TransformListener,
  type TimeJumpEvent,
  type TransformListenerEvents,
  type TfClient,
  type TfMessageInfo,
  type TfSubscription,
  type TransformListenerOptions,
} from "./transform_listener.js";
export {
  TransformError,
  LookupError,
  ConnectivityError,
  ExtrapolationError,
  InvalidArgumentError,
  TransformTimeoutError,
  type ExtrapolationDirection,
  type TransformQuery,
} from "./errors.js";
export {
  fromRos2Time,
  toRos2Time,
  toRos2TransformStamped,
  tfMessageFromRos2,
  type Ros2Header,
  type Ros2TFMessage,
  type Ros2Time,
  type Ros2TransformStamped,
} from "./ros2.js";
export type {
  Header,
  HeaderInput,
  Point,
  PointStamped,
  PointStampedInput,
  Pose,
  PoseStamped,
  PoseStampedInput,
  Quaternion,
  TFMessage,
  TFMessageInput,
  Transform,
  TransformStamped,
  TransformStampedInput,
  Vector3,
  Vector3Stamped,
  Vector3StampedInput,
} from "./messages.js";
