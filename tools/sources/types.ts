/**
 * The common shape of recorded data, whatever file it comes from: ROS 1 (`.bag`, `.mcap` with
 * ros1 channels) or ROS 2 (rosbag2 `.mcap` or `.db3`, or a rosbag2 folder with `metadata.yaml`):
 * channels with their full schemas, and messages as the raw recorded bytes in time order.
 */

/** One recorded stream: a bag connection or an MCAP channel. */
export interface SourceChannel {
  /** Unique within the source; messages refer to it. */
  readonly id: number;
  readonly topic: string;
  /** ROS 1: `pkg/Type`, e.g. `sensor_msgs/Imu`; ROS 2: `pkg/msg/Type` (`pkg/srv/X_Event`...). */
  readonly schemaName: string;
  /**
   * Full definition text as a bridge carries it: ROS 1 `gendeps --cat` form; ROS 2 the root
   * type's text then `====...` + `MSG: pkg/Type` blocks (MCAP `ros2msg`, foxglove_bridge's form).
   */
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
  /** The message as recorded: ROS 1 serialization (no length prefix) or CDR with its header. */
  readonly data: Uint8Array;
}

/** A channel of the file that cannot be served (e.g. a message encoding that is neither ros1 nor cdr). */
export interface SkippedChannel {
  readonly topic: string;
  readonly reason: string;
}

/** Something about a served channel the user should know (e.g. its definition was replaced). */
export interface ChannelNotice {
  readonly topic: string;
  readonly message: string;
}

export interface MessageSourceReadOptions {
  /** Only these topics (all when absent). */
  readonly topics?: readonly string[];
}

export interface MessageSource {
  readonly path: string;
  /** `rosbag2` is a folder with `metadata.yaml` (its files may be .mcap or .db3). */
  readonly format: "bag" | "mcap" | "db3" | "rosbag2";
  /** Which ROS the channels are for: ros1 (ROS 1 serialization) or ros2 (CDR). */
  readonly profile: "ros1" | "ros2";
  /** The recording's ROS distro (ROS 2: from rosbag2's metadata), when it says. */
  readonly distro?: string;
  readonly channels: readonly SourceChannel[];
  readonly skippedChannels: readonly SkippedChannel[];
  /** Notes about served channels (ROS 2 definitions replaced or made up), one per topic. */
  readonly notices: readonly ChannelNotice[];
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
