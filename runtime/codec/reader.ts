/**
 * The decoding cursor that generated decoders share: a view over the input, the offset, and the
 * few operations worth a function (strings, counts, numeric arrays). Fixed-size runs of fields
 * are read inline by the generated code with one bounds check for the whole run.
 */
import { DecodeError, type DecodeOptions, type Duration, type Time } from "./types";

/** Arrays of zero-size elements (e.g. `std_msgs/Empty[]`) cost nothing on the wire; cap them. */
const MAX_ZERO_SIZE_COUNT = 1 << 24;

// ignoreBOM: a leading U+FEFF is content (genpy keeps it), not a byte-order mark to drop.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class Reader {
  readonly view: DataView;
  offset = 0;
  readonly end: number;
  readonly copy: boolean;

  constructor(
    readonly bytes: Uint8Array,
    readonly datatype: string,
    options?: DecodeOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.byteLength;
    this.copy = options?.copy === true;
  }

  /** Checks that `size` more bytes exist and returns the current offset. */
  need(size: number, path: string): number {
    const at = this.offset;
    if (at + size > this.end) {
      throw this.error(path, at, `needs ${size} bytes, ${this.end - at} left (truncated input)`);
    }
    return at;
  }

  error(path: string, offset: number, reason: string): DecodeError {
    return new DecodeError(this.datatype, path, offset, reason);
  }

  /**
   * Reads an array length and checks it against the bytes left, so that a corrupt count fails
   * here instead of allocating a huge array. `minElementSize` is the least an element occupies.
   */
  count(minElementSize: number, path: string): number {
    const at = this.need(4, path);
    const n = this.view.getUint32(at, true);
    this.offset = at + 4;
    const left = this.end - this.offset;
    if (minElementSize > 0 ? n * minElementSize > left : n > MAX_ZERO_SIZE_COUNT) {
      throw this.error(
        path,
        at,
        `array count ${n} is impossible: ${minElementSize > 0 ? `needs at least ${n * minElementSize} bytes, ${left} left` : `more than ${MAX_ZERO_SIZE_COUNT} empty elements`}`,
      );
    }
    return n;
  }

  string(path: string): string {
    const at = this.need(4, path);
    const length = this.view.getUint32(at, true);
    const start = at + 4;
    if (start + length > this.end) {
      throw this.error(
        path,
        at,
        `string length ${length} runs past the end (${this.end - start} bytes left)`,
      );
    }
    this.offset = start + length;
    return decodeUtf8(this.bytes, start, length);
  }

  /** `uint8[]`/`char[]` payloads: a view into the input unless the caller asked for copies. */
  uint8s(length: number, path: string): Uint8Array {
    const at = this.need(length, path);
    this.offset = at + length;
    const view = this.bytes.subarray(at, at + length);
    return this.copy ? view.slice() : view;
  }

  int8s(length: number, path: string): Int8Array {
    const at = this.need(length, path);
    this.offset = at + length;
    return new Int8Array(this.bytes.slice(at, at + length).buffer);
  }

  int16s(length: number, path: string): Int16Array {
    return new Int16Array(this.aligned(length, 2, path));
  }
  uint16s(length: number, path: string): Uint16Array {
    return new Uint16Array(this.aligned(length, 2, path));
  }
  int32s(length: number, path: string): Int32Array {
    return new Int32Array(this.aligned(length, 4, path));
  }
  uint32s(length: number, path: string): Uint32Array {
    return new Uint32Array(this.aligned(length, 4, path));
  }
  float32s(length: number, path: string): Float32Array {
    return new Float32Array(this.aligned(length, 4, path));
  }
  float64s(length: number, path: string): Float64Array {
    return new Float64Array(this.aligned(length, 8, path));
  }
  int64s(length: number, path: string): BigInt64Array {
    return new BigInt64Array(this.aligned(length, 8, path));
  }
  uint64s(length: number, path: string): BigUint64Array {
    return new BigUint64Array(this.aligned(length, 8, path));
  }

  bools(length: number, path: string): boolean[] {
    const at = this.need(length, path);
    this.offset = at + length;
    const out: boolean[] = [];
    for (let i = 0; i < length; i++) out.push(this.bytes[at + i] !== 0);
    return out;
  }

  strings(length: number, path: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(this.string(`${path}[${i}]`));
    return out;
  }

  times(length: number, path: string): Time[] {
    const at = this.need(length * 8, path);
    this.offset = at + length * 8;
    const out: Time[] = [];
    for (let o = at, end = at + length * 8; o < end; o += 8) {
      out.push({ sec: this.view.getUint32(o, true), nsec: this.view.getUint32(o + 4, true) });
    }
    return out;
  }

  durations(length: number, path: string): Duration[] {
    const at = this.need(length * 8, path);
    this.offset = at + length * 8;
    const out: Duration[] = [];
    for (let o = at, end = at + length * 8; o < end; o += 8) {
      out.push({ sec: this.view.getInt32(o, true), nsec: this.view.getInt32(o + 4, true) });
    }
    return out;
  }

  /**
   * Copies `length` elements of `size` bytes into a fresh buffer (aligned, so a typed array can
   * sit on it). On a big-endian host the bytes are swapped to host order.
   */
  private aligned(length: number, size: number, path: string): ArrayBuffer {
    const byteLength = length * size;
    const at = this.need(byteLength, path);
    this.offset = at + byteLength;
    const start = this.bytes.byteOffset + at;
    const copy = this.bytes.buffer.slice(start, start + byteLength) as ArrayBuffer;
    if (!littleEndianHost) swapBytes(new Uint8Array(copy), size);
    return copy;
  }
}

/**
 * UTF-8 to string. Short ASCII strings (frame ids, names: the common case) are built directly,
 * which is several times faster than a TextDecoder call; anything else goes to TextDecoder.
 * Invalid UTF-8 becomes U+FFFD, as rospy/genpy decode it.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, length: number): string {
  if (length === 0) return "";
  if (length <= 24) {
    let s = "";
    for (let i = start, end = start + length; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return utf8.decode(bytes.subarray(start, start + length));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return utf8.decode(bytes.subarray(start, start + length));
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
