/**
 * ROS bag 2.0 files (plain, bz2 or lz4 chunks) through @foxglove/rosbag, messages left raw.
 */
import { Bag } from "@foxglove/rosbag";
import { FileReader } from "@foxglove/rosbag/node.js";

import { errorMessage } from "../errors.js";
import { bagDecompressHandlers } from "./decompress.js";
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
  const bag = new Bag(reader, { parse: false, decompress: await bagDecompressHandlers() });
  try {
    await bag.open();
  } catch (error) {
    await reader.close();
    throw new SourceError(path, `cannot read bag index: ${errorMessage(error)}`);
  }
  if (bag.header !== undefined && bag.header.indexPosition === 0) {
    await reader.close();
    throw new SourceError(
      path,
      "bag is not indexed (was the recording interrupted?); `rosbag reindex` can repair it",
    );
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
    channels,
    skippedChannels,
    messageCount,
    startTime: bag.startTime !== undefined ? toNs(bag.startTime) : undefined,
    endTime: bag.endTime !== undefined ? toNs(bag.endTime) : undefined,
    messages,
    close: () => reader.close(),
  };
}
