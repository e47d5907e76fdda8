/**
 * ROS bag 2.0 files (plain, bz2 or lz4 chunks) through @foxglove/rosbag, messages left raw. A bag
 * without a usable index (cut short, or a recording that never wrote it) is read front to back
 * instead (bag-scan.ts), as far as it goes; its `damage` says what is missing.
 */
import { Bag } from "@foxglove/rosbag";
import { FileReader } from "@foxglove/rosbag/node.js";
import { open, stat } from "node:fs/promises";

import { errorMessage } from "../errors.js";
import { ScanStopped, scanBag, type ScannedConnection } from "./bag-scan.js";
import { bagDecompressHandlers, type DecompressFn } from "./decompress.js";
import { SourceError } from "./errors.js";
import type {
  MessageSource,
  MessageSourceReadOptions,
  SkippedChannel,
  SourceChannel,
  SourceMessage,
} from "./types.js";

function toNs(time: { sec: number; nsec: number }): bigint {
  return BigInt(time.sec) * 1_000_000_000n + BigInt(time.nsec);
}

export async function openBag(path: string): Promise<MessageSource> {
  const reader = new FileReader(path);
  const decompress = await bagDecompressHandlers();
  const bag = new Bag(reader, { parse: false, decompress });
  try {
    await bag.open();
  } catch (error) {
    await reader.close();
    // A cut file fails here with an out-of-range read: say what is missing, read what is there.
    const size = (await stat(path)).size;
    return openScanned(path, decompress, `its index is missing (${size} bytes; cut short?)`, error);
  }
  if (bag.header !== undefined && bag.header.indexPosition === 0) {
    await reader.close();
    return openScanned(path, decompress, "it has no index (was the recording interrupted?)");
  }

  const channels: SourceChannel[] = [];
  const skippedChannels: SkippedChannel[] = [];
  const byConnection = new Map<number, SourceChannel>();
  for (const connection of bag.connections.values()) {
    if (connection.type === undefined || connection.type === "") {
      skippedChannels.push({ topic: connection.topic, reason: "connection has no message type" });
      continue;
    }
    const channel: SourceChannel = {
      id: connection.conn,
      topic: connection.topic,
      schemaName: connection.type,
      schema: connection.messageDefinition,
      latching: connection.latching === true,
      ...(connection.md5sum !== undefined ? { md5sum: connection.md5sum } : {}),
      ...(connection.callerid !== undefined ? { callerid: connection.callerid } : {}),
    };
    channels.push(channel);
    byConnection.set(connection.conn, channel);
  }

  let messageCount = 0;
  for (const info of bag.chunkInfos) {
    for (const { conn, count } of info.connections)
      if (byConnection.has(conn)) messageCount += count;
  }

  async function* messages(options?: MessageSourceReadOptions): AsyncGenerator<SourceMessage> {
    // An empty bag has no chunks and no start time; the iterator would throw "no timestamp".
    if (bag.startTime === undefined) return;
    const topics = options?.topics;
    const iterator = bag.messageIterator(topics !== undefined ? { topics: [...topics] } : {});
    let count = 0;
    try {
      for await (const event of iterator) {
        const channel = byConnection.get(event.connectionId);
        if (channel === undefined) continue;
        count++;
        yield {
          channelId: channel.id,
          topic: channel.topic,
          schemaName: channel.schemaName,
          schema: channel.schema,
          receiveTime: toNs(event.timestamp),
          data: event.data,
        };
      }
    } catch (error) {
      if (error instanceof SourceError) throw error;
      throw new SourceError(path, `corrupt bag after ${count} messages: ${errorMessage(error)}`);
    }
  }

  return {
    path,
    format: "bag",
    profile: "ros1",
    notices: [],
    channels,
    skippedChannels,
    messageCount,
    startTime: bag.startTime !== undefined ? toNs(bag.startTime) : undefined,
    endTime: bag.endTime !== undefined ? toNs(bag.endTime) : undefined,
    messages,
    close: () => reader.close(),
  };
}

/** Channel of a bag connection record. */
function channelOf(connection: ScannedConnection): SourceChannel {
  return {
    id: connection.conn,
    topic: connection.topic,
    schemaName: connection.type,
    schema: connection.messageDefinition,
    latching: connection.latching,
    ...(connection.md5sum !== undefined ? { md5sum: connection.md5sum } : {}),
    ...(connection.callerid !== undefined ? { callerid: connection.callerid } : {}),
  };
}

/**
 * A bag read front to back (`rosbag reindex`'s way): one pass now for connections, count and time
 * span; `messages()` in file order, ending quietly where the readable part ends.
 */
async function openScanned(
  path: string,
  decompress: Readonly<Record<string, DecompressFn>>,
  why: string,
  indexError?: unknown,
): Promise<MessageSource> {
  const handle = await open(path, "r");
  const channels: SourceChannel[] = [];
  const skippedChannels: SkippedChannel[] = [];
  const byConnection = new Map<number, SourceChannel>();
  let messageCount = 0;
  let startTime: bigint | undefined;
  let endTime: bigint | undefined;
  let stopped: string | undefined;
  try {
    for await (const item of scanBag(handle, decompress)) {
      if (item.kind === "connection") {
        const { connection } = item;
        if (byConnection.has(connection.conn)) continue;
        if (connection.type === "") {
          skippedChannels.push({
            topic: connection.topic,
            reason: "connection has no message type",
          });
          continue;
        }
        const channel = channelOf(connection);
        channels.push(channel);
        byConnection.set(connection.conn, channel);
      } else if (byConnection.has(item.message.conn)) {
        const time = item.message.time;
        messageCount++;
        if (startTime === undefined || time < startTime) startTime = time;
        if (endTime === undefined || time > endTime) endTime = time;
      }
    }
  } catch (error) {
    if (!(error instanceof ScanStopped)) {
      await handle.close();
      throw error;
    }
    stopped = error.message;
  }
  if (channels.length === 0) {
    await handle.close();
    const detail = indexError !== undefined ? `: ${errorMessage(indexError)}` : "";
    throw new SourceError(
      path,
      `cannot read the bag: ${why}, and no chunk before that is readable${detail}`,
    );
  }
  const damage =
    `${why}; read front to back: ${messageCount} messages` +
    (stopped !== undefined ? ` up to where ${stopped}` : "");

  async function* messages(options?: MessageSourceReadOptions): AsyncGenerator<SourceMessage> {
    const wanted = options?.topics !== undefined ? new Set(options.topics) : undefined;
    try {
      for await (const item of scanBag(handle, decompress)) {
        if (item.kind !== "message") continue;
        const channel = byConnection.get(item.message.conn);
        if (channel === undefined || (wanted !== undefined && !wanted.has(channel.topic))) continue;
        yield {
          channelId: channel.id,
          topic: channel.topic,
          schemaName: channel.schemaName,
          schema: channel.schema,
          receiveTime: item.message.time,
          data: item.message.data,
        };
      }
    } catch (error) {
      // Where the first pass stopped too: announced as `damage`.
      if (!(error instanceof ScanStopped)) throw error;
    }
  }

  return {
    path,
    format: "bag",
    profile: "ros1",
    notices: [],
    channels,
    skippedChannels,
    messageCount,
    startTime,
    endTime,
    damage,
    messages,
    close: () => handle.close(),
  };
}
