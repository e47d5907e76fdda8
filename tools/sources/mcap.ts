/**
 * MCAP files with ROS 1 channels (profile `ros1`: schema encoding `ros1msg`, message encoding
 * `ros1`) or ROS 2 channels (rosbag2: message encoding `cdr`, schema encoding `ros2msg`; see
 * ros2-definitions.ts for the definitions served), through @mcap/core. Indexed files are read through their index in log-time order; a
 * file without a usable index (an unfinished recording, a streamed file) is read front to back,
 * in file order; a truncated tail is reported as the source's `damage` and reading ends there.
 */
import { McapIndexedReader, McapStreamReader, type McapTypes } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { open, type FileHandle } from "node:fs/promises";

import { errorMessage } from "../errors.js";
import { mcapDecompressHandlers } from "./decompress.js";
import { SourceError } from "./errors.js";
import { ros2Latching, ros2SourceChannels, type PendingRos2Channel } from "./ros2-channels.js";
import type {
  ChannelNotice,
  MessageSource,
  MessageSourceReadOptions,
  SkippedChannel,
  SourceChannel,
  SourceMessage,
} from "./types.js";

type Handlers = McapTypes.DecompressHandlers;
const textDecoder = new TextDecoder();

/**
 * Channel table built from Schema and Channel records: ROS 1 channels at once, ROS 2 (cdr) ones
 * in `finish()` (their definitions may need a recorded message and the standard set).
 */
class ChannelTable {
  readonly channels: SourceChannel[] = [];
  readonly skipped: SkippedChannel[] = [];
  readonly notices: ChannelNotice[] = [];
  readonly byId = new Map<number, SourceChannel>();
  readonly #seen = new Set<number>();
  readonly #ros2: (PendingRos2Channel & { id: number })[] = [];
  profile: "ros1" | "ros2" = "ros1";

  /** Channel records seen so far (ROS 2 ones are settled later). */
  get seen(): number {
    return this.#seen.size;
  }

  add(channel: McapTypes.Channel, schema: McapTypes.Schema | undefined): void {
    if (this.#seen.has(channel.id)) return;
    this.#seen.add(channel.id);
    const skip = (reason: string): void => {
      this.skipped.push({ topic: channel.topic, reason });
    };
    if (channel.messageEncoding === "cdr") {
      this.#ros2.push({
        id: channel.id,
        topic: channel.topic,
        type: schema?.name ?? "",
        text: schema !== undefined && schema.id !== 0 ? textDecoder.decode(schema.data) : undefined,
        encoding: schema?.encoding ?? "",
        latching: ros2Latching(channel.metadata.get("offered_qos_profiles")),
      });
      return;
    }
    if (channel.messageEncoding !== "ros1") {
      return skip(`message encoding "${channel.messageEncoding}" is neither ros1 nor cdr`);
    }
    if (schema === undefined) return skip(`schema ${channel.schemaId} is missing`);
    if (schema.encoding !== "ros1msg") {
      return skip(`schema encoding "${schema.encoding}" is not ros1msg`);
    }
    const md5sum = channel.metadata.get("md5sum");
    const callerid = channel.metadata.get("callerid");
    const sourceChannel: SourceChannel = {
      id: channel.id,
      topic: channel.topic,
      schemaName: schema.name,
      schema: textDecoder.decode(schema.data),
      latching: channel.metadata.get("latching") === "1",
      ...(md5sum !== undefined ? { md5sum } : {}),
      ...(callerid !== undefined ? { callerid } : {}),
    };
    this.channels.push(sourceChannel);
    this.byId.set(channel.id, sourceChannel);
  }

  /**
   * Settles the ROS 2 channels: a file is played as one ROS version, the one of its ros1
   * channels if it has any. `sample` gives one recorded message of a channel, if it can.
   */
  async finish(sample: (channelId: number) => Promise<Uint8Array | undefined>): Promise<void> {
    if (this.#ros2.length === 0) return;
    if (this.channels.length > 0) {
      for (const c of this.#ros2) {
        this.skipped.push({
          topic: c.topic,
          reason: "a cdr (ROS 2) channel in a file with ros1 channels: play serves one ROS version",
        });
      }
      return;
    }
    this.profile = "ros2";
    const settled = await ros2SourceChannels(this.#ros2, sample);
    this.channels.push(...settled.channels);
    this.skipped.push(...settled.skipped);
    this.notices.push(...settled.notices);
    for (const c of settled.channels) this.byId.set(c.id, c);
  }
}

/** The `ros_distro` rosbag2 wrote into its metadata (the `rosbag2` metadata record). */
function distroOf(values: Iterable<string>): string | undefined {
  for (const value of values) {
    const distro = /^\s*ros_distro:\s*([\w-]+)\s*$/m.exec(value)?.[1];
    if (distro !== undefined) return distro;
  }
  return undefined;
}

function toSourceMessage(channel: SourceChannel, message: McapTypes.Message): SourceMessage {
  return {
    channelId: channel.id,
    topic: channel.topic,
    schemaName: channel.schemaName,
    schema: channel.schema,
    receiveTime: message.logTime,
    data: message.data,
  };
}

const STREAM_READ_SIZE = 1 << 20;

/**
 * Every record of the file in file order. Stops with an error when the file ends inside a
 * record; `onRecord` sees each record (channel bookkeeping) before it is yielded.
 */
async function* streamRecords(
  path: string,
  handle: FileHandle,
  handlers: Handlers,
): AsyncGenerator<McapTypes.TypedMcapRecord> {
  const reader = new McapStreamReader({ decompressHandlers: handlers });
  const buffer = new Uint8Array(STREAM_READ_SIZE);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    reader.append(buffer.slice(0, bytesRead));
    for (let record; (record = reader.nextRecord());) yield record;
    if (reader.done()) return;
  }
  if (!reader.done()) {
    throw new SourceError(
      path,
      `file ends inside a record after ${position - reader.bytesRemaining()} bytes (truncated or unfinished recording)`,
    );
  }
}

export async function openMcap(path: string): Promise<MessageSource> {
  const handle = await open(path, "r");
  const handlers = await mcapDecompressHandlers();
  let indexed: McapIndexedReader | undefined;
  let indexError: unknown;
  try {
    indexed = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
      decompressHandlers: handlers,
    });
  } catch (error) {
    indexError = error;
  }
  try {
    return indexed !== undefined
      ? await openIndexed(path, handle, indexed)
      : await openStreamed(path, handle, handlers, indexError);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function openIndexed(
  path: string,
  handle: FileHandle,
  reader: McapIndexedReader,
): Promise<MessageSource> {
  const table = new ChannelTable();
  for (const channel of reader.channelsById.values()) {
    table.add(channel, reader.schemasById.get(channel.schemaId));
  }
  await table.finish(async (channelId) => {
    const topic = reader.channelsById.get(channelId)!.topic;
    for await (const message of reader.readMessages({ topics: [topic] })) {
      if (message.channelId === channelId) return message.data;
    }
    return undefined;
  });
  const metadata: string[] = [];
  if (table.profile === "ros2") {
    for await (const record of reader.readMetadata({ name: "rosbag2" })) {
      metadata.push(...record.metadata.values());
    }
  }
  const distro = distroOf(metadata);
  const stats = reader.statistics;
  let messageCount: number | undefined;
  if (stats !== undefined) {
    messageCount = 0;
    for (const [id, count] of stats.channelMessageCounts) {
      if (table.byId.has(id)) messageCount += Number(count);
    }
  }
  const empty = stats !== undefined && stats.messageCount === 0n;

  async function* messages(options?: MessageSourceReadOptions): AsyncGenerator<SourceMessage> {
    const wanted = options?.topics !== undefined ? new Set(options.topics) : undefined;
    const topics = table.channels.map((c) => c.topic).filter((t) => wanted?.has(t) ?? true);
    if (topics.length === 0) return;
    let count = 0;
    try {
      for await (const message of reader.readMessages({ topics })) {
        const channel = table.byId.get(message.channelId);
        if (channel === undefined) continue;
        count++;
        yield toSourceMessage(channel, message);
      }
    } catch (error) {
      throw new SourceError(path, `corrupt MCAP after ${count} messages: ${errorMessage(error)}`);
    }
  }

  return {
    path,
    format: "mcap",
    profile: table.profile,
    ...(distro !== undefined ? { distro } : {}),
    channels: table.channels,
    skippedChannels: table.skipped,
    notices: table.notices,
    messageCount,
    startTime: stats !== undefined && !empty ? stats.messageStartTime : undefined,
    endTime: stats !== undefined && !empty ? stats.messageEndTime : undefined,
    messages,
    close: () => handle.close(),
  };
}

async function openStreamed(
  path: string,
  handle: FileHandle,
  handlers: Handlers,
  indexError: unknown,
): Promise<MessageSource> {
  // One pass up front for the channel list, the readable messages' count and time span (and to
  // find out whether the file is readable at all).
  const schemas = new Map<number, McapTypes.Schema>();
  const table = new ChannelTable();
  // Per channel: messages, first and last time, first message (ROS 2 channels are settled after
  // the pass, so everything is kept per channel and summed for the served ones).
  const seen = new Map<
    number,
    { count: number; first: bigint; last: bigint; sample: Uint8Array }
  >();
  const metadata: string[] = [];
  let readable = 0;
  let damage: string | undefined;
  try {
    for await (const record of streamRecords(path, handle, handlers)) {
      if (record.type === "Schema") schemas.set(record.id, record);
      else if (record.type === "Channel") table.add(record, schemas.get(record.schemaId));
      else if (record.type === "Metadata" && record.name === "rosbag2") {
        metadata.push(...record.metadata.values());
      } else if (record.type === "Message") {
        readable++;
        const s = seen.get(record.channelId);
        if (s === undefined) {
          seen.set(record.channelId, {
            count: 1,
            first: record.logTime,
            last: record.logTime,
            sample: record.data,
          });
          continue;
        }
        s.count++;
        if (record.logTime < s.first) s.first = record.logTime;
        if (record.logTime > s.last) s.last = record.logTime;
      }
    }
  } catch (error) {
    const why = error instanceof SourceError ? error.reason : errorMessage(error);
    // A file that streams to its last complete record is still usable; report the damage when
    // messages are read, not here. Only a file with nothing readable is rejected at open.
    if (table.seen === 0) {
      throw new SourceError(
        path,
        `not a readable MCAP file (${errorMessage(indexError)}; streaming: ${why})`,
      );
    }
    damage = `after ${readable} messages: ${why}`;
  }
  await table.finish((channelId) => Promise.resolve(seen.get(channelId)?.sample));
  let messageCount = 0;
  let startTime: bigint | undefined;
  let endTime: bigint | undefined;
  for (const [id, s] of seen) {
    if (!table.byId.has(id)) continue;
    messageCount += s.count;
    if (startTime === undefined || s.first < startTime) startTime = s.first;
    if (endTime === undefined || s.last > endTime) endTime = s.last;
  }
  const distro = distroOf(metadata);

  async function* messages(options?: MessageSourceReadOptions): AsyncGenerator<SourceMessage> {
    const wanted = options?.topics !== undefined ? new Set(options.topics) : undefined;
    let count = 0;
    try {
      for await (const record of streamRecords(path, handle, handlers)) {
        if (record.type !== "Message") continue;
        const channel = table.byId.get(record.channelId);
        if (channel === undefined || (wanted !== undefined && !wanted.has(channel.topic))) continue;
        count++;
        yield toSourceMessage(channel, record);
      }
    } catch (error) {
      // The damage found when opening: announced there, the messages end here.
      if (damage !== undefined) return;
      const why = error instanceof SourceError ? error.reason : errorMessage(error);
      throw new SourceError(path, `after ${count} messages: ${why}`);
    }
  }

  return {
    path,
    format: "mcap",
    profile: table.profile,
    ...(distro !== undefined ? { distro } : {}),
    channels: table.channels,
    skippedChannels: table.skipped,
    notices: table.notices,
    messageCount,
    startTime,
    endTime,
    ...(damage !== undefined ? { damage } : {}),
    messages,
    close: () => handle.close(),
  };
}
