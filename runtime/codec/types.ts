/**
 * The public shape of a codec and of the values it reads and writes.
 * Generated modules and run-time compiled codecs (`compileCodec`) both produce `Codec<T>`.
 */
import type { MessageTypeMap, TopicTypeMap } from "./support.js";

// The type maps are declared in support.ts (`noros/support`), the module generated code augments.
export type { MessageTypeMap, ServiceTypeMap, TopicTypeMap } from "./support.js";

/** ROS `time` (uint32 sec) and `duration` (int32 sec): both are `{ sec, nsec }`. */
export interface Time {
  sec: number;
  nsec: number;
}
export type Duration = Time;

export interface DecodeOptions {
  /**
   * `uint8[]`/`char[]` fields decode as views into the input (`bytes.subarray`) unless `copy` is
   * true: images and point clouds are not copied by default. Other numeric arrays are always
   * fresh, aligned copies (a typed-array view needs an aligned offset, which the wire never
   * promises).
   */
  copy?: boolean;
  /** Throw a `DecodeError` when bytes are left over after the message. Default: false. */
  strict?: boolean;
}

type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/**
 * What `encode` accepts for a decoded type `T`: the decoded value itself, or the natural JS
 * inputs (`number[]` for typed-array fields, `number` for int64 where it is a safe integer).
 */
export type Encodable<T> = T extends bigint
  ? bigint | number
  : T extends NumericArray
    ? T | ArrayLike<number>
    : T extends BigInt64Array | BigUint64Array
      ? T | ArrayLike<bigint | number>
      : T extends readonly (infer E)[]
        ? readonly Encodable<E>[]
        : T extends object
          ? { [K in keyof T]: Encodable<T[K]> }
          : T;

export interface Codec<T = unknown> {
  /** `pkg/Type`, e.g. `sensor_msgs/Imu`. */
  readonly datatype: string;
  /** The md5sum ROS computes for the type (genmsg `compute_md5`). */
  readonly md5sum: string;
  /** The full definition text in `gendeps --cat` form, as a bag or bridge carries it. */
  readonly definition: string;
  /** `"cdr"` for ROS 2 codecs (absent for ROS 1): their bytes carry the CDR header. */
  readonly encoding?: "cdr";
  /** ROS 2: the `RIHS01_...` type description hash, when known. */
  readonly typeHash?: string;
  decode(bytes: Uint8Array, options?: DecodeOptions): T;
  /**
   * The message in its wire format (ROS 1, or CDR after its 4-byte header for a ROS 2 codec).
   * Messages up to 16 KiB are encoded into a shared pool: the result is then a view (its
   * `byteOffset` may not be 0); `slice()` it for a buffer of its own.
   */
  encode(msg: Encodable<T>): Uint8Array;
  /**
   * Writes the message into `target` at `offset` and returns the bytes written: no allocation,
   * for large messages sent again and again (point clouds, images) into a reused buffer. Throws
   * an `EncodeError` saying how much room is needed when `target` is too small.
   */
  encodeInto(msg: Encodable<T>, target: Uint8Array, offset?: number): number;
  encodedSize(msg: Encodable<T>): number;
}

/** The decoded type for a type name, `unknown` for names not generated ahead of time. */
export type MessageOf<K extends string> = K extends keyof MessageTypeMap
  ? MessageTypeMap[K]
  : unknown;

/** Input (truncated, corrupt or over-long bytes) that cannot be decoded as the type. */
export class DecodeError extends Error {
  override name = "DecodeError";
  constructor(
    readonly datatype: string,
    /** Field path inside the message, e.g. `markers[3].points[2].x`. */
    readonly path: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${datatype}: ${path === "" ? "" : `${path}: `}${reason} (at byte ${offset})`);
  }
}

/** A value that cannot be encoded as the type (missing field, wrong length, out of range). */
export class EncodeError extends Error {
  override name = "EncodeError";
  constructor(
    readonly datatype: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${datatype}: ${path === "" ? "" : `${path}: `}${reason}`);
  }
}

/** The decoded message type of a topic in `TopicTypeMap`. */
export type TopicMessage<T extends keyof TopicTypeMap> = TopicTypeMap[T] extends string
  ? MessageOf<TopicTypeMap[T]>
  : unknown;
