/**
 * A real Foxglove WebSocket server (`FoxgloveServer` from @foxglove/ws-protocol over `ws`, on
 * 127.0.0.1) configured like the ROS 2 foxglove_bridge (facts and their sources:
 * docs/ros2-bridge.md), for tests of anything that talks to a ROS 2 bridge.
 *
 * Exports:
 * - `Ros2BridgeServer.start(options)`: starts one. `flavor: "0.8"` (default) is the 0.8 line's
 *   `ros2_foxglove_bridge` (subprotocol `foxglove.websocket.v1`, name "foxglove_bridge", metadata
 *   `ROS_DISTRO`, services with the legacy `requestSchema`/`responseSchema` strings); `"sdk"` is
 *   the SDK-based bridge (subprotocol `foxglove.sdk.v1`, services with `request`/`response`
 *   objects). Both: `supportedEncodings: ["cdr", "json"]`, channels `encoding: "cdr"` with
 *   `schemaEncoding: "ros2msg"`, type names `pkg/msg/Type`, parameters named `/node.param`.
 *   Options: `topics`, `services`, `parameters`, `graph` (all optional, also addable later),
 *   `port` (reuse a stopped server's port to "restart the bridge"), `sessionId`, `distro`,
 *   `capabilities`.
 * - The instance: `url`, `port`, `addTopic(topic, type, { definition?, schemaEncoding? })` →
 *   channel id, `removeTopic(id)`, `publish(channelId, cdrBytes, receiveTimeNs?)`,
 *   `publishMessage(channelId, msg)` (encoded by the reference CDR writer),
 *   `addService(name, type, handler, { requestDefinition?, responseDefinition? })` → service id,
 *   `removeService(id)`, `setGraph(graph)`, `parameters` (name → { value, type? }),
 *   what clients did: `subscribed`, `clientChannels`, `published`, `serviceRequests`,
 *   `setParameterRequests`, `statusSent`, `errors`; `waitFor(predicate, what)`,
 *   `dropConnections()`, `close({ graceful? })`.
 * - `ros2Definition(type)`: the `ros2msg` text the bridge sends for a standard type (from the
 *   generated Jazzy set: root text, then `MSG: pkg/Type` blocks, as its message_definition_cache
 *   writes them).
 * - `referenceCdrWriter(definition)` / `referenceCdrReader(definition)`: the independent CDR
 *   encoder/decoder (@foxglove/rosmsg2-serialization) to make and check bytes.
 * - `ROS2_BRIDGE_CAPABILITIES`, `ROS2_BRIDGE_ENCODINGS`.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import { FoxgloveServer, StatusLevel } from "@foxglove/ws-protocol";
import type { IWebSocket, Parameter, ServiceCallRequest } from "@foxglove/ws-protocol";
import { WebSocketServer, type WebSocket } from "ws";
import { codecs as ros2Codecs } from "../../generated-ros2/index.js";

/** The ROS 2 bridge's default `capabilities` parameter (0.8.x and SDK-based releases). */
export const ROS2_BRIDGE_CAPABILITIES = [
  "clientPublish",
  "parameters",
  "parametersSubscribe",
  "services",
  "connectionGraph",
  "assets",
];
/** What both ROS 2 bridges announce. */
export const ROS2_BRIDGE_ENCODINGS = ["cdr", "json"];

export type Ros2BridgeFlavor = "0.8" | "sdk";

export interface Ros2TopicSpec {
  topic: string;
  /** `pkg/msg/Type`. */
  type: string;
  /** Default: `ros2Definition(type)`; "" advertises the channel as the bridge does for a type it cannot find. */
  definition?: string;
  schemaEncoding?: "ros2msg" | "ros2idl";
}

/** A service handler: the CDR response bytes, `{ fail }` for a serviceCallFailure, or no answer. */
export type Ros2ServiceHandler = (
  request: Uint8Array,
  call: ServiceCallRequest,
) => Uint8Array | { fail: string } | undefined;

export interface Ros2ServiceSpec {
  name: string;
  /** `pkg/srv/Type`. */
  type: string;
  handler: Ros2ServiceHandler;
  /** Default: the generated `<type>_Request` / `_Response` definitions; "" = not found. */
  requestDefinition?: string;
  responseDefinition?: string;
}

/** A ROS 2 parameter as the bridge holds it: typed (`float64` for doubles). */
export interface Ros2ParameterEntry {
  value: Parameter["value"];
  type?: "float64" | "float64_array" | "byte_array";
}

/** Node names per topic (publishers, subscribers) and per service (providers). */
export interface Ros2Graph {
  publishers?: Record<string, string[]>;
  subscribers?: Record<string, string[]>;
  services?: Record<string, string[]>;
}

export interface Ros2BridgeServerOptions {
  flavor?: Ros2BridgeFlavor;
  /** 0 (default) picks a free port; a previous server's port restarts "the bridge" there. */
  port?: number;
  /** Default: the start time in seconds, as the 0.8 bridge sets it. */
  sessionId?: string;
  /** `ROS_DISTRO` in the metadata (0.8 flavor). Default "jazzy". */
  distro?: string;
  capabilities?: string[];
  topics?: Ros2TopicSpec[];
  services?: Ros2ServiceSpec[];
  /** Parameters by full name (`/node.param`); numbers that are not integers are doubles. */
  parameters?: Record<string, Parameter["value"] | Ros2ParameterEntry>;
  graph?: Ros2Graph;
}

export interface Ros2ClientChannel {
  topic: string;
  schemaName: string;
  encoding: string;
  schema?: string;
  schemaEncoding?: string;
}

export interface Ros2ClientPublished extends Ros2ClientChannel {
  data: Uint8Array;
}

/** The full `ros2msg` text of a standard ROS 2 type, as the bridge advertises it. */
export function ros2Definition(type: string): string {
  const codec = (ros2Codecs as Record<string, { definition: string } | undefined>)[type];
  if (codec === undefined) throw new Error(`ros2Definition: no generated ROS 2 type ${type}`);
  return codec.definition;
}

export function referenceCdrWriter(definition: string): (msg: unknown) => Uint8Array {
  const writer = new MessageWriter(parse(definition, { ros2: true }));
  return (msg) => writer.writeMessage(msg);
}

export function referenceCdrReader(definition: string): (bytes: Uint8Array) => unknown {
  const reader = new MessageReader(parse(definition, { ros2: true }));
  return (bytes) => reader.readMessage(bytes);
}

function isEntry(value: unknown): value is Ros2ParameterEntry {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "value" in value;
}

/** The ROS 2 parameter type a protocol parameter stands for, as the bridge's from_json reads it. */
function rosTypeOf(value: Parameter["value"], type: string | undefined): string {
  if (type === "float64") return "double";
  if (type === "float64_array") return "double_array";
  if (type === "byte_array") return "byte_array";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "double";
  if (typeof value === "string") return "string";
  if (Array.isArray(value)) {
    const first = value[0];
    if (typeof first === "boolean") return "bool_array";
    if (typeof first === "string") return "string_array";
    if (typeof first === "number") {
      return value.every((v) => Number.isInteger(v)) ? "integer_array" : "double_array";
    }
    return "array";
  }
  return "not_set";
}

export class Ros2BridgeServer {
  readonly server: FoxgloveServer;
  readonly flavor: Ros2BridgeFlavor;
  readonly port: number;
  readonly url: string;
  /** Parameters by full name (`/node.param`). */
  readonly parameters = new Map<string, Ros2ParameterEntry>();
  /** Client channels currently advertised to us, by client channel id. */
  readonly clientChannels = new Map<number, Ros2ClientChannel>();
  readonly published: Ros2ClientPublished[] = [];
  readonly serviceRequests: ServiceCallRequest[] = [];
  readonly setParameterRequests: Parameter[][] = [];
  /** Status messages sent to clients (what the bridge reports as errors/warnings). */
  readonly statusSent: string[] = [];
  readonly errors: Error[] = [];
  /** Channels with at least one subscriber. */
  readonly subscribed = new Set<number>();
  readonly #definitions = new Map<number, string>();
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #graphSubscribers = new Set<WebSocket>();
  readonly #handlers = new Map<number, Ros2ServiceHandler>();
  readonly #listeners = new Set<() => void>();
  #graph: Ros2Graph = {};

  private constructor(
    httpServer: http.Server,
    wss: WebSocketServer,
    options: Ros2BridgeServerOptions,
  ) {
    this.#http = httpServer;
    this.#wss = wss;
    this.flavor = options.flavor ?? "0.8";
    this.port = (httpServer.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}`;
    const server = new FoxgloveServer({
      // The SDK-based bridge sets no name (the SDK sends ""), and only the library in metadata.
      name: this.flavor === "sdk" ? "" : "foxglove_bridge",
      capabilities: options.capabilities ?? ROS2_BRIDGE_CAPABILITIES,
      supportedEncodings: ROS2_BRIDGE_ENCODINGS,
      metadata:
        this.flavor === "sdk"
          ? { "fg-library": "foxglove-sdk-cpp" }
          : { ROS_DISTRO: options.distro ?? "jazzy" },
      sessionId: options.sessionId ?? `${Math.floor(Date.now() / 1000)}-${Math.random()}`,
    });
    this.server = server;
    for (const [name, value] of Object.entries(options.parameters ?? {})) {
      this.parameters.set(
        name,
        isEntry(value)
          ? value
          : typeof value === "number" && !Number.isInteger(value)
            ? { value, type: "float64" }
            : { value },
      );
    }
    this.#graph = options.graph ?? {};
    wss.on("connection", (socket, req) => {
      this.#sockets.add(socket);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        this.#graphSubscribers.delete(socket);
        this.#changed();
      });
      // FoxgloveServer 0.8 has no connection graph: this server answers those ops itself.
      socket.on("message", (data, isBinary) => {
        if (isBinary) return;
        let op: unknown;
        try {
          op = (JSON.parse(String(data)) as { op?: unknown }).op;
        } catch {
          return;
        }
        if (op === "subscribeConnectionGraph") this.#subscribeGraph(socket);
        if (op === "unsubscribeConnectionGraph") this.#graphSubscribers.delete(socket);
      });
      server.handleConnection(
        socket as unknown as IWebSocket,
        `${req.socket.remoteAddress}:${req.socket.remotePort}`,
      );
      this.#changed();
    });
    server.on("error", (error) => {
      if (/Unrecognized client opcode: (un)?subscribeConnectionGraph/.test(error.message)) return;
      this.errors.push(error);
      this.#changed();
    });
    server.on("subscribe", (channelId) => {
      this.subscribed.add(channelId);
      this.#changed();
    });
    server.on("unsubscribe", (channelId) => {
      this.subscribed.delete(channelId);
      this.#changed();
    });
    server.on("advertise", (channel) => {
      const entry: Ros2ClientChannel = {
        topic: channel.topic,
        schemaName: channel.schemaName,
        encoding: channel.encoding,
      };
      if (channel.schema !== undefined) entry.schema = channel.schema;
      if (channel.schemaEncoding !== undefined) entry.schemaEncoding = channel.schemaEncoding;
      this.clientChannels.set(channel.id, entry);
      // The bridge makes a generic publisher of that type: it needs a ROS 2 name.
      if (channel.schemaName === "" || !/^[^/]+\/msg\/[^/]+$/.test(channel.schemaName)) {
        this.#status(
          StatusLevel.ERROR,
          `Failed to create publisher: invalid type ${JSON.stringify(channel.schemaName)}`,
        );
      }
      this.#changed();
    });
    server.on("unadvertise", ({ channelId }) => {
      this.clientChannels.delete(channelId);
      this.#changed();
    });
    server.on("message", ({ channel, data }) => {
      if (channel.encoding !== "cdr" && channel.encoding !== "json") {
        // As the bridge: it publishes only cdr (and json it converts), and says why not.
        this.#status(
          StatusLevel.ERROR,
          `Dropping client message with unknown encoding "${channel.encoding}"`,
        );
      }
      this.published.push({
        topic: channel.topic,
        schemaName: channel.schemaName,
        encoding: channel.encoding,
        ...(channel.schema !== undefined ? { schema: channel.schema } : {}),
        ...(channel.schemaEncoding !== undefined ? { schemaEncoding: channel.schemaEncoding } : {}),
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
      });
      this.#changed();
    });
    server.on("getParameters", ({ parameterNames, id }, connection) => {
      // An empty list asks for every parameter; names the bridge does not know are left out.
      const names = parameterNames.length === 0 ? [...this.parameters.keys()] : parameterNames;
      const parameters = names.filter((n) => this.parameters.has(n)).map((n) => this.#param(n));
      server.publishParameterValues(parameters, id, connection);
    });
    server.on("setParameters", ({ parameters, id }, connection) => {
      this.setParameterRequests.push(parameters);
      for (const p of parameters) this.#set(p);
      // The bridge answers a set that carries an id with the values now held.
      if (id !== undefined) {
        const known = parameters.filter((p) => this.parameters.has(p.name));
        server.publishParameterValues(
          known.map((p) => this.#param(p.name)),
          id,
          connection,
        );
      }
      this.#changed();
    });
    server.on("serviceCallRequest", (request, connection) => {
      this.serviceRequests.push(request);
      this.#changed();
      const handler = this.#handlers.get(request.serviceId);
      const data = new Uint8Array(
        request.data.buffer,
        request.data.byteOffset,
        request.data.byteLength,
      ).slice();
      const result = handler?.(data, request);
      if (result === undefined) return; // no answer: the client times out
      if (result instanceof Uint8Array) {
        // The bridge answers in the encoding the request came in.
        server.sendServiceCallResponse(
          {
            serviceId: request.serviceId,
            callId: request.callId,
            encoding: request.encoding,
            data: new DataView(result.buffer, result.byteOffset, result.byteLength),
          },
          connection,
        );
      } else {
        server.sendServiceCallFailure(
          {
            op: "serviceCallFailure",
            serviceId: request.serviceId,
            callId: request.callId,
            message: result.fail,
          },
          connection,
        );
      }
    });
    for (const topic of options.topics ?? []) {
      this.addTopic(topic.topic, topic.type, topic);
    }
    for (const service of options.services ?? []) {
      this.addService(service.name, service.type, service.handler, service);
    }
  }

  static async start(options: Ros2BridgeServerOptions = {}): Promise<Ros2BridgeServer> {
    const httpServer = http.createServer();
    const subprotocol = options.flavor === "sdk" ? "foxglove.sdk.v1" : "foxglove.websocket.v1";
    const wss = new WebSocketServer({
      server: httpServer,
      handleProtocols: (protocols) => (protocols.has(subprotocol) ? subprotocol : false),
    });
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(options.port ?? 0, "127.0.0.1", () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
    return new Ros2BridgeServer(httpServer, wss, options);
  }

  /**
   * A topic as the bridge advertises it: `cdr` + `ros2msg` (or `ros2idl`) with the full text. A
   * type it has no definition for: the 0.8 bridge sends `encoding: ""`, no schema encoding and
   * `schema: ""` (the type name stays); the SDK-based one leaves the schema out, which the SDK
   * sends as `schemaName: ""` too.
   */
  addTopic(
    topic: string,
    type: string,
    options: { definition?: string; schemaEncoding?: "ros2msg" | "ros2idl" } = {},
  ): number {
    const definition = options.definition ?? ros2Definition(type);
    const id =
      definition === ""
        ? this.server.addChannel({
            topic,
            encoding: "",
            schemaName: this.flavor === "sdk" ? "" : type,
            schema: "",
          })
        : this.server.addChannel({
            topic,
            encoding: "cdr",
            schemaName: type,
            schema: definition,
            schemaEncoding: options.schemaEncoding ?? "ros2msg",
          });
    this.#definitions.set(id, definition);
    return id;
  }

  removeTopic(channelId: number): void {
    this.server.removeChannel(channelId);
    this.#definitions.delete(channelId);
  }

  /** Sends CDR bytes to the channel's subscribers, as the bridge relays a ROS message. */
  publish(
    channelId: number,
    payload: Uint8Array,
    receiveTimeNs: bigint = BigInt(Date.now()) * 1_000_000n,
  ): void {
    this.server.sendMessage(channelId, receiveTimeNs, payload as Uint8Array<ArrayBuffer>);
  }

  /** Encodes `msg` with the reference CDR writer for the channel's definition, and sends it. */
  publishMessage(channelId: number, msg: unknown, receiveTimeNs?: bigint): Uint8Array {
    const definition = this.#definitions.get(channelId);
    if (definition === undefined || definition === "") {
      throw new Error(`publishMessage: channel ${channelId} has no definition to encode with`);
    }
    const bytes = referenceCdrWriter(definition)(msg);
    this.publish(channelId, bytes, receiveTimeNs);
    return bytes;
  }

  /**
   * A service as this flavor advertises it. 0.8: `type` and the legacy `requestSchema` /
   * `responseSchema` strings (the `<type>_Request`/`_Response` full texts). SDK: `request` /
   * `response` objects (`encoding: "cdr"`, `schemaName: "<type>_Request"`, `ros2msg`), or, for a
   * type it cannot find, `requestSchema: ""` / `responseSchema: ""`.
   */
  addService(
    name: string,
    type: string,
    handler: Ros2ServiceHandler,
    options: { requestDefinition?: string; responseDefinition?: string } = {},
  ): number {
    const definitionOf = (part: string, given: string | undefined): string => {
      if (given !== undefined) return given;
      try {
        return ros2Definition(`${type}_${part}`);
      } catch {
        return "";
      }
    };
    const requestSchema = definitionOf("Request", options.requestDefinition);
    const responseSchema = definitionOf("Response", options.responseDefinition);
    const found = requestSchema !== "" || responseSchema !== "";
    const id =
      this.flavor === "sdk" && found
        ? this.server.addService({
            name,
            type,
            request: {
              encoding: "cdr",
              schemaName: `${type}_Request`,
              schemaEncoding: "ros2msg",
              schema: requestSchema,
            },
            response: {
              encoding: "cdr",
              schemaName: `${type}_Response`,
              schemaEncoding: "ros2msg",
              schema: responseSchema,
            },
          })
        : this.server.addService({ name, type, requestSchema, responseSchema });
    this.#handlers.set(id, handler);
    return id;
  }

  removeService(serviceId: number): void {
    this.server.removeService(serviceId);
    this.#handlers.delete(serviceId);
  }

  /**
   * Replaces the graph and sends the difference to subscribed clients (as the bridge does after
   * each discovery cycle): changed topics/services with their whole node lists, and removed names.
   */
  setGraph(graph: Ros2Graph): void {
    const before = this.#graph;
    this.#graph = graph;
    const changed = (a: Record<string, string[]> = {}, b: Record<string, string[]> = {}) =>
      Object.entries(b).filter(([k, v]) => JSON.stringify(a[k]) !== JSON.stringify(v));
    const gone = (a: Record<string, string[]> = {}, b: Record<string, string[]> = {}) =>
      Object.keys(a).filter((k) => !(k in b));
    const update = {
      op: "connectionGraphUpdate",
      publishedTopics: changed(before.publishers, graph.publishers).map(([name, ids]) => ({
        name,
        publisherIds: ids,
      })),
      subscribedTopics: changed(before.subscribers, graph.subscribers).map(([name, ids]) => ({
        name,
        subscriberIds: ids,
      })),
      advertisedServices: changed(before.services, graph.services).map(([name, ids]) => ({
        name,
        providerIds: ids,
      })),
      removedTopics: [
        ...new Set([
          ...gone(before.publishers, graph.publishers),
          ...gone(before.subscribers, graph.subscribers),
        ]),
      ],
      removedServices: gone(before.services, graph.services),
    };
    const text = JSON.stringify(update);
    for (const socket of this.#graphSubscribers) socket.send(text);
  }

  /** The whole graph to a new subscriber (the 0.8 bridge at once; the SDK one on its next poll). */
  #subscribeGraph(socket: WebSocket): void {
    this.#graphSubscribers.add(socket);
    const g = this.#graph;
    const entries = (r: Record<string, string[]> = {}, key: string) =>
      Object.entries(r).map(([name, ids]) => ({ name, [key]: ids }));
    const text = JSON.stringify({
      op: "connectionGraphUpdate",
      publishedTopics: entries(g.publishers, "publisherIds"),
      subscribedTopics: entries(g.subscribers, "subscriberIds"),
      advertisedServices: entries(g.services, "providerIds"),
      removedTopics: [],
      removedServices: [],
    });
    const send = () => {
      if (this.#graphSubscribers.has(socket)) socket.send(text);
    };
    if (this.flavor === "sdk") setTimeout(send, 20);
    else send();
    this.#changed();
  }

  #param(name: string): Parameter {
    const entry = this.parameters.get(name)!;
    return entry.type === undefined
      ? { name, value: entry.value }
      : { name, value: entry.value, type: entry.type };
  }

  /**
   * ROS 2 parameters are typed: a value of another type than the declared one is refused (rclcpp
   * without dynamic typing; the bridge logs it and the value stays). The bridge reads an integer
   * JSON number with `type: "float64"` as a double (its from_json).
   */
  #set(p: Parameter): void {
    const current = this.parameters.get(p.name);
    const incoming = rosTypeOf(p.value, p.type);
    if (current !== undefined && rosTypeOf(current.value, current.type) !== incoming) {
      this.#status(
        StatusLevel.WARNING,
        `Failed to set parameter ${p.name}: wrong parameter type, expected ` +
          `${rosTypeOf(current.value, current.type)}, got ${incoming}`,
      );
      return;
    }
    const type =
      incoming === "double"
        ? "float64"
        : incoming === "double_array"
          ? "float64_array"
          : incoming === "byte_array"
            ? "byte_array"
            : undefined;
    this.parameters.set(p.name, type === undefined ? { value: p.value } : { value: p.value, type });
  }

  #status(level: StatusLevel, message: string): void {
    this.statusSent.push(message);
    this.server.sendStatus({ level, message });
  }

  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** Kills every client socket without a close handshake, as a network drop does. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.terminate();
  }

  /** Resolves once `predicate()` holds (re-checked when the server sees something), or rejects. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.#listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`ROS 2 bridge server: timed out waiting for ${what}`));
      }, timeoutMs);
      this.#listeners.add(check);
    });
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Stops the server and releases the port. By default sockets are killed (as when the process
   * dies); `graceful` closes them with a close frame first (a bridge shut down).
   */
  async close(options: { graceful?: boolean } = {}): Promise<void> {
    if (options.graceful === true) {
      const closed = [...this.#sockets].map(
        (socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())),
      );
      for (const socket of this.#sockets) socket.close(1001, "bridge shutting down");
      await Promise.all(closed);
    }
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve, reject) =>
      this.#http.close((e) => (e ? reject(e) : resolve())),
    );
  }
}
