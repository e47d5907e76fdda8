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
 */
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

export class TransformListener {
  private readonly tfTopic: string;
  private readonly tfStaticTopic: string;
  private readonly datatype: string;
  private readonly clearOnReconnect: boolean;
  private subscriptions: TfSubscription[] = [];
  private closed = false;
  private readonly onReconnect = (): void => this.resubscribe();

  constructor(
    private readonly client: TfClient,
    readonly buffer: TfBuffer,
    options: TransformListenerOptions = {},
  ) {
    this.tfTopic = options.tfTopic ?? "/tf";
    this.tfStaticTopic = options.tfStaticTopic ?? "/tf_static";
    this.datatype = options.datatype ?? "*";
    this.clearOnReconnect = options.clearOnReconnect ?? true;
    this.subscribe();
    client.on?.("reconnect", this.onReconnect);
  }

  private subscribe(): void {
    const make = (topic: string, isStatic: boolean): TfSubscription =>
      this.client.subscribe(topic, this.datatype, (message) => {
        if (this.closed) return;
        // setTransforms reports (through the buffer's onWarning) anything that is not a
        // TFMessage, naming the topic as the authority; it never throws.
        this.buffer.setTransforms(message as TFMessageInput, topic, isStatic);
      });
    this.subscriptions = [make(this.tfTopic, false), make(this.tfStaticTopic, true)];
  }

  private unsubscribe(): void {
    const subs = this.subscriptions;
    this.subscriptions = [];
    for (const s of subs) s.unsubscribe();
  }

  private resubscribe(): void {
    if (this.closed) return;
    this.unsubscribe();
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
