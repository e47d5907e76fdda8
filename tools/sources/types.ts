/**
 * The common shape of recorded ROS 1 data, whatever file it comes from (`.bag` or `.mcap`):
 * channels with their full schemas, and messages as raw ROS 1 bytes in time order.
 */

/** One recorded stream: a bag connection or an MCAP channel. */
export interface SourceChannel {
  /** Unique within the source; messages refer to it. */
  readonly id: number;
  readonly topic: string;
  /** `pkg/Type`, e.g. `sensor_msgs/Imu`. */
  readonly schemaName: string;
  /** Full definition text (`gendeps --cat` form, as a bag connection or bridge carries it). */
  readonly schema: string;
  /** md5sum from the recording, when it has one. */
  readonly md5sum?: string;
  /** The publisher's node name, when the recording has it (bag connection `callerid`). */
  readonly callerid?: string;
  /** True when the publisher was latched (`latching=1`), e.g. `/tf_static`. */
  readonly latching: boolean;
}

export interface SourceMessage {
  readonly channelId: number;
  readonly topic: string;
  readonly schemaName: string;
  readonly schema: string;
  /** Recorded receive time in nanoseconds since the epoch (bag record time, MCAP log time). */
  readonly receiveTime: bigint;
  /** The message serialized as ROS 1 (no length prefix). */
  readonly data: Uint8Array;
}

/** A channel of the file that cannot be served as ROS 1 (e.g. an MCAP channel in CDR). */
export interface SkippedChannel {
  readonly topic: string;
  readonly reason: string;
}

export interface MessageSourceReadOptions {
  /** Only these topics (all when absent). */
  readonly topics?: readonly string[];
}

export interface MessageSource {
  readonly path: string;
  readonly format: "bag" | "mcap";
  readonly channels: readonly SourceChannel[];
  readonly skippedChannels: readonly SkippedChannel[];
  /**
   * Number of messages in the file: from the index, or for an unindexed MCAP (an unfinished
   * recording) the messages a first pass could read.
   */
  readonly messageCount: number | undefined;
  /** First and last receive time (ns) (for an unindexed MCAP, of the readable messages). */
  readonly startTime: bigint | undefined;
  readonly endTime: bigint | undefined;
  /**
   * Set when the file cannot be read to its end (a truncated bag, an unfinished recording): what
   * is wrong and where. `messages()` then yields what comes before and ends there.
   */
  readonly damage?: string;
  /**
   * Messages in receive-time order (file order for a file read without its index). Each call starts a new pass from the beginning; passes may
   * run one after another (e.g. looping playback). Errors name the file.
   */
  messages(options?: MessageSourceReadOptions): AsyncIterableIterator<SourceMessage>;
  /** Releases the file handle. Iterators still running afterwards fail. */
  close(): Promise<void>;
}
