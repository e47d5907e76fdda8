/**
 * noros: ROS 1 from TypeScript without ROS. The public API: codecs (`compileCodec`, `Codec`),
 * the bridge client (`RosClient`) and TF (`TfBuffer`). Standard message types are in `noros/msgs`.
 */
export {
  type Codec,
  type DecodeOptions,
  type Encodable,
  type Time,
  type Duration,
  type MessageTypeMap,
  type ServiceTypeMap,
  type TopicTypeMap,
  type TopicMessage,
  type MessageOf,
  DecodeError,
  EncodeError,
} from "./codec/types.js";
export { compileCodec, compiledSource, type CompileOptions } from "./codec/compile.js";
export { registerCodecs, findCodec } from "./codec/registry.js";
export { DefinitionError, type DefinitionProblem } from "./schema/model.js";
export { md5Hex } from "./schema/md5.js";
export * from "./client/index.js";
export {
  TfBuffer,
  DEFAULT_CACHE_TIME_SEC,
  type TfBufferOptions,
  type TfWarning,
  type TfWarningCode,
  type WaitOptions,
  TransformListener,
  type TfClient,
  type TfMessageInfo,
  type TfSubscription,
  type TransformListenerOptions,
  TransformError,
  LookupError,
  ConnectivityError,
  ExtrapolationError,
  InvalidArgumentError,
  TransformTimeoutError,
  type ExtrapolationDirection,
  type TransformQuery,
  type TransformStamped,
  type TransformStampedInput,
  type PointStamped,
  type PointStampedInput,
  type PoseStamped,
  type PoseStampedInput,
  type Vector3Stamped,
  type Vector3StampedInput,
  type TFMessage,
  type TFMessageInput,
  fromRos2Time,
  toRos2Time,
  toRos2TransformStamped,
  tfMessageFromRos2,
  type Ros2Time,
  type Ros2TransformStamped,
  type Ros2TFMessage,
} from "./tf/index.js";
