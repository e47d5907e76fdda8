/**
 * The WebSocket implementation, chosen at run time: the `ws` package in Node (its errors say
 * what failed, e.g. `connect ECONNREFUSED`), the standard `WebSocket` everywhere else (browsers,
 * Deno). `#node-websocket` is a subpath import of this package (package.json `imports`): `ws`
 * under the `node` condition, an empty stub elsewhere, so browser bundles never contain `ws`.
 */
import { WebSocket as NodeWebSocket } from "#node-websocket";

/** The subset of the standard WebSocket API the client uses; both `ws` and browsers provide it. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  /** `ws` only (browsers have no ping API): a ping frame, answered by a `pong` event. */
  ping?(): void;
  /** `ws` only: ends the socket at once, without the closing handshake a dead peer never answers. */
  terminate?(): void;
  /** `ws` only (an EventEmitter): `pong`, and `upgrade` (the HTTP response, with its socket). */
  on?(event: "pong", listener: () => void): unknown;
  on?(event: "upgrade", listener: (response: { socket?: ByteStream }) => void): unknown;
}

/** The TCP socket under a `ws` connection, as far as the client looks at it. */
export interface ByteStream {
  on(event: "data", listener: () => void): unknown;
}

/** Options only the `ws` package reads (a browser's WebSocket ignores a third argument). */
export interface NodeWebSocketOptions {
  maxPayload?: number;
}

export type WebSocketConstructor = new (
  url: string,
  protocols: string[],
  options?: NodeWebSocketOptions,
) => WebSocketLike;

/** `readyState` values of the standard API. */
export const WS_OPEN = 1;

function isNode(): boolean {
  const p = (
    globalThis as { process?: { versions?: { node?: string }; release?: { name?: string } } }
  ).process;
  return p?.versions?.node !== undefined && p.release?.name === "node";
}

export function defaultWebSocket(): WebSocketConstructor {
  const standard = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  const nodeWs = NodeWebSocket as unknown as WebSocketConstructor | undefined;
  if (isNode() && nodeWs !== undefined) return nodeWs;
  if (standard !== undefined) return standard;
  throw new Error(
    "no WebSocket implementation: this platform has no global WebSocket; pass `WebSocket` in " +
      "the RosClient options",
  );
}
