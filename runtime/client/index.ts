/**
 * The bridge client: `RosClient` and the types of its API. `MessageTypeMap`, `ServiceTypeMap` and
 * `MessageOf` live in runtime/codec/types.ts (exported from the package root).
 */
export { RosClient, ANY_TYPE, type ClientState } from "./client";
export { RosClientError, type RosClientErrorKind, type RosClientErrorContext } from "./errors";
export type { ReconnectOptions } from "./backoff";
export type { ConnectionGraph } from "./graph";
export type { WebSocketConstructor, WebSocketLike } from "./websocket";
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
  MessageTypeName,
  ParameterValue,
  Publisher,
  RawMessageCallback,
  ReceivedMessage,
  RequestOptions,
  RosClientEvents,
  RosClientOptions,
  RosClientWarning,
  ServerInfo,
  ServiceInfo,
  ServiceRequestOf,
  ServiceResponseOf,
  ServiceTypeName,
  StatusEvent,
  Subscription,
  TopicInfo,
} from "./types";
