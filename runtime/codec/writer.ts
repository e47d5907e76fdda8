/**
 * The encoding cursor and value checks that generated encoders share. An encode computes the
 * exact size first (generated `size_*` functions), allocates once, then writes; each value is
 * checked as it is written so that a wrong input fails with its field path instead of writing
 * NaN, zero or a truncated number.
 */
import { DecodeError, EncodeError } from "./types.js";

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();
/**
 * Up to this many elements, a float array is written element by element: a view to copy from
 * costs more than the loop (JointState's 30 positions).
 */
const SMALL = 64;

/**
 * Messages up to 16 KiB are encoded into a shared pool (as Node's Buffer pool does): allocating
 * a buffer of its own costs about a microsecond whatever its size, more than encoding an Imu and
 * as much as the rest of a 1,080-beam LaserScan. The encoded bytes are then a view into a 96 KiB
 * chunk (which holds 6 of the largest pooled messages), which they keep alive; `slice()` them for
 * a buffer of their own. The chunk stays under glibc's mmap threshold (128 KiB): a 128 KiB chunk
 * took about 40 µs of fresh page faults each time on the bench machine, a 96 KiB one 2-3 µs.
 */
const POOL_SIZE = 96 * 1024;
const POOLED_MAX = 16 * 1024;
let pool = new Uint8Array(POOL_SIZE);
let poolView = new DataView(pool.buffer);
let poolOffset = 0;

type BufferAllocator = { allocUnsafeSlow(size: number): Uint8Array };
const nodeBuffer = (globalThis as { Buffer?: BufferAllocator }).Buffer;

/**
 * A buffer for a large message. Every byte of it is written before it is returned (padding and
 * the CDR header too: test/codec/unzeroed-output.test.ts), so in Node it need not be zero-filled
 * first (`Buffer.allocUnsafeSlow`, never Node's shared pool). That saves the zeroing (for a 5 MB
 * point cloud as much as the copy) when glibc hands back memory it kept; when it must fault in
 * fresh pages (after a GC freed many such buffers at once), both cost the same. Returned as a
 * plain Uint8Array over the same memory. (Unzeroed 96 KiB pool chunks were tried: LaserScan's
 * encode, which fills a chunk every 11 messages, went from about 450 to 540 ns.)
 */
function allocate(size: number): Uint8Array {
  if (nodeBuffer === undefined) return new Uint8Array(size);
  const b = nodeBuffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

export class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Where the message starts in `bytes`; offsets are absolute. */
  readonly start: number;
  offset: number;
  /** CDR (ROS 2): alignment relative to `origin`, padding written as zeros. */
  cdr = false;
  origin = 0;

  /** A writer into `target` from `offset` (for `encodeInto`): `size` is the room there. */
  static into(target: Uint8Array, offset: number): Writer {
    const w = Object.create(Writer.prototype) as Writer;
    const mutable = w as { -readonly [K in keyof Writer]: Writer[K] };
    mutable.bytes = target;
    mutable.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    mutable.start = offset;
    mutable.offset = offset;
    mutable.size = target.byteLength - offset;
    w.cdr = false;
    w.origin = offset;
    return w;
  }

  /** `size`: at most the bytes the message takes (see the generated `size_*`). */
  constructor(readonly size: number) {
    if (size <= POOLED_MAX) {
      if (poolOffset + size > POOL_SIZE) {
        pool = new Uint8Array(POOL_SIZE);
        poolView = new DataView(pool.buffer);
        poolOffset = 0;
      }
      this.bytes = pool;
      this.view = poolView;
      this.start = poolOffset;
      poolOffset = (poolOffset + size + 7) & ~7;
    } else {
      this.bytes = allocate(size);
      this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, size);
      this.start = 0;
    }
    this.offset = this.start;
    this.origin = this.start;
  }

  /** CDR: the next multiple of `alignment` from `origin`, the padding up to it zeroed. */
  align(alignment: number): number {
    let o = this.offset;
    const aligned = ((o - this.origin + alignment - 1) & -alignment) + this.origin;
    while (o < aligned) this.bytes[o++] = 0;
    this.offset = aligned;
    return aligned;
  }

  /** Zeroes `n` bytes at `at` (alignment padding inside a run of fixed-size fields). */
  zero(at: number, n: number): void {
    for (let i = 0; i < n; i++) this.bytes[at + i] = 0;
  }

  /** Checks a ROS 2 bounded sequence (`T[<=N]`) before it is written. */
  bounded(value: unknown, bound: number, path: string): void {
    const n = arrayLength(value, path);
    if (n > bound) throw fail(path, `${n} elements, more than the bound ${bound}`);
  }

  /**
   * A CDR string: aligned uint32 length with the NUL, the UTF-8 bytes, the NUL. One pass for the
   * padding, the ASCII bytes and the NUL (the generic `align` and `string` cost a third more on
   * JointState's names).
   */
  cdrString(value: unknown, bound: number | undefined, path: string, index = -1): void {
    if (typeof value !== "string") throw notString(value, path, index);
    const bytes = this.bytes;
    let at = this.offset;
    for (let pad = (this.origin - at) & 3; pad > 0; pad--) bytes[at++] = 0;
    const base = at + 4;
    const length = this.utf8At(value, base);
    if (bound !== undefined && length > bound) {
      throw fail(
        index < 0 ? path : `${path}[${index}]`,
        `${length} bytes, more than the bound ${bound}`,
      );
    }
    this.view.setUint32(at, length + 1, true);
    bytes[base + length] = 0;
    this.offset = base + length + 1;
  }

  cdrStrings(
    value: unknown,
    fixed: number | undefined,
    bound: number | undefined,
    path: string,
  ): void {
    const n = this.count(value, fixed, path);
    const items = value as ArrayLike<unknown>;
    for (let i = 0; i < n; i++) this.cdrString(items[i], bound, path, i);
  }

  /** A CDR `wstring` (Fast-CDR 2): aligned uint32 count of UTF-16 units, then the units. */
  wstring(value: unknown, bound: number | undefined, path: string, index = -1): void {
    const where = index < 0 ? path : `${path}[${index}]`;
    if (typeof value !== "string") throw fail(where, `expected a string, got ${describe(value)}`);
    if (bound !== undefined && value.length > bound) {
      throw fail(where, `${value.length} characters, more than the bound ${bound}`);
    }
    const at = this.align(4);
    this.view.setUint32(at, value.length, true);
    for (let i = 0; i < value.length; i++)
      this.view.setUint16(at + 4 + 2 * i, value.charCodeAt(i), true);
    this.offset = at + 4 + 2 * value.length;
  }

  wstrings(
    value: unknown,
    fixed: number | undefined,
    bound: number | undefined,
    path: string,
  ): void {
    const n = this.count(value, fixed, path);
    const items = value as ArrayLike<unknown>;
    for (let i = 0; i < n; i++) this.wstring(items[i], bound, path, i);
  }

  /** CDR aligns the first element of a non-empty numeric array to the element size. */
  private alignElements(n: number, size: number): void {
    if (this.cdr && n > 0) this.align(size);
  }

  /** The encoded message: the bytes written (a pooled writer gives the rest of its space back). */
  result(): Uint8Array {
    const end = this.offset;
    if (end > this.start + this.size) {
      throw new RangeError(`wrote ${end - this.start} bytes, sized at most ${this.size}`);
    }
    if (this.bytes === pool && poolOffset === ((this.start + this.size + 7) & ~7)) {
      poolOffset = (end + 7) & ~7;
    }
    return this.start === 0 && this.bytes.byteLength === end
      ? this.bytes
      : this.bytes.subarray(this.start, end);
  }

  /** Gives the space back (when nothing was allocated from the pool after it). */
  release(): void {
    if (this.bytes === pool && poolOffset === ((this.start + this.size + 7) & ~7)) {
      poolOffset = this.start;
    }
  }

  /** A string; `index` is the element's index in a `string[]` (only used in errors). */
  string(value: unknown, path: string, index = -1): void {
    if (typeof value !== "string") throw notString(value, path, index);
    const at = this.offset;
    const length = this.utf8At(value, at + 4);
    this.view.setUint32(at, length, true);
    this.offset = at + 4 + length;
  }

  /** Writes `value`'s UTF-8 bytes at `at`; returns how many. */
  private utf8At(value: string, at: number): number {
    const bytes = this.bytes;
    const n = value.length;
    // ASCII fast path: one byte per UTF-16 unit; fall back to TextEncoder at the first other unit.
    let i = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) break;
      bytes[at + i] = c;
    }
    if (i === n) return n;
    const done = utf8.encodeInto(value, bytes.subarray(at, this.start + this.size));
    if (done.read !== n) throw new RangeError("string longer than sized");
    return done.written;
  }

  /** Writes an array count, or checks a fixed length (`fixed` defined) and writes nothing. */
  count(value: unknown, fixed: number | undefined, path: string): number {
    const length = arrayLength(value, path);
    if (fixed === undefined) {
      if (this.cdr) this.align(4);
      this.view.setUint32(this.offset, length, true);
      this.offset += 4;
    } else if (length !== fixed) {
      throw fail(path, `expected exactly ${fixed} elements, got ${length}`);
    }
    return length;
  }

  /** `uint8[]`, `char[]`: a byte copy when the input is a Uint8Array (Buffer included). */
  uint8s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    if (value instanceof Uint8Array) {
      this.bytes.set(value, this.offset);
      this.offset += n;
      return;
    }
    this.elements(value as ArrayLike<unknown>, n, 1, path, (o, x, p) =>
      this.view.setUint8(o, int(x, 0, 0xff, "uint8", p)),
    );
  }

  int8s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    if (value instanceof Int8Array) return this.raw(value, n);
    this.elements(value as ArrayLike<unknown>, n, 1, path, (o, x, p) =>
      this.view.setInt8(o, int(x, -0x80, 0x7f, "int8", p)),
    );
  }

  int16s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 2);
    if (value instanceof Int16Array) return this.raw(value, n * 2);
    this.elements(value as ArrayLike<unknown>, n, 2, path, (o, x, p) =>
      this.view.setInt16(o, int(x, -0x8000, 0x7fff, "int16", p), true),
    );
  }

  uint16s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 2);
    if (value instanceof Uint16Array) return this.raw(value, n * 2);
    this.elements(value as ArrayLike<unknown>, n, 2, path, (o, x, p) =>
      this.view.setUint16(o, int(x, 0, 0xffff, "uint16", p), true),
    );
  }

  int32s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 4);
    if (value instanceof Int32Array) return this.raw(value, n * 4);
    this.elements(value as ArrayLike<unknown>, n, 4, path, (o, x, p) =>
      this.view.setInt32(o, int(x, -0x80000000, 0x7fffffff, "int32", p), true),
    );
  }

  uint32s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 4);
    if (value instanceof Uint32Array) return this.raw(value, n * 4);
    this.elements(value as ArrayLike<unknown>, n, 4, path, (o, x, p) =>
      this.view.setUint32(o, int(x, 0, 0xffffffff, "uint32", p), true),
    );
  }

  float32s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 4);
    if (value instanceof Float32Array) {
      if (n > SMALL) return this.raw(value, n * 4);
      const v = this.view;
      for (let i = 0, o = this.offset; i < n; i++, o += 4) v.setFloat32(o, value[i]!, true);
      this.offset += n * 4;
      return;
    }
    this.elements(value as ArrayLike<unknown>, n, 4, path, (o, x, p) =>
      this.view.setFloat32(o, float(x, p), true),
    );
  }

  float64s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 8);
    if (value instanceof Float64Array) {
      if (n > SMALL) return this.raw(value, n * 8);
      const v = this.view;
      for (let i = 0, o = this.offset; i < n; i++, o += 8) v.setFloat64(o, value[i]!, true);
      this.offset += n * 8;
      return;
    }
    this.elements(value as ArrayLike<unknown>, n, 8, path, (o, x, p) =>
      this.view.setFloat64(o, float(x, p), true),
    );
  }

  int64s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 8);
    if (value instanceof BigInt64Array) return this.raw(value, n * 8);
    this.elements(value as ArrayLike<unknown>, n, 8, path, (o, x, p) =>
      this.view.setBigInt64(o, int64(x, p), true),
    );
  }

  uint64s(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.alignElements(n, 8);
    if (value instanceof BigUint64Array) return this.raw(value, n * 8);
    this.elements(value as ArrayLike<unknown>, n, 8, path, (o, x, p) =>
      this.view.setBigUint64(o, uint64(x, p), true),
    );
  }

  bools(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    this.elements(
      value as ArrayLike<unknown>,
      n,
      1,
      path,
      (o, x, p) => (this.bytes[o] = bool(x, p)),
    );
  }

  strings(value: unknown, fixed: number | undefined, path: string): void {
    const n = this.count(value, fixed, path);
    const items = value as ArrayLike<unknown>;
    for (let i = 0; i < n; i++) this.string(items[i], path, i);
  }

  times(value: unknown, fixed: number | undefined, path: string): void {
    this.stamps(value, fixed, path, false);
  }

  durations(value: unknown, fixed: number | undefined, path: string): void {
    this.stamps(value, fixed, path, true);
  }

  private stamps(value: unknown, fixed: number | undefined, path: string, signed: boolean): void {
    const n = this.count(value, fixed, path);
    const check = signed ? i32 : u32;
    this.elements(value as ArrayLike<unknown>, n, 8, path, (o, x, p) => {
      const t = stamp(x, p);
      this.view.setUint32(o, check(t.sec, `${p}.sec`), true);
      this.view.setUint32(o + 4, check(t.nsec, `${p}.nsec`), true);
    });
  }

  /** Copies a typed array's bytes as they are (little-endian host: already wire order). */
  private raw(value: ArrayBufferView, byteLength: number): void {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, byteLength);
    if (littleEndianHost) {
      this.bytes.set(bytes, this.offset);
    } else {
      const size = (value as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      for (let i = 0; i < byteLength; i += size) {
        for (let j = 0; j < size; j++) this.bytes[this.offset + i + j] = bytes[i + size - 1 - j]!;
      }
    }
    this.offset += byteLength;
  }

  private elements(
    value: ArrayLike<unknown>,
    n: number,
    size: number,
    path: string,
    write: (offset: number, element: unknown, path: string) => void,
  ): void {
    let o = this.offset;
    let i = 0;
    try {
      for (; i < n; i++, o += size) write(o, value[i], "");
    } catch (error) {
      throw withPath(error, path, i);
    }
    this.offset = o;
  }
}

/** Bytes a string takes in UTF-8 (lone surrogates count 3: TextEncoder writes U+FFFD). */
export function utf8Length(value: unknown): number {
  if (typeof value !== "string") return 0; // the write pass reports the error with its path
  const n = value.length;
  let length = n;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) length += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 2; // the pair is 2 units and 4 bytes
        i++;
      } else length += 2;
    } else length += 2;
  }
  return length;
}

/** The most bytes a string takes in UTF-8: 3 per UTF-16 unit (a pair of units takes 4). */
export function utf8Bound(value: unknown): number {
  return typeof value === "string" ? value.length * 3 : 0; // the write pass reports non-strings
}

/** The most bytes of a `string[]`: each element's length prefix and UTF-8 bound. */
export function stringsBound(value: unknown): number {
  const items = itemsOf(value);
  let size = 0;
  for (let i = 0; i < items.length; i++) size += 4 + utf8Bound(items[i]);
  return size;
}

/** The elements of an array-like input, none for anything else (the write pass reports it). */
export function itemsOf(value: unknown): ArrayLike<Fields> {
  return len(value) > 0 ? (value as ArrayLike<Fields>) : [];
}

/**
 * A message value as the write functions see it. `any` so the generated code can pass field
 * values on without casts: every value is checked where it is written.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fields = { readonly [field: string]: any };

/** Length of an array-like input, 0 for anything else (the write pass reports it). */
export function len(value: unknown): number {
  return typeof value === "object" && value !== null && "length" in value
    ? Number((value as { length: unknown }).length) || 0
    : 0;
}

function arrayLength(value: unknown, path: string): number {
  if (
    Array.isArray(value) ||
    ArrayBuffer.isView(value) ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as ArrayLike<unknown>).length === "number")
  ) {
    return (value as ArrayLike<unknown>).length;
  }
  throw fail(path, `expected an array, got ${describe(value)}`);
}

function notString(value: unknown, path: string, index: number): EncodeError {
  return fail(index < 0 ? path : `${path}[${index}]`, `expected a string, got ${describe(value)}`);
}

export function fail(path: string, reason: string): EncodeError {
  return new EncodeError("", path, reason);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value)}`;
}

// Value checks, named by ROS type. Each returns the value to write or throws with the path.

export function float(x: unknown, path: string): number {
  if (typeof x !== "number") throw fail(path, `expected a number, got ${describe(x)}`);
  return x;
}

export function int(x: unknown, min: number, max: number, type: string, path: string): number {
  if (typeof x === "number" && Number.isInteger(x) && x >= min && x <= max) return x;
  throw fail(path, `expected an integer in ${min}..${max} (${type}), got ${describe(x)}`);
}

export function i8(x: unknown, path: string): number {
  return int(x, -0x80, 0x7f, "int8", path);
}
export function u8(x: unknown, path: string): number {
  return int(x, 0, 0xff, "uint8", path);
}
export function i16(x: unknown, path: string): number {
  return int(x, -0x8000, 0x7fff, "int16", path);
}
export function u16(x: unknown, path: string): number {
  return int(x, 0, 0xffff, "uint16", path);
}
export function i32(x: unknown, path: string): number {
  return int(x, -0x80000000, 0x7fffffff, "int32", path);
}
export function u32(x: unknown, path: string): number {
  return int(x, 0, 0xffffffff, "uint32", path);
}

export function bool(x: unknown, path: string): number {
  if (x === true) return 1;
  if (x === false) return 0;
  throw fail(path, `expected a boolean, got ${describe(x)}`);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

export function int64(x: unknown, path: string): bigint {
  const v = typeof x === "number" && Number.isSafeInteger(x) ? BigInt(x) : x;
  if (typeof v === "bigint" && v >= INT64_MIN && v <= INT64_MAX) return v;
  throw fail(path, `expected a bigint (or safe integer) in int64 range, got ${describe(x)}`);
}

export function uint64(x: unknown, path: string): bigint {
  const v = typeof x === "number" && Number.isSafeInteger(x) ? BigInt(x) : x;
  if (typeof v === "bigint" && v >= 0n && v <= UINT64_MAX) return v;
  throw fail(path, `expected a bigint (or safe integer) in uint64 range, got ${describe(x)}`);
}

/** The `{ sec, nsec }` object of a time or duration field. */
export function stamp(x: unknown, path: string): { sec: unknown; nsec: unknown } {
  if (typeof x !== "object" || x === null) {
    throw fail(path, `expected { sec, nsec }, got ${describe(x)}`);
  }
  return x as { sec: unknown; nsec: unknown };
}

/** A nested message value. */
export function object(x: unknown, path: string): Fields {
  if (typeof x !== "object" || x === null || Array.isArray(x)) {
    throw fail(path, `expected a message object, got ${describe(x)}`);
  }
  return x as Fields;
}

/**
 * Re-throws an error from a nested field with the field's name (and index) in front of its
 * path. Only codec errors are rewritten; anything else passes through unchanged.
 */
export function withPath(error: unknown, field: string, index?: number): unknown {
  const prefix = index === undefined ? field : `${field}[${index}]`;
  if (error instanceof DecodeError) {
    return new DecodeError(error.datatype, join(prefix, error.path), error.offset, error.reason);
  }
  if (error instanceof EncodeError) {
    return new EncodeError(error.datatype, join(prefix, error.path), error.reason);
  }
  return error;
}

function join(prefix: string, path: string): string {
  if (path === "") return prefix;
  return path.startsWith("[") ? prefix + path : `${prefix}.${path}`;
}
