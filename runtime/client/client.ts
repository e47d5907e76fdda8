/**
 * `RosClient`: typed subscribe / publish / services / parameters over the Foxglove WebSocket
 * protocol, as foxglove_bridge speaks it for ROS 1 (`ros1`) and ROS 2 (`cdr`; docs/ros2-bridge.md).
 *
 * State that the server owns (channel ids, service ids, subscriptions, client channels) lives only
 * as long as one socket; what the user asked for (subscriptions, publishers) lives in the client
 * and is replayed on every new socket. So a bridge restart, a network drop or a new `sessionId`
 * all take the same path: forget the server's state, wait for its `serverInfo` and `advertise`,
 * subscribe and advertise again.
 *
 * This file is the wiring: the connection lifecycle and frame dispatch. The parts live next to
 * it: subscriptions.ts, publishers.ts, services.ts, parameters.ts.
 */
import type { Encodable, TopicMessage, TopicTypeMap } from "../codec/types.js";
import { MessageIterator } from "./bounded-queue.js";
import { Connection, type SocketClosed } from "./connection.js";
import { resolveName } from "./names.js";
import { ANY_TYPE, type ClientContext } from "./context.js";
import { describeError, RosClientError } from "./errors.js";
import { TypedEmitter } from "./events.js";
import { GraphWatchers, type ConnectionGraph } from "./graph.js";
import { Parameters, toParameters, type ParameterOp } from "./parameters.js";
import {
  describeFrame,
  parseBinaryFrame,
  parseTextFrame,
  ProtocolError,
  type ParameterValue,
  type ServerInfo,
  type TextServerMessage,
} from "./protocol.js";
import { Publishers } from "./publishers.js";
import {
  CDR_ENCODING,
  isRos2TypeName,
  MESSAGE_ENCODING,
  rosNamingHint,
  SchemaCodecs,
  type Wire,
} from "./schema-codecs.js";
import { Services } from "./services.js";
import { Subscriptions } from "./subscriptions.js";
import type {
  AdvertiseOptions,
  DisconnectEvent,
  MessageCallback,
  MessagesOptions,
  MessageStream,
  Publisher,
  RawMessageCallback,
  ReceivedMessage,
  RequestOptions,
  RosClientEvents,
  RosClientOptions,
  RosClientWarning,
  ServiceInfo,
  ServiceRequestOf,
  ServiceResponseOf,
  Subscription,
  TopicInfo,
} from "./types.js";
import {
  messageRef,
  serviceRef,
  type MessageOfRef,
  type MessageTypeRef,
  type ServiceTypeRef,
} from "./type-refs.js";
import { defaultWebSocket } from "./websocket.js";

export { ANY_TYPE };

export type ClientState = "connecting" | "connected" | "reconnecting" | "closed";

/** Something awaited until the client's state satisfies `check` (re-run after each change). */
interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (error: RosClientError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const STATUS_LEVELS = ["info", "warning", "error"] as const;
/** `maxPayloadBytes` default: what `ws` allows by default. */
const DEFAULT_MAX_PAYLOAD_BYTES = 100 * 1024 * 1024;
/** Frames `ws` receives before the client measures them (bigger ones close the socket). */
const WS_HARD_PAYLOAD_CAP = 2 ** 31 - 1;
/** Opcode of a binary messageData frame, followed by a u32 subscription id. */
const MESSAGE_DATA_OPCODE = 0x01;

export class RosClient extends TypedEmitter<RosClientEvents> {
  readonly url: string;
  readonly #connection: Connection;
  readonly #reconnect: boolean;
  readonly #waitForServer: boolean;
  readonly #messageBufferSize: number;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #maxPayloadBytes: number;

  readonly #ctx: ClientContext;
  readonly #subscriptions: Subscriptions;
  readonly #publishers: Publishers;
  readonly #services: Services;
  readonly #parameters: Parameters;
  readonly #graph: GraphWatchers;
  readonly #streams = new Set<MessageIterator<ReceivedMessage<unknown>>>();
  readonly #waiters = new Set<Waiter>();

  #state: ClientState = "connecting";
  /** The current socket got `serverInfo`: server state is valid and requests can be sent. */
  #ready = false;
  #serverInfo: ServerInfo | undefined;
  #protocol = "";
  #lastSessionId: string | undefined;
  #everConnected = false;
  /** Why the last attempt failed (for the `connected()` timeout message). */
  #lastConnectionError: Error | undefined;
  /** The last connection error reported: a streak of identical failures is reported once. */
  #reportedConnectionError: string | undefined;
  /** Why the client stopped when it was not `close()`d (connection lost, reconnect off). */
  #stoppedBy: RosClientError | undefined;
  #closePromise: Promise<void> | undefined;
  readonly #warnedOps = new Set<string>();

  constructor(url: string, options: RosClientOptions = {}) {
    super();
    this.url = url;
    const reconnect = options.reconnect ?? true;
    this.#reconnect = reconnect !== false;
    this.#waitForServer = options.waitForServer ?? false;
    this.#messageBufferSize = positiveInteger(
      options.messageBufferSize ?? 100,
      "messageBufferSize",
    );
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#maxPayloadBytes = positiveInteger(
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      "maxPayloadBytes",
    );
    this.#connection = new Connection(
      url,
      options.WebSocket ?? defaultWebSocket(),
      {
        open: (protocol) => this.#onSocketOpen(protocol),
        frame: (data) => this.#onFrame(data),
        closed: (info) => this.#onSocketClosed(info),
      },
      {
        reconnect: reconnect === true ? {} : reconnect,
        heartbeat: options.heartbeat ?? {},
        // `ws` closes the socket on a frame over its limit (and a reconnect gets the same frame
        // again): let it take frames up to a hard cap, and drop oversized messages here, where
        // their topic is known.
        socketOptions: { maxPayload: Math.max(WS_HARD_PAYLOAD_CAP, this.#maxPayloadBytes) },
      },
    );
    const ctx = this.#makeContext();
    this.#ctx = ctx;
    const given = options.codecs ?? [];
    for (const codec of Symbol.iterator in given ? given : Object.values(given)) {
      ctx.codecs.use(messageRef(codec, "RosClient options.codecs").codec ?? codec);
    }
    this.#subscriptions = new Subscriptions(ctx, options.unadvertisedWarningMs ?? 5000);
    this.#publishers = new Publishers(ctx, {
      queueSize: positiveInteger(options.publishQueueSize ?? 100, "publishQueueSize"),
      // Without reconnect, a lost connection is final: publishing then fails loudly.
      mayQueue: () => this.#reconnect || !this.#everConnected || this.#ready,
      onDrop: (topic, dropped) => this.emit("drop", { kind: "publish-queue", topic, dropped }),
    });
    this.#services = new Services(ctx);
    this.#parameters = new Parameters(ctx);
    this.#graph = new GraphWatchers(ctx, () => this.#offers("connectionGraph"));
    this.#connection.start();
  }

  /** What the parts (subscriptions, publishers, services, parameters) use of the client. */
  #makeContext(): ClientContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below needs it
    const client = this;
    return {
      codecs: new SchemaCodecs(),
      get ready() {
        return client.#ready;
      },
      send: (data) => this.#connection.send(data),
      report: (error) => this.#report(error),
      warn: (warning) => this.#warn(warning),
    };
  }

  // ---------------------------------------------------------------- connection

  get state(): ClientState {
    return this.#state;
  }

  /** The current server's `serverInfo`, once connected. */
  get serverInfo(): ServerInfo | undefined {
    return this.#serverInfo;
  }

  /**
   * Resolves with the server's `serverInfo` once connected. Rejects at once when the first
   * attempt fails (naming the URL and the cause); with `waitForServer`, keeps waiting through
   * attempts for up to `timeoutMs` (default `connectTimeoutMs`, `Infinity` waits for ever), then
   * rejects naming the last error.
   */
  async connected(options: { timeoutMs?: number } = {}): Promise<ServerInfo> {
    const timeoutMs = options.timeoutMs ?? this.#connectTimeoutMs;
    await this.#waitFor(
      () => this.#ready,
      timeoutMs,
      () => {
        const last = this.#lastConnectionError;
        const detail =
          last === undefined
            ? ""
            : ` (${this.#connection.failedAttempts} failed attempts; last error: ${last.message})`;
        return new RosClientError(
          "connection",
          `could not connect to ${this.url} within ${timeoutMs} ms${detail}`,
          { url: this.url },
        );
      },
    );
    return this.#serverInfo as ServerInfo;
  }

  /** Stops for good: ends subscriptions and streams, rejects pending requests, closes the socket. */
  close(): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    this.#state = "closed";
    const closed = () => new RosClientError("closed", `client for ${this.url} was closed`);
    this.#failRequests(closed);
    for (const waiter of [...this.#waiters]) this.#settleWaiter(waiter, closed());
    this.#endStreams();
    this.#subscriptions.closeAll();
    this.#publishers.closeAll(closed());
    this.#closePromise = this.#connection.close();
    return this.#closePromise;
  }

  #onSocketOpen(protocol: string): void {
    this.#protocol = protocol;
    this.#lastConnectionError = undefined;
    this.#reportedConnectionError = undefined;
  }

  #onSocketClosed(closed: SocketClosed): void {
    const wasReady = this.#ready;
    let info = closed;
    if (!this.#everConnected && !this.#waitForServer && info.retryInMs !== undefined) {
      // The very first attempt failed: a wrong URL or port, or a bridge that is not running.
      // Say so at once instead of retrying until connected() times out; `waitForServer` is for
      // starting before the bridge. Reconnecting applies once a connection has worked.
      void this.#connection.close();
      const { retryInMs: _retry, ...final } = info;
      const hint = " (is the bridge running there? pass { waitForServer: true } to wait for it)";
      const error =
        final.error ??
        new Error(
          `could not connect to ${this.url}: closed (code ${final.code}) before the server introduced itself`,
        );
      info = { ...final, error: withHint(error, hint) };
    }
    this.#resetServerState();
    const error = info.error;
    if (error !== undefined) this.#lastConnectionError = error;
    if (this.#state === "closed") {
      if (wasReady) this.emit("disconnect", { code: info.code, reason: info.reason });
      return;
    }
    const reason = info.reason === "" ? "" : `: ${info.reason}`;
    this.#failRequests(
      () =>
        new RosClientError(
          "connection",
          `connection to ${this.url} lost (code ${info.code}${reason})`,
          {
            url: this.url,
          },
        ),
    );
    if (wasReady) {
      const event: DisconnectEvent = { code: info.code, reason: info.reason };
      if (error !== undefined) event.error = error;
      if (info.retryInMs !== undefined) event.retryInMs = info.retryInMs;
      this.emit("disconnect", event);
    } else if (error !== undefined && error.message !== this.#reportedConnectionError) {
      // A failed attempt. While the bridge stays down every retry fails the same way: report the
      // first failure of a streak, then only a different one.
      this.#reportedConnectionError = error.message;
      this.#report(
        new RosClientError("connection", error.message, { url: this.url, cause: error }),
      );
    }
    if (info.retryInMs === undefined) {
      // No further attempt: everything waiting for a connection fails now.
      this.#state = "closed";
      this.#stoppedBy = new RosClientError(
        "connection",
        error?.message ??
          `connection to ${this.url} closed (code ${info.code}) and reconnect is off`,
        { url: this.url },
      );
      for (const waiter of [...this.#waiters]) this.#settleWaiter(waiter, this.#stoppedBy);
      this.#endStreams();
    } else {
      this.#state = this.#everConnected ? "reconnecting" : "connecting";
    }
  }

  /** Forgets everything the server said on the socket that just ended. */
  #resetServerState(): void {
    this.#ready = false;
    this.#subscriptions.resetSocket();
    this.#services.resetSocket();
    this.#publishers.resetSocket();
    this.#graph.resetSocket();
  }

  #onServerInfo(info: ServerInfo): void {
    // A second serverInfo on one socket means a new server session: start over as after a drop.
    if (this.#ready) this.#resetServerState();
    const sessionChanged =
      this.#lastSessionId !== undefined && info.sessionId !== this.#lastSessionId;
    const reconnected = this.#everConnected;
    this.#serverInfo = info;
    this.#lastSessionId = info.sessionId;
    this.#everConnected = true;
    this.#ready = true;
    this.#state = "connected";
    this.#connection.markHealthy();
    const encodings = info.supportedEncodings;
    if (
      encodings !== undefined &&
      !encodings.includes(MESSAGE_ENCODING) &&
      !encodings.includes(CDR_ENCODING)
    ) {
      this.#report(
        new RosClientError(
          "unsupported",
          `server "${info.name}" supports encodings [${encodings.join(", ")}], ` +
            `not "${MESSAGE_ENCODING}" (ROS 1) nor "${CDR_ENCODING}" (ROS 2): it is not a ROS bridge`,
          { url: this.url },
        ),
      );
    }
    const event = { serverInfo: info, protocol: this.#protocol, reconnected, sessionChanged };
    this.emit("connect", event);
    if (reconnected) this.emit("reconnect", event);
    this.#publishers.advertiseAll();
    this.#graph.onReady();
  }

  // ---------------------------------------------------------------- frames

  #onFrame(data: string | Uint8Array): void {
    // Nothing may escape into the socket's event handler: in Node it would end the process.
    try {
      if (typeof data === "string") this.#onText(data);
      else this.#onBinary(data);
    } catch (error) {
      this.#report(
        error instanceof RosClientError
          ? error
          : new RosClientError("protocol", `failed to handle a frame: ${describeError(error)}`, {
              frame: describeFrame(data),
              cause: error,
            }),
      );
    }
  }

  #onBinary(bytes: Uint8Array): void {
    if (bytes.byteLength > this.#maxPayloadBytes) {
      this.#reportOversized(bytes);
      return;
    }
    let frame;
    try {
      frame = parseBinaryFrame(bytes);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#reportMalformed(error);
      return;
    }
    switch (frame.op) {
      case "messageData":
        this.#subscriptions.onMessageData(frame);
        return;
      case "serviceCallResponse":
        this.#services.onResponse(frame, bytes);
        return;
      case "time":
        this.emit("time", frame.timeNs);
        return;
      case "ignored":
        return;
    }
  }

  #onText(text: string): void {
    let msg: TextServerMessage;
    try {
      msg = parseTextFrame(text);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#reportMalformed(error);
      return;
    }
    if (!this.#ready && msg.op !== "serverInfo" && msg.op !== "status") {
      const frame = describeFrame(text);
      this.#report(
        new RosClientError("protocol", `"${msg.op}" before serverInfo; ignored`, { frame }),
      );
      return;
    }
    switch (msg.op) {
      case "serverInfo":
        this.#onServerInfo(msg);
        break;
      case "status":
        this.emit("status", {
          level: STATUS_LEVELS[msg.level],
          message: msg.message,
          ...(msg.id === undefined ? {} : { id: msg.id }),
        });
        break;
      case "advertise": {
        this.#reportInvalid("channel", msg.invalid, text);
        const added = this.#subscriptions.onAdvertise(msg.channels);
        if (added.length > 0) this.emit("advertise", added);
        break;
      }
      case "unadvertise": {
        const removed = this.#subscriptions.onUnadvertise(msg.channelIds);
        if (removed.length > 0) this.emit("unadvertise", removed);
        break;
      }
      case "advertiseServices": {
        this.#reportInvalid("service", msg.invalid, text);
        const added = this.#services.onAdvertise(msg.services);
        if (added.length > 0) this.emit("advertiseServices", added);
        break;
      }
      case "unadvertiseServices": {
        const removed = this.#services.onUnadvertise(msg.serviceIds);
        if (removed.length > 0) this.emit("unadvertiseServices", removed);
        break;
      }
      case "parameterValues":
        this.#parameters.onValues(msg.parameters, msg.id);
        break;
      case "serviceCallFailure":
        this.#services.onFailure(msg.serviceId, msg.callId, msg.message);
        break;
      case "connectionGraphUpdate":
        this.#graph.onUpdate(msg);
        break;
      case "removeStatus":
        break;
      case "unknown":
        if (!this.#warnedOps.has(msg.name)) {
          this.#warnedOps.add(msg.name);
          this.#warn({
            kind: "protocol",
            message: `ignoring unknown op "${msg.name}" from the server`,
          });
        }
        break;
    }
    this.#checkWaiters();
  }

  #reportOversized(bytes: Uint8Array): void {
    let what = "a binary frame";
    const context: { topic?: string; datatype?: string; subscriptionId?: number } = {};
    if (bytes[0] === MESSAGE_DATA_OPCODE && bytes.byteLength >= 5) {
      const id = new DataView(bytes.buffer, bytes.byteOffset, 5).getUint32(1, true);
      const info = this.#subscriptions.infoOfSubscription(id);
      what = info === undefined ? `a message (subscription ${id})` : `a message on ${info.topic}`;
      context.subscriptionId = id;
      if (info !== undefined)
        Object.assign(context, { topic: info.topic, datatype: info.datatype });
    }
    this.#report(
      new RosClientError(
        "limit",
        `dropped ${what} of ${bytes.byteLength} bytes: over maxPayloadBytes (${this.#maxPayloadBytes})`,
        context,
      ),
    );
  }

  #reportMalformed(error: ProtocolError): void {
    this.#report(
      new RosClientError("protocol", `malformed frame: ${error.message}`, { frame: error.frame }),
    );
  }

  #reportInvalid(what: string, invalid: { reason: string }[], text: string): void {
    for (const bad of invalid) {
      this.#report(
        new RosClientError("protocol", `ignored an invalid ${what}: ${bad.reason}`, {
          frame: describeFrame(text),
        }),
      );
    }
  }

  // ---------------------------------------------------------------- topics

  /** The type name a call names; a codec passed in is used for that type from then on. */
  #typeName(ref: unknown, call: string): string {
    const { datatype, codec } = messageRef(ref, call);
    if (codec !== undefined) this.#ctx.codecs.use(codec);
    return datatype;
  }

  /**
   * Calls `callback` with every message on `topic`, decoded as `datatype` (typed through
   * `MessageTypeMap`; `"*"` accepts any type). Waits for the topic if it is not advertised yet,
   * and subscribes again after reconnecting. Subscribers of one topic share each decoded message.
   * `uint8[]` fields are views into the received frame (which is not reused).
   */
  subscribe<K extends MessageTypeRef>(
    topic: string,
    type: K,
    callback: MessageCallback<MessageOfRef<K>>,
  ): Subscription;
  /**
   * A topic of bindings generated from a bridge (`noros-gen --bridge`, `TopicTypeMap`): typed by
   * the topic name alone, decoded as whatever type the bridge advertises.
   */
  subscribe<T extends keyof TopicTypeMap & string>(
    topic: T,
    callback: MessageCallback<TopicMessage<T>>,
  ): Subscription;
  subscribe(
    topic: string,
    typeOrCallback: MessageTypeRef | MessageCallback<unknown>,
    callback?: MessageCallback<unknown>,
  ): Subscription {
    this.#assertOpen();
    const [datatype, cb] =
      typeof typeOrCallback === "function"
        ? [ANY_TYPE, typeOrCallback]
        : [this.#typeName(typeOrCallback, `subscribe(${JSON.stringify(topic)})`), callback];
    if (typeof cb !== "function") {
      throw new TypeError(`subscribe(${JSON.stringify(topic)}): the callback is missing`);
    }
    return this.#subscriptions.add(resolveName(topic), datatype, undefined, cb);
  }

  /**
   * Like `subscribe`, without decoding: the serialized bytes as the bridge sent them (ROS 1, or
   * CDR with its encapsulation header from a ROS 2 bridge), e.g. to record a bag.
   */
  subscribeRaw(topic: string, datatype: string, callback: RawMessageCallback): Subscription {
    this.#assertOpen();
    return this.#subscriptions.add(resolveName(topic), datatype, callback, undefined);
  }

  /**
   * The messages of `topic` as an async iterable. A slow loop keeps the newest `bufferSize`
   * messages and drops older ones (counted in `dropped`, reported as `drop` events). It ends when
   * the loop breaks or the client closes.
   */
  messages<K extends MessageTypeRef>(
    topic: string,
    type: K,
    options: MessagesOptions = {},
  ): MessageStream<MessageOfRef<K>> {
    const bufferSize = positiveInteger(options.bufferSize ?? this.#messageBufferSize, "bufferSize");
    const stream = new MessageIterator<ReceivedMessage<MessageOfRef<K>>>(
      bufferSize,
      (dropped) => this.emit("drop", { kind: "message-buffer", topic, dropped }),
      // Only a live stream calls this, and a live stream has its subscription.
      () => {
        subscription.unsubscribe();
        this.#streams.delete(stream as MessageIterator<ReceivedMessage<unknown>>);
      },
    );
    if (this.#state === "closed") {
      stream.end();
      return stream;
    }
    this.#streams.add(stream as MessageIterator<ReceivedMessage<unknown>>);
    const subscription = this.subscribe(topic, type as MessageTypeRef, (msg, receiveTimeNs, info) =>
      stream.push({ msg: msg as MessageOfRef<K>, receiveTimeNs, info }),
    );
    return stream;
  }

  /** Topics the server advertises now. */
  topics(): TopicInfo[] {
    return this.#subscriptions
      .channels()
      .map((c) => ({ topic: c.topic, datatype: c.schemaName, definition: c.schema }));
  }

  /** Services the server advertises now. */
  services(): ServiceInfo[] {
    return this.#services.list();
  }

  /**
   * Advertises `topic` with `datatype` and returns a publisher. Waits for the first connection.
   * The codec is compiled from `options.definition` when given, else the generated one, else one
   * compiled from a definition the server already advertises for that type.
   */
  async advertise<K extends MessageTypeRef>(
    topicName: string,
    type: K,
    options: AdvertiseOptions = {},
  ): Promise<Publisher<MessageOfRef<K>>> {
    this.#assertOpen();
    const topic = resolveName(topicName);
    const datatype = this.#typeName(type, `advertise(${JSON.stringify(topic)})`);
    const info = await this.connected();
    const context = { topic, datatype };
    if (!info.capabilities.includes("clientPublish")) {
      const message = `server "${info.name}" does not accept client publishing`;
      throw new RosClientError("unsupported", message, context);
    }
    const channels = this.#subscriptions.channels();
    const conflict = channels.find((c) => c.topic === topic && c.schemaName !== datatype);
    if (conflict !== undefined) {
      throw new RosClientError(
        "request",
        `cannot advertise ${topic} as ${datatype}: the server has it as ${conflict.schemaName}` +
          rosNamingHint(datatype, conflict.schemaName),
        context,
      );
    }
    // The type's name says which ROS it belongs to, and so what goes on the wire.
    const wire: Wire = isRos2TypeName(datatype) ? "cdr" : "ros1";
    const wires = this.#serverWires();
    const naming = wires === undefined || wires.has(wire) ? undefined : wrongRosNaming(datatype);
    if (naming !== undefined) {
      throw new RosClientError("request", `cannot advertise ${topic}: ${naming}`, context);
    }
    const advertised = channels.find((c) => c.schemaName === datatype && c.schema !== "")?.schema;
    const codec = this.#ctx.codecs.forPublishing(datatype, options.definition, advertised, wire);
    if ("error" in codec) {
      throw new RosClientError("schema", `cannot publish ${topic}: ${codec.error}`, context);
    }
    return this.#publishers.create<MessageOfRef<K>>(topic, datatype, codec);
  }

  // ---------------------------------------------------------------- connection graph

  /**
   * Calls `callback` with the whole connection graph (node names per topic and service) after
   * each update from the server, until `unsubscribe()`; subscribes again after reconnecting (the
   * graph then starts empty). Needs the server's `connectionGraph` capability. A just-started
   * foxglove_bridge first sends an empty graph and the whole one up to 5 s later.
   */
  watchConnectionGraph(callback: (graph: ConnectionGraph) => void): { unsubscribe(): void } {
    this.#assertOpen();
    return { unsubscribe: this.#graph.add(callback) };
  }

  /**
   * The connection graph once the server has reported one naming any topic or service: waits
   * through a bridge's empty first reply for its next discovery cycle, up to `timeoutMs` (default
   * 6000), then settles for what it has (rejects when the server never answered).
   */
  async connectionGraph(options: RequestOptions = {}): Promise<ConnectionGraph> {
    this.#assertOpen();
    const timeoutMs = options.timeoutMs ?? 6000;
    const deadline = Date.now() + timeoutMs;
    const info = await this.connected({ timeoutMs });
    if (!info.capabilities.includes("connectionGraph")) {
      const message = `server "${info.name}" does not offer the connection graph`;
      throw new RosClientError("unsupported", message);
    }
    const state = this.#graph.state;
    // Watching keeps the server subscription; each update re-checks the waiter (see #onText).
    const stop = this.#graph.add(() => undefined);
    let graph: ConnectionGraph;
    try {
      await this.#waitFor(
        () => state.known,
        Math.max(0, deadline - Date.now()),
        () =>
          new RosClientError(
            "timeout",
            `server "${info.name}" sent no connection graph within ${timeoutMs} ms`,
          ),
      );
    } catch (error) {
      // Out of time: a graph that was sent but names nothing is still the answer.
      const answered = state.snapshot().updates > 0;
      if (!(error instanceof RosClientError && error.kind === "timeout" && answered)) throw error;
    } finally {
      // Taken before unwatching: the last watcher leaving forgets the graph.
      graph = state.snapshot();
      stop();
    }
    return graph;
  }

  // ---------------------------------------------------------------- services and parameters

  /**
   * Calls service `name` of type `datatype` (typed through `ServiceTypeMap`; `"*"` accepts any).
   * Waits for the connection and for the service to be advertised, all within `timeoutMs`.
   * Rejects with a `RosClientError`: `service-failure` (the server's message), `timeout`,
   * `connection` (lost during the call), `request` (type mismatch, bad request), `schema`.
   */
  async callService<K extends ServiceTypeRef>(
    serviceName: string,
    type: K,
    request: Encodable<ServiceRequestOf<K>>,
    options: RequestOptions = {},
  ): Promise<ServiceResponseOf<K>> {
    this.#assertOpen();
    const name = resolveName(serviceName);
    const ref = serviceRef(type, `callService(${JSON.stringify(name)})`);
    const datatype = ref.datatype;
    if (ref.codecs !== undefined) {
      this.#ctx.codecs.use(ref.codecs.request);
      this.#ctx.codecs.use(ref.codecs.response);
    }
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    await this.#waitFor(
      () => this.#ready && this.#services.find(name) !== undefined,
      timeoutMs,
      () =>
        new RosClientError(
          "timeout",
          this.#ready
            ? `service ${name} is not advertised by the server (waited ${timeoutMs} ms)`
            : `could not reach the server to call ${name} within ${timeoutMs} ms`,
          { service: name, datatype },
        ),
    );
    const service = this.#services.find(name)!;
    const info = this.#serverInfo!;
    const context = { service: name, datatype: service.type, serviceId: service.id };
    if (!info.capabilities.includes("services")) {
      const message = `server "${info.name}" does not offer service calls`;
      throw new RosClientError("unsupported", message, context);
    }
    if (datatype !== ANY_TYPE && service.type !== datatype) {
      throw new RosClientError(
        "request",
        `service ${name} has type ${service.type} on the server, called as ${datatype}` +
          rosNamingHint(datatype, service.type),
        context,
      );
    }
    const response = await this.#services.call(service, request, deadline, timeoutMs);
    return response as ServiceResponseOf<K>;
  }

  /** Values of the named parameters that exist (absent ones are left out). */
  getParameters(
    names: string[],
    options: RequestOptions = {},
  ): Promise<Record<string, ParameterValue>> {
    return this.#parameterRequest("getParameters", { parameterNames: names }, options);
  }

  /**
   * Sets parameters; resolves with the values the server reports back. Non-integer numbers are
   * sent as `float64` (ROS doubles); integers as ROS ints, except, on a ROS 2 bridge, for a
   * parameter that is a double (ROS 2 refuses a change of type; the client asks the server for
   * the types of parameters it has not seen yet). A ROS 2 bridge names parameters `/node.param`
   * (`/talker.use_sim_time`).
   */
  setParameters(
    values: Record<string, ParameterValue>,
    options: RequestOptions = {},
  ): Promise<Record<string, ParameterValue>> {
    return this.#parameterRequest(
      "setParameters",
      async (deadline) => {
        // ROS 2 parameters keep their type (a double stays a double); ROS 1 ones take any value.
        const wires = this.#serverWires();
        if (wires?.has("cdr") !== true || wires.has("ros1")) {
          return { parameters: toParameters(values) };
        }
        // An integral number may be meant for a double: learn the types not yet known first.
        const known = this.#parameters.knownTypes;
        const integral = (v: ParameterValue) =>
          typeof v === "number" || (Array.isArray(v) && v.every((e) => typeof e === "number"));
        const unknown = Object.keys(values).filter((n) => integral(values[n]) && !known.has(n));
        if (unknown.length > 0) {
          const left = Math.max(0, deadline - Date.now());
          const body = { parameterNames: unknown };
          await this.#parameters.request("getParameters", body, deadline, left);
        }
        return { parameters: toParameters(values, known) };
      },
      options,
    );
  }

  async #parameterRequest(
    op: ParameterOp,
    body: object | ((deadline: number) => Promise<object>),
    options: RequestOptions,
  ): Promise<Record<string, ParameterValue>> {
    this.#assertOpen();
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    await this.#waitFor(
      () => this.#ready,
      timeoutMs,
      () =>
        new RosClientError(
          "timeout",
          `could not reach the server for ${op} within ${timeoutMs} ms`,
        ),
    );
    const info = this.#serverInfo!;
    if (!info.capabilities.includes("parameters")) {
      throw new RosClientError("unsupported", `server "${info.name}" does not offer parameters`);
    }
    const message = typeof body === "function" ? await body(deadline) : body;
    return this.#parameters.request(op, message, deadline, timeoutMs);
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * The wires the server reads and writes, from its `supportedEncodings` (a ROS 2 bridge: `cdr`,
   * a ROS 1 bridge: `ros1`), else from its channels; undefined when nothing tells.
   */
  #serverWires(): Set<Wire> | undefined {
    const wires = new Set<Wire>();
    const encodings =
      this.#serverInfo?.supportedEncodings ?? this.#subscriptions.channels().map((c) => c.encoding);
    if (encodings.includes(MESSAGE_ENCODING)) wires.add("ros1");
    if (encodings.includes(CDR_ENCODING)) wires.add("cdr");
    return wires.size === 0 ? undefined : wires;
  }

  #offers(capability: string): boolean {
    return this.#serverInfo?.capabilities.includes(capability) === true;
  }

  #assertOpen(): void {
    if (this.#state === "closed") throw this.#closedError();
  }

  #closedError(): RosClientError {
    return (
      this.#stoppedBy ??
      new RosClientError("closed", `client for ${this.url} is closed`, { url: this.url })
    );
  }

  /** Resolves once `check()` holds (re-checked after every server message), or rejects. */
  #waitFor(
    check: () => boolean,
    timeoutMs: number,
    onTimeout: () => RosClientError,
  ): Promise<void> {
    if (this.#state === "closed") return Promise.reject(this.#closedError());
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { check, resolve, reject, timer: undefined };
      if (Number.isFinite(timeoutMs)) {
        const expire = () => this.#settleWaiter(waiter, onTimeout());
        waiter.timer = setTimeout(expire, Math.max(0, timeoutMs));
      }
      this.#waiters.add(waiter);
    });
  }

  #checkWaiters(): void {
    for (const waiter of [...this.#waiters]) if (waiter.check()) this.#settleWaiter(waiter);
  }

  #settleWaiter(waiter: Waiter, error?: RosClientError): void {
    if (!this.#waiters.delete(waiter)) return;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }

  /** Rejects service calls and parameter requests in flight. */
  #failRequests(makeError: () => RosClientError): void {
    this.#services.failAll(makeError);
    this.#parameters.failAll(makeError);
  }

  #endStreams(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  /** An `error` event; printed when nobody listens, so that no problem goes unnoticed. */
  #report(error: RosClientError): void {
    if (!this.emit("error", error)) console.warn(`noros: ${error.message}`);
  }

  #warn(warning: RosClientWarning): void {
    if (!this.emit("warning", warning)) console.warn(`noros: ${warning.message}`);
  }

  protected override listenerThrew(event: string, error: unknown): void {
    if (event === "error" || event === "warning") {
      super.listenerThrew(event, error);
      return;
    }
    this.#report(
      new RosClientError("callback", `"${event}" listener threw: ${describeError(error)}`, {
        cause: error,
      }),
    );
  }
}

/**
 * Why `datatype` cannot be published to a server of `wire`: a ROS 2 bridge creates its publisher
 * from a `pkg/msg/Type` name and a ROS 1 bridge from `pkg/Type`; the other form would fail there
 * (and the two names stand for different TypeScript types, so they are not mapped silently).
 */
function wrongRosNaming(datatype: string): string {
  const parts = datatype.split("/");
  if (!isRos2TypeName(datatype)) {
    const suggestion = parts.length === 2 ? ` (e.g. "${parts[0]}/msg/${parts[1]}")` : "";
    return (
      `the server is a ROS 2 bridge, which names types pkg/msg/Type; ${datatype} is a ROS 1 ` +
      `name${suggestion}: use the ROS 2 type and its bindings from noros/ros2/msgs`
    );
  }
  return (
    `the server is a ROS 1 bridge, which names types pkg/Type; ${datatype} is a ROS 2 name ` +
    `(e.g. "${parts[0]}/${parts[2]}"): use the ROS 1 type and its bindings from noros/msgs`
  );
}

function withHint(error: Error, hint: string): Error {
  return new Error(`${error.message}${hint}`, { cause: error });
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
