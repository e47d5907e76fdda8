/**
 * Messages typed on the command line (`noros pub`, `noros call`): YAML or JSON (YAML is a
 * superset), in the shape `rostopic pub` takes: nested mappings by field name, e.g.
 * `'{linear: {x: 0.5}, angular: {z: 0.2}}'`.
 *
 * Like rostopic (genpy `fill_message_args`), fields left out are filled with zero values: 0,
 * false, "", empty variable-length arrays, fixed-length arrays of zeros, zero time, nested
 * messages all zero. Everything given is checked against the definition, and a mistake names the
 * field path (`linear.x: expected a number, got "fast"`). Also accepted:
 * - a plain value for a message with exactly one field (`noros pub /chatter std_msgs/String hi`);
 * - int64/uint64 as numbers or, beyond 2^53, as strings of digits;
 * - floats as numbers, `.nan`/`.inf` (YAML) or the strings "NaN", "Infinity", "-Infinity";
 * - time/duration as `{sec, nsec}` (or rostopic's `{secs, nsecs}`), as seconds (`1.5`), or, for
 *   time, the string "now" (the current wall-clock time).
 *
 * ROS 2 types (`pkg/msg/Type`, read with rosidl's syntax) take what `ros2 topic pub` takes:
 * fields left out get the definition's default value (`int32 x 5`), else zero, as rosidl's
 * message constructors do; `builtin_interfaces/Time` and `Duration` are ordinary messages
 * (`{sec, nanosec}`), a Time may be "now" and a `std_msgs/Header` "auto" (stamp now, empty
 * frame_id); `byte` and `char` are 0..255; bounded strings (`string<=N`, in UTF-8 bytes) and
 * sequences (`T[<=N]`) are checked against their bounds.
 */
import { parse as parseYaml } from "yaml";

import type { Time } from "../../runtime/codec/types.js";
import { parseFullDefinition } from "../../runtime/schema/full-text.js";
import type { ResolvedField, ResolvedType } from "../../runtime/schema/model.js";
import { parseRos2FullDefinition } from "../../runtime/schema/ros2-full-text.js";
import { ros2msgFromIdl } from "../../runtime/ros2idl/convert.js";
import { isRos2TypeName } from "../../runtime/client/schema-codecs.js";
import { UserError, errorMessage } from "../errors.js";

/** A message type with every type it refers to, resolved. */
export interface MessageSchema {
  readonly root: ResolvedType;
  resolve(typeName: string): ResolvedType;
  /** True for a ROS 2 (rosidl) type. */
  readonly ros2?: boolean;
  /** The name users know a type by (ROS 2: `pkg/msg/Type` for the internal `pkg/Type`). */
  displayName?(typeName: string): string;
}

export { isRos2TypeName };

/**
 * The schema of `typeName` from its full definition text: read as ROS 2 (rosidl) when the name
 * is a ROS 2 one (`pkg/msg/Type`) or `ros2` says so, else as ROS 1.
 */
export function schemaFromDefinition(
  typeName: string,
  definition: string,
  { ros2 = isRos2TypeName(typeName) }: { ros2?: boolean } = {},
): MessageSchema {
  try {
    if (ros2) {
      const { types, root, fullNames } = parseRos2FullDefinition(
        typeName,
        ros2msgText(typeName, definition),
      );
      return {
        root: types.resolve(root),
        resolve: (name) => types.resolve(name),
        ros2: true,
        displayName: (name) => fullNames.get(name) ?? name,
      };
    }
    const { types } = parseFullDefinition(typeName, definition);
    const root = types.resolve(typeName);
    return { root, resolve: (name) => types.resolve(name) };
  } catch (error) {
    throw new UserError(`cannot read the definition of ${typeName}: ${errorMessage(error)}`);
  }
}

/** An IDL definition as a ROS 2 bridge sends it (`ros2idl`): its first line is the delimiter. */
const IDL_TEXT = /^=+\r?\nIDL: /;

/**
 * The `ros2msg` text of a ROS 2 definition a bridge advertised: IDL (for types that only have an
 * `.idl` file) is read through the same reader as `noros/ros2idl`; msg text is returned as is.
 */
export function ros2msgText(typeName: string, definition: string): string {
  return IDL_TEXT.test(definition) ? ros2msgFromIdl(typeName, definition).definition : definition;
}

/** A wrong value in the input, with the field path it was found at. */
export class MessageInputError extends UserError {
  override name = "MessageInputError";
  constructor(
    readonly typeName: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${typeName}: ${path === "" ? "" : `${path}: `}${reason}`);
  }
}

/** Parses YAML or JSON text; `what` names the input in the error ("message", "request"). */
export function parseMessageText(text: string, what = "message"): unknown {
  try {
    // Integers as bigint: int64 values beyond 2^53 keep every digit.
    return parseYaml(text, { intAsBigInt: true }) as unknown;
  } catch (error) {
    // The yaml library ends its first line with ":" before a multi-line excerpt; keep one line.
    const first = (errorMessage(error).split("\n")[0] ?? "").replace(/:\s*$/, "");
    throw new UserError(`the ${what} is not valid YAML or JSON: ${first}`);
  }
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  byte: [-128, 127],
  uint8: [0, 255],
  char: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};
const INT64_RANGES: Record<string, [bigint, bigint]> = {
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
};
const SPECIAL_FLOATS: Record<string, number> = {
  nan: NaN,
  infinity: Infinity,
  "+infinity": Infinity,
  "-infinity": -Infinity,
  inf: Infinity,
  "+inf": Infinity,
  "-inf": -Infinity,
};

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  // The parser reads integers as bigint; to the user they are numbers.
  if (typeof value === "bigint") return `number ${value}`;
  return `${typeof value} ${String(value)}`;
}

function toNumber(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface BuildOptions {
  /** The time "now" stands for (default: the wall clock). */
  readonly now?: () => Time;
}

function wallClock(): Time {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1_000_000 };
}

/** ROS 2 types that take a keyword, as `ros2 topic pub` expands them. */
const ROS2_TIME = "builtin_interfaces/Time";
const ROS2_HEADER = "std_msgs/Header";
const utf8 = new TextEncoder();

class Builder {
  constructor(
    private readonly schema: MessageSchema,
    private readonly now: () => Time,
  ) {}

  name(type: ResolvedType): string {
    return this.schema.displayName?.(type.spec.fullName) ?? type.spec.fullName;
  }

  fail(path: string, reason: string): never {
    throw new MessageInputError(this.name(this.schema.root), path, reason);
  }

  /** ROS 2's "now" (a Time) and "auto" (a Header); undefined for anything else. */
  ros2Keyword(type: ResolvedType, input: unknown): Record<string, unknown> | undefined {
    if (this.schema.ros2 !== true || typeof input !== "string") return undefined;
    const now = () => {
      const { sec, nsec } = this.now();
      return { sec, nanosec: nsec };
    };
    if (type.spec.fullName === ROS2_TIME && input === "now") return now();
    if (type.spec.fullName === ROS2_HEADER && input === "auto")
      return { stamp: now(), frame_id: "" };
    return undefined;
  }

  message(type: ResolvedType, input: unknown, path: string): Record<string, unknown> {
    const keyword = this.ros2Keyword(type, input);
    if (keyword !== undefined) return keyword;
    if (input === undefined || input === null) input = {};
    if (!isMapping(input)) {
      if (path === "" && type.fields.length === 1) input = { [type.fields[0]!.name]: input };
      else
        this.fail(path, `expected a mapping of ${this.name(type)} fields, got ${describe(input)}`);
    }
    const given = input as Record<string, unknown>;
    const names = new Set(type.fields.map((f) => f.name));
    for (const key of Object.keys(given)) {
      if (!names.has(key)) {
        this.fail(
          path,
          `no field "${key}" in ${this.name(type)} (fields: ${[...names].join(", ") || "none"})`,
        );
      }
    }
    const out: Record<string, unknown> = {};
    for (const field of type.fields) {
      let value = given[field.name];
      // ROS 2 fields left out take the definition's default value, as rosidl constructors do.
      if (value === undefined && this.schema.ros2 === true) {
        value = type.spec.fields.find((f) => f.name === field.name)?.defaultValue;
      }
      out[field.name] = this.field(
        field,
        value,
        path === "" ? field.name : `${path}.${field.name}`,
      );
    }
    return out;
  }

  field(field: ResolvedField, input: unknown, path: string): unknown {
    if (!field.isArray) return this.element(field, input, path);
    if (Array.isArray(input) && field.arrayBound !== undefined && input.length > field.arrayBound) {
      this.fail(
        path,
        `expected at most ${field.arrayBound} elements (${field.typeText}), got ${input.length}`,
      );
    }
    if (input === undefined || input === null) {
      return Array.from({ length: field.arrayLength ?? 0 }, (_, i) =>
        this.element(field, undefined, `${path}[${i}]`),
      );
    }
    if (!Array.isArray(input))
      this.fail(path, `expected a list (${field.typeText}), got ${describe(input)}`);
    if (field.arrayLength !== undefined && input.length !== field.arrayLength) {
      this.fail(
        path,
        `expected exactly ${field.arrayLength} elements (${field.typeText}), got ${input.length}`,
      );
    }
    return input.map((element, i) => this.element(field, element, `${path}[${i}]`));
  }

  element(field: ResolvedField, input: unknown, path: string): unknown {
    if (!field.isBuiltin) return this.message(this.schema.resolve(field.type), input, path);
    const type = field.type;
    // The parser reads every integer as bigint; only int64 fields keep it.
    if (typeof input === "bigint" && INT64_RANGES[type] === undefined) input = Number(input);
    if (type === "bool") {
      if (input === undefined) return false;
      if (typeof input === "boolean") return input;
      if (input === 0 || input === 1) return input === 1;
      return this.fail(path, `expected true or false, got ${describe(input)}`);
    }
    if (type === "string" || type === "wstring") {
      if (input === undefined) return "";
      if (typeof input !== "string") {
        return this.fail(
          path,
          `expected a string, got ${describe(input)} (quote it to make it a string)`,
        );
      }
      const bound = field.stringBound;
      if (bound !== undefined) {
        // rosidl bounds a string in bytes (UTF-8) and a wstring in characters.
        const size = type === "string" ? utf8.encode(input).length : input.length;
        if (size > bound) {
          const unit = type === "string" ? "bytes" : "characters";
          this.fail(path, `${size} ${unit} is longer than ${field.typeText} allows`);
        }
      }
      return input;
    }
    if (type === "float32" || type === "float64") {
      if (input === undefined) return 0;
      if (typeof input === "number") return input;
      const special = typeof input === "string" ? SPECIAL_FLOATS[input.toLowerCase()] : undefined;
      if (special !== undefined) return special;
      return this.fail(path, `expected a number, got ${describe(input)}`);
    }
    if (type === "time" || type === "duration") return this.time(type, input, path);
    const range64 = INT64_RANGES[type];
    if (range64 !== undefined) {
      if (input === undefined) return 0n;
      let value: bigint | undefined;
      if (typeof input === "bigint") value = input;
      else if (typeof input === "number" && Number.isSafeInteger(input)) value = BigInt(input);
      else if (typeof input === "string" && /^[-+]?\d+$/.test(input.trim()))
        value = BigInt(input.trim());
      else if (typeof input === "number" && Number.isInteger(input)) {
        this.fail(path, `${input} is beyond 2^53 and was rounded; write it as a string of digits`);
      }
      if (value === undefined)
        return this.fail(path, `expected an integer (${type}), got ${describe(input)}`);
      if (value < range64[0] || value > range64[1]) {
        this.fail(path, `${value} is out of range for ${type} [${range64[0]}, ${range64[1]}]`);
      }
      return value;
    }
    const range = INTEGER_RANGES[type];
    if (range === undefined) return this.fail(path, `unsupported builtin type ${type}`);
    if (input === undefined) return 0;
    if (typeof input !== "number" || !Number.isInteger(input)) {
      return this.fail(path, `expected an integer (${type}), got ${describe(input)}`);
    }
    if (input < range[0] || input > range[1]) {
      this.fail(path, `${input} is out of range for ${type} [${range[0]}, ${range[1]}]`);
    }
    return input;
  }

  time(type: "time" | "duration", input: unknown, path: string): Time {
    const [min, max] = type === "time" ? [0, 4294967295] : [-2147483648, 2147483647];
    let sec: unknown;
    let nsec: unknown;
    if (input === undefined) return { sec: 0, nsec: 0 };
    if (input === "now" && type === "time") return this.now();
    input = toNumber(input);
    if (typeof input === "number" && Number.isFinite(input)) {
      sec = Math.floor(input);
      nsec = Math.round((input - Math.floor(input)) * 1e9);
      if (nsec === 1e9) [sec, nsec] = [(sec as number) + 1, 0];
    } else if (isMapping(input)) {
      const keys = Object.keys(input);
      const extra = keys.filter((k) => !["sec", "nsec", "secs", "nsecs"].includes(k));
      if (extra.length > 0)
        this.fail(path, `unexpected key "${extra[0]}" in a ${type} (use sec and nsec)`);
      sec = toNumber(input.sec ?? input.secs ?? 0);
      nsec = toNumber(input.nsec ?? input.nsecs ?? 0);
    } else {
      const hint = type === "time" ? ', seconds, or "now"' : " or seconds";
      this.fail(path, `expected a ${type} ({sec, nsec}${hint}), got ${describe(input)}`);
    }
    if (typeof sec !== "number" || !Number.isInteger(sec) || sec < min || sec > max) {
      this.fail(`${path}.sec`, `expected an integer in [${min}, ${max}], got ${describe(sec)}`);
    }
    if (typeof nsec !== "number" || !Number.isInteger(nsec) || nsec < 0 || nsec > 999_999_999) {
      this.fail(`${path}.nsec`, `expected an integer in [0, 999999999], got ${describe(nsec)}`);
    }
    return { sec, nsec };
  }
}

/**
 * The complete message for `schema` from parsed input (`parseMessageText`), zero-filled; throws
 * a `MessageInputError` naming the field path of the first mistake.
 */
export function buildMessage(
  input: unknown,
  schema: MessageSchema,
  options: BuildOptions = {},
): Record<string, unknown> {
  return new Builder(schema, options.now ?? wallClock).message(schema.root, input, "");
}
