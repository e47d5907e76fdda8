/**
 * Client publishing for `noros play`: a message a client publishes is delivered to every client
 * subscribed to that topic, as a ROS master would route it. A topic that is not in the recording
 * gets a new channel while it has publishers, like foxglove_bridge advertising a topic that
 * appeared in the ROS graph; its schema is the one the publisher sent, else the recording's text
 * for the same type, else "" (what foxglove_bridge sends for a type unknown on its host).
 */
import { StatusLevel, type FoxgloveServer, type IWebSocket } from "@foxglove/ws-protocol";
import type { WebSocket } from "ws";

import { resolveName } from "../../runtime/client/names.js";
import type { AdvertisedChannel, PlayClient } from "./clients.js";

export interface RelayChannel {
  readonly id: number;
  readonly topic: string;
  readonly schemaName: string;
  readonly schema: string;
}

interface RelayHooks {
  /** The message encoding clients must publish in: the recording's (`ros1`, or `cdr` for ROS 2). */
  readonly encoding: "ros1" | "cdr";
  /** Existing channels (recorded and relayed) by topic. */
  channelsForTopic(topic: string): readonly RelayChannel[];
  /** A schema text the recording has for `schemaName`, if any. */
  knownSchema(schemaName: string): string | undefined;
  addChannel(channel: Omit<RelayChannel, "id">): number;
  removeChannel(id: number): void;
  /** Sends to the channel's subscribers. */
  deliver(channelId: number, receiveTime: bigint, data: Uint8Array): void;
  /** The replay clock (ns): a published message's receive time. */
  now(): bigint;
}

interface Route {
  channelId: number;
  topic: string;
  clientName: string;
}

export class PublishRelay {
  /** Per connection: client channel id -> server channel. */
  readonly #routes = new Map<WebSocket, Map<number, Route>>();
  /** Server channel id -> number of client advertisements feeding it. */
  readonly #publishers = new Map<number, number>();
  /** Channels that exist only for client publishers (removed with the last one). */
  readonly #owned = new Set<number>();

  constructor(
    private readonly server: FoxgloveServer,
    private readonly hooks: RelayHooks,
  ) {
    server.on("message", ({ client, channel, data }) => {
      const route = this.#routes.get(client.connection as WebSocket)?.get(channel.id);
      if (route === undefined) return;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      // Stamped with the replay clock, not the wall clock: a bridge stamps with the time of the
      // system it serves, and here that is the recording's time.
      this.hooks.deliver(route.channelId, this.hooks.now(), bytes);
    });
  }

  /** Topic -> names of the clients publishing it, for the connection graph. */
  publishers(): Map<string, string[]> {
    const byTopic = new Map<string, string[]>();
    for (const routes of this.#routes.values()) {
      for (const { topic, clientName } of routes.values()) {
        const names = byTopic.get(topic) ?? [];
        if (!names.includes(clientName)) names.push(clientName);
        byTopic.set(topic, names);
      }
    }
    return byTopic;
  }

  advertised(client: PlayClient, clientChannelId: number, advertised: AdvertisedChannel): void {
    const fail = (message: string): void => {
      this.server.sendStatus(
        { level: StatusLevel.ERROR, message: `noros play: ${message}` },
        client.ws as unknown as IWebSocket,
      );
    };
    if (advertised.encoding !== this.hooks.encoding) {
      return fail(
        `cannot publish ${advertised.topic}: encoding "${advertised.encoding}" is not ${this.hooks.encoding}`,
      );
    }
    let topic: string;
    try {
      topic = resolveName(advertised.topic);
    } catch (error) {
      return fail(`cannot publish ${advertised.topic}: ${(error as Error).message}`);
    }
    const existing = this.hooks.channelsForTopic(topic);
    let channelId = existing.find((c) => c.schemaName === advertised.schemaName)?.id;
    if (channelId === undefined && existing.length > 0) {
      const types = existing.map((c) => c.schemaName).join(", ");
      return fail(
        `cannot publish ${advertised.schemaName} on ${topic}: the topic has type ${types}`,
      );
    }
    if (channelId === undefined) {
      channelId = this.hooks.addChannel({
        topic,
        schemaName: advertised.schemaName,
        schema:
          advertised.schema !== undefined && advertised.schema !== ""
            ? advertised.schema
            : (this.hooks.knownSchema(advertised.schemaName) ?? ""),
      });
      this.#owned.add(channelId);
    }
    let routes = this.#routes.get(client.ws);
    if (routes === undefined) this.#routes.set(client.ws, (routes = new Map()));
    routes.set(clientChannelId, { channelId, topic, clientName: client.name });
    this.#publishers.set(channelId, (this.#publishers.get(channelId) ?? 0) + 1);
  }

  unadvertised(client: PlayClient, clientChannelId: number): void {
    const routes = this.#routes.get(client.ws);
    const route = routes?.get(clientChannelId);
    if (routes === undefined || route === undefined) return;
    routes.delete(clientChannelId);
    if (routes.size === 0) this.#routes.delete(client.ws);
    const left = (this.#publishers.get(route.channelId) ?? 1) - 1;
    if (left > 0) {
      this.#publishers.set(route.channelId, left);
      return;
    }
    this.#publishers.delete(route.channelId);
    if (this.#owned.delete(route.channelId)) this.hooks.removeChannel(route.channelId);
  }
}
