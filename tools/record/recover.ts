/**
 * `recoverRecording`: a whole MCAP file from the `.part` of a recording that was killed (SIGKILL,
 * OOM, power cut) before it could write its summary and index. Every complete chunk of the `.part`
 * is kept; an unfinished chunk at its end (the last moments before the kill) cannot be read and is
 * dropped, as rosbag's `reindex` drops a cut chunk.
 */
import { existsSync } from "node:fs";
import { unlink } from "node:fs/promises";

import { UserError } from "../errors.js";
import { openMessageSource, type SourceChannel } from "../sources/index.js";
import { McapRecordingWriter, type RecordedChannel } from "./mcap-writer.js";
import { ros2ChannelMetadata } from "./rosbag2-metadata.js";

export interface RecoverResult {
  /** The whole file written. */
  readonly path: string;
  readonly messages: number;
  readonly topics: number;
  /** Why reading stopped before the end of the `.part` (its unfinished tail), if it did. */
  readonly damage?: string;
}

/** `run.mcap.part` -> `run.mcap`; other names get `.mcap` appended. */
export function recoveredName(partPath: string): string {
  const base = partPath.endsWith(".part") ? partPath.slice(0, -".part".length) : partPath;
  return base.endsWith(".mcap") ? base : `${base}.mcap`;
}

/** The channel as the recording wrote it (ROS 2: with rosbag2's metadata, made again). */
function recordedChannel(channel: SourceChannel, profile: "ros1" | "ros2"): RecordedChannel {
  const base = { topic: channel.topic, schemaName: channel.schemaName, schema: channel.schema };
  const callerid = channel.callerid !== undefined ? { callerid: channel.callerid } : {};
  if (profile === "ros2") {
    return {
      ...base,
      messageEncoding: "cdr",
      schemaEncoding: "ros2msg",
      metadata: {
        ...ros2ChannelMetadata(channel.schemaName, channel.schema, { latched: channel.latching }),
        ...callerid,
      },
    };
  }
  const metadata: Record<string, string> = {};
  if (channel.md5sum !== undefined) metadata.md5sum = channel.md5sum;
  Object.assign(metadata, callerid);
  if (channel.latching) metadata.latching = "1";
  return { ...base, metadata };
}

/**
 * Reads `partPath` front to back and writes its readable messages to `out` (default: the name
 * without `.part`), which must not exist. The `.part` is removed once `out` is complete.
 */
export async function recoverRecording(partPath: string, out?: string): Promise<RecoverResult> {
  const target = out ?? recoveredName(partPath);
  for (const file of [target, `${target}.recovering`]) {
    if (existsSync(file)) {
      throw new UserError(
        `cannot recover ${partPath}: ${file} exists (name another output with -o)`,
      );
    }
  }
  const source = await openMessageSource(partPath);
  let writer: McapRecordingWriter | undefined;
  let messages = 0;
  let damage: string | undefined;
  const topics = new Set<string>();
  try {
    if (source.format !== "mcap") {
      const what = source.format === "bag" ? "a ROS bag" : "a rosbag2 SQLite bag or folder";
      throw new UserError(`cannot recover ${partPath}: it is ${what}, not an MCAP recording`);
    }
    // Not `<target>.part`: that is usually the file being read.
    writer = await McapRecordingWriter.create(target, "noros record --recover", {
      partPath: `${target}.recovering`,
      profile: source.profile,
      rosDistro: source.distro ?? "",
    });
    const channels = new Map<number, Promise<number>>();
    for (const channel of source.channels) {
      channels.set(channel.id, writer.addChannel(recordedChannel(channel, source.profile)));
    }
    damage = source.damage;
    for await (const message of source.messages()) {
      const channel = channels.get(message.channelId);
      if (channel === undefined) continue;
      writer.addMessage(channel, message.receiveTime, message.data);
      topics.add(message.topic);
      messages++;
    }
    await writer.finish();
  } catch (error) {
    if (writer !== undefined) {
      await writer.abandon();
      await unlink(writer.partPath).catch(() => undefined);
    }
    throw error;
  } finally {
    await source.close();
  }
  await unlink(partPath);
  return {
    path: target,
    messages,
    topics: topics.size,
    ...(damage !== undefined ? { damage } : {}),
  };
}
