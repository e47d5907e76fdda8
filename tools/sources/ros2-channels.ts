/**
 * ROS 2 channels of a rosbag2 file (MCAP or SQLite) turned into served `SourceChannel`s: each
 * topic's definition settled by ros2-definitions.ts, latching read from the recorded QoS.
 */
import { resolveRos2Definition } from "./ros2-definitions.js";
import type { ChannelNotice, SkippedChannel, SourceChannel } from "./types.js";

export interface PendingRos2Channel {
  readonly id: number;
  readonly topic: string;
  /** The type name as recorded. */
  readonly type: string;
  /** The stored definition, undefined when the file has none. */
  readonly text: string | undefined;
  readonly encoding: string;
  readonly hash?: string | undefined;
  readonly latching: boolean;
}

/**
 * True when a recorded publisher offered `transient_local` durability: the ROS 2 form of a
 * latched topic (`/tf_static`, `/robot_description`). rosbag2 stores the offered QoS profiles as
 * YAML, durability as a number (1 = transient_local) or, from Jazzy on, a name.
 */
export function ros2Latching(offeredQosProfiles: string | undefined): boolean {
  if (offeredQosProfiles === undefined) return false;
  return /^\s*-?\s*durability:\s*(1|transient_local)\s*$/m.test(offeredQosProfiles);
}

export async function ros2SourceChannels(
  pending: readonly PendingRos2Channel[],
  sample: (channelId: number) => Promise<Uint8Array | undefined>,
): Promise<{ channels: SourceChannel[]; skipped: SkippedChannel[]; notices: ChannelNotice[] }> {
  const channels: SourceChannel[] = [];
  const skipped: SkippedChannel[] = [];
  const notices: ChannelNotice[] = [];
  for (const channel of pending) {
    const resolved = await resolveRos2Definition({
      topic: channel.topic,
      type: channel.type,
      text: channel.text,
      encoding: channel.encoding,
      hash: channel.hash,
      sample: await sample(channel.id),
    });
    if ("skip" in resolved) {
      skipped.push({ topic: channel.topic, reason: resolved.skip });
      continue;
    }
    if (resolved.notice !== undefined) {
      notices.push({ topic: channel.topic, message: resolved.notice });
    }
    channels.push({
      id: channel.id,
      topic: channel.topic,
      schemaName: resolved.schemaName,
      schema: resolved.schema,
      latching: channel.latching,
    });
  }
  return { channels, skipped, notices };
}
