/**
 * What the play server knows about each connected client, mirrored from the client's own
 * protocol messages: which channels it subscribed to (with its subscription ids) and which
 * channels it advertised for publishing. `FoxgloveServer` keeps the same books privately and
 * tells only about a channel's first subscriber; per-client knowledge is what latched delivery,
 * per-client back-pressure and client-publish relaying need.
 */
import type { WebSocket } from "ws";

export interface AdvertisedChannel {
  readonly topic: string;
  readonly encoding: string;
  readonly schemaName: string;
  readonly schema?: string;
}

export interface PlayClient {
  readonly ws: WebSocket;
  readonly name: string;
  /** Server channel id -> this client's subscription id. */
  readonly subscriptions: Map<number, number>;
  /** Client channel id -> what the client advertised. */
  readonly advertisements: Map<number, AdvertisedChannel>;
  /** Set once the client was told that it is too slow and loses messages. */
  warnedSlow: boolean;
}

export interface ClientEvents {
  /** A subscription the server accepted (new id, channel known, not already subscribed). */
  subscribed(client: PlayClient, channelId: number, subscriptionId: number): void;
  advertised(client: PlayClient, clientChannelId: number, channel: AdvertisedChannel): void;
  unadvertised(client: PlayClient, clientChannelId: number, channel: AdvertisedChannel): void;
  /** A text request the stock server does not handle (e.g. `subscribeConnectionGraph`). */
  extraRequest(client: PlayClient, op: string): void;
}

/** Ops `FoxgloveServer` 0.8 throws on; the play server answers them itself. */
const EXTRA_OPS = new Set(["subscribeConnectionGraph", "unsubscribeConnectionGraph"]);

interface SubscribeRequest {
  op: "subscribe";
  subscriptions?: { id: number; channelId: number }[];
}
interface UnsubscribeRequest {
  op: "unsubscribe";
  subscriptionIds?: number[];
}
interface AdvertiseRequest {
  op: "advertise";
  channels?: (AdvertisedChannel & { id: number })[];
}
interface UnadvertiseRequest {
  op: "unadvertise";
  channelIds?: number[];
}
type TrackedRequest = SubscribeRequest | UnsubscribeRequest | AdvertiseRequest | UnadvertiseRequest;

export class ClientTracker {
  readonly clients = new Set<PlayClient>();

  constructor(
    private readonly channelExists: (channelId: number) => boolean,
    private readonly events: ClientEvents,
  ) {}

  /**
   * Starts tracking `ws`. Must be called after `FoxgloveServer.handleConnection(ws)`: it wraps
   * the handlers the server installed, so the server sees each message first and the tracker
   * then applies the same acceptance rules to its own books.
   */
  track(ws: WebSocket, name: string): PlayClient {
    const client: PlayClient = {
      ws,
      name,
      subscriptions: new Map(),
      advertisements: new Map(),
      warnedSlow: false,
    };
    this.clients.add(client);
    const serverOnMessage = ws.onmessage;
    const serverOnClose = ws.onclose;
    ws.onmessage = (event) => {
      const op = typeof event.data === "string" ? this.#peekOp(event.data) : undefined;
      if (op !== undefined && EXTRA_OPS.has(op.op)) {
        this.events.extraRequest(client, op.op);
        return;
      }
      // Advertisements are recorded before the server emits "advertise", so the relay can find
      // them; everything else after the server has accepted it.
      if (op?.op === "advertise") this.#apply(client, op);
      serverOnMessage?.call(ws, event);
      if (op !== undefined && op.op !== "advertise") this.#apply(client, op);
    };
    ws.onclose = (event) => {
      serverOnClose?.call(ws, event);
      this.clients.delete(client);
      for (const [id, channel] of client.advertisements) {
        this.events.unadvertised(client, id, channel);
      }
      client.advertisements.clear();
      client.subscriptions.clear();
    };
    return client;
  }

  /** Clients subscribed to `channelId`, with their subscription ids. */
  *subscribers(channelId: number): Generator<[PlayClient, number]> {
    for (const client of this.clients) {
      const subscriptionId = client.subscriptions.get(channelId);
      if (subscriptionId !== undefined) yield [client, subscriptionId];
    }
  }

  /** Forgets subscriptions to a removed channel (the server drops them too). */
  channelRemoved(channelId: number): void {
    for (const client of this.clients) client.subscriptions.delete(channelId);
  }

  #peekOp(text: string): TrackedRequest | { op: string } | undefined {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && "op" in parsed) {
        return parsed as { op: string };
      }
    } catch {
      // The server reports malformed JSON itself.
    }
    return undefined;
  }

  #apply(client: PlayClient, request: TrackedRequest | { op: string }): void {
    const r = request as TrackedRequest;
    switch (r.op) {
      case "subscribe":
        for (const { id, channelId } of r.subscriptions ?? []) {
          const idUsed = [...client.subscriptions.values()].includes(id);
          if (idUsed || client.subscriptions.has(channelId) || !this.channelExists(channelId)) {
            continue;
          }
          client.subscriptions.set(channelId, id);
          this.events.subscribed(client, channelId, id);
        }
        break;
      case "unsubscribe":
        for (const id of r.subscriptionIds ?? []) {
          for (const [channelId, subscriptionId] of client.subscriptions) {
            if (subscriptionId === id) client.subscriptions.delete(channelId);
          }
        }
        break;
      case "advertise":
        for (const { id, ...channel } of r.channels ?? []) {
          if (client.advertisements.has(id)) continue;
          client.advertisements.set(id, channel);
          this.events.advertised(client, id, channel);
        }
        break;
      case "unadvertise":
        for (const id of r.channelIds ?? []) {
          const channel = client.advertisements.get(id);
          if (channel === undefined) continue;
          client.advertisements.delete(id);
          this.events.unadvertised(client, id, channel);
        }
        break;
    }
  }
}
