/**
 * In-process use of the bridge: `new RosClient("ros://localhost:11311", { WebSocket:
 * rosWebSocket() })` talks to a bridge core running in the same process, through a pair of
 * in-memory sockets instead of a TCP connection (no listener, no kernel copies, no framing). The
 * protocol on the pair is the same Foxglove protocol, so the client works unchanged.
 *
 * One bridge per master URI, started with the first socket and stopped (unregistered from the
 * master) when its last socket closes.
 */
import { EventEmitter } from "node:events";

import type { WebSocketConstructor, WebSocketLike } from "../../runtime/client/index.js";
import { startBridge, type Bridge, type BridgeOptions } from "./server.js";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

type Data = string | Buffer;

/** Delivers queued messages on a later turn, in order (never re-entrantly). */
class Mailbox {
  readonly #queue: (() => void)[] = [];
  #scheduled = false;

  post(deliver: () => void): void {
    this.#queue.push(deliver);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      for (const deliver of this.#queue.splice(0)) deliver();
    });
  }
}

/**
 * The bridge's end: what the `ws` server socket offers to FoxgloveServer and the bridge (send
 * with fragments, close, terminate, `close` events, readyState constants).
 */
export class ServerEnd extends EventEmitter {
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSING = 2;
  readonly CLOSED = CLOSED;
  readyState = OPEN;
  readonly bufferedAmount = 0;
  binaryType = "nodebuffer";
  onmessage: ((event: { data: Data }) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly #fragments: Buffer[] = [];

  constructor(
    readonly protocol: string,
    private readonly pair: SocketPair,
  ) {
    super();
  }

  send(data: string | ArrayBufferView | ArrayBuffer, options?: { fin?: boolean }): void {
    if (this.readyState !== OPEN) return;
    if (typeof data === "string") {
      this.pair.toClient(data);
      return;
    }
    const bytes = toBuffer(data);
    if (options?.fin === false) {
      this.#fragments.push(bytes);
      return;
    }
    if (this.#fragments.length > 0) {
      this.pair.toClient(Buffer.concat([...this.#fragments.splice(0), bytes]));
    } else {
      this.pair.toClient(bytes);
    }
  }

  close(code = 1000, reason = ""): void {
    this.pair.close(code, reason);
  }

  terminate(): void {
    this.pair.close(1006, "");
  }
}

/** The client's end, a standard-WebSocket-like object for RosClient. */
class ClientEnd implements WebSocketLike {
  readyState = CONNECTING;
  protocol = "";
  readonly bufferedAmount = 0;
  binaryType = "arraybuffer";
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  pair: SocketPair | undefined;
  /** Set by close() before the pair exists. */
  closedEarly = false;

  send(data: string | ArrayBufferView): void {
    if (this.readyState !== OPEN || this.pair === undefined) return;
    // A copy: the client may reuse its buffer once send returns, as with a real socket.
    this.pair.toServer(typeof data === "string" ? data : Buffer.from(toBuffer(data)));
  }

  close(code = 1000, reason = ""): void {
    if (this.pair !== undefined) this.pair.close(code, reason);
    else this.closedEarly = true;
  }
}

class SocketPair {
  readonly server: ServerEnd;
  readonly #mail = new Mailbox();
  #closed = false;

  constructor(
    readonly client: ClientEnd,
    protocol: string,
    private readonly onClosed: () => void,
  ) {
    this.server = new ServerEnd(protocol, this);
  }

  open(): void {
    this.client.readyState = OPEN;
    this.client.protocol = this.server.protocol;
    this.#mail.post(() => this.client.onopen?.({}));
  }

  toClient(data: Data): void {
    this.#mail.post(() => {
      if (this.client.readyState === OPEN) this.client.onmessage?.({ data });
    });
  }

  toServer(data: Data): void {
    this.#mail.post(() => {
      if (this.server.readyState === OPEN) this.server.onmessage?.({ data });
    });
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.client.readyState = CLOSED;
    this.server.readyState = CLOSED;
    this.#mail.post(() => {
      this.server.onclose?.({ code, reason, wasClean: code !== 1006 });
      this.server.emit("close", code, reason);
      this.client.onclose?.({ code, reason });
      this.onClosed();
    });
  }
}

function toBuffer(data: ArrayBufferView | ArrayBuffer): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** What a bridge offers the in-memory sockets (see `startBridge`'s `acceptInProcess`). */
export type AcceptInProcess = (server: ServerEnd, name: string) => void;

interface Shared {
  bridge: Promise<Bridge>;
  sockets: number;
}

/**
 * A WebSocket constructor for RosClient that serves `ros://host:port` URLs (the master's
 * address; `ros://` alone means `$ROS_MASTER_URI`) with a bridge core in this process.
 * `options` are those of `startBridge` (node name, filters, `--msgs` folders, log).
 */
export function rosWebSocket(
  options: Omit<BridgeOptions, "masterUri" | "port" | "host" | "listen"> = {},
): WebSocketConstructor {
  const bridges = new Map<string, Shared>();
  const env = options.env ?? process.env;

  function masterOf(url: string): string {
    const m = /^ros:\/\/([^/]*)\/?$/.exec(url);
    if (m === null) throw new Error(`not a ros:// URL: ${url} (expected ros://host:port)`);
    if (m[1] === "") return env.ROS_MASTER_URI || "http://localhost:11311";
    return `http://${m[1]!.includes(":") ? m[1] : `${m[1]}:11311`}`;
  }

  return class RosWebSocket extends ClientEnd {
    constructor(url: string, protocols: string[]) {
      super();
      const masterUri = masterOf(url);
      let shared = bridges.get(masterUri);
      if (shared === undefined) {
        shared = { bridge: startBridge({ ...options, masterUri, listen: false }), sockets: 0 };
        shared.bridge.catch(() => undefined);
        bridges.set(masterUri, shared);
      }
      const entry = shared;
      entry.sockets++;
      const release = () => {
        if (--entry.sockets > 0) return;
        if (bridges.get(masterUri) === entry) bridges.delete(masterUri);
        void entry.bridge.then(
          (b) => b.close("no in-process client left"),
          () => undefined,
        );
      };
      const protocol = protocols.includes("foxglove.websocket.v1")
        ? "foxglove.websocket.v1"
        : (protocols[0] ?? "");
      entry.bridge.then(
        (bridge) => {
          if (this.closedEarly) return release();
          const pair = new SocketPair(this, protocol, release);
          this.pair = pair;
          bridge.acceptInProcess(pair.server, "in-process");
          pair.open();
        },
        (error: unknown) => {
          release();
          this.readyState = CLOSED;
          this.onerror?.({
            message: error instanceof Error ? error.message : String(error),
            error,
          });
          this.onclose?.({ code: 1006, reason: "" });
        },
      );
    }
  };
}
