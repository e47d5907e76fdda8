/**
 * Reading a ROS bag 2.0 front to back, record by record, without its index: what `rosbag
 * reindex` does for a bag whose end is missing (a recording that was killed, a copy cut short).
 * Connection records are also stored inside the chunks, so every complete chunk can be read;
 * the record the file ends in is lost.
 *
 * Record layout: u32 header length, header fields (each u32 length + `name=value`), u32 data
 * length, data. A chunk's data holds connection (op 7) and message data (op 2) records, compressed
 * as its `compression` field says.
 */
import type { FileHandle } from "node:fs/promises";

import type { DecompressFn } from "./decompress.js";

const OP_MESSAGE_DATA = 0x02;
const OP_CHUNK = 0x05;
const OP_CONNECTION = 0x07;
/** `#ROSBAG V2.0\n` */
const MAGIC_LENGTH = 13;

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder();

export interface ScannedConnection {
  readonly conn: number;
  readonly topic: string;
  readonly type: string;
  readonly md5sum: string | undefined;
  readonly messageDefinition: string;
  readonly callerid: string | undefined;
  readonly latching: boolean;
}

export interface ScannedMessage {
  readonly conn: number;
  readonly time: bigint;
  readonly data: Uint8Array;
}

export type ScanItem =
  | { kind: "connection"; connection: ScannedConnection }
  | { kind: "message"; message: ScannedMessage };

/** Why the scan stopped before the end of the file (thrown by `scanBag` at that point). */
export class ScanStopped extends Error {
  override name = "ScanStopped";
}

type Fields = Map<string, Uint8Array>;

function parseFields(bytes: Uint8Array): Fields {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Fields = new Map();
  let at = 0;
  while (at + 4 <= bytes.byteLength) {
    const length = view.getUint32(at, true);
    const field = bytes.subarray(at + 4, at + 4 + length);
    if (at + 4 + length > bytes.byteLength) throw new ScanStopped("a record header is cut");
    const eq = field.indexOf(0x3d); // "="
    if (eq < 0) throw new ScanStopped("a record header field has no '='");
    fields.set(latin1.decode(field.subarray(0, eq)), field.subarray(eq + 1));
    at += 4 + length;
  }
  return fields;
}

function u32(fields: Fields, name: string): number {
  const value = fields.get(name);
  if (value === undefined || value.byteLength < 4) throw new ScanStopped(`no ${name} field`);
  return new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true);
}

function text(fields: Fields, name: string): string | undefined {
  const value = fields.get(name);
  return value === undefined ? undefined : utf8.decode(value);
}

function connection(header: Fields, data: Uint8Array): ScannedConnection {
  const fields = parseFields(data);
  return {
    conn: u32(header, "conn"),
    topic: text(header, "topic") ?? "",
    type: text(fields, "type") ?? "",
    md5sum: text(fields, "md5sum"),
    messageDefinition: text(fields, "message_definition") ?? "",
    callerid: text(fields, "callerid"),
    latching: text(fields, "latching") === "1",
  };
}

function message(header: Fields, data: Uint8Array): ScannedMessage {
  const time = header.get("time");
  if (time === undefined || time.byteLength < 8) throw new ScanStopped("no time field");
  const view = new DataView(time.buffer, time.byteOffset, 8);
  const ns = BigInt(view.getUint32(0, true)) * 1_000_000_000n + BigInt(view.getUint32(4, true));
  return { conn: u32(header, "conn"), time: ns, data };
}

/** The records inside one (decompressed) chunk. */
function* chunkItems(records: Uint8Array): Generator<ScanItem> {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let at = 0;
  while (at + 4 <= records.byteLength) {
    const headerLength = view.getUint32(at, true);
    const dataAt = at + 4 + headerLength;
    if (dataAt + 4 > records.byteLength) throw new ScanStopped("a chunk's record is cut");
    const header = parseFields(records.subarray(at + 4, dataAt));
    const dataLength = view.getUint32(dataAt, true);
    const data = records.subarray(dataAt + 4, dataAt + 4 + dataLength);
    if (data.byteLength < dataLength) throw new ScanStopped("a chunk's record is cut");
    const op = header.get("op")?.[0];
    if (op === OP_CONNECTION) yield { kind: "connection", connection: connection(header, data) };
    else if (op === OP_MESSAGE_DATA) yield { kind: "message", message: message(header, data) };
    at = dataAt + 4 + dataLength;
  }
}

/**
 * Every connection and message of the bag in file order. Throws `ScanStopped` (saying where)
 * when the file ends inside a record or a record is unreadable; what came before was yielded.
 */
export async function* scanBag(
  handle: FileHandle,
  decompress: Readonly<Record<string, DecompressFn>>,
): AsyncGenerator<ScanItem> {
  const size = (await handle.stat()).size;
  let position = MAGIC_LENGTH;
  const read = async (length: number, at: number): Promise<Uint8Array> => {
    if (at + length > size) {
      throw new ScanStopped(`the file ends inside a record at byte ${position} of ${size}`);
    }
    const buffer = new Uint8Array(length);
    await handle.read(buffer, 0, length, at);
    return buffer;
  };
  while (position < size) {
    const headerLength = new DataView((await read(4, position)).buffer).getUint32(0, true);
    const header = parseFields(await read(headerLength, position + 4));
    const dataAt = position + 4 + headerLength;
    const dataLength = new DataView((await read(4, dataAt)).buffer).getUint32(0, true);
    const op = header.get("op")?.[0];
    if (op === OP_CHUNK || op === OP_CONNECTION || op === OP_MESSAGE_DATA) {
      const data = await read(dataLength, dataAt + 4);
      if (op === OP_CHUNK) {
        const compression = text(header, "compression") ?? "none";
        let records = data;
        if (compression !== "none") {
          const inflate = decompress[compression];
          if (inflate === undefined) {
            throw new ScanStopped(`a chunk is compressed with unsupported "${compression}"`);
          }
          try {
            records = inflate(data, u32(header, "size"));
          } catch (error) {
            throw new ScanStopped(
              `a chunk at byte ${position} does not decompress: ${String(error)}`,
            );
          }
        }
        yield* chunkItems(records);
      } else if (op === OP_CONNECTION) {
        yield { kind: "connection", connection: connection(header, data) };
      } else {
        yield { kind: "message", message: message(header, data) };
      }
    }
    const next = dataAt + 4 + dataLength;
    // A record skipped unread (index, chunk info) may be cut too.
    if (next > size) {
      throw new ScanStopped(`the file ends inside a record at byte ${position} of ${size}`);
    }
    position = next;
  }
}
