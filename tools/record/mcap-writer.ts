/**
 * Writes ROS 1 messages with their schemas to an MCAP file (profile `ros1`, schema encoding
 * `ros1msg`, message encoding `ros1`), readable by Foxglove, the `mcap` CLI and the Python
 * `mcap`/`rosbags` readers.
 *
 * The file is written as `<path>.part` and renamed to `<path>` only when `finish()` completed the
 * summary and index, so `<path>` is always a whole file. If the process dies first, the `.part`
 * holds every chunk written so far; `openMessageSource` still reads it front to back.
 */
import { McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import { open, rename, type FileHandle } from "node:fs/promises";

import { UserError, errorMessage } from "../errors.js";

export interface RecordedChannel {
  readonly topic: string;
  /** `pkg/Type`. */
  readonly schemaName: string;
  /** Full definition text (as the bridge advertises it). */
  readonly schema: string;
  /** Extra MCAP channel metadata, e.g. `{ md5sum, callerid, latching: "1" }`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface WriterStats {
  readonly messages: number;
  /** Bytes written to the file so far (chunks are written as they fill). */
  readonly bytes: number;
}

const textEncoder = new TextEncoder();
/** Chunk size: small enough that an interrupted recording loses little, big enough to index cheaply. */
const CHUNK_SIZE = 1024 * 1024;

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
  #finished = false;

  private constructor(
    readonly path: string,
    handle: FileHandle,
    library: string,
  ) {
    this.partPath = `${path}.part`;
    this.#handle = handle;
    this.#writable = new FileHandleWritable(handle);
    this.#writer = new McapWriter({ writable: this.#writable, chunkSize: CHUNK_SIZE });
    this.#enqueue(() => this.#writer.start({ profile: "ros1", library }));
  }

  /** Creates `<path>.part` (replacing a stale one) and writes the MCAP header. */
  static async create(path: string, library = "noros record"): Promise<McapRecordingWriter> {
    let handle: FileHandle;
    try {
      handle = await open(`${path}.part`, "w");
    } catch (error) {
      throw new UserError(`cannot create ${path}.part: ${errorMessage(error)}`);
    }
    const writer = new McapRecordingWriter(path, handle, library);
    await writer.#tail;
    return writer;
  }

  stats(): WriterStats {
    return { messages: this.#messages, bytes: Number(this.#writable.position()) };
  }

  /** Registers a channel (and its schema, once per distinct name and text); returns its id. */
  addChannel(channel: RecordedChannel): Promise<number> {
    const key = `${channel.schemaName}\n${channel.schema}`;
    let schemaId = this.#schemas.get(key);
    if (schemaId === undefined) {
      schemaId = this.#enqueue(() =>
        this.#writer.registerSchema({
          name: channel.schemaName,
          encoding: "ros1msg",
          data: textEncoder.encode(channel.schema),
        }),
      );
      schemaId.catch(() => undefined);
      this.#schemas.set(key, schemaId);
    }
    const id = schemaId;
    const channelId = this.#enqueue(async () =>
      this.#writer.registerChannel({
        topic: channel.topic,
        schemaId: await id,
        messageEncoding: "ros1",
        metadata: new Map(Object.entries(channel.metadata ?? {})),
      }),
    );
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
    this.#enqueue(async () => {
      const channelId = await channel;
      const sequence = this.#sequences.get(channelId) ?? 0;
      this.#sequences.set(channelId, sequence + 1);
      await this.#writer.addMessage({
        channelId,
        sequence,
        logTime: receiveTime,
        publishTime: receiveTime,
        data,
      });
    }).catch(() => {
      // Kept in #failure and reported by finish().
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
    try {
      await this.#enqueue(() => this.#writer.end());
      if (this.#failure !== undefined) throw this.#failure;
      await this.#handle.sync();
    } catch (error) {
      await this.#handle.close().catch(() => undefined);
      throw new UserError(
        `writing ${this.partPath} failed: ${errorMessage(error)} (the messages written so far stay in ${this.partPath})`,
      );
    }
    await this.#handle.close();
    await rename(this.partPath, this.path);
    return this.stats();
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return operation();
    });
    this.#tail = result.catch((error: unknown) => {
      this.#failure ??= error;
    });
    return result;
  }
}
