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
  type TfClient,
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
