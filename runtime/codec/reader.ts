/**
 * The decoding cursor that generated decoders share: a view over the input, the offset, and the
 * few operations worth a function (strings, counts, numeric arrays). Fixed-size runs of fields
 * are read inline by the generated code with one bounds check for the whole run.
 */
import { DecodeError, type DecodeOptions, type Duration, type Time } from "./types.js";

/** Arrays of zero-size elements (e.g. `std_msgs/Empty[]`) cost nothing on the wire; cap them. */
const MAX_ZERO_SIZE_COUNT = 1 << 24;

// ignoreBOM: a leading U+FEFF is content (genpy keeps it), not a byte-order mark to drop.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
/** Pool for small and medium numeric arrays (see `Reader.aligned`). */
const POOL_SIZE = 64 * 1024;
const POOLED_MAX = 8 * 1024;
let pool = new ArrayBuffer(POOL_SIZE);
let poolBytes = new Uint8Array(pool);
let poolView = new DataView(pool);
let poolOffset = 0;

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The views over the last input's whole buffer. Messages decoded one after another often share a
 * buffer (a bag chunk, a batch), and a DataView costs more to create than a small message costs
 * to decode. (The last buffer stays referenced until another one is decoded.)
 */
let lastBuffer: ArrayBufferLike | undefined;
let lastView: DataView | undefined;
let lastBytes: Uint8Array | undefined;

export class Reader {
  /** A view over the input's whole buffer: offsets are absolute in it. */
  view!: DataView;
  /** The input's whole buffer as bytes (absolute offsets, like `view`). */
  bytes!: Uint8Array;
  /** Absolute offset of the next byte to read. */
  offset = 0;
  /** Absolute offset where the input ends. */
  end = 0;
  /** Absolute offset where the input starts (errors report offsets relative to it). */
  start = 0;
  copy = false;
  /** CDR (ROS 2): alignment relative to `origin`, byte order `le`. ROS 1: false, true. */
  cdr = false;
  /** Byte order of the input's numbers (CDR inputs say which in their header). */
  le = true;
  /** Absolute offset alignment is relative to (CDR: the byte after the encapsulation header). */
  origin = 0;

  constructor(
    input: Uint8Array,
    readonly datatype: string,
    options?: DecodeOptions,
  ) {
    this.reset(input, options);
  }

  /** Points the reader at a new input (decoding reuses one reader: it never runs user code). */
  reset(input: Uint8Array, options?: DecodeOptions): this {
    const buffer = input.buffer;
    if (buffer !== lastBuffer) {
      lastBuffer = buffer;
      lastView = new DataView(buffer);
      lastBytes =
        input.byteOffset === 0 && input.byteLength === buffer.byteLength
          ? input
          : new Uint8Array(buffer);
    }
    this.view = lastView!;
    this.bytes = lastBytes!;
    this.start = input.byteOffset;
    this.offset = this.start;
    this.end = this.start + input.byteLength;
    this.copy = options?.copy === true;
    this.cdr = false;
    this.le = true;
    this.origin = this.start;
    return this;
  }

  /**
   * Points the reader at a CDR payload (after `reset`): checks the 4-byte encapsulation header
   * (plain CDR, either byte order; XCDR2 and parameter lists are not ROS 2's default wire) and
   * moves past it.
   */
  cdrPayload(): void {
    const at = this.need(4, "");
    const kind = this.bytes[at + 1]!;
    if (this.bytes[at] !== 0 || kind > 1) {
      throw this.error(
        "",
        at,
        `encapsulation header ${this.bytes[at]}, ${kind} is not plain CDR (0, 0 big-endian or 0, 1 little-endian)`,
      );
    }
    this.cdr = true;
    this.le = kind === 1;
    this.offset = this.origin = at + 4;
  }

  /** CDR: moves to the next multiple of `alignment` (from `origin`), checks `size` bytes there. */
  align(alignment: number, size: number, path: string): number {
    const at = this.offset;
    const o = ((at - this.origin + alignment - 1) & -alignment) + this.origin;
    if (o + size > this.end) {
      throw this.error(
        path,
        at,
        `needs ${o - at + size} bytes, ${this.end - at} left (truncated input)`,
      );
    }
    return o;
  }

  /** A CDR string: aligned uint32 length counting the NUL terminator, the bytes, the NUL. */
  cdrString(path: string, index = -1): string {
    const at = this.align(4, 4, elementPath(path, index));
    const length = this.view.getUint32(at, this.le);
    const start = at + 4;
    if (start + length > this.end) {
      throw this.error(
        elementPath(path, index),
        at,
        `string length ${length} runs past the end (${this.end - start} bytes left)`,
      );
    }
    this.offset = start + length;
    // The length counts the terminator; writers that send 0 for "" exist too.
    return length <= 1 ? "" : decodeUtf8(this.bytes, start, length - 1, this.view);
  }

  cdrStrings(length: number, path: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(this.cdrString(path, i));
    return out;
  }

  /**
   * A CDR `wstring` as Fast-CDR 2 (Iron and later) writes it: an aligned uint32 count of UTF-16
   * units, then the units (2 bytes each), no terminator.
   */
  wstring(path: string, index = -1): string {
    const at = this.align(4, 4, elementPath(path, index));
    const n = this.view.getUint32(at, this.le);
    const start = at + 4;
    if (n * 2 > this.end - start) {
      throw this.error(
        elementPath(path, index),
        at,
        `wstring length ${n} runs past the end (${this.end - start} bytes left)`,
      );
    }
    let out = "";
    for (let i = 0; i < n; i++)
      out += String.fromCharCode(this.view.getUint16(start + 2 * i, this.le));
    this.offset = start + 2 * n;
    return out;
  }

  wstrings(length: number, path: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(this.wstring(path, i));
    return out;
  }

  /** Checks that `size` more bytes exist and returns the current offset. */
  need(size: number, path: string): number {
    const at = this.offset;
    if (at + size > this.end) {
      throw this.error(path, at, `needs ${size} bytes, ${this.end - at} left (truncated input)`);
    }
    return at;
  }

  /** A DecodeError at absolute offset `at` (reported relative to the input). */
  error(path: string, at: number, reason: string): DecodeError {
    return new DecodeError(this.datatype, path, at - this.start, reason);
  }

  /**
   * Reads an array length and checks it against the bytes left, so that a corrupt count fails
   * here instead of allocating a huge array. `minElementSize` is the least an element occupies.
   */
  count(minElementSize: number, path: string): number {
    const at = this.cdr ? this.align(4, 4, path) : this.need(4, path);
    const n = this.view.getUint32(at, this.le);
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

  /** A string; `index` is the element's index in a `string[]` (only used in errors). */
  string(path: string, index = -1): string {
    const at = this.offset;
    if (at + 4 > this.end) {
      throw this.error(
        elementPath(path, index),
        at,
        `needs 4 bytes, ${this.end - at} left (truncated input)`,
      );
    }
    const length = this.view.getUint32(at, true);
    const start = at + 4;
    if (start + length > this.end) {
      throw this.error(
        elementPath(path, index),
        at,
        `string length ${length} runs past the end (${this.end - start} bytes left)`,
      );
    }
    this.offset = start + length;
    return decodeUtf8(this.bytes, start, length, this.view);
  }

  /** `uint8[]`/`char[]` payloads: a view into the input unless the caller asked for copies. */
  uint8s(length: number, path: string): Uint8Array {
    const at = this.need(length, path);
    this.offset = at + length;
    const view = this.bytes.subarray(at, at + length);
    return this.copy ? view.slice() : view;
  }

  int8s(length: number, path: string): Int8Array {
    const [buffer, offset] = this.aligned(length, 1, path);
    return new Int8Array(buffer, offset, length);
  }

  int16s(length: number, path: string): Int16Array {
    const [buffer, offset] = this.aligned(length, 2, path);
    return new Int16Array(buffer, offset, length);
  }
  uint16s(length: number, path: string): Uint16Array {
    const [buffer, offset] = this.aligned(length, 2, path);
    return new Uint16Array(buffer, offset, length);
  }
  int32s(length: number, path: string): Int32Array {
    const [buffer, offset] = this.aligned(length, 4, path);
    return new Int32Array(buffer, offset, length);
  }
  uint32s(length: number, path: string): Uint32Array {
    const [buffer, offset] = this.aligned(length, 4, path);
    return new Uint32Array(buffer, offset, length);
  }
  float32s(length: number, path: string): Float32Array {
    const [buffer, offset] = this.aligned(length, 4, path);
    return new Float32Array(buffer, offset, length);
  }
  float64s(length: number, path: string): Float64Array {
    const [buffer, offset] = this.aligned(length, 8, path);
    return new Float64Array(buffer, offset, length);
  }
  int64s(length: number, path: string): BigInt64Array {
    const [buffer, offset] = this.aligned(length, 8, path);
    return new BigInt64Array(buffer, offset, length);
  }
  uint64s(length: number, path: string): BigUint64Array {
    const [buffer, offset] = this.aligned(length, 8, path);
    return new BigUint64Array(buffer, offset, length);
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
    for (let i = 0; i < length; i++) out.push(this.string(path, i));
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
   * Copies `length` elements of `size` bytes to an aligned place a typed array can sit on, in
   * host byte order. Small arrays (covariances, fixed arrays) share a pooled buffer, as Node's
   * Buffer pool does: allocating an ArrayBuffer costs far more than copying a few bytes. The
   * price: a small decoded array keeps its pool chunk (64 KiB) alive while it lives.
   */
  private aligned(length: number, size: number, path: string): [ArrayBuffer, number] {
    const byteLength = length * size;
    // CDR aligns a numeric array's first element (not an empty array's: nothing is written).
    const at =
      this.cdr && length > 0 ? this.align(size, byteLength, path) : this.need(byteLength, path);
    this.offset = at + byteLength;
    if (byteLength > POOLED_MAX) {
      const copy = this.bytes.buffer.slice(at, at + byteLength) as ArrayBuffer;
      if (littleEndianHost !== this.le) swapBytes(new Uint8Array(copy), size);
      return [copy, 0];
    }
    let offset = (poolOffset + 7) & ~7;
    if (offset + byteLength > POOL_SIZE) {
      pool = new ArrayBuffer(POOL_SIZE);
      poolBytes = new Uint8Array(pool);
      poolView = new DataView(pool);
      offset = 0;
    }
    poolOffset = offset + byteLength;
    if (byteLength <= 256) {
      // A few elements: copying 32-bit words beats creating a view for `set`. (Integers, not
      // floats: a float copy could change the bits of a NaN.)
      const src = this.view;
      let k = 0;
      for (; k + 4 <= byteLength; k += 4) poolView.setInt32(offset + k, src.getInt32(at + k));
      for (; k < byteLength; k++) poolBytes[offset + k] = this.bytes[at + k]!;
    } else {
      poolBytes.set(this.bytes.subarray(at, at + byteLength), offset);
    }
    if (littleEndianHost !== this.le) {
      swapBytes(poolBytes.subarray(offset, offset + byteLength), size);
    }
    return [pool, offset];
  }
}

/**
 * Recently decoded short strings, in slots chosen by their length and a few of their bytes.
 * Frame ids, joint names and other short strings repeat from message to message: a hit costs one
 * comparison pass over the bytes and no allocation, and hands back the same string instance
 * (cheaper to compare and to keep). Only ASCII strings are kept, so equal UTF-16 units mean equal
 * bytes.
 */
const RECENT_SLOTS = 1024;
const RECENT_MAX = 32;
const recent: string[] = new Array<string>(RECENT_SLOTS).fill("");
/** The bytes of each kept string, `RECENT_MAX` per slot: compared 4 at a time. */
const recentBytes = new Uint8Array(RECENT_SLOTS * RECENT_MAX);
const recentView = new DataView(recentBytes.buffer);

/**
 * UTF-8 to string. Invalid UTF-8 becomes U+FFFD, as rospy/genpy decode it; a leading BOM is kept.
 * `view` is a DataView over the same memory as `bytes`.
 */
export function decodeUtf8(
  bytes: Uint8Array,
  start: number,
  length: number,
  view?: DataView,
): string {
  if (length === 0) return "";
  const end = start + length;
  if (length > RECENT_MAX || view === undefined) return utf8.decode(bytes.subarray(start, end));
  const slot =
    (length * 7 +
      bytes[start]! * 31 +
      bytes[end - 1]! * 131 +
      bytes[end - 2 < start ? start : end - 2]! * 37 +
      bytes[start + (length >> 1)]! * 17) &
    (RECENT_SLOTS - 1);
  const hit = recent[slot]!;
  const base = slot * RECENT_MAX;
  if (hit.length === length) {
    let k = 0;
    while (k + 4 <= length && view.getUint32(start + k) === recentView.getUint32(base + k)) k += 4;
    while (k < length && bytes[start + k] === recentBytes[base + k]) k++;
    if (k === length) return hit;
  }
  const s = utf8.decode(bytes.subarray(start, end));
  // Keep it only when it is ASCII (then its length equals the byte length).
  if (s.length === length) {
    recent[slot] = s;
    for (let k = 0; k < length; k++) recentBytes[base + k] = bytes[start + k]!;
  }
  return s;
}

/** `path[index]`, built only for an error message. */
function elementPath(path: string, index: number): string {
  return index < 0 ? path : `${path}[${index}]`;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
