/**
 * Reading the ground truth that real ROS wrote (scripts/dump_bag.py, make_golden.py,
 * std_types.py) and comparing decoded noros messages with it.
 *
 * Golden values are genpy's decoded messages in a JSON convention (scripts/README.md): JSON
 * cannot carry raw bytes, 64-bit integers, NaN, the infinities or -0, so those come tagged:
 * `{"$bytes": base64}`, `{"$int": "decimal"}`, `{"$float": "NaN" | "Infinity" | "-Infinity" |
 * "-0"}`. `time`/`duration` are `{sec, nsec}`; messages are objects in field order.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import { ROS_PYTHON, rosEnv } from "./env.js";

/** A JSON value as it appears in a golden file (tagged forms included). */
export type GoldenJson = null | boolean | number | string | GoldenJson[] | GoldenObject;
export interface GoldenObject {
  [key: string]: GoldenJson;
}

/** One line of a dump_bag.py dump: one message of the bag, in bag order. */
export interface GoldenLine {
  topic: string;
  type: string;
  md5: string;
  /** Record time of the message in the bag. */
  time: { sec: number; nsec: number };
  /** Length of the serialized message in bytes. */
  size: number;
  /** A string field held bytes that are not UTF-8 (genpy replaced them with U+FFFD). */
  invalidUtf8?: true;
  /** genpy's re-serialization of its decoded message differs from the recorded bytes. */
  reserializeDiffers?: true;
  /** The message as genpy decoded it, in the golden JSON convention. */
  value: GoldenJson;
}

/** One entry of test/fixtures/std-types.json `messages` (or a service's request/response). */
export interface StdMessageEntry {
  type: string;
  md5sum: string;
  fullText: string;
  /** `[name, ROS type]` in field order, types as genpy/genmsg resolve them. */
  fields: [string, string][];
  /** `genpy` (Debian's generated class) or `genmsg` (computed from generator/std-extra). */
  origin: "genpy" | "genmsg";
  /** The definition file: relative to /usr/share for genpy types, to the repository else. */
  source?: string;
  /** For action-generated messages: the .action file, relative to /usr/share. */
  action?: string;
}

export interface StdServiceEntry {
  type: string;
  md5sum: string;
  origin: "genpy";
  source?: string;
  request: StdMessageEntry;
  response: StdMessageEntry;
}

export interface StdTypes {
  about: string;
  debianPackages: Record<string, string>;
  messages: Record<string, StdMessageEntry>;
  services: Record<string, StdServiceEntry>;
}

/** The repository root (this file is test/helpers/golden.ts). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** test/fixtures/golden: the golden bags, their dumps and the noros_test package. */
export const GOLDEN_DIR = path.join(REPO_ROOT, "test", "fixtures", "golden");
/** test/fixtures/std-types.json. */
export const STD_TYPES_FILE = path.join(REPO_ROOT, "test", "fixtures", "std-types.json");

export function loadStdTypes(file = STD_TYPES_FILE): StdTypes {
  return JSON.parse(readFileSync(file, "utf8")) as StdTypes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkLine(value: unknown, where: string): GoldenLine {
  const fail = (what: string): never => {
    throw new Error(`${where}: not a dump line: ${what}`);
  };
  if (!isObject(value)) return fail("not an object");
  for (const key of ["topic", "type", "md5"] as const) {
    if (typeof value[key] !== "string") fail(`"${key}" is not a string`);
  }
  const time = value.time;
  if (!isObject(time) || typeof time.sec !== "number" || typeof time.nsec !== "number") {
    fail(`"time" is not {sec, nsec}`);
  }
  if (typeof value.size !== "number") fail(`"size" is not a number`);
  if (!("value" in value)) fail(`no "value"`);
  return value as unknown as GoldenLine;
}

/**
 * The lines of a dump_bag.py JSON Lines file. A line that is not JSON, or not a dump line,
 * throws an Error naming the file and line number.
 */
export function readJsonl(file: string): GoldenLine[] {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => {
    const where = `${file}:${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new Error(`${where}: invalid JSON: ${(err as Error).message}`);
    }
    return checkLine(parsed, where);
  });
}

const FLOAT_TAGS: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
  "-0": -0,
};

/** The `$tag` of a tagged golden value (`{"$bytes": ...}` etc.), or undefined. */
function tagOf(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  // ROS field names start with a letter, so a "$" key is never a message field.
  if (keys.length === 1 && keys[0]!.startsWith("$")) return keys[0];
  return undefined;
}

function decodeBase64(text: string, where: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error(`${where}: invalid base64 in $bytes`);
  }
  const buf = Buffer.from(text, "base64");
  // A plain Uint8Array (not a Buffer), so deep equality with decoded values is not confused.
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function fromTagged(tag: string, body: unknown, where: string): Uint8Array | bigint | number {
  if (typeof body !== "string") throw new Error(`${where}: ${tag} holds a non-string`);
  switch (tag) {
    case "$bytes":
      return decodeBase64(body, where);
    case "$int":
      if (!/^-?[0-9]+$/.test(body)) throw new Error(`${where}: invalid $int "${body}"`);
      return BigInt(body);
    case "$float": {
      const v = FLOAT_TAGS[body];
      if (v === undefined) throw new Error(`${where}: invalid $float "${body}"`);
      return v;
    }
    default:
      throw new Error(`${where}: unknown golden tag ${tag}`);
  }
}

/**
 * A golden JSON value as plain JS: `$bytes` -> Uint8Array, `$int` -> bigint, `$float` ->
 * number; everything else as it is (objects and arrays copied).
 */
export function fromGoldenJson(value: unknown, where = ""): unknown {
  if (Array.isArray(value)) return value.map((v, i) => fromGoldenJson(v, `${where}[${i}]`));
  if (!isObject(value)) return value;
  const tag = tagOf(value);
  if (tag !== undefined) return fromTagged(tag, value[tag], where || "<root>");
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = fromGoldenJson(v, where ? `${where}.${key}` : key);
  }
  return out;
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value === null) return "null";
  if (typeof value === "object") return `object {${Object.keys(value).slice(0, 6).join(", ")}}`;
  return String(value);
}

function mismatch(where: string, expected: unknown, actual: unknown, why?: string): never {
  const at = where || "<root>";
  throw new Error(
    `golden mismatch at ${at}: expected ${show(expected)}, got ${show(actual)}` +
      (why ? ` (${why})` : ""),
  );
}

type Indexed = ArrayLike<unknown>;

function isTypedArray(value: unknown): value is Indexed {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Number vs number: exact, NaN equal to NaN, -0 distinct from 0 (Object.is). */
function compareNumber(where: string, decoded: unknown, golden: number, float32: boolean): void {
  if (typeof decoded === "bigint") {
    // int64/uint64 decode as bigint; the golden file writes safe integers as plain numbers.
    if (!Number.isInteger(golden) || BigInt(golden) !== decoded) mismatch(where, golden, decoded);
    return;
  }
  if (typeof decoded !== "number") mismatch(where, golden, decoded, "not a number");
  // A Float32Array element holds float32 precision: compare against the float32 of the golden.
  const expected = float32 ? Math.fround(golden) : golden;
  if (!Object.is(expected, decoded)) mismatch(where, golden, decoded);
}

function compareBytes(where: string, decoded: unknown, golden: Uint8Array): void {
  if (!(decoded instanceof Uint8Array)) {
    mismatch(where, golden, decoded, "uint8[]/char[] decode as Uint8Array");
  }
  if (decoded.length !== golden.length) {
    mismatch(where, golden, decoded, `length ${decoded.length} instead of ${golden.length}`);
  }
  for (let i = 0; i < golden.length; i++) {
    if (decoded[i] !== golden[i]) mismatch(`${where}[${i}]`, golden[i], decoded[i]);
  }
}

function compareArray(where: string, decoded: unknown, golden: readonly unknown[]): void {
  if (!Array.isArray(decoded) && !isTypedArray(decoded)) {
    mismatch(where, golden, decoded, "not an array");
  }
  const items = decoded as Indexed;
  if (items.length !== golden.length) {
    mismatch(where, golden, decoded, `length ${items.length} instead of ${golden.length}`);
  }
  const float32 = decoded instanceof Float32Array;
  for (let i = 0; i < golden.length; i++) {
    const at = `${where}[${i}]`;
    const g = golden[i];
    if (float32 && typeof g === "number") compareNumber(at, items[i], g, true);
    else compareValue(at, items[i], g);
  }
}

const hasOwn = (obj: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(obj, key);

function isTimeLike(golden: Record<string, unknown>): boolean {
  const keys = Object.keys(golden);
  return (
    keys.length === 2 &&
    keys[0] === "sec" &&
    keys[1] === "nsec" &&
    typeof golden.sec === "number" &&
    typeof golden.nsec === "number"
  );
}

function compareObject(where: string, decoded: unknown, golden: Record<string, unknown>): void {
  if (
    typeof decoded !== "object" ||
    decoded === null ||
    Array.isArray(decoded) ||
    isTypedArray(decoded)
  ) {
    mismatch(where, golden, decoded, "not an object");
  }
  const dec = decoded as Record<string, unknown>;
  const sub = (key: string): string => (where ? `${where}.${key}` : key);
  if (isTimeLike(golden)) {
    // time/duration: only sec and nsec count (a time class may carry more).
    compareNumber(sub("sec"), dec.sec, golden.sec as number, false);
    compareNumber(sub("nsec"), dec.nsec, golden.nsec as number, false);
    return;
  }
  for (const key of Object.keys(golden)) {
    // Own properties only: fields may be named `constructor`, `toString`...
    if (!hasOwn(dec, key)) mismatch(sub(key), golden[key], undefined, "missing field");
    compareValue(sub(key), dec[key], golden[key]);
  }
  for (const key of Object.keys(dec)) {
    if (!hasOwn(golden, key)) mismatch(sub(key), undefined, dec[key], "unexpected field");
  }
}

function compareValue(where: string, decoded: unknown, golden: unknown): void {
  if (Array.isArray(golden)) return compareArray(where, decoded, golden);
  if (golden instanceof Uint8Array) return compareBytes(where, decoded, golden);
  if (typeof golden === "bigint") {
    if (decoded !== golden)
      mismatch(
        where,
        golden,
        decoded,
        typeof decoded === "bigint" ? undefined : "int64/uint64 decode as bigint",
      );
    return;
  }
  if (typeof golden === "number") return compareNumber(where, decoded, golden, false);
  if (isObject(golden)) {
    const tag = tagOf(golden);
    if (tag !== undefined)
      return compareValue(where, decoded, fromTagged(tag, golden[tag], where || "<root>"));
    return compareObject(where, decoded, golden);
  }
  // boolean, string, null
  if (decoded !== golden) mismatch(where, golden, decoded);
}

/**
 * Throws an Error naming the first path (`markers[3].points[2].x`) where a decoded noros message
 * differs from the golden value (raw golden JSON or the output of fromGoldenJson).
 *
 * Tolerated, because the TypeScript shape requires it: typed arrays against arrays of numbers
 * (element-wise; Float32Array elements against Math.fround of the golden number), bigint against
 * a JSON number for int64/uint64, extra properties of time objects. Nothing else: NaN equals
 * NaN, -0 differs from 0, a missing or extra field is a difference.
 */
export function expectMatchesGolden(decoded: unknown, golden: unknown, path = ""): void {
  compareValue(path, decoded, golden);
}

/** A message as another reader (noros, @foxglove/rosbag) yields it. */
export interface ReadMessage {
  topic: string;
  /** Record time in the bag. */
  time: { sec: number; nsec: number };
  /** The decoded message. */
  value: unknown;
}

/**
 * Checks that `messages` (a whole bag, in the order some reader yields them) are exactly the
 * dumped messages. Bag order is only defined up to messages with equal record time: python
 * rosbag keeps file order for such ties, @foxglove/rosbag does not (real bags have them, e.g.
 * robot_localization__test2.bag). So messages are paired within groups of equal topic and
 * record time, each with the first unused line of its group that matches.
 * Throws an Error naming the topic, record time and reader index of the first message without
 * a matching line (with the difference to the first candidate), or a count mismatch.
 */
export function expectMessagesMatchGolden(
  messages: readonly ReadMessage[],
  lines: readonly GoldenLine[],
): void {
  const key = (topic: string, t: { sec: number; nsec: number }) =>
    `${topic}\u0000${t.sec}.${t.nsec}`;
  const groups = new Map<string, GoldenLine[]>();
  for (const line of lines) {
    const k = key(line.topic, line.time);
    const group = groups.get(k);
    if (group) group.push(line);
    else groups.set(k, [line]);
  }
  messages.forEach((msg, i) => {
    const at = `${msg.topic} at ${msg.time.sec}.${String(msg.time.nsec).padStart(9, "0")} (message ${i})`;
    const group = groups.get(key(msg.topic, msg.time));
    if (!group || group.length === 0)
      throw new Error(`${at}: no golden line left for this topic and time`);
    let firstError: string | undefined;
    for (let j = 0; j < group.length; j++) {
      try {
        expectMatchesGolden(msg.value, group[j]!.value);
        group.splice(j, 1);
        return;
      } catch (err) {
        firstError ??= (err as Error).message;
      }
    }
    throw new Error(`${at}: ${firstError}`);
  });
  if (messages.length !== lines.length) {
    throw new Error(`${messages.length} messages read, the dump has ${lines.length}`);
  }
}

/** scripts/ in this repository. */
export const SCRIPTS_DIR = path.join(REPO_ROOT, "scripts");

/**
 * Run scripts/dump_bag.py (needs Debian's python3-rosbag) on `bags`, writing
 * `<outDir>/<bag name>.jsonl` for each. Throws with the script's stderr on failure.
 */
export function dumpBagsLive(bags: readonly string[], outDir: string): void {
  try {
    execFileSync(
      ROS_PYTHON,
      [path.join(SCRIPTS_DIR, "dump_bag.py"), ...bags, "--out-dir", outDir],
      {
        env: rosEnv,
        stdio: ["ignore", "ignore", "pipe"],
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
    throw new Error(`dump_bag.py failed: ${stderr.trim() || (err as Error).message}`);
  }
}
