/**
 * Turns the three emitted functions of a type into a `Codec`: the entry points that set up the
 * cursor, apply the decode options and put the type name into errors.
 */
import { Reader } from "./reader";
import { DecodeError, EncodeError, type Codec, type DecodeOptions } from "./types";
import { type Fields, Writer, describe } from "./writer";

export interface CodecParts<T> {
  datatype: string;
  md5sum: string;
  definition: string;
  decode: (r: Reader) => T;
  size: (m: Fields) => number;
  write: (w: Writer, m: Fields) => void;
}

export function defineCodec<T>(parts: CodecParts<T>): Codec<T> {
  const { datatype, md5sum, definition, decode, size, write } = parts;
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
  return {
    datatype,
    md5sum,
    definition,
    decode(bytes: Uint8Array, options?: DecodeOptions): T {
      if (!(bytes instanceof Uint8Array)) {
        throw new DecodeError(datatype, "", 0, `expected a Uint8Array, got ${describe(bytes)}`);
      }
      const r = new Reader(bytes, datatype, options);
      let msg: T;
      try {
        msg = decode(r);
      } catch (error) {
        throw withType(error);
      }
      if (options?.strict === true && r.offset !== r.end) {
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
      const n = size(fields);
      const w = new Writer(n);
      try {
        write(w, fields);
        return w.result();
      } catch (error) {
        if (error instanceof RangeError) {
          // The size pass saw a value the write pass did not: a message mutated while encoding.
          throw new EncodeError(
            datatype,
            "",
            `message changed while being encoded (${error.message})`,
          );
        }
        throw withType(error);
      }
    },
    encodedSize(msg): number {
      return size(checkMessage(msg));
    },
  };
}
