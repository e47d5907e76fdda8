/**
 * The client's public types. Message and service types are named as type-refs.ts describes: a
 * name from `MessageTypeMap` / `ServiceTypeMap` (which generated modules augment), a generated
 * codec, or an explicit `runtimeType("pkg/Type")` for types known only at run time.
 */
import type {
  Codec,
  Encodable,
  MessageOf,
  MessageTypeMap,
  ServiceTypeMap,
} from "../codec/types.js";
import type { ReconnectOptions } from "./backoff.js";
import type { RosClientError } from "./errors.js";
import type { ParameterValue, ServerInfo } from "./protocol.js";
import type { SchemaReader } from "./schema-codecs.js";
import type { WebSocketConstructor } from "./websocket.js";

export type {
  MessageOfRef,
  MessageTypeName,
  MessageTypeRef,
  RuntimeType,
  ServiceDescriptor,
  ServiceRequestOf,
  ServiceResponseOf,
  ServiceTypeName,
  ServiceTypeRef,
} from "./type-refs.js";

export type { ParameterValue, SchemaReader, ServerInfo };

/** What the server says about a channel a message came from. */
export interface MessageInfo {
  topic: string;
  /** The type the server advertised for the channel (`pkg/Type`). */
  datatype: string;
  /** The full definition text the server advertised ("" when it had none). */
  definition: string;
  /** The server's channel id (it changes when the bridge restarts). */
  channelId: number;
  /** The channel's message encoding as advertised (`ros1`, `cdr`; "" when the server had no definition). */
  encoding?: string;
  /** The channel's schema encoding as advertised (`ros2msg`, `ros2idl`; absent from ROS 1 bridges). */
  schemaEncoding?: string;
}

export type MessageCallback<T> = (msg: T, receiveTimeNs: bigint, info: MessageInfo) => void;
export type RawMessageCallback = (
  bytes: Uint8Array,
  receiveTimeNs: bigint,
  info: MessageInfo,
) => void;

export interface Subscription {
  readonly topic: string;
  readonly datatype: string;
  /** Stops delivery; the server subscription ends when the topic has no subscriber left. */
  unsubscribe(): void;
}

export interface Publisher<T> {
  readonly topic: string;
  readonly datatype: string;
  /**
   * Encodes and sends `msg` (an `EncodeError` is thrown here, naming the bad field). While the
   * connection is down, messages are queued (up to `publishQueueSize`, oldest dropped first with
   * a `drop` event) and sent in order after reconnecting.
   */
  publish(msg: Encodable<T>): void;
  /** Messages waiting for the connection. */
  readonly queued: number;
  /** Messages dropped from the queue so far. */
  readonly dropped: number;
  unadvertise(): void;
}

export interface ReceivedMessage<T> {
  msg: T;
  receiveTimeNs: bigint;
  info: MessageInfo;
}

/** `client.messages()`: ends when the client closes or the loop breaks. */
export interface MessageStream<T> extends AsyncIterableIterator<ReceivedMessage<T>> {
  /** Messages dropped because the consumer fell `bufferSize` messages behind. */
  readonly dropped: number;
  /** Ends the stream and its subscription (what `break` in `for await` calls). */
  return(): Promise<IteratorResult<ReceivedMessage<T>>>;
}

export interface TopicInfo {
  topic: string;
  datatype: string;
  /** The full definition the server advertised (`""` when it has none for the type). */
  definition: string;
}
export interface ServiceInfo {
  name: string;
  datatype: string;
  /** The request and response definitions the server advertised (legacy or new form). */
  requestDefinition: string | undefined;
  responseDefinition: string | undefined;
}

export interface ConnectEvent {
  serverInfo: ServerInfo;
  /** The subprotocol the server chose. */
  protocol: string;
  /** True when this is not the first connection of the client. */
  reconnected: boolean;
  /** True when the server's `sessionId` differs from the previous connection's (bridge restarted). */
  sessionChanged: boolean;
}
export interface DisconnectEvent {
  code: number;
  reason: string;
  error?: Error;
  /** Delay before the next attempt; undefined when the client will not reconnect. */
  retryInMs?: number;
}
export interface StatusEvent {
  level: "info" | "warning" | "error";
  message: string;
  id?: string;
}
export interface RosClientWarning {
  kind: "schema-mismatch" | "schema" | "protocol" | "unadvertised";
  message: string;
  topic?: string;
  service?: string;
  datatype?: string;
  /** For `schema-mismatch`: md5 of the generated codec and of the advertised definition. */
  generatedMd5?: string;
  advertisedMd5?: string;
  /** For `schema-mismatch` on a ROS 2 bridge: the RIHS01 type hashes compared (md5s are ""). */
  generatedTypeHash?: string;
  advertisedTypeHash?: string;
}
export interface DropEvent {
  /** `publish-queue`: publishes while disconnected; `message-buffer`: a slow `messages()` loop. */
  kind: "publish-queue" | "message-buffer";
  topic: string;
  /** Total dropped so far by that publisher or stream. */
  dropped: number;
}

export interface RosClientEvents {
  /** The server introduced itself (`serverInfo`) on a new socket. */
  connect: (event: ConnectEvent) => void;
  /** Same as `connect`, for every connection but the first. */
  reconnect: (event: ConnectEvent) => void;
  /** A connected socket closed. */
  disconnect: (event: DisconnectEvent) => void;
  advertise: (topics: TopicInfo[]) => void;
  unadvertise: (topics: TopicInfo[]) => void;
  advertiseServices: (services: ServiceInfo[]) => void;
  unadvertiseServices: (services: ServiceInfo[]) => void;
  /** A `status` message from the server (e.g. the bridge dropping messages for a slow client). */
  status: (event: StatusEvent) => void;
  error: (error: RosClientError) => void;
  warning: (warning: RosClientWarning) => void;
  drop: (event: DropEvent) => void;
  /** Server time (`time` capability, e.g. `/use_sim_time`), in nanoseconds. */
  time: (timeNs: bigint) => void;
}

export interface RosClientOptions {
  /**
   * Reconnect with backoff after a working connection is lost (bridge restart, network drop).
   * Default true.
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * Keep trying when the first connection fails (the bridge is not up yet), until `connected()`
   * times out. Default false: the first failure (wrong URL or port, no bridge running) ends the
   * client at once and `connected()` rejects naming the URL and the cause.
   */
  waitForServer?: boolean;
  /**
   * Warn (a `warning` event of kind `unadvertised`) when a subscribed topic is still not
   * advertised this long after connecting, as `rostopic echo` does. Default 5000 ms; `Infinity`
   * turns it off.
   */
  unadvertisedWarningMs?: number;
  /** WebSocket implementation; default: the global one, else the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** Per publisher, messages kept while disconnected. Default 100. */
  publishQueueSize?: number;
  /** Default `bufferSize` of `messages()`. Default 100. */
  messageBufferSize?: number;
  /** Default timeout of service calls and parameter requests, ms. Default 10000. */
  requestTimeoutMs?: number;
  /** Default timeout of `connected()`, ms (only used while reconnecting). Default 10000. */
  connectTimeoutMs?: number;
  /**
   * Generated codecs the client prefers over compiling the server's definitions, when their md5
   * matches: `[sensor_msgs.ImuCodec]`, or a whole map (`codecs` of a generated module). Codecs
   * passed to `subscribe`/`advertise` and codecs registered globally (`noros/msgs/register`)
   * count too.
   */
  codecs?: Iterable<Codec> | Readonly<Record<string, Codec>>;
  /**
   * Readers of definitions in schema encodings the client does not read by itself: `[ros2idl]`
   * from `noros/ros2idl` reads the OMG IDL a ROS 2 bridge sends (`schemaEncoding: "ros2idl"`) for
   * types that have only an `.idl` file. Without it such channels decode only with a generated
   * codec (unchecked, with a warning).
   */
  schemaReaders?: Iterable<SchemaReader>;
  /**
   * Dead-link detection: a link that stops carrying anything (cable pulled, Wi-Fi roam, frozen
   * server: no FIN, no RST) is dropped, and the client reconnects. Default on; `false` turns it off.
   */
  heartbeat?: false | HeartbeatOptions;
  /**
   * Largest frame accepted from the server, bytes. A bigger message is dropped with an `error`
   * (kind `limit`) naming its topic and size; the connection goes on. Default 100 MiB. In Node the
   * frame is received before it is measured, up to 2 GiB (or this limit, when larger): beyond
   * that the socket closes with an `error` and the client reconnects.
   */
  maxPayloadBytes?: number;
}

export interface HeartbeatOptions {
  /**
   * After this long without a frame from the server, ping it (Node `ws`; browsers cannot send
   * pings). Default 1000 ms.
   */
  intervalMs?: number;
  /**
   * The link is dead after this long without any frame or pong: the socket is dropped (code 4001)
   * and the client reconnects. Default 5000 ms. Applies where the WebSocket can ping.
   */
  timeoutMs?: number;
  /**
   * Where the WebSocket cannot ping (browsers), a link is taken for dead after this long without
   * any frame. Off by default, since a server with nothing to send is silent too: set it when a
   * subscribed topic is always published (e.g. `/tf`, `/clock`) at a known rate.
   */
  silenceTimeoutMs?: number;
}

export interface AdvertiseOptions {
  /** Full definition text, for a type without a generated codec. */
  definition?: string;
}
export interface RequestOptions {
  /** Overall time limit, including waiting for the connection and the service. */
  timeoutMs?: number;
}
export interface MessagesOptions {
  /** Messages buffered for a slow loop before the oldest are dropped. */
  bufferSize?: number;
}

/**
 * The maps are declared next to `Codec` (runtime/codec/types.ts), where generated modules augment
 * them; `ServiceTypeMap` entries are `{ request: Req; response: Res }` keyed by `pkg/Srv`.
 */
export type { MessageOf, MessageTypeMap, ServiceTypeMap };
