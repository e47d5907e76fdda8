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
 *
 * ROS 1 and ROS 2: a ROS 2 bridge advertises /tf and /tf_static as `tf2_msgs/msg/TFMessage`
 * (`cdr`), whose stamps are `{ sec, nanosec }`; the listener tells the two apart by the type the
 * channel was advertised with (the client passes it with each message), converts ROS 2 messages
 * to the buffer's `{ sec, nsec }` and so fills the buffer the same either way. The `rosVersion`
 * option fixes it instead; a client that does not say which type a message came with leaves it to
 * the stamp's shape. ROS 2's /tf_static is transient-local: the bridge hands it to a late
 * subscriber as ROS 1's latching does, so nothing else differs.
 */
import { TypedEmitter } from "../client/events.js";
import type { TfBuffer } from "./tf_buffer.js";
import type { TFMessageInput } from "./messages.js";
import { tfMessageFromRos2 } from "./ros2.js";

export interface TfSubscription {
  unsubscribe(): void;
}

/** What a client says about the channel a message came on (noros' `MessageInfo` fits). */
export interface TfMessageInfo {
  /** The advertised type: `tf2_msgs/TFMessage` (ROS 1) or `tf2_msgs/msg/TFMessage` (ROS 2). */
  readonly datatype: string;
  /** The channel's message encoding when the client tells it (`ros1`, `cdr`). */
  readonly encoding?: string;
}

/** What the listener needs from a client. */
export interface TfClient {
  subscribe(
    topic: string,
    datatype: string,
    callback: (message: unknown, receiveTimeNs: bigint, info?: TfMessageInfo) => void,
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
  /**
   * Which ROS the messages come from: 2 for `{ sec, nanosec }` stamps. Default: from the type
   * each channel was advertised with (`pkg/msg/Type` or a `cdr` encoding is ROS 2), or, when the
   * client does not say, from the stamps' shape.
   */
  rosVersion?: 1 | 2;
}

/** ROS 2 by the channel (`pkg/msg/Type`, `cdr`), else by the first stamp's shape. */
function isRos2(message: unknown, info: TfMessageInfo | undefined): boolean {
  if (info?.encoding === "cdr") return true;
  // A channel without a type name (a bridge that found no definition) says nothing.
  if (typeof info?.datatype === "string" && info.datatype.includes("/")) {
    return info.datatype.split("/")[1] === "msg";
  }
  const first = (message as { transforms?: unknown[] } | null)?.transforms?.[0];
  const stamp = (first as { header?: { stamp?: unknown } } | undefined)?.header?.stamp;
  return typeof stamp === "object" && stamp !== null && "nanosec" in stamp && !("nsec" in stamp);
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
  private readonly rosVersion: 1 | 2 | undefined;
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
    this.rosVersion = options.rosVersion;
    this.subscribe();
    client.on?.("reconnect", this.onReconnect);
  }

  private subscribe(): void {
    const make = (topic: string, isStatic: boolean): TfSubscription =>
      this.client.subscribe(topic, this.datatype, (message, receiveTimeNs, info) => {
        if (this.closed) return;
        if (!isStatic) this.checkTime(receiveTimeNs);
        const ros2 = this.rosVersion === undefined ? isRos2(message, info) : this.rosVersion === 2;
        // setTransforms reports (through the buffer's onWarning) anything that is not a
        // TFMessage, naming the topic as the authority; it never throws.
        this.buffer.setTransforms(
          (ros2 ? tfMessageFromRos2(message) : message) as TFMessageInput,
          topic,
          isStatic,
        );
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
