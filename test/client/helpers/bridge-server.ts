/**
 * A real Foxglove WebSocket server (`FoxgloveServer` from @foxglove/ws-protocol over the `ws`
 * package, on 127.0.0.1) configured to behave like foxglove_bridge 0.8.5 for ROS 1: its
 * serverInfo, channels advertised without `schemaEncoding`, services with the legacy
 * `requestSchema`/`responseSchema` strings, parameters answered with the request id, a `status`
 * warning when it drops messages for a slow client. Tests drive it and inspect what it received.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { FoxgloveServer, StatusLevel } from "@foxglove/ws-protocol";
import type { IWebSocket, Parameter, ServiceCallRequest } from "@foxglove/ws-protocol";
import { WebSocketServer, type WebSocket } from "ws";

/** What foxglove_bridge 0.8.5 announces (from the captured serverInfo). */
export const BRIDGE_CAPABILITIES = [
  "clientPublish",
  "connectionGraph",
  "parametersSubscribe",
  "parameters",
  "services",
  "assets",
];

export interface BridgeServerOptions {
  /** 0 (default) picks a free port; a previous server's port restarts "the bridge" there. */
  port?: number;
  /** The master's run id in the real bridge; a new one per bridge run. */
  sessionId?: string;
  capabilities?: string[];
  supportedEncodings?: string[];
  name?: string;
  /** The subprotocol the server accepts. Default "foxglove.websocket.v1" (the bridge's). */
  subprotocol?: string;
  /** Parameters the "master" holds. */
  parameters?: Record<string, Parameter["value"]>;
}

/** A service handler: the ROS 1 response bytes, or `{ fail }` for a serviceCallFailure. */
export type ServiceHandler = (request: Uint8Array) => Uint8Array | { fail: string } | undefined;

export interface ClientPublished {
  topic: string;
  schemaName: string;
  encoding: string;
  data: Uint8Array;
}

export class BridgeServer {
  readonly server: FoxgloveServer;
  readonly port: number;
  readonly url: string;
  readonly parameters = new Map<string, Parameter["value"]>();
  /** Client channels currently advertised to us. */
  readonly clientChannels = new Map<
    number,
    { topic: string; schemaName: string; encoding: string }
  >();
  readonly published: ClientPublished[] = [];
  readonly serviceRequests: ServiceCallRequest[] = [];
  readonly getParameterRequests: string[][] = [];
  readonly errors: Error[] = [];
  /** The parameters of the last setParameters request, as the client sent them. */
  lastSetParameters: Parameter[] | undefined;
  /** Channels with at least one subscriber. */
  readonly subscribed = new Set<number>();
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #handlers = new Map<number, ServiceHandler>();
  readonly #listeners = new Set<() => void>();

  private constructor(httpServer: http.Server, wss: WebSocketServer, options: BridgeServerOptions) {
    this.#http = httpServer;
    this.#wss = wss;
    this.port = (httpServer.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}`;
    const server = new FoxgloveServer({
      name: options.name ?? "foxglove_bridge",
      capabilities: options.capabilities ?? BRIDGE_CAPABILITIES,
      supportedEncodings: options.supportedEncodings ?? ["ros1"],
      metadata: { ROS_DISTRO: "noetic" },
      sessionId: options.sessionId ?? `session-${Date.now()}-${Math.random()}`,
    });
    this.server = server;
    for (const [name, value] of Object.entries(options.parameters ?? {})) {
      this.parameters.set(name, value);
    }
    wss.on("connection", (socket, req) => {
      this.#sockets.add(socket);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        this.#changed();
      });
      server.handleConnection(
        socket as unknown as IWebSocket,
        `${req.socket.remoteAddress}:${req.socket.remotePort}`,
      );
      this.#changed();
    });
    server.on("error", (error) => {
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
      this.clientChannels.set(channel.id, {
        topic: channel.topic,
        schemaName: channel.schemaName,
        encoding: channel.encoding,
      });
      this.#changed();
    });
    server.on("unadvertise", ({ channelId }) => {
      this.clientChannels.delete(channelId);
      this.#changed();
    });
    server.on("message", ({ channel, data }) => {
      this.published.push({
        topic: channel.topic,
        schemaName: channel.schemaName,
        encoding: channel.encoding,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
      });
      this.#changed();
    });
    server.on("getParameters", ({ parameterNames, id }, connection) => {
      this.getParameterRequests.push(parameterNames);
      // Like the bridge: only parameters that exist are returned, with the request id.
      const parameters = parameterNames
        .filter((name) => this.parameters.has(name))
        .map((name) => this.#parameter(name));
      server.publishParameterValues(parameters, id, connection);
    });
    server.on("setParameters", ({ parameters, id }, connection) => {
      for (const p of parameters) this.parameters.set(p.name, p.value);
      this.lastSetParameters = parameters;
      // The bridge answers a setParameters that carries an id with the values now set.
      if (id !== undefined) {
        server.publishParameterValues(
          parameters.map((p) => this.#parameter(p.name)),
          id,
          connection,
        );
      }
    });
    server.on("serviceCallRequest", (request, connection) => {
      this.serviceRequests.push(request);
      this.#changed();
      const handler = this.#handlers.get(request.serviceId);
      const data = new Uint8Array(
        request.data.buffer,
        request.data.byteOffset,
        request.data.byteLength,
      );
      const result = handler?.(data);
      if (result === undefined) return; // no answer: the client times out
      if (result instanceof Uint8Array) {
        server.sendServiceCallResponse(
          { serviceId: request.serviceId, callId: request.callId, encoding: "ros1", data: result },
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
  }

  static async start(options: BridgeServerOptions = {}): Promise<BridgeServer> {
    const httpServer = http.createServer();
    const subprotocol = options.subprotocol ?? "foxglove.websocket.v1";
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
    return new BridgeServer(httpServer, wss, options);
  }

  #parameter(name: string): Parameter {
    const value = this.parameters.get(name);
    return typeof value === "number" && !Number.isInteger(value)
      ? { name, value, type: "float64" }
      : { name, value };
  }

  /** A topic as foxglove_bridge advertises it: `encoding: "ros1"` and no `schemaEncoding`. */
  addTopic(topic: string, schemaName: string, schema: string): number {
    return this.server.addChannel({ topic, encoding: "ros1", schemaName, schema });
  }

  /** A service with the legacy schema strings foxglove_bridge 0.8.5 sends. */
  addService(
    name: string,
    type: string,
    requestSchema: string,
    responseSchema: string,
    handler: ServiceHandler,
  ): number {
    const id = this.server.addService({ name, type, requestSchema, responseSchema });
    this.#handlers.set(id, handler);
    return id;
  }

  /** Sends to subscribed clients (as the bridge does when the ROS topic delivers a message). */
  publish(
    channelId: number,
    payload: Uint8Array,
    receiveTimeNs: bigint = BigInt(Date.now()) * 1_000_000n,
  ): void {
    this.server.sendMessage(channelId, receiveTimeNs, payload as Uint8Array<ArrayBuffer>);
  }

  /**
   * Replays a captured MessageData frame on `channelId`: the same receive time and payload; only
   * the subscription id differs, since the server puts in the one this client chose.
   */
  replayMessageFrame(channelId: number, frame: Uint8Array): void {
    if (frame[0] !== 0x01 || frame.byteLength < 13) throw new Error("not a MessageData frame");
    const receiveTimeNs = new DataView(
      frame.buffer,
      frame.byteOffset,
      frame.byteLength,
    ).getBigUint64(5, true);
    this.publish(channelId, frame.subarray(13), receiveTimeNs);
  }

  /** The bridge's warning when a client's send buffer is full and messages are dropped. */
  warnDropping(): void {
    this.server.sendStatus({
      level: StatusLevel.WARNING,
      message: "Send buffer limit reached, messages are being dropped",
      id: "send_buffer_limit",
    });
  }

  /** Sends a frame as is to every connected client. */
  sendRaw(data: string | Uint8Array): void {
    for (const socket of this.#sockets) socket.send(data);
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
        reject(new Error(`bridge server: timed out waiting for ${what}`));
      }, timeoutMs);
      this.#listeners.add(check);
    });
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Stops the server and releases the port. By default sockets are killed (as when the network
   * or the process dies); `graceful` closes them with a close frame first (a bridge shut down),
   * so every frame sent before is delivered.
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
