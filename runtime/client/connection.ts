/**
 * One logical connection to a server over a sequence of sockets: opens a socket offering the
 * Foxglove subprotocols, hands every frame to the client, and after a socket closes (bridge
 * restart, network drop, failed attempt) opens a new one after a backoff delay, until `close()`.
 * It knows nothing about the protocol's messages; the client rebuilds its state on each socket.
 */
import { Backoff, type ReconnectOptions } from "./backoff.js";
import { describeError } from "./errors.js";
import { SUBPROTOCOLS } from "./protocol.js";
import { WS_OPEN, type WebSocketConstructor, type WebSocketLike } from "./websocket.js";

export interface SocketClosed {
  code: number;
  reason: string;
  /** Whether the socket had opened (false: the attempt itself failed). */
  wasOpen: boolean;
  /** What went wrong, when the socket reported an error before closing. */
  error?: Error;
  /** Delay before the next attempt, or undefined when no further attempt will be made. */
  retryInMs?: number;
}

export interface ConnectionHandlers {
  open(protocol: string): void;
  frame(data: string | Uint8Array): void;
  closed(info: SocketClosed): void;
}

export class Connection {
  readonly #url: string;
  readonly #WebSocket: WebSocketConstructor;
  readonly #handlers: ConnectionHandlers;
  readonly #backoff: Backoff | undefined;
  #socket: WebSocketLike | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closing = false;
  #closedWaiters: (() => void)[] = [];

  constructor(
    url: string,
    WebSocket: WebSocketConstructor,
    handlers: ConnectionHandlers,
    reconnect: ReconnectOptions | false,
  ) {
    this.#url = url;
    this.#WebSocket = WebSocket;
    this.#handlers = handlers;
    this.#backoff = reconnect === false ? undefined : new Backoff(reconnect);
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === WS_OPEN;
  }

  /** Bytes queued in the socket, not yet sent. */
  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** Failed attempts since the last healthy connection. */
  get failedAttempts(): number {
    return this.#backoff?.attempts ?? 0;
  }

  start(): void {
    if (this.#closing || this.#socket !== undefined) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#url, SUBPROTOCOLS);
    } catch (error) {
      // A bad URL: no later attempt can succeed.
      this.#handlers.closed({
        code: 0,
        reason: "",
        wasOpen: false,
        error: new Error(`cannot open ${this.#url}: ${describeError(error)}`, { cause: error }),
      });
      return;
    }
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    let wasOpen = false;
    let error: Error | undefined;

    socket.onopen = () => {
      wasOpen = true;
      this.#handlers.open(socket.protocol);
    };
    socket.onerror = (event) => {
      const detail = event.error instanceof Error ? event.error.message : event.message;
      error = new Error(
        `${wasOpen ? "connection to" : "could not connect to"} ${this.#url}: ${detail ?? "WebSocket error"}` +
          (detail?.includes("subprotocol") === true
            ? ` (offered ${SUBPROTOCOLS.join(", ")}; is this a Foxglove WebSocket server?)`
            : ""),
        { cause: event.error },
      );
    };
    socket.onmessage = (event) => {
      const data = event.data;
      if (typeof data === "string") this.#handlers.frame(data);
      else if (data instanceof ArrayBuffer) this.#handlers.frame(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) {
        this.#handlers.frame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
    };
    socket.onclose = (event) => {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      this.#socket = undefined;
      const info: SocketClosed = { code: event.code, reason: event.reason, wasOpen };
      if (error !== undefined && !this.#closing) info.error = error;
      if (!this.#closing && this.#backoff !== undefined) {
        const delay = this.#backoff.next();
        info.retryInMs = delay;
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.start();
        }, delay);
      }
      this.#handlers.closed(info);
      if (this.#closing) for (const resolve of this.#closedWaiters.splice(0)) resolve();
    };
  }

  /** The connection works (the server introduced itself): the next drop starts a fresh backoff. */
  markHealthy(): void {
    this.#backoff?.reset();
  }

  /** Sends on the open socket; returns false when there is none (the caller queues or fails). */
  send(data: string | Uint8Array): boolean {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== WS_OPEN) return false;
    socket.send(data);
    return true;
  }

  /** Closes the current socket (it reconnects unless closing); used when a session goes bad. */
  drop(code = 4000, reason = "client reset"): void {
    this.#socket?.close(code, reason);
  }

  /** Stops for good: no more attempts; resolves once the socket has closed. */
  close(): Promise<void> {
    this.#closing = true;
    if (this.#retryTimer !== undefined) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    const socket = this.#socket;
    if (socket === undefined) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
    socket.close(1000, "client closed");
    return closed;
  }
}
