/**
 * `startPlayServer`: serves a recording (`.bag` or `.mcap`) over the Foxglove WebSocket protocol
 * the way foxglove_bridge 0.8.5 serves a live ROS 1 system, so clients can be developed and
 * tested without a robot.
 *
 * What clients see:
 * - `serverInfo` with `supportedEncodings: ["ros1"]` and the capabilities this server really
 *   implements (`clientPublish`, `parameters`, `parametersSubscribe`, `connectionGraph`).
 * - One channel per recorded topic and type: `encoding: "ros1"`, `schemaName`, the full schema
 *   text, and no `schemaEncoding` (as foxglove_bridge sends them). Topic names as the ROS master
 *   knows them: a relative name in a bag (`imu`) is served as `/imu`.
 * - MessageData with the replay time as timestamp: the recorded time with its offset from the
 *   pass's first message divided by `rate`, paced accordingly (`Infinity` = as fast as the
 *   subscribed clients take, with the recorded times). Looping replays the same timestamps again
 *   (time jumps back, as with a simulator reset); with no client subscribed, the next pass waits
 *   for one.
 * - A client subscribing mid-playback gets only messages played after it subscribed, as with
 *   foxglove_bridge, except on latched topics (`latching=1` in the bag connection or MCAP channel
 *   metadata, and `/tf_static` always): there each new subscriber first gets the last message
 *   played so far, as a latched ROS publisher does.
 * - Slow clients: paced playback never waits for a client; a client with more than 10 MB queued
 *   misses messages and gets a warning status (foxglove_bridge does the same). Unpaced playback
 *   waits instead until every subscriber has less than 1 MB queued, so nothing is lost.
 * - Published messages from clients are relayed to subscribers (see relay.ts), stamped with the
 *   replay clock; parameters live in memory (see parameters.ts); the connection graph lists
 *   every recorded publisher (callerid) and publishing client, sent the way foxglove_bridge
 *   sends it (see graph.ts).
 */
import type { Parameter } from "@foxglove/ws-protocol";
import { FoxgloveServer } from "../ws-protocol.js";
import { listen } from "../listen.js";
import { asProtocolSocket, sendMessageData, sendToSubscriber } from "../message-data.js";
import { randomUUID } from "node:crypto";
import * as path from "node:path";

import { resolveName } from "../../runtime/client/names.js";
import { UserError } from "../errors.js";
import { openMessageSource, type MessageSource, type SourceChannel } from "../sources/index.js";
import { ClientTracker } from "./clients.js";
import { PlayGraph, type PublisherLists } from "./graph.js";
import { Pacer, isUnpaced, normalizeRate, sleep } from "./pacing.js";
import { ParameterStore } from "./parameters.js";
import { PublishRelay, type RelayChannel } from "./relay.js";

export type PlayStart = "now" | "on-subscribe" | "manual";

export interface PlayServerOptions {
  /** A `.bag` (plain, bz2, lz4) or `.mcap` file with ros1 channels. */
  readonly file: string;
  /** TCP port; 0 picks a free one. Default 8765 (foxglove_bridge's). */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1; "0.0.0.0" serves other machines too. */
  readonly host?: string;
  /** Replay from the start when the end is reached. */
  readonly loop?: boolean;
  /** Speed factor (default 1); 0 or Infinity plays as fast as subscribed clients take. */
  readonly rate?: number;
  /**
   * When playback begins: "on-subscribe" (default) when a client first subscribes (after
   * `SUBSCRIBE_SETTLE_MS`, so a client subscribing to several topics at once gets them all from
   * the first message on), "now", or "manual" (call `start()`).
   */
  readonly start?: PlayStart;
  /** Serve only these topics (default: every ros1 channel of the file). */
  readonly topics?: readonly string[];
  /** Parameters the in-memory parameter server starts with. */
  readonly parameters?: readonly Parameter[];
  /** Name in `serverInfo`. Default "noros play". */
  readonly name?: string;
  /**
   * Delay between the first connection-graph subscription (answered with an empty graph, as
   * foxglove_bridge does) and the whole graph. Default 1000 ms (the bridge: up to 5000).
   */
  readonly graphDiscoveryMs?: number;
}

export interface PlayChannelInfo {
  readonly id: number;
  readonly topic: string;
  readonly schemaName: string;
  readonly schema: string;
  readonly latching: boolean;
  /** Recorded publishers (bag callerids). */
  readonly publishers: readonly string[];
}

export interface PlayStats {
  /** Messages played (sent to subscribers, or to nobody when no client subscribed). */
  readonly messages: number;
  /** Completed passes over the file. */
  readonly passes: number;
}

export interface PlayServer {
  readonly url: string;
  readonly port: number;
  readonly source: MessageSource;
  /** The channels advertised from the recording. */
  readonly channels: readonly PlayChannelInfo[];
  /** Begins playback (no-op once started). */
  start(): void;
  /** Resolves when playback ends (or the server is closed); rejects if the file turns out corrupt. */
  readonly finished: Promise<PlayStats>;
  /** Resolves once `clients` (default 1) connected clients are subscribed to `topic`. */
  subscribed(topic: string, clients?: number): Promise<void>;
  stats(): PlayStats;
  /** Stops playback, closes every client connection, the listener and the file. */
  close(): Promise<void>;
}

export const SUBSCRIBE_SETTLE_MS = 100;
const UNPACED_HIGH_WATER_BYTES = 1024 * 1024;
const CLOSE_GRACE_MS = 1000;
/** Period of a looping recording whose messages all have one time. */
const ZERO_SPAN_LOOP_MS = 100;

interface LatchedMessage {
  receiveTime: bigint;
  data: Uint8Array;
}

export async function startPlayServer(options: PlayServerOptions): Promise<PlayServer> {
  const rate = normalizeRate(options.rate ?? 1);
  const source = await openMessageSource(options.file);
  try {
    return await serve(source, options, rate);
  } catch (error) {
    await source.close();
    throw error;
  }
}

async function serve(
  source: MessageSource,
  options: PlayServerOptions,
  rate: number,
): Promise<PlayServer> {
  // Names as the ROS master knows them: a bag recorded with relative names (`imu`) is served as
  // `/imu`, and `--topics imu` means the same topic.
  const servedName = new Map(source.channels.map((c) => [c, resolveName(c.topic)]));
  const wanted =
    options.topics !== undefined ? new Set(options.topics.map(resolveName)) : undefined;
  if (wanted !== undefined) {
    const served = new Set(servedName.values());
    const missing = [...wanted].filter((t) => !served.has(t));
    if (missing.length > 0) {
      throw new UserError(`${source.path}: no topic ${missing.join(", ")} in the recording`);
    }
  }

  // ROS 2 recordings are served as the ROS 2 foxglove_bridge serves a robot: cdr channels with
  // `ros2msg` schemas, and the distro in the metadata (when the recording says which).
  const ros2 = source.profile === "ros2";
  const encoding = ros2 ? "cdr" : "ros1";
  const server = new FoxgloveServer({
    name: options.name ?? "noros play",
    capabilities: ["clientPublish", "connectionGraph", "parametersSubscribe", "parameters"],
    supportedEncodings: [encoding],
    metadata: {
      ...(ros2 && source.distro !== undefined ? { ROS_DISTRO: source.distro } : {}),
      source: path.basename(source.path),
    },
    sessionId: randomUUID(),
  });
  server.on("error", () => {
    // Malformed client requests: FoxgloveServer already ignores them; nothing to add here.
  });

  // Recorded channels: one per topic and type, as foxglove_bridge advertises what the ROS master
  // lists. Several bag connections feed one channel: publishers of the same type with different
  // definition texts (comments differ), and legacy names with the same md5 (tf/tfMessage next to
  // tf2_msgs/TFMessage on /tf: the master keeps the first type, and subscribers of either work).
  const recorded: { -readonly [K in keyof PlayChannelInfo]: PlayChannelInfo[K] }[] = [];
  const md5Of = new Map<PlayChannelInfo, string | undefined>();
  const bySourceChannel = new Map<number, PlayChannelInfo>();
  for (const channel of source.channels) {
    const topic = servedName.get(channel)!;
    if (wanted !== undefined && !wanted.has(topic)) continue;
    let info = recorded.find(
      (c) =>
        c.topic === topic &&
        (c.schemaName === channel.schemaName ||
          (channel.md5sum !== undefined && md5Of.get(c) === channel.md5sum)),
    );
    if (info === undefined) {
      const id = server.addChannel({
        topic,
        encoding,
        schemaName: channel.schemaName,
        schema: channel.schema,
        ...(ros2 ? { schemaEncoding: "ros2msg" } : {}),
      });
      info = { id, ...pick(channel), topic, latching: false, publishers: [] };
      recorded.push(info);
      md5Of.set(info, channel.md5sum);
    }
    // An MCAP channel recorded by `noros record` lists every publisher of the topic, comma-separated
    // (ROS names cannot contain commas); a bag connection has one.
    for (const callerid of channel.callerid?.split(",") ?? []) {
      if (callerid !== "" && !info.publishers.includes(callerid)) {
        info.publishers = [...info.publishers, callerid];
      }
    }
    // /tf_static is latched by ROS convention (tf2_ros StaticTransformBroadcaster); a recording
    // made over a bridge cannot know latching, so the name decides there.
    info.latching ||= channel.latching || topic === "/tf_static";
    bySourceChannel.set(channel.id, info);
  }
  const relayed = new Map<number, RelayChannel>();
  const latched = new Map<number, LatchedMessage>();
  const latchedChannels = new Set(recorded.filter((c) => c.latching).map((c) => c.id));

  const abort = new AbortController();
  const graph = new PlayGraph(publisherLists, options.graphDiscoveryMs ?? 1000);
  const topicWaiters = new Set<{ topic: string; clients: number; wake: () => void }>();
  const subscriptionWaiters = new Set<() => void>();
  let startTimer: NodeJS.Timeout | undefined;
  let started = false;
  let releaseStart!: () => void;
  const startGate = new Promise<void>((resolve) => (releaseStart = resolve));
  const start = () => {
    if (started) return;
    started = true;
    releaseStart();
  };

  /** Connected clients subscribed to `topic` (on any of its channels). */
  function subscriberCount(topic: string): number {
    let count = 0;
    for (const client of tracker.clients) {
      if ([...client.subscriptions.keys()].some((id) => topicOf(id) === topic)) count++;
    }
    return count;
  }

  function topicOf(channelId: number): string | undefined {
    return recorded.find((c) => c.id === channelId)?.topic ?? relayed.get(channelId)?.topic;
  }

  function deliver(channelId: number, time: bigint, data: Uint8Array): void {
    for (const [client, subscriptionId] of tracker.subscribers(channelId)) {
      // Unpaced (`--rate 0`) play waits for the clients instead of dropping for them.
      sendToSubscriber(server, client, subscriptionId, time, data, "noros play", !isUnpaced(rate));
    }
  }

  /** Every publisher of each topic: all recorded callerids (of all its channels), then clients. */
  function publisherLists(): PublisherLists {
    const lists: PublisherLists = new Map();
    const add = (topic: string, names: readonly string[]) => {
      const list = lists.get(topic) ?? [];
      for (const name of names) if (!list.includes(name)) list.push(name);
      lists.set(topic, list);
    };
    for (const c of recorded) add(c.topic, c.publishers);
    for (const [topic, names] of relay.publishers()) add(topic, names);
    return lists;
  }

  const tracker = new ClientTracker((channelId) => topicOf(channelId) !== undefined, {
    subscribed(client, channelId, subscriptionId) {
      const last = latched.get(channelId);
      if (last !== undefined)
        sendMessageData(client.ws, subscriptionId, last.receiveTime, last.data);
      for (const wake of [...subscriptionWaiters]) wake();
      for (const waiter of [...topicWaiters]) {
        if (subscriberCount(waiter.topic) < waiter.clients) continue;
        topicWaiters.delete(waiter);
        waiter.wake();
      }
      if ((options.start ?? "on-subscribe") === "on-subscribe" && startTimer === undefined) {
        startTimer = setTimeout(start, SUBSCRIBE_SETTLE_MS);
      }
    },
    advertised(client, id, channel) {
      relay.advertised(client, id, channel);
      graph.changed();
    },
    unadvertised(client, id) {
      relay.unadvertised(client, id);
      graph.changed();
    },
    extraRequest(client, op) {
      if (op === "subscribeConnectionGraph") graph.subscribe(client.ws);
      else graph.unsubscribe(client.ws);
    },
  });

  const relay = new PublishRelay(server, {
    channelsForTopic: (topic) => [
      ...recorded.filter((c) => c.topic === topic),
      ...[...relayed.values()].filter((c) => c.topic === topic),
    ],
    knownSchema: (schemaName) => source.channels.find((c) => c.schemaName === schemaName)?.schema,
    encoding,
    addChannel(channel) {
      const id = server.addChannel({
        ...channel,
        encoding,
        ...(ros2 ? { schemaEncoding: "ros2msg" } : {}),
      });
      relayed.set(id, { id, ...channel });
      return id;
    },
    removeChannel(id) {
      relayed.delete(id);
      server.removeChannel(id);
      tracker.channelRemoved(id);
    },
    deliver,
    now: () => replayNow(),
  });
  new ParameterStore(options.parameters ?? []).attach(server);

  const wss = await listen(options.host ?? "127.0.0.1", options.port ?? 8765, server);
  wss.on("connection", (ws, request) => {
    const name = `${request.socket.remoteAddress ?? "?"}:${request.socket.remotePort ?? "?"}`;
    server.handleConnection(asProtocolSocket(ws), name);
    tracker.track(ws, name);
    ws.on("close", () => graph.unsubscribe(ws));
  });

  let messages = 0;
  let passes = 0;
  let pacer: Pacer | undefined;
  /** Replay time of the last message played. */
  let lastPlayed: bigint | undefined;
  /**
   * The replay clock (ns) for what clients publish: it advances with the pass being played, so a
   * recording of the session stays in the recording's time (a bridge stamps with its clock).
   */
  function replayNow(): bigint {
    return pacer?.clock() ?? lastPlayed ?? source.startTime ?? BigInt(Date.now()) * 1_000_000n;
  }

  function anySubscriber(): Promise<void> {
    const has = () => [...tracker.clients].some((c) => c.subscriptions.size > 0);
    if (has() || abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        abort.signal.removeEventListener("abort", wake);
        subscriptionWaiters.delete(wake);
        resolve();
      };
      subscriptionWaiters.add(wake);
      abort.signal.addEventListener("abort", wake);
    });
  }

  async function play(): Promise<PlayStats> {
    await Promise.race([startGate, new Promise((r) => abort.signal.addEventListener("abort", r))]);
    pacer = new Pacer(rate);
    const served = source.channels.filter((c) => bySourceChannel.has(c.id));
    const topics = wanted !== undefined ? { topics: [...new Set(served.map((c) => c.topic))] } : {};
    let sinceYield = 0;
    while (!abort.signal.aborted) {
      pacer.restart();
      let inPass = 0;
      let firstTime: bigint | undefined;
      let lastTime: bigint | undefined;
      for await (const message of source.messages(topics)) {
        if (abort.signal.aborted) break;
        const channel = bySourceChannel.get(message.channelId);
        if (channel === undefined) continue;
        firstTime ??= message.receiveTime;
        lastTime = message.receiveTime;
        const delay = pacer.delayFor(message.receiveTime);
        if (delay >= 1) await sleep(delay, abort.signal);
        if (isUnpaced(rate)) {
          await waitForDrain(channel.id);
          // Let socket I/O and new subscriptions in now and then even when nothing is queued.
          if (++sinceYield >= 256) {
            sinceYield = 0;
            await new Promise((r) => setImmediate(r));
          }
        }
        if (abort.signal.aborted) break;
        const receiveTime = pacer.replayTime(message.receiveTime);
        lastPlayed = receiveTime;
        deliver(channel.id, receiveTime, message.data);
        if (latchedChannels.has(channel.id)) {
          latched.set(channel.id, { receiveTime, data: message.data });
        }
        messages++;
        inPass++;
      }
      if (abort.signal.aborted) break;
      passes++;
      if (options.loop !== true || inPass === 0) break;
      // Nobody listens: replaying a short bag over and over would only burn a core. The next
      // pass starts when a client subscribes again.
      await anySubscriber();
      // The next pass follows the last message after the pass's mean gap, as if the recording
      // went on; a pass without duration (one message, or all at one time) repeats at 10 Hz.
      // Never back to back: a bag of a few milliseconds would otherwise keep the event loop from
      // sending anything, or from seeing Ctrl-C.
      const span = Number((lastTime ?? 0n) - (firstTime ?? 0n)) / 1e6;
      const gapMs = span > 0 && inPass > 1 ? span / (inPass - 1) : ZERO_SPAN_LOOP_MS;
      await sleep(Math.max(1, isUnpaced(rate) ? 0 : gapMs / rate), abort.signal);
    }
    return { messages, passes };
  }

  async function waitForDrain(channelId: number): Promise<void> {
    for (;;) {
      let full = false;
      for (const [client] of tracker.subscribers(channelId)) {
        if (client.ws.readyState === client.ws.OPEN) {
          full ||= client.ws.bufferedAmount > UNPACED_HIGH_WATER_BYTES;
        }
      }
      if (!full || abort.signal.aborted) return;
      await sleep(2, abort.signal);
    }
  }

  const finished = play();
  finished.catch(() => {
    // Observed by whoever awaits `finished`; never an unhandled rejection.
  });
  if (options.start === "now") start();

  const address = wss.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const host = options.host ?? "127.0.0.1";
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    abort.abort();
    if (startTimer !== undefined) clearTimeout(startTimer);
    graph.close();
    await finished.catch(() => undefined);
    const closed = [...wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
          ws.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, "noros play is shutting down");
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await source.close();
  }

  return {
    url: `ws://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${port}`,
    port,
    source,
    channels: recorded,
    start,
    finished,
    subscribed(topic, clients = 1) {
      if (subscriberCount(topic) >= clients) return Promise.resolve();
      return new Promise((wake) => topicWaiters.add({ topic, clients, wake }));
    },
    stats: () => ({ messages, passes }),
    close: () => (closing ??= close()),
  };
}

function pick(channel: SourceChannel): Pick<PlayChannelInfo, "topic" | "schemaName" | "schema"> {
  return { topic: channel.topic, schemaName: channel.schemaName, schema: channel.schema };
}
