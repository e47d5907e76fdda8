/**
 * Keeps a TfBuffer filled from /tf and /tf_static, like tf2_ros::TransformListener.
 *
 * It needs only a client that can subscribe to a topic and, optionally, tells it about
 * reconnects (noros' RosClient does both; it also resubscribes by itself after a reconnect, and
 * subscribing afresh here does no harm: the old subscriptions are dropped first). After a reconnect the other side may have restarted
 * (with new statics, or a clock that went back, which would make tf2 ignore every new sample as
 * older than what it holds), so the listener drops the buffer's dynamic data and subscribes
 * afresh: the bridge delivers the latched /tf_static to each new subscriber, so the statics are
 * read again.
 *
 * Time going back (a looping replay, a simulator reset, `/use_sim_time` restarting) is handled as
 * tf2_ros does ("Detected jump back in time. Clearing TF buffer."): when a /tf message arrives
 * with a receive time (the bridge's clock, the replay time for `noros play`) earlier than the
 * previous one, the buffer's dynamic data is cleared, so the new time line is not ignored as
 * "data from the past" and lookups follow the replay. The listener emits `jumpBack` with both
 * times. Only /tf counts: a latched /tf_static message reaches a new subscriber with its old
 * receive time, which is no jump.
 */
import { TypedEmitter } from "../client/events.js";
import type { TfBuffer } from "./tf_buffer.js";
import type { TFMessageInput } from "./messages.js";

export interface TfSubscription {
  unsubscribe(): void;
}

/** What the listener needs from a client. */
export interface TfClient {
  subscribe(
    topic: string,
    datatype: string,
    callback: (message: unknown, receiveTimeNs: bigint) => void,
  ): TfSubscription;
  /** Register for the client's "reconnect" event (emitted once a lost connection is back). */
  on?(event: "reconnect", listener: () => void): unknown;
  off?(event: "reconnect", listener: () => void): unknown;
}

export interface TransformListenerOptions {
  /** Default "/tf". */
  tfTopic?: string;
  /** Default "/tf_static". */
  tfStaticTopic?: string;
  /**
   * The type asked for on both topics. Default "*" (whatever the topic carries): /tf is
   * tf2_msgs/TFMessage today but the legacy tf/tfMessage in older systems and bags (same fields,
   * same md5), and a client delivers only the type asked for. Anything that is not a TFMessage
   * is reported through the buffer's `onWarning`.
   */
  datatype?: string;
  /** Drop the buffer's dynamic data on reconnect (statics are kept and read again). Default true. */
  clearOnReconnect?: boolean;
}

/** `jumpBack`: time went back from `fromNs` to `toNs` (receive times); the buffer was cleared. */
export interface TimeJumpEvent {
  readonly fromNs: bigint;
  readonly toNs: bigint;
}

export interface TransformListenerEvents {
  jumpBack: (event: TimeJumpEvent) => void;
}

export class TransformListener extends TypedEmitter<TransformListenerEvents> {
  private readonly tfTopic: string;
  private readonly tfStaticTopic: string;
  private readonly datatype: string;
  private readonly clearOnReconnect: boolean;
  private subscriptions: TfSubscription[] = [];
  private closed = false;
  /** Receive time of the last /tf message: the clock a backward jump is detected on. */
  private lastTfTimeNs: bigint | undefined;
  private readonly onReconnect = (): void => this.resubscribe();

  constructor(
    private readonly client: TfClient,
    readonly buffer: TfBuffer,
    options: TransformListenerOptions = {},
  ) {
    super();
    this.tfTopic = options.tfTopic ?? "/tf";
    this.tfStaticTopic = options.tfStaticTopic ?? "/tf_static";
    this.datatype = options.datatype ?? "*";
    this.clearOnReconnect = options.clearOnReconnect ?? true;
    this.subscribe();
    client.on?.("reconnect", this.onReconnect);
  }

  private subscribe(): void {
    const make = (topic: string, isStatic: boolean): TfSubscription =>
      this.client.subscribe(topic, this.datatype, (message, receiveTimeNs) => {
        if (this.closed) return;
        if (!isStatic) this.checkTime(receiveTimeNs);
        // setTransforms reports (through the buffer's onWarning) anything that is not a
        // TFMessage, naming the topic as the authority; it never throws.
        this.buffer.setTransforms(message as TFMessageInput, topic, isStatic);
      });
    this.subscriptions = [make(this.tfTopic, false), make(this.tfStaticTopic, true)];
  }

  private checkTime(receiveTimeNs: bigint): void {
    const last = this.lastTfTimeNs;
    this.lastTfTimeNs = receiveTimeNs;
    if (last === undefined || receiveTimeNs >= last) return;
    this.buffer.clear();
    const event = { fromNs: last, toNs: receiveTimeNs };
    if (!this.emit("jumpBack", event)) {
      const back = Number(last - receiveTimeNs) / 1e9;
      console.warn(`Detected jump back in time of ${back}s. Clearing TF buffer.`);
    }
  }

  private unsubscribe(): void {
    const subs = this.subscriptions;
    this.subscriptions = [];
    for (const s of subs) s.unsubscribe();
  }

  private resubscribe(): void {
    if (this.closed) return;
    this.unsubscribe();
    // The other side may have restarted with another clock: no jump across a reconnect.
    this.lastTfTimeNs = undefined;
    if (this.clearOnReconnect) this.buffer.clear();
    this.subscribe();
  }

  /** Stop listening: unsubscribes both topics and leaves the buffer as it is. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.client.off?.("reconnect", this.onReconnect);
  }
}
