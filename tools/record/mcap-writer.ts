/**
 * Writes ROS messages with their schemas to an MCAP file: profile `ros1` (schema encoding
 * `ros1msg`, message encoding `ros1`), readable by Foxglove, the `mcap` CLI and the Python
 * `mcap`/`rosbags` readers; or profile `ros2` (schema encoding `ros2msg`/`ros2idl`, message
 * encoding `cdr`) with what rosbag2's MCAP plugin writes besides (see rosbag2-metadata.ts: the
 * `rosbag2` metadata record, written at `finish()`), readable by `ros2 bag` and Foxglove.
 *
 * The file is written as `<path>.part` and renamed to `<path>` only when `finish()` completed the
 * summary and index, so `<path>` is always a whole file. If the process dies first (SIGKILL, OOM
 * kill, power cut), the `.part` holds every chunk written so far: a chunk is closed when it
 * reaches 1 MiB and, so that a slow topic does not lose minutes, at least every `flushIntervalMs`
 * (default 1 s), then synced to disk. `openMessageSource` reads a `.part` front to back and
 * `recoverRecording` turns it into a whole file.
 */
import { McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import { constants } from "node:fs";
import { access, open, rename, stat, type FileHandle } from "node:fs/promises";
import * as nodePath from "node:path";

import { UserError, errorMessage } from "../errors.js";
import { rosbag2MetadataRecord, type Rosbag2Topic } from "./rosbag2-metadata.js";

export type RecordingProfile = "ros1" | "ros2";

export interface RecordedChannel {
  readonly topic: string;
  /** `pkg/Type` (ROS 1) or `pkg/msg/Type` (ROS 2). */
  readonly schemaName: string;
  /** Full definition text (as the bridge advertises it). */
  readonly schema: string;
  /** Message encoding: `ros1` (default) or `cdr`. */
  readonly messageEncoding?: string;
  /** Schema encoding: `ros1msg` (default), `ros2msg` or `ros2idl`. */
  readonly schemaEncoding?: string;
  /**
   * Extra MCAP channel metadata, e.g. `{ md5sum, callerid, latching: "1" }` (ROS 1) or
   * `{ offered_qos_profiles, topic_type_hash }` (ROS 2).
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface WriterOptions {
  flushIntervalMs?: number;
  /** The unfinished file's name (default `<path>.part`). */
  partPath?: string;
  /** The MCAP profile (default `ros1`); `ros2` also writes rosbag2's metadata record. */
  profile?: RecordingProfile;
  /** ROS_DISTRO for the `rosbag2` metadata record (profile `ros2`). */
  rosDistro?: string;
}

/** What the `rosbag2` record says of one channel (counted per topic at the end). */
interface ChannelSummary {
  readonly topic: string;
  readonly type: string;
  readonly serializationFormat: string;
  readonly metadata: Readonly<Record<string, string>>;
  messages: number;
}

export interface WriterStats {
  readonly messages: number;
  /** Bytes written to the file so far (chunks are written as they fill, or on time). */
  readonly bytes: number;
  /** Messages in chunks already written to the file (what a crash now would keep). */
  readonly messagesOnDisk: number;
}

const textEncoder = new TextEncoder();
/** Chunk size: small enough that an interrupted recording loses little, big enough to index cheaply. */
const CHUNK_SIZE = 1024 * 1024;
/** Longest time a received message stays in memory only: what a killed recording can lose. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;

interface HeldMessage {
  readonly channel: number | Promise<number>;
  readonly receiveTime: bigint;
  readonly data: Uint8Array;
}

/**
 * McapWriter closes a chunk only when a message makes it grow past `chunkSize`, and has no flush
 * call. Its only use of `chunkSize` is that comparison, so a value that reads as -1 while we ask
 * for a flush makes the next message close the chunk (the chunk then ends with that message).
 */
class ChunkThreshold {
  flushNext = false;
  valueOf(): number {
    return this.flushNext ? -1 : CHUNK_SIZE;
  }
}

/**
 * Throws a `UserError` when a recording could not end up at `path`: it is a folder, or its folder
 * is missing or not writable. Checked before recording, so that no session is recorded in vain.
 */
export async function checkOutputPath(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new UserError(
      `cannot record to ${path}: it is a folder (name a file, e.g. ${nodePath.join(path, "run.mcap")})`,
    );
  }
  const dir = nodePath.dirname(path);
  const folder = await stat(dir).catch(() => undefined);
  if (folder === undefined)
    throw new UserError(`cannot record to ${path}: folder ${dir} does not exist`);
  if (!folder.isDirectory())
    throw new UserError(`cannot record to ${path}: ${dir} is not a folder`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UserError(`cannot record to ${path}: folder ${dir} is not writable`);
  }
}

export class McapRecordingWriter {
  readonly partPath: string;
  #writer: McapWriter;
  #writable: FileHandleWritable;
  #handle: FileHandle;
  /** Every writer call runs after the previous one: McapWriter corrupts the file otherwise. */
  #tail: Promise<unknown> = Promise.resolve();
  #failure: unknown;
  #schemas = new Map<string, Promise<number>>();
  #sequences = new Map<number, number>();
  #messages = 0;
  /** Messages handed to McapWriter, and how many of them are in chunks written to the file. */
  #fed = 0;
  #onDisk = 0;
  #finished = false;
  readonly #profile: RecordingProfile;
  readonly #rosDistro: string;
  readonly #channelSummaries = new Map<number, ChannelSummary>();
  #startTime: bigint | undefined;
  #endTime: bigint | undefined;
  readonly #threshold = new ChunkThreshold();
  /**
   * The newest message is held back from McapWriter: the timer then hands it over with a flush
   * request, which closes the chunk. While nothing is held, the open chunk is empty.
   */
  #held: HeldMessage | undefined;
  readonly #flushTimer: ReturnType<typeof setInterval>;
  readonly #failed: Promise<unknown>;
  #resolveFailed!: (error: unknown) => void;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    library: string,
    flushIntervalMs: number,
    partPath: string,
    profile: RecordingProfile,
    rosDistro: string,
  ) {
    this.partPath = partPath;
    this.#profile = profile;
    this.#rosDistro = rosDistro;
    this.#handle = handle;
    this.#writable = new FileHandleWritable(handle);
    this.#writer = new McapWriter({
      writable: this.#writable,
      chunkSize: this.#threshold as unknown as number,
    });
    this.#failed = new Promise((resolve) => (this.#resolveFailed = resolve));
    this.#enqueue(() => this.#writer.start({ profile, library }));
    // rosbag2 writes its record when it opens a file (ROS_DISTRO, no messages yet) and again when
    // it closes it: a killed recording's `.part` keeps the distro for `--recover`.
    if (profile === "ros2") {
      this.#enqueue(() =>
        this.#writer.addMetadata({ name: "rosbag2", metadata: this.#rosbag2Record() }),
      );
    }
    this.#flushTimer = setInterval(() => this.#flush(), flushIntervalMs);
    this.#flushTimer.unref();
  }

  /**
   * Creates `<path>.part` (replacing a stale one) and writes the MCAP header. Received messages
   * reach the disk at the latest `flushIntervalMs` later.
   */
  static async create(
    path: string,
    library = "noros record",
    {
      flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS,
      partPath = `${path}.part`,
      profile = "ros1",
      rosDistro = "",
    }: WriterOptions = {},
  ): Promise<McapRecordingWriter> {
    let handle: FileHandle;
    try {
      handle = await open(partPath, "w");
    } catch (error) {
      throw new UserError(`cannot create ${partPath}: ${errorMessage(error)}`);
    }
    const writer = new McapRecordingWriter(
      path,
      handle,
      library,
      flushIntervalMs,
      partPath,
      profile,
      rosDistro,
    );
    await writer.#tail;
    if (writer.#failure !== undefined) {
      clearInterval(writer.#flushTimer);
      await handle.close().catch(() => undefined);
      throw new UserError(`cannot write ${partPath}: ${errorMessage(writer.#failure)}`);
    }
    return writer;
  }

  stats(): WriterStats {
    return {
      messages: this.#messages,
      bytes: Number(this.#writable.position()),
      messagesOnDisk: this.#onDisk,
    };
  }

  /** Resolves with the first write error (a full disk, a lost device): the recording must stop. */
  get failed(): Promise<unknown> {
    return this.#failed;
  }

  /** Registers a channel (and its schema, once per distinct name and text); returns its id. */
  addChannel(channel: RecordedChannel): Promise<number> {
    const schemaEncoding = channel.schemaEncoding ?? "ros1msg";
    const messageEncoding = channel.messageEncoding ?? "ros1";
    const key = `${schemaEncoding}\n${channel.schemaName}\n${channel.schema}`;
    let schemaId = this.#schemas.get(key);
    if (schemaId === undefined) {
      schemaId = this.#enqueue(() =>
        this.#writer.registerSchema({
          name: channel.schemaName,
          encoding: schemaEncoding,
          data: textEncoder.encode(channel.schema),
        }),
      );
      schemaId.catch(() => undefined);
      this.#schemas.set(key, schemaId);
    }
    const id = schemaId;
    const metadata = channel.metadata ?? {};
    const channelId = this.#enqueue(async () => {
      const registered = await this.#writer.registerChannel({
        topic: channel.topic,
        schemaId: await id,
        messageEncoding,
        metadata: new Map(Object.entries(metadata)),
      });
      this.#channelSummaries.set(registered, {
        topic: channel.topic,
        type: channel.schemaName,
        serializationFormat: messageEncoding,
        metadata,
        messages: 0,
      });
      return registered;
    });
    // A failed registration is reported by finish(); callers may only hand the promise on.
    channelId.catch(() => undefined);
    return channelId;
  }

  /**
   * Queues one message for `channel` (the id, or the promise `addChannel` returned, so a message
   * can be queued before its channel registration has run). `data` must not be modified
   * afterwards. Write errors are kept and reported by `finish()`.
   */
  addMessage(channel: number | Promise<number>, receiveTime: bigint, data: Uint8Array): void {
    this.#messages++;
    const previous = this.#held;
    this.#held = { channel, receiveTime, data };
    if (previous !== undefined) this.#feed(previous, false);
  }

  /** Closes the open chunk and syncs it (the timer's job; also before finishing). */
  #flush(): void {
    const held = this.#held;
    if (held === undefined || this.#failure !== undefined) return;
    this.#held = undefined;
    this.#feed(held, true);
    this.#enqueue(() => this.#handle.datasync()).catch(() => undefined);
  }

  /** Hands one message to McapWriter; `flush` makes it the last one of its chunk. */
  #feed({ channel, receiveTime, data }: HeldMessage, flush: boolean): void {
    this.#enqueue(async () => {
      const channelId = await channel;
      const sequence = this.#sequences.get(channelId) ?? 0;
      this.#sequences.set(channelId, sequence + 1);
      const before = this.#writable.position();
      this.#threshold.flushNext = flush;
      try {
        await this.#writer.addMessage({
          channelId,
          sequence,
          logTime: receiveTime,
          publishTime: receiveTime,
          data,
        });
      } finally {
        this.#threshold.flushNext = false;
      }
      this.#fed++;
      const summary = this.#channelSummaries.get(channelId);
      if (summary !== undefined) summary.messages++;
      if (this.#startTime === undefined || receiveTime < this.#startTime)
        this.#startTime = receiveTime;
      if (this.#endTime === undefined || receiveTime > this.#endTime) this.#endTime = receiveTime;
      // A chunk was written: every message handed over so far is in the file.
      if (this.#writable.position() !== before) this.#onDisk = this.#fed;
    }).catch(() => {
      // Kept in #failure; `failed` and finish() report it.
    });
  }

  /** The first write error, if any (the recording then ends at `finish()`). */
  get failure(): unknown {
    return this.#failure;
  }

  /** Writes the last chunk, summary and index, syncs, and renames `.part` to the final path. */
  async finish(): Promise<WriterStats> {
    if (this.#finished) return this.stats();
    this.#finished = true;
    clearInterval(this.#flushTimer);
    try {
      if (this.#held !== undefined) this.#feed(this.#held, false);
      this.#held = undefined;
      if (this.#profile === "ros2") {
        await this.#enqueue(() =>
          this.#writer.addMetadata({ name: "rosbag2", metadata: this.#rosbag2Record() }),
        );
      }
      await this.#enqueue(() => this.#writer.end());
      if (this.#failure !== undefined) throw this.#failure;
      this.#onDisk = this.#fed;
      await this.#handle.sync();
    } catch (error) {
      await this.#handle.close().catch(() => undefined);
      throw new UserError(this.describeFailure(error));
    }
    await this.#handle.close();
    try {
      await rename(this.partPath, this.path);
    } catch (error) {
      throw new UserError(
        `cannot rename ${this.partPath} to ${this.path}: ${errorMessage(error)} (the finished recording is ${this.partPath})`,
      );
    }
    return this.stats();
  }

  /** rosbag2's summary of the recording: one topic per name, as rosbag2 keeps topics. */
  #rosbag2Record(): Map<string, string> {
    const topics = new Map<string, Rosbag2Topic>();
    for (const channel of this.#channelSummaries.values()) {
      const known = topics.get(channel.topic);
      topics.set(channel.topic, {
        name: channel.topic,
        type: known?.type ?? channel.type,
        serializationFormat: known?.serializationFormat ?? channel.serializationFormat,
        offeredQosProfiles:
          known?.offeredQosProfiles ?? channel.metadata.offered_qos_profiles ?? "",
        typeHash: known?.typeHash ?? channel.metadata.topic_type_hash ?? "",
        messageCount: (known?.messageCount ?? 0) + channel.messages,
      });
    }
    return rosbag2MetadataRecord({
      file: nodePath.basename(this.path),
      topics: [...topics.values()],
      messageCount: this.#fed,
      startTime: this.#startTime,
      endTime: this.#endTime,
      rosDistro: this.#rosDistro,
    });
  }

  /** Stops writing after a failure: closes the file, leaving the `.part` as it is. */
  async abandon(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#flushTimer);
    this.#held = undefined;
    await this.#tail;
    await this.#handle.close().catch(() => undefined);
  }

  /** One line for a write error: what failed and what the `.part` still holds. */
  describeFailure(error: unknown): string {
    return (
      `writing ${this.partPath} failed: ${errorMessage(error)}; ${this.#onDisk} of ` +
      `${this.#messages} messages are in it (make a whole file of them with ` +
      `\`noros record --recover ${this.partPath}\`)`
    );
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return operation();
    });
    this.#tail = result.catch((error: unknown) => {
      if (this.#failure === undefined) {
        this.#failure = error;
        this.#resolveFailed(error);
      }
    });
    return result;
  }
}
