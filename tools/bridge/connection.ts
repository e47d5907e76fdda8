/**
 * A raw connection to a Foxglove WebSocket server (foxglove_bridge, `noros play`), for tools that
 * need the advertisements and message bytes as they are (recording, schema collection). Connection
 * problems become one-line `UserError`s that say what to check.
 */
import {
  FoxgloveClient,
  type Channel,
  type IWebSocket,
  type ServerInfo,
  type Service,
} from "@foxglove/ws-protocol";
import WebSocket from "ws";

import { UserError, errorMessage } from "../errors.js";

/** Offered in this order: foxglove_bridge 0.8.5 speaks v1, newer SDK-based servers sdk.v1. */
export const SUBPROTOCOLS = ["foxglove.websocket.v1", "foxglove.sdk.v1"];
export const DEFAULT_BRIDGE_URL = "ws://localhost:8765";
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export interface CloseInfo {
  code: number;
  reason: string;
  /** True when `close()` was called (not a lost connection). */
  byUs: boolean;
}

export interface BridgeConnection {
  readonly url: string;
  readonly client: FoxgloveClient;
  readonly serverInfo: ServerInfo;
  /** Advertised channels by id, kept up to date (advertise/unadvertise). */
  readonly channels: ReadonlyMap<number, Channel>;
  /** Advertised services by id, kept up to date. */
  readonly services: ReadonlyMap<number, Service>;
  /**
   * Calls `added` for every channel advertised so far and for each one advertised later
   * (`removed` on unadvertise). Advertisements that arrived together with `serverInfo` are
   * already in `channels`, so this is the way not to miss any.
   */
  watchChannels(added: (channel: Channel) => void, removed?: (channel: Channel) => void): void;
  /** Resolves when the socket has closed. */
  readonly closed: Promise<CloseInfo>;
  close(): Promise<CloseInfo>;
}

/** `localhost:8765` -> `ws://localhost:8765`; rejects what is not a ws/wss URL. */
export function normalizeBridgeUrl(url: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `ws://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new UserError(`not a bridge URL: "${url}" (expected e.g. ws://localhost:8765)`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new UserError(`not a bridge URL: "${url}" (the scheme must be ws:// or wss://)`);
  }
  return withScheme;
}

function describeConnectError(url: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = "is foxglove_bridge (or `noros play`) running there?";
  switch (code) {
    case "ECONNREFUSED":
      return `cannot reach bridge at ${url}: connection refused; ${hint}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot reach bridge at ${url}: unknown host`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `cannot reach bridge at ${url}: host unreachable; ${hint}`;
    default:
      return `cannot connect to bridge at ${url}: ${errorMessage(error)}`;
  }
}

/**
 * Connects and waits for `serverInfo` (and the advertisements sent with it). Rejects with a
 * `UserError` when the server is unreachable, does not speak the protocol, or stays silent for
 * `timeoutMs`.
 */
export async function connectBridge(
  urlText: string,
  { timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<BridgeConnection> {
  const url = normalizeBridgeUrl(urlText);
  const ws = new WebSocket(url, SUBPROTOCOLS);
  let closedByUs = false;
  const closed = new Promise<CloseInfo>((resolve) => {
    ws.once("close", (code, reason) =>
      resolve({ code, reason: reason.toString(), byUs: closedByUs }),
    );
  });
  const channels = new Map<number, Channel>();
  const services = new Map<number, Service>();
  const channelWatchers: { added: (c: Channel) => void; removed?: (c: Channel) => void }[] = [];

  // The client installs its handlers on `ws`; frames are parsed from here on.
  const client = new FoxgloveClient({ ws: ws as unknown as IWebSocket });
  client.on("advertise", (list) => {
    for (const channel of list) {
      channels.set(channel.id, channel);
      for (const watcher of channelWatchers) watcher.added(channel);
    }
  });
  client.on("unadvertise", (ids) => {
    for (const id of ids) {
      const channel = channels.get(id);
      if (channel === undefined) continue;
      channels.delete(id);
      for (const watcher of channelWatchers) watcher.removed?.(channel);
    }
  });
  client.on("advertiseServices", (list) => list.forEach((s) => services.set(s.id, s)));
  client.on("unadvertiseServices", (ids) => ids.forEach((id) => services.delete(id)));
  client.on("error", () => {
    // Malformed frames are skipped; tools report what they miss.
  });

  const serverInfo = await new Promise<ServerInfo>((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      ws.off("error", onError);
      ws.off("unexpected-response", onResponse);
      ws.off("close", onClose);
      client.off("serverInfo", onServerInfo);
    };
    const fail = (message: string) => {
      settle();
      ws.on("error", () => undefined);
      ws.terminate();
      reject(new UserError(message));
    };
    const onError = (error: Error) => fail(describeConnectError(url, error));
    const onResponse = (_request: unknown, response: { statusCode?: number }) =>
      fail(`${url} is not a Foxglove WebSocket server (HTTP ${response.statusCode ?? "?"})`);
    const onClose = () => fail(`bridge at ${url} closed the connection before introducing itself`);
    const onServerInfo = (info: ServerInfo) => {
      settle();
      // Later socket errors end in "close", which `closed` reports.
      ws.on("error", () => undefined);
      resolve(info);
    };
    const timer = setTimeout(
      () => fail(`no answer from bridge at ${url} within ${timeoutMs / 1000} s`),
      timeoutMs,
    );
    ws.on("error", onError);
    ws.on("unexpected-response", onResponse);
    ws.on("close", onClose);
    client.on("serverInfo", onServerInfo);
  });

  return {
    url,
    client,
    serverInfo,
    channels,
    services,
    watchChannels(added, removed) {
      channelWatchers.push(removed !== undefined ? { added, removed } : { added });
      for (const channel of channels.values()) added(channel);
    },
    closed,
    close() {
      closedByUs = true;
      if (ws.readyState === ws.CLOSED) return closed;
      const timer = setTimeout(() => ws.terminate(), 1000);
      ws.close(1000);
      return closed.finally(() => clearTimeout(timer));
    },
  };
}
