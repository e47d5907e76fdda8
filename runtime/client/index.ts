/**
 * The bridge client: `RosClient` and the types of its API. `MessageTypeMap`, `ServiceTypeMap` and
 * `MessageOf` live in runtime/codec/types.ts (exported from the package root).
 */
export { RosClient, ANY_TYPE, type ClientState } from "./client.js";
export { runtimeType } from "./type-refs.js";
export { RosClientError, type RosClientErrorKind, type RosClientErrorContext } from "./errors.js";
export type { ReconnectOptions } from "./backoff.js";
export type { ConnectionGraph } from "./graph.js";
export type { WebSocketConstructor, WebSocketLike } from "./websocket.js";
export type {
  AdvertiseOptions,
  ConnectEvent,
  DisconnectEvent,
  DropEvent,
  HeartbeatOptions,
  MessageCallback,
  MessageInfo,
  MessagesOptions,
  MessageStream,
  MessageOfRef,
  MessageTypeName,
  MessageTypeRef,
  ParameterValue,
  Publisher,
  RawMessageCallback,
  ReceivedMessage,
  RequestOptions,
  RosClientEvents,
  RosClientOptions,
  RosClientWarning,
  RuntimeType,
  SchemaReader,
  ServiceDescriptor,
  ServerInfo,
  ServiceInfo,
  ServiceRequestOf,
  ServiceResponseOf,
  ServiceTypeName,
  ServiceTypeRef,
  StatusEvent,
  Subscription,
  TopicInfo,
} from "./types.js";
