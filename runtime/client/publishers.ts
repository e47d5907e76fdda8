/**
 * Client publishers: each is a client channel with a stable id, advertised again on every new
 * socket. Messages are encoded at `publish()` (so a bad message throws at the call site) and sent
 * at once, or queued while the connection is down: up to a bound, oldest dropped first.
 */
import type { Codec, Encodable } from "../codec/types.js";
import { RingBuffer } from "./bounded-queue.js";
import type { ClientContext } from "./context.js";
import { RosClientError } from "./errors.js";
import { encodeMessageData } from "./protocol.js";
import {
  CDR_ENCODING,
  MESSAGE_ENCODING,
  ROS2_SCHEMA_ENCODING,
  SCHEMA_ENCODING,
  wireOf,
} from "./schema-codecs.js";
import type { Publisher } from "./types.js";

interface PublisherState {
  channelId: number;
  topic: string;
  datatype: string;
  codec: Codec;
  queue: RingBuffer<Uint8Array>;
  dropped: number;
  /** Advertised on the current socket. */
  advertised: boolean;
  active: boolean;
}

export interface PublishersOptions {
  queueSize: number;
  /** Whether a publish while disconnected may wait for a connection (false: it throws). */
  mayQueue: () => boolean;
  onDrop: (topic: string, dropped: number) => void;
}

export class Publishers {
  readonly #ctx: ClientContext;
  readonly #options: PublishersOptions;
  readonly #publishers = new Map<number, PublisherState>();
  #nextChannelId = 1;
  /** Set when the client closed: publishing then throws this. */
  #closed: RosClientError | undefined;

  constructor(ctx: ClientContext, options: PublishersOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  create<T>(topic: string, datatype: string, codec: Codec): Publisher<T> {
    const state: PublisherState = {
      channelId: this.#nextChannelId++,
      topic,
      datatype,
      codec,
      queue: new RingBuffer(this.#options.queueSize),
      dropped: 0,
      advertised: false,
      active: true,
    };
    this.#publishers.set(state.channelId, state);
    this.#advertise([state]);
    return {
      topic,
      datatype,
      get queued() {
        return state.queue.size;
      },
      get dropped() {
        return state.dropped;
      },
      publish: (msg: Encodable<T>) => this.#publish(state, msg as Encodable<unknown>),
      unadvertise: () => this.#unadvertise(state),
    };
  }

  /** The server is ready on a new socket: advertise everything again and flush the queues. */
  advertiseAll(): void {
    this.#advertise([...this.#publishers.values()]);
  }

  /** The socket ended: the server forgot our channels. */
  resetSocket(): void {
    for (const publisher of this.#publishers.values()) publisher.advertised = false;
  }

  closeAll(reason: RosClientError): void {
    this.#closed = reason;
    for (const publisher of this.#publishers.values()) {
      publisher.active = false;
      publisher.queue.clear();
    }
    this.#publishers.clear();
  }

  #publish(state: PublisherState, msg: Encodable<unknown>): void {
    if (!state.active) {
      throw (
        this.#closed ??
        new RosClientError("request", `publisher for ${state.topic} is no longer advertised`, {
          topic: state.topic,
          datatype: state.datatype,
        })
      );
    }
    const payload = state.codec.encode(msg);
    // Behind queued messages, a new one waits its turn so that order is kept.
    if (
      state.advertised &&
      state.queue.size === 0 &&
      this.#ctx.send(encodeMessageData(state.channelId, payload))
    ) {
      return;
    }
    if (!this.#options.mayQueue()) {
      throw new RosClientError("connection", `cannot publish on ${state.topic}: not connected`, {
        topic: state.topic,
      });
    }
    if (state.queue.push(payload).dropped) {
      state.dropped++;
      this.#options.onDrop(state.topic, state.dropped);
    }
  }

  #unadvertise(state: PublisherState): void {
    if (!state.active) return;
    state.active = false;
    state.queue.clear();
    this.#publishers.delete(state.channelId);
    if (state.advertised) {
      this.#ctx.send(JSON.stringify({ op: "unadvertise", channelIds: [state.channelId] }));
    }
    state.advertised = false;
  }

  /** Sends `advertise` for publishers not yet advertised on this socket, then their queues. */
  #advertise(publishers: PublisherState[]): void {
    if (!this.#ctx.ready) return;
    const pending = publishers.filter((p) => p.active && !p.advertised);
    if (pending.length === 0) return;
    // The definition goes along (protocol fields `schema`/`schemaEncoding`): foxglove_bridge for
    // ROS 1 reads only the type name and ignores them, but a server that relays or records
    // client publishes (noros play, other clients' subscriptions) needs it for a custom type.
    // A ROS 2 codec publishes `cdr` with its `ros2msg` text: the ROS 2 bridge reads the type name
    // (`pkg/msg/Type`) and the encoding, the SDK-based one also takes the schema.
    const channels = pending.map((p) => {
      const cdr = wireOf(p.codec) === "cdr";
      return {
        id: p.channelId,
        topic: p.topic,
        encoding: cdr ? CDR_ENCODING : MESSAGE_ENCODING,
        schemaName: p.datatype,
        ...(p.codec.definition !== ""
          ? {
              schema: p.codec.definition,
              schemaEncoding: cdr ? ROS2_SCHEMA_ENCODING : SCHEMA_ENCODING,
            }
          : {}),
      };
    });
    if (!this.#ctx.send(JSON.stringify({ op: "advertise", channels }))) return;
    for (const publisher of pending) {
      publisher.advertised = true;
      for (let p = publisher.queue.shift(); p !== undefined; p = publisher.queue.shift()) {
        this.#ctx.send(encodeMessageData(publisher.channelId, p));
      }
    }
  }
}
