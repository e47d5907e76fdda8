/**
 * One logical connection to a server over a sequence of sockets: opens a socket offering the
 * Foxglove subprotocols, hands every frame to the client, and after a socket closes (bridge
 * restart, network drop, failed attempt) opens a new one after a backoff delay, until `close()`.
 * It knows nothing about the protocol's messages; the client rebuilds its state on each socket.
 *
 * A link can also die silently (cable pulled, Wi-Fi roam, frozen server: no FIN, no RST), and TCP
 * then keeps the socket open for minutes. So the connection watches for data: after
 * `heartbeat.intervalMs` without a frame it pings (where the WebSocket can), and after
 * `heartbeat.timeoutMs` without any frame or pong it gives the socket up as a dead link (code
 * 4001) and goes on as after any other drop.
 */
import { Backoff, type ReconnectOptions } from "./backoff.js";
import { describeError } from "./errors.js";
import { SUBPROTOCOLS } from "./protocol.js";
import type { HeartbeatOptions } from "./types.js";
import {
  WS_OPEN,
  type ByteStream,
  type NodeWebSocketOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./websocket.js";

/** Close code reported for a socket given up as a dead link (4000-4999: private use). */
export const DEAD_LINK_CODE = 4001;
/** How long `close()` waits for the server's closing handshake before ending the socket. */
const CLOSE_HANDSHAKE_MS = 2000;

export interface ConnectionOptions {
  reconnect: ReconnectOptions | false;
  /** Dead-link detection; false: off. */
  heartbeat: HeartbeatOptions | false;
  /** Passed to `ws` (ignored by browsers). */
  socketOptions?: NodeWebSocketOptions;
}

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
  readonly #heartbeat: HeartbeatOptions | false;
  readonly #socketOptions: NodeWebSocketOptions | undefined;
  #socket: WebSocketLike | undefined;
  /** The current socket's watchdog; stopped when the socket ends. */
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closing = false;
  #closedWaiters: (() => void)[] = [];

  constructor(
    url: string,
    WebSocket: WebSocketConstructor,
    handlers: ConnectionHandlers,
    options: ConnectionOptions,
  ) {
    this.#url = url;
    this.#WebSocket = WebSocket;
    this.#handlers = handlers;
    this.#backoff = options.reconnect === false ? undefined : new Backoff(options.reconnect);
    this.#heartbeat = options.heartbeat;
    this.#socketOptions = options.socketOptions;
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
      socket =
        this.#socketOptions === undefined
          ? new this.#WebSocket(this.#url, SUBPROTOCOLS)
          : new this.#WebSocket(this.#url, SUBPROTOCOLS, this.#socketOptions);
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
    let lastHeard = Date.now();
    let tcp: ByteStream | undefined;

    socket.onopen = () => {
      wasOpen = true;
      lastHeard = Date.now();
      tcp?.on("data", () => (lastHeard = Date.now()));
      this.#watch(socket, () => lastHeard, giveUp);
      this.#handlers.open(socket.protocol);
    };
    socket.on?.("pong", () => (lastHeard = Date.now()));
    // A big message's bytes arrive long before its message event (and a pong queues behind it
    // on a slow link): bytes arriving at all show that the link is alive. Listened to from
    // `open` on, once `ws` reads the socket itself (an earlier listener would start the flow
    // before `ws` listens, and frames would be lost).
    socket.on?.("upgrade", (response) => (tcp = response.socket));
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
      lastHeard = Date.now();
      const data = event.data;
      if (typeof data === "string") this.#handlers.frame(data);
      else if (data instanceof ArrayBuffer) this.#handlers.frame(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) {
        this.#handlers.frame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
    };
    const onClose = (event: { code: number; reason: string }) => {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      this.#socket = undefined;
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
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
    socket.onclose = onClose;
    /** A dead link: the socket is ended here and now (its peer would never complete a close). */
    function giveUp(deadLink: Error): void {
      error = deadLink;
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Not null: `ws` would throw an error event nobody listens to.
      socket.onerror = () => undefined;
      if (socket.terminate !== undefined) socket.terminate();
      else socket.close(DEAD_LINK_CODE, "dead link");
      onClose({ code: DEAD_LINK_CODE, reason: "dead link" });
    }
  }

  /**
   * Pings a quiet server and gives the socket up when nothing at all came for the timeout.
   */
  #watch(socket: WebSocketLike, lastHeard: () => number, giveUp: (error: Error) => void): void {
    const heartbeat = this.#heartbeat;
    if (heartbeat === false) return;
    const canPing = typeof socket.ping === "function";
    const intervalMs = heartbeat.intervalMs ?? 1000;
    const timeoutMs = canPing ? (heartbeat.timeoutMs ?? 5000) : heartbeat.silenceTimeoutMs;
    if (timeoutMs === undefined) return;
    // Checked often enough that a dead link is noticed within a fifth of the timeout.
    const tick = Math.max(10, Math.min(intervalMs, timeoutMs / 5));
    let lastPing = 0;
    this.#watchdog = setInterval(() => {
      const now = Date.now();
      const silentMs = now - lastHeard();
      if (silentMs >= timeoutMs) {
        giveUp(
          new Error(
            `connection to ${this.#url}: no data from the server for ${silentMs} ms (dead link)`,
          ),
        );
      } else if (canPing && silentMs >= intervalMs && now - lastPing >= intervalMs) {
        lastPing = now;
        try {
          socket.ping?.();
        } catch {
          // The socket is closing: its onclose follows.
        }
      }
    }, tick);
    // A watchdog alone does not keep a Node process alive.
    (this.#watchdog as { unref?: () => void }).unref?.();
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
    // A dead or frozen server never answers the closing handshake (ws waits 30 s for it).
    if (socket.terminate !== undefined) {
      const timer = setTimeout(() => socket.terminate?.(), CLOSE_HANDSHAKE_MS);
      void closed.then(() => clearTimeout(timer));
    }
    return closed;
  }
}
