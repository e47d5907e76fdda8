/**
 * Subscriptions: the user's (per topic, kept across sockets) and the server's (per channel, one
 * per socket). Channels are matched to subscribers by topic and type; a channel is subscribed on
 * the server while some subscriber wants it, and each message is decoded once for all of them.
 */
import type { Codec } from "../codec/types.js";
import { ANY_TYPE, type ClientContext } from "./context.js";
import { describeError, RosClientError } from "./errors.js";
import { describeFrame, type Channel, type MessageDataFrame } from "./protocol.js";
import { channelFormat, describeMismatch, rosNamingHint } from "./schema-codecs.js";
import type {
  MessageCallback,
  MessageInfo,
  RawMessageCallback,
  Subscription,
  TopicInfo,
} from "./types.js";

/** A subscription as the user made it; it outlives sockets. */
interface Subscriber {
  topic: string;
  datatype: string;
  /** Raw subscribers get the payload bytes; the others the decoded message. */
  raw: RawMessageCallback | undefined;
  decoded: MessageCallback<unknown> | undefined;
  active: boolean;
  /** Channels whose type did not match, already reported (reported once per channel). */
  mismatchReported: Set<number>;
  /** Pending check that the topic is advertised (see `unadvertisedWarningMs`). */
  advertisedCheck: ReturnType<typeof setTimeout> | undefined;
}

/** A channel the server advertised on the current socket. */
interface ChannelState {
  channel: Channel;
  info: MessageInfo;
  subscriptionId: number | undefined;
  /** The subscribers served; replaced (never mutated) when they change. */
  subscribers: Subscriber[];
  /** Resolved on first need: a codec, `null` when none is usable (already reported). */
  codec: Codec | null | undefined;
}

export class Subscriptions {
  readonly #ctx: ClientContext;
  readonly #byTopic = new Map<string, Set<Subscriber>>();
  readonly #channels = new Map<number, ChannelState>();
  readonly #bySubscriptionId = new Map<number, ChannelState>();
  #nextSubscriptionId = 1;
  /** Ids below this belong to earlier sockets; from here to `#nextSubscriptionId`, this one's. */
  #firstIdOfSocket = 1;

  readonly #unadvertisedWarningMs: number;

  constructor(ctx: ClientContext, unadvertisedWarningMs = 5000) {
    this.#ctx = ctx;
    this.#unadvertisedWarningMs = unadvertisedWarningMs;
  }

  add(
    topic: string,
    datatype: string,
    raw: RawMessageCallback | undefined,
    decoded: MessageCallback<unknown> | undefined,
  ): Subscription {
    const subscriber: Subscriber = {
      topic,
      datatype,
      raw,
      decoded,
      active: true,
      mismatchReported: new Set(),
      advertisedCheck: undefined,
    };
    this.#checkAdvertisedLater(subscriber);
    let set = this.#byTopic.get(topic);
    if (set === undefined) {
      set = new Set();
      this.#byTopic.set(topic, set);
    }
    set.add(subscriber);
    this.#refreshTopic(topic);
    return {
      topic,
      datatype,
      unsubscribe: () => {
        if (!subscriber.active) return;
        subscriber.active = false;
        clearTimeout(subscriber.advertisedCheck);
        const current = this.#byTopic.get(topic);
        current?.delete(subscriber);
        if (current?.size === 0) this.#byTopic.delete(topic);
        this.#refreshTopic(topic);
      },
    };
  }

  /**
   * Warns once when the subscriber's topic is still not advertised after the delay, as
   * `rostopic echo` warns that a topic "does not appear to be published yet": a typo or a node
   * that is not running would otherwise look like a silent, endless wait.
   */
  #checkAdvertisedLater(subscriber: Subscriber): void {
    const delay = this.#unadvertisedWarningMs;
    if (!Number.isFinite(delay)) return;
    subscriber.advertisedCheck = setTimeout(() => {
      subscriber.advertisedCheck = undefined;
      if (!subscriber.active) return;
      // Not connected: the connection problem is reported on its own; check once connected.
      if (!this.#ctx.ready) return this.#checkAdvertisedLater(subscriber);
      const topic = subscriber.topic;
      if ([...this.#channels.values()].some((c) => c.channel.topic === topic)) return;
      this.#ctx.warn({
        kind: "unadvertised",
        topic,
        message: `subscribed to ${topic}, but the server does not advertise it (after ${delay} ms); still waiting for it`,
      });
    }, delay);
  }

  /** Channels the server advertises on the current socket. */
  channels(): Channel[] {
    return [...this.#channels.values()].map((state) => state.channel);
  }

  /** Records new channels and subscribes to those someone waits for; returns what was added. */
  onAdvertise(channels: Channel[]): TopicInfo[] {
    const topics = new Set<string>();
    for (const channel of channels) {
      const previous = this.#channels.get(channel.id);
      if (previous?.subscriptionId !== undefined) {
        // Re-advertised with the same id: the old subscription is gone on a well-behaved server.
        this.#bySubscriptionId.delete(previous.subscriptionId);
      }
      this.#channels.set(channel.id, {
        channel,
        info: {
          topic: channel.topic,
          datatype: channel.schemaName,
          definition: channel.schema,
          channelId: channel.id,
          encoding: channel.encoding,
          ...(channel.schemaEncoding !== undefined
            ? { schemaEncoding: channel.schemaEncoding }
            : {}),
        },
        subscriptionId: undefined,
        subscribers: [],
        codec: undefined,
      });
      topics.add(channel.topic);
    }
    for (const topic of topics) this.#refreshTopic(topic);
    return channels.map((c) => ({ topic: c.topic, datatype: c.schemaName, definition: c.schema }));
  }

  /** Forgets removed channels (the server ends their subscriptions); returns what was removed. */
  onUnadvertise(channelIds: number[]): TopicInfo[] {
    const removed: TopicInfo[] = [];
    for (const id of channelIds) {
      const state = this.#channels.get(id);
      if (state === undefined) continue;
      this.#channels.delete(id);
      // Messages still in flight for its subscription id are then ignored as retired.
      if (state.subscriptionId !== undefined) this.#bySubscriptionId.delete(state.subscriptionId);
      removed.push({
        topic: state.channel.topic,
        datatype: state.channel.schemaName,
        definition: state.channel.schema,
      });
    }
    return removed;
  }

  /** The socket ended: channels and subscription ids were the server's, they are gone. */
  resetSocket(): void {
    this.#channels.clear();
    this.#bySubscriptionId.clear();
    this.#firstIdOfSocket = this.#nextSubscriptionId;
  }

  /** The client closed: no subscriber gets anything more. */
  closeAll(): void {
    for (const set of this.#byTopic.values()) {
      for (const s of set) {
        s.active = false;
        clearTimeout(s.advertisedCheck);
      }
    }
    this.#byTopic.clear();
  }

  /** Topic and type of a current subscription id (for errors about a frame not decoded). */
  infoOfSubscription(id: number): MessageInfo | undefined {
    return this.#bySubscriptionId.get(id)?.info;
  }

  onMessageData(frame: MessageDataFrame): void {
    const state = this.#bySubscriptionId.get(frame.subscriptionId);
    if (state === undefined) {
      const id = frame.subscriptionId;
      // An id this socket used and retired: sent before the server saw the unsubscribe.
      if (id >= this.#firstIdOfSocket && id < this.#nextSubscriptionId) return;
      this.#ctx.report(
        new RosClientError("protocol", `message for unknown subscription id ${id}`, {
          subscriptionId: id,
          receiveTimeNs: frame.receiveTimeNs,
          frame: describeFrame(frame.payload),
        }),
      );
      return;
    }
    const { payload, receiveTimeNs } = frame;
    const info = state.info;
    let message: unknown;
    let decoding: "pending" | "done" | "failed" = "pending";
    for (const subscriber of state.subscribers) {
      if (!subscriber.active) continue; // unsubscribed by an earlier callback for this message
      try {
        if (subscriber.raw !== undefined) {
          subscriber.raw(payload, receiveTimeNs, info);
          continue;
        }
        if (decoding === "pending") {
          try {
            message = (state.codec as Codec).decode(payload, { strict: true });
            decoding = "done";
          } catch (error) {
            decoding = "failed";
            this.#ctx.report(
              new RosClientError(
                "decode",
                `cannot decode a ${payload.byteLength}-byte message on ${info.topic} ` +
                  `(${info.datatype}): ${describeError(error)}`,
                {
                  topic: info.topic,
                  datatype: info.datatype,
                  receiveTimeNs,
                  channelId: info.channelId,
                  cause: error,
                },
              ),
            );
          }
        }
        if (decoding === "done") subscriber.decoded?.(message, receiveTimeNs, info);
      } catch (error) {
        this.#ctx.report(
          new RosClientError(
            "callback",
            `subscriber callback for ${info.topic} threw: ${describeError(error)}`,
            { topic: info.topic, datatype: info.datatype, receiveTimeNs, cause: error },
          ),
        );
      }
    }
  }

  /**
   * Makes the server subscriptions of `topic` match its subscribers: subscribe to each channel
   * some subscriber accepts and that can be delivered, unsubscribe from the others.
   */
  #refreshTopic(topic: string): void {
    if (!this.#ctx.ready) return;
    const subscribers = [...(this.#byTopic.get(topic) ?? [])];
    const toSubscribe: { id: number; channelId: number }[] = [];
    const toUnsubscribe: number[] = [];
    for (const state of this.#channels.values()) {
      if (state.channel.topic !== topic) continue;
      const accepted = subscribers.filter((s) => this.#accepts(s, state));
      // Decoding subscribers need a codec; without one (reported) only raw ones are served.
      const needsCodec = accepted.some((s) => s.decoded !== undefined);
      const codec = needsCodec ? this.#channelCodec(state) : undefined;
      state.subscribers = codec === null ? accepted.filter((s) => s.raw !== undefined) : accepted;
      if (state.subscribers.length > 0 && state.subscriptionId === undefined) {
        state.subscriptionId = this.#nextSubscriptionId++;
        this.#bySubscriptionId.set(state.subscriptionId, state);
        toSubscribe.push({ id: state.subscriptionId, channelId: state.channel.id });
      } else if (state.subscribers.length === 0 && state.subscriptionId !== undefined) {
        this.#bySubscriptionId.delete(state.subscriptionId);
        toUnsubscribe.push(state.subscriptionId);
        state.subscriptionId = undefined;
      }
    }
    if (toSubscribe.length > 0) {
      this.#ctx.send(JSON.stringify({ op: "subscribe", subscriptions: toSubscribe }));
    }
    if (toUnsubscribe.length > 0) {
      this.#ctx.send(JSON.stringify({ op: "unsubscribe", subscriptionIds: toUnsubscribe }));
    }
  }

  /** Whether `subscriber` wants the channel's type; a mismatch is reported once per channel. */
  #accepts(subscriber: Subscriber, state: ChannelState): boolean {
    const advertised = state.channel.schemaName;
    if (subscriber.datatype === ANY_TYPE || subscriber.datatype === advertised) return true;
    if (!subscriber.mismatchReported.has(state.channel.id)) {
      subscriber.mismatchReported.add(state.channel.id);
      this.#ctx.report(
        new RosClientError(
          "request",
          `topic ${state.channel.topic} has type ${advertised} on the server, but was subscribed ` +
            `as ${subscriber.datatype}; not delivering it to that subscription` +
            rosNamingHint(subscriber.datatype, advertised),
          { topic: state.channel.topic, datatype: advertised, channelId: state.channel.id },
        ),
      );
    }
    return false;
  }

  /** The channel's codec, chosen once per channel; `null` (after reporting why) when unusable. */
  #channelCodec(state: ChannelState): Codec | null {
    if (state.codec !== undefined) return state.codec;
    const { topic, schemaName, encoding, schemaEncoding, schema, id } = state.channel;
    const context = { topic, datatype: schemaName, channelId: id };
    const format = channelFormat(encoding, schemaEncoding, schema);
    if ("error" in format) {
      this.#ctx.report(
        new RosClientError(
          "schema",
          `cannot decode ${topic} (${schemaName}): ${format.error}`,
          context,
        ),
      );
      state.codec = null;
      return null;
    }
    const resolution = this.#ctx.codecs.resolve(schemaName, schema, format);
    if ("error" in resolution) {
      this.#ctx.report(
        new RosClientError("schema", `cannot decode ${topic}: ${resolution.error}`, context),
      );
      state.codec = null;
      return null;
    }
    if (resolution.mismatch !== undefined) {
      const told = describeMismatch(resolution.mismatch);
      this.#ctx.warn({
        kind: "schema-mismatch",
        message:
          `${topic}: the server's definition of ${schemaName} (${told.advertised}) differs from ` +
          `the generated one (${told.generated}); decoding with the server's definition, so ` +
          `messages may not match the generated TypeScript type`,
        topic,
        // The datatype with the md5s (ROS 1) or type hashes (ROS 2) compared.
        ...resolution.mismatch,
      });
    }
    if (resolution.warning !== undefined) {
      this.#ctx.warn({
        kind: "schema",
        message: `${topic}: ${resolution.warning}`,
        topic,
        datatype: schemaName,
      });
    }
    state.codec = resolution.codec;
    return resolution.codec;
  }
}
