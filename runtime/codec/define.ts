/**
 * Turns the three emitted functions of a type into a `Codec`: the entry points that set up the
 * cursor, apply the decode options and put the type name into errors.
 */
import { Reader } from "./reader.js";
import { DecodeError, EncodeError, type Codec, type DecodeOptions } from "./types.js";
import { type Fields, Writer, describe } from "./writer.js";

export interface CodecParts<T> {
  datatype: string;
  md5sum: string;
  definition: string;
  /** The wire format: ROS 1 (default) or CDR (ROS 2, with its 4-byte encapsulation header). */
  encoding?: "ros1" | "cdr";
  /** ROS 2: the type's `RIHS01_...` hash, when known. */
  typeHash?: string;
  decode: (r: Reader) => T;
  size: (m: Fields) => number;
  write: (w: Writer, m: Fields) => void;
}

const shared = new Reader(new Uint8Array(0), "");

export function defineCodec<T>(parts: CodecParts<T>): Codec<T> {
  const { datatype, md5sum, definition, decode, size, write } = parts;
  const cdr = parts.encoding === "cdr";
  /** CDR: the encapsulation header (little-endian, no options), and alignment from after it. */
  const header = cdr ? 4 : 0;
  const begin = (w: Writer): void => {
    if (!cdr) return;
    const at = w.offset;
    if (at + 4 > w.start + w.size) throw new RangeError("no room for the CDR header");
    w.bytes[at] = 0;
    w.bytes[at + 1] = 1;
    w.bytes[at + 2] = 0;
    w.bytes[at + 3] = 0;
    w.offset = w.origin = at + 4;
    w.cdr = true;
  };
  const withType = (error: unknown): unknown => {
    if (error instanceof DecodeError && error.datatype !== datatype) {
      return new DecodeError(datatype, error.path, error.offset, error.reason);
    }
    if (error instanceof EncodeError && error.datatype !== datatype) {
      return new EncodeError(datatype, error.path, error.reason);
    }
    return error;
  };
  const checkMessage = (msg: unknown): Fields => {
    if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
      throw new EncodeError(datatype, "", `expected a message object, got ${describe(msg)}`);
    }
    return msg as Fields;
  };
  /** Exact, so it writes the message (sizes are upper bounds) and gives the space back. */
  const exactSize = (fields: Fields): number => {
    const w = new Writer(size(fields) + header);
    try {
      begin(w);
      write(w, fields);
    } catch (error) {
      throw withType(error);
    } finally {
      w.release();
    }
    return w.offset - w.start;
  };
  return {
    datatype,
    md5sum,
    definition,
    ...(cdr ? { encoding: "cdr" as const } : {}),
    ...(parts.typeHash !== undefined ? { typeHash: parts.typeHash } : {}),
    decode(bytes: Uint8Array, options?: DecodeOptions): T {
      if (!(bytes instanceof Uint8Array)) {
        throw new DecodeError(datatype, "", 0, `expected a Uint8Array, got ${describe(bytes)}`);
      }
      // One reader for every decode: a decode runs no user code, so it cannot be re-entered.
      const r = shared.reset(bytes, options);
      let msg: T;
      try {
        if (cdr) r.cdrPayload();
        msg = decode(r);
      } catch (error) {
        throw withType(error);
      }
      // CDR writers may pad the payload's end to a multiple of 4: that is not left over.
      const endPadding = cdr ? (4 - ((r.offset - r.origin) & 3)) & 3 : 0;
      if (options?.strict === true && r.end - r.offset > endPadding) {
        throw new DecodeError(
          datatype,
          "",
          r.offset - r.start,
          `${r.end - r.offset} bytes left over after the message (strict mode)`,
        );
      }
      return msg;
    },
    encode(msg): Uint8Array {
      const fields = checkMessage(msg);
      const n = size(fields) + header;
      const w = new Writer(n);
      try {
        begin(w);
        write(w, fields);
        return w.result();
      } catch (error) {
        if (isRangeError(error)) {
          // The size pass saw a value the write pass did not: a message mutated while encoding.
          throw new EncodeError(
            datatype,
            "",
            `message changed while being encoded (${(error as Error).message})`,
          );
        }
        throw withType(error);
      }
    },
    encodeInto(msg, target: Uint8Array, offset = 0): number {
      const fields = checkMessage(msg);
      if (!(target instanceof Uint8Array) || !(offset >= 0 && offset <= target.byteLength)) {
        throw new EncodeError(
          datatype,
          "",
          `encodeInto needs a Uint8Array and an offset inside it`,
        );
      }
      const w = Writer.into(target, offset);
      try {
        begin(w);
        write(w, fields);
        // Bytes of a string past the target's end are dropped by the typed array, not thrown.
        if (w.offset > target.byteLength) throw new RangeError("wrote past the target's end");
      } catch (error) {
        if (isRangeError(error)) {
          const needed = exactSize(fields);
          throw new EncodeError(
            datatype,
            "",
            `the target is too small: the message takes ${needed} bytes, ${target.byteLength - offset} are left from offset ${offset}`,
          );
        }
        throw withType(error);
      }
      return w.offset - offset;
    },
    encodedSize(msg): number {
      return exactSize(checkMessage(msg));
    },
  };
}

/** By name: a RangeError from another realm (a Node Buffer under a test runner) is one too. */
function isRangeError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "RangeError"
  );
}
