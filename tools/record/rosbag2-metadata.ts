/**
 * What rosbag2's MCAP storage plugin (rosbag2_storage_mcap) writes besides messages, so that a
 * ROS 2 recording opens in `ros2 bag info` / `ros2 bag play` like one rosbag2 made:
 *
 * - per channel: `offered_qos_profiles` (the publishers' QoS as YAML, rosbag2's metadata version
 *   8 form with numeric policies, which every distro reads) and `topic_type_hash` (`RIHS01_...`);
 * - a Metadata record named `rosbag2` with `serialized_metadata` (the bag's `metadata.yaml`
 *   contents: version, storage, start, duration, counts per topic, files, `ros_distro`) and, as
 *   Humble-era writers put it there, `ROS_DISTRO`.
 *
 * The Foxglove protocol does not carry QoS. A topic known to be latched (`/tf_static`,
 * `--latched`) gets one offer of reliable, transient-local, keep-last-1 (what a latching ROS 2
 * publisher such as tf2's StaticTransformBroadcaster offers), so `ros2 bag play` hands its last
 * message to late subscribers; other topics get an empty list, for which `ros2 bag play` uses its
 * default publisher profile.
 */
import { stringify } from "yaml";

import { parseRos2FullDefinition } from "../../runtime/schema/ros2-full-text.js";
import { ros2TypeHash } from "../../runtime/schema/ros2-hash.js";

/** rosbag2's metadata version whose QoS form (numeric policies) Humble through Rolling read. */
export const ROSBAG2_METADATA_VERSION = 8;

/** rmw_time_t {0, 0}: RMW_DURATION_UNSPECIFIED (the middleware's default). */
const UNSPECIFIED = { sec: 0, nsec: 0 };

/** rmw enum values, as rosbag2 writes them before version 9. */
const KEEP_LAST = 1;
const RELIABLE = 1;
const TRANSIENT_LOCAL = 1;
const AUTOMATIC = 1;

/** `offered_qos_profiles` of a latched topic: one reliable, transient-local, keep-last-1 offer. */
export const LATCHED_QOS_PROFILES = stringify([
  {
    history: KEEP_LAST,
    depth: 1,
    reliability: RELIABLE,
    durability: TRANSIENT_LOCAL,
    deadline: UNSPECIFIED,
    lifespan: UNSPECIFIED,
    liveliness: AUTOMATIC,
    liveliness_lease_duration: UNSPECIFIED,
    avoid_ros_namespace_conventions: false,
  },
]).trimEnd();

/**
 * The `RIHS01_...` type hash of a ROS 2 definition, or "" when the text cannot be read as one
 * (rosbag2 also writes "" when it has no hash).
 */
export function typeHashOf(schemaName: string, schema: string): string {
  try {
    const { types, root, fullNames } = parseRos2FullDefinition(schemaName, schema);
    return ros2TypeHash(types, root, (key) => fullNames.get(key) ?? key);
  } catch {
    return "";
  }
}

/** The channel metadata rosbag2 writes for a topic. */
export function ros2ChannelMetadata(
  schemaName: string,
  schema: string,
  { latched }: { latched: boolean },
): Record<string, string> {
  return {
    offered_qos_profiles: latched ? LATCHED_QOS_PROFILES : "",
    topic_type_hash: typeHashOf(schemaName, schema),
  };
}

export interface Rosbag2Topic {
  readonly name: string;
  readonly type: string;
  readonly serializationFormat: string;
  readonly offeredQosProfiles: string;
  readonly typeHash: string;
  readonly messageCount: number;
}

export interface Rosbag2Summary {
  /** The recording's file name (rosbag2 stores it relative to the bag folder). */
  readonly file: string;
  readonly topics: readonly Rosbag2Topic[];
  readonly messageCount: number;
  /** First and last log time (ns); undefined without messages. */
  readonly startTime: bigint | undefined;
  readonly endTime: bigint | undefined;
  /** The bridge's `ROS_DISTRO` ("" when it did not say). */
  readonly rosDistro: string;
}

/** rosbag2's starting time of a bag without messages: the largest nanosecond count. */
const NO_START = (1n << 63n) - 1n;

/** `serialized_metadata`: a rosbag2 `metadata.yaml` body (without its top-level key). */
export function serializedMetadata(summary: Rosbag2Summary): string {
  const start = summary.startTime ?? NO_START;
  const duration =
    summary.startTime !== undefined && summary.endTime !== undefined
      ? summary.endTime - summary.startTime
      : 0n;
  return stringify({
    version: ROSBAG2_METADATA_VERSION,
    storage_identifier: "mcap",
    duration: { nanoseconds: duration },
    starting_time: { nanoseconds_since_epoch: start },
    message_count: summary.messageCount,
    topics_with_message_count: summary.topics.map((t) => ({
      topic_metadata: {
        name: t.name,
        type: t.type,
        serialization_format: t.serializationFormat,
        offered_qos_profiles: t.offeredQosProfiles,
        type_description_hash: t.typeHash,
      },
      message_count: t.messageCount,
    })),
    compression_format: "",
    compression_mode: "",
    relative_file_paths: [summary.file],
    files: [
      {
        path: summary.file,
        starting_time: { nanoseconds_since_epoch: start },
        duration: { nanoseconds: duration },
        message_count: summary.messageCount,
      },
    ],
    custom_data: null,
    ros_distro: summary.rosDistro,
  });
}

/** The `rosbag2` Metadata record's map. */
export function rosbag2MetadataRecord(summary: Rosbag2Summary): Map<string, string> {
  return new Map([
    ["serialized_metadata", serializedMetadata(summary)],
    ["ROS_DISTRO", summary.rosDistro],
  ]);
}
