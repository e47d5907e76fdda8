/**
 * Decoded ROS messages as JSON (what `noros echo` prints, one message per line):
 * - int64/uint64 (`bigint`) as JSON numbers when they are safe integers, else as strings, so no
 *   value is silently rounded;
 * - NaN and ±Infinity (not JSON numbers) as the strings "NaN", "Infinity", "-Infinity", which
 *   `noros pub` accepts back;
 * - typed arrays (`uint8[]`, `float32[]`, ...) longer than `SUMMARY_THRESHOLD` elements as a short
 *   summary such as `"<Uint8Array 921600 bytes>"` unless `full` is set (an image or point cloud
 *   would otherwise flood the terminal); shorter ones, e.g. covariance matrices, in full;
 * - time and duration as `{ "sec": ..., "nsec": ... }`, as decoded.
 */

export interface JsonOptions {
  /** Print typed arrays in full instead of summarising long ones. */
  readonly full?: boolean;
}

/** Typed arrays with more elements than this are summarised unless `full`. */
export const SUMMARY_THRESHOLD = 64;

type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

function jsonNumber(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}

function jsonBigint(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function summary(array: TypedArray): string {
  const name = array.constructor.name;
  return array instanceof Uint8Array || array instanceof Int8Array
    ? `<${name} ${array.length} bytes>`
    : `<${name} ${array.length} items>`;
}

/** A plain JSON-safe value for `value` (see the module comment for the rules). */
export function toJsonValue(value: unknown, options: JsonOptions = {}): unknown {
  switch (typeof value) {
    case "number":
      return jsonNumber(value);
    case "bigint":
      return jsonBigint(value);
    case "string":
    case "boolean":
      return value;
    case "undefined":
      return null;
    case "object":
      break;
    default:
      return String(value);
  }
  if (value === null) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as TypedArray;
    if (options.full !== true && array.length > SUMMARY_THRESHOLD) return summary(array);
    const out: (number | string)[] = [];
    for (const element of array) {
      out.push(typeof element === "bigint" ? jsonBigint(element) : jsonNumber(element));
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((element) => toJsonValue(element, options));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = toJsonValue(field, options);
  return out;
}

/** One line of JSON (no trailing newline). */
export function formatJson(value: unknown, options: JsonOptions = {}): string {
  return JSON.stringify(toJsonValue(value, options));
}
