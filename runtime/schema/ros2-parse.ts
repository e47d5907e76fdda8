/**
 * Parses one ROS 2 message definition (a `.msg` file, one part of a `.srv`/`.action`, or one
 * `MSG:` block of an MCAP `ros2msg` schema) with rosidl's syntax: bounded strings `string<=N`,
 * arrays `T[]`, `T[N]`, `T[<=N]`, default values after the field name (numbers, booleans, quoted
 * strings, `[...]` arrays), constants `TYPE NAME=VALUE`, `#` comments outside quotes.
 *
 * Type names are kept internally as `pkg/Type`: rosidl writes `pkg/Type` in field types, rosbag2
 * names schemas `pkg/msg/Type`, old bags `pkg/Type`; `ros2Key` maps all of them to one key.
 */
import type {
  ConstantDef,
  ConstantValue,
  DefinitionProblem,
  FieldDef,
  MessageSpec,
  SourceRef,
} from "./model.js";
import { printable, quote } from "./quote.js";
import { parseDeclarations } from "./parse.js";
import { isRos2Builtin } from "./resolve.js";

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** `TYPE NAME=VALUE` (spaces around `=` allowed, as rosidl allows them). */
const CONSTANT = /^(\S+)\s+([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const FIELD = /^(\S+)\s+(\S+)(?:\s+(.*))?$/;
/** `base`, `base<=N` (strings), then optionally `[]`, `[N]`, `[<=N]`. */
const TYPE = /^([A-Za-z][A-Za-z0-9_/]*)(?:<=(\d+))?(?:\[(<=)?(\d*)\])?$/;

const INTEGER_BITS: Readonly<Record<string, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true },
  uint8: { bits: 8, signed: false },
  byte: { bits: 8, signed: false },
  char: { bits: 8, signed: false },
  int16: { bits: 16, signed: true },
  uint16: { bits: 16, signed: false },
  int32: { bits: 32, signed: true },
  uint32: { bits: 32, signed: false },
  int64: { bits: 64, signed: true },
  uint64: { bits: 64, signed: false },
};

/**
 * The internal key of a ROS 2 type name: `pkg/msg/Type`, `pkg/srv/Type_Request`,
 * `pkg/action/Type_Goal` and `pkg/Type` all become `pkg/Type` (or `pkg/Type_Request`...).
 * Undefined when the name is not of one of these forms.
 */
export function ros2Key(name: string): string | undefined {
  const parts = name.split("/");
  if (parts.length === 3 && ["msg", "srv", "action"].includes(parts[1]!)) {
    parts.splice(1, 1);
  }
  if (parts.length !== 2 || !parts.every((p) => NAME.test(p))) return undefined;
  return parts.join("/");
}

export interface Ros2ParseResult {
  spec: MessageSpec;
  problems: DefinitionProblem[];
}

/** Parses `text` as the definition of `key` (`pkg/Type`); problems are collected, not thrown. */
export function parseRos2Message(key: string, text: string, source: SourceRef): Ros2ParseResult {
  return parseDeclarations(key, text, source, (raw, line, problem) => {
    const clean = stripComment(raw).trim();
    if (clean === "") return undefined;
    return CONSTANT.test(clean)
      ? parseConstant(clean, line, problem)
      : parseField(clean, line, problem);
  });
}

/** The line up to its first `#` outside single or double quotes (backslash escapes quotes). */
function stripComment(line: string): string {
  let quoteChar = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoteChar !== "") {
      if (c === "\\") i++;
      else if (c === quoteChar) quoteChar = "";
    } else if (c === '"' || c === "'") quoteChar = c;
    else if (c === "#") return line.slice(0, i);
  }
  return line;
}

interface ParsedType {
  base: string;
  stringBound: number | undefined;
  isArray: boolean;
  arrayLength: number | undefined;
  arrayBound: number | undefined;
}

function parseType(typeText: string, problem: (message: string) => void): ParsedType | undefined {
  const m = TYPE.exec(typeText);
  if (m === null) {
    problem(
      `${quote(typeText)} is not a legal type (expected TYPE, string<=N, TYPE[], TYPE[N] or TYPE[<=N])`,
    );
    return undefined;
  }
  const base = m[1]!;
  if (!isRos2Builtin(base)) {
    const parts = base.split("/");
    const ok =
      (parts.length === 1 || parts.length === 2 || (parts.length === 3 && parts[1] === "msg")) &&
      parts.every((p) => NAME.test(p));
    if (!ok) {
      problem(`${quote(base)} is not a legal type name (expected a builtin, Type or pkg/Type)`);
      return undefined;
    }
  }
  const number = (text: string, what: string): number | undefined => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n > 0xffffffff) {
      problem(`${what} ${printable(text)} of ${quote(typeText)} is too large`);
      return undefined;
    }
    return n;
  };
  let stringBound: number | undefined;
  if (m[2] !== undefined) {
    if (base !== "string" && base !== "wstring") {
      problem(`${quote(typeText)}: only string and wstring take a bound (<=N)`);
      return undefined;
    }
    stringBound = number(m[2], "string bound");
    if (stringBound === undefined) return undefined;
  }
  const isArray = m[4] !== undefined;
  let arrayLength: number | undefined;
  let arrayBound: number | undefined;
  if (isArray && m[3] === "<=") {
    if (m[4] === "") {
      problem(`${quote(typeText)}: a bounded array needs its bound, T[<=N]`);
      return undefined;
    }
    arrayBound = number(m[4]!, "array bound");
    if (arrayBound === undefined) return undefined;
  } else if (isArray && m[4] !== "") {
    arrayLength = number(m[4]!, "array length");
    if (arrayLength === undefined) return undefined;
  }
  const key = base.split("/").length === 3 ? ros2Key(base)! : base;
  return { base: key, stringBound, isArray, arrayLength, arrayBound };
}

function parseField(
  clean: string,
  line: number,
  problem: (message: string) => void,
): FieldDef | undefined {
  const m = FIELD.exec(clean);
  if (m === null) {
    problem(
      `invalid declaration ${quote(clean)}: expected 'TYPE NAME [DEFAULT]' or 'TYPE NAME=VALUE'`,
    );
    return undefined;
  }
  const [, typeText, name, defaultText] = m as unknown as [string, string, string, string?];
  if (!NAME.test(name)) {
    problem(
      `${quote(name)} is not a legal field name (letters, digits and '_', starting with a letter)`,
    );
    return undefined;
  }
  const type = parseType(typeText, problem);
  if (type === undefined) return undefined;
  const field: FieldDef = {
    name,
    baseType: type.base,
    typeText,
    isArray: type.isArray,
    arrayLength: type.arrayLength,
    line,
    ...(type.stringBound !== undefined ? { stringBound: type.stringBound } : {}),
    ...(type.arrayBound !== undefined ? { arrayBound: type.arrayBound } : {}),
  };
  if (defaultText !== undefined) {
    const what = `default value of ${name}`;
    if (!isRos2Builtin(type.base)) {
      problem(`${what}: only fields of builtin types take a default value`);
      return undefined;
    }
    const value = type.isArray
      ? arrayValue(type.base, defaultText.trim(), type.stringBound)
      : scalarValue(type.base, defaultText.trim(), type.stringBound);
    if (isError(value)) {
      problem(`${what}: ${value.error}`);
      return undefined;
    }
    if (Array.isArray(value)) {
      const n = value.length;
      if (type.arrayLength !== undefined && n !== type.arrayLength) {
        problem(`${what}: ${n} elements for a fixed array of ${type.arrayLength}`);
        return undefined;
      }
      if (type.arrayBound !== undefined && n > type.arrayBound) {
        problem(`${what}: ${n} elements for an array of at most ${type.arrayBound}`);
        return undefined;
      }
    }
    field.defaultText = defaultText.trim();
    field.defaultValue = value;
  }
  return field;
}

function parseConstant(
  clean: string,
  line: number,
  problem: (message: string) => void,
): ConstantDef | undefined {
  const [, typeText, name, valueText] = CONSTANT.exec(clean) as unknown as [
    string,
    string,
    string,
    string,
  ];
  const type = parseType(typeText, problem);
  if (type === undefined) return undefined;
  if (!isRos2Builtin(type.base) || type.isArray) {
    problem(`${quote(typeText)} is not a legal constant type (constants are builtin scalars)`);
    return undefined;
  }
  const value = scalarValue(type.base, valueText.trim(), type.stringBound);
  if (isError(value)) {
    problem(`constant ${name}: ${value.error}`);
    return undefined;
  }
  const constantType = (type.base === "byte" || type.base === "char" ? "uint8" : type.base) as
    ConstantDef["type"] | "wstring";
  return { type: constantType, name, valueText: valueText.trim(), value, line };
}

type ValueError = { error: string };
function isError(value: unknown): value is ValueError {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "error" in value;
}

/** rosidl `parse_primitive_value_string`. */
function scalarValue(
  type: string,
  text: string,
  stringBound: number | undefined,
): ConstantValue | ValueError {
  if (type === "string" || type === "wstring") {
    const value = unquote(text);
    if (isError(value)) return value;
    if (stringBound !== undefined && value.length > stringBound) {
      return { error: `${quote(value)} is longer than the bound ${stringBound}` };
    }
    return value;
  }
  if (type === "bool") {
    const lower = text.toLowerCase();
    if (lower === "true" || lower === "1") return true;
    if (lower === "false" || lower === "0") return false;
    return { error: `${quote(text)} is not a bool value (true, false, 1 or 0)` };
  }
  if (type === "float32" || type === "float64") {
    const t = text.toLowerCase();
    const special: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: NaN };
    if (t in special) return special[t]!;
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) {
      return { error: `${quote(text)} is not a ${type} value` };
    }
    return Number(text);
  }
  const spec = INTEGER_BITS[type]!;
  let n: bigint;
  if (/^[+-]?\d+$/.test(text)) n = BigInt(text);
  else if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) {
    n = BigInt(text.replace(/^[+-]/, "")) * (text.startsWith("-") ? -1n : 1n);
  } else return { error: `${quote(text)} is not an integer` };
  const bits = BigInt(spec.bits);
  const min = spec.signed ? -(1n << (bits - 1n)) : 0n;
  const max = spec.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (n < min || n > max)
    return { error: `${printable(text)} does not fit ${type} (${min}..${max})` };
  return spec.bits === 64 ? n : Number(n);
}

/** A string value: quoted with `'` or `"` (backslash escapes), or the bare text. */
function unquote(text: string): string | ValueError {
  const q = text[0];
  if (q !== '"' && q !== "'") return text;
  if (text.length < 2 || text[text.length - 1] !== q) {
    return { error: `${quote(text)} has no closing ${q}` };
  }
  let out = "";
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length - 1) {
      out += text[++i];
    } else if (c === q) {
      return { error: `${quote(text)}: unescaped ${q} inside the string` };
    } else out += c;
  }
  return out;
}

/** rosidl `parse_value_string` for arrays: `[a, b, ...]`, strings quoted or bare. */
function arrayValue(
  type: string,
  text: string,
  stringBound: number | undefined,
): ConstantValue[] | ValueError {
  if (!text.startsWith("[") || !text.endsWith("]")) {
    return { error: `${quote(text)} is not an array value ([a, b, ...])` };
  }
  const inner = text.slice(1, -1).trim();
  if (inner === "") return [];
  const items: string[] = [];
  let current = "";
  let quoteChar = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quoteChar !== "") {
      current += c;
      if (c === "\\" && i + 1 < inner.length) current += inner[++i];
      else if (c === quoteChar) quoteChar = "";
    } else if (c === '"' || c === "'") {
      quoteChar = c;
      current += c;
    } else if (c === ",") {
      items.push(current.trim());
      current = "";
    } else current += c;
  }
  if (quoteChar !== "") return { error: `${quote(text)} has an unclosed ${quoteChar}` };
  items.push(current.trim());
  const out: ConstantValue[] = [];
  for (const item of items) {
    const value = scalarValue(type, item, stringBound);
    if (isError(value)) return value;
    out.push(value);
  }
  return out;
}
