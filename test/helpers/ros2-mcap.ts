/**
 * Every message of a rosbag2 `.mcap` file with its channel and schema, for the ROS 2 codec tests.
 * zstd chunks are decompressed with fzstd (pure JavaScript: Node 20's zlib has no zstd, and a
 * native add-on would not install everywhere CI runs).
 */
import { McapIndexedReader } from "@mcap/core";
import { decompress } from "fzstd";
import { readFileSync } from "node:fs";

export interface Ros2BagMessage {
  topic: string;
  messageEncoding: string;
  schemaName: string;
  schemaEncoding: string;
  schema: string;
  data: Uint8Array;
}

export interface Ros2BagChannel {
  topic: string;
  messageEncoding: string;
  schemaName: string;
  schemaEncoding: string;
  schema: string;
}

export async function readRos2Mcap(file: string): Promise<{
  channels: Ros2BagChannel[];
  messages: Ros2BagMessage[];
  /** The values of every metadata record (rosbag2 keeps its metadata.yaml in one). */
  metadata: string[];
}> {
  const bytes = readFileSync(file);
  const reader = await McapIndexedReader.Initialize({
    readable: {
      size: async () => BigInt(bytes.length),
      read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
    },
    decompressHandlers: {
      zstd: (data, size) => decompress(data, new Uint8Array(Number(size))),
    },
  });
  const channels = new Map<number, Ros2BagChannel>();
  for (const [id, channel] of reader.channelsById) {
    const schema = reader.schemasById.get(channel.schemaId);
    channels.set(id, {
      topic: channel.topic,
      messageEncoding: channel.messageEncoding,
      schemaName: schema?.name ?? "",
      schemaEncoding: schema?.encoding ?? "",
      schema: new TextDecoder().decode(schema?.data ?? new Uint8Array()),
    });
  }
  const messages: Ros2BagMessage[] = [];
  for await (const message of reader.readMessages()) {
    messages.push({ ...channels.get(message.channelId)!, data: message.data });
  }
  const metadata: string[] = [];
  for await (const record of reader.readMetadata()) metadata.push(...record.metadata.values());
  return { channels: [...channels.values()], messages, metadata };
}
