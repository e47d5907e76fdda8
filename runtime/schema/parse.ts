/**
 * Parses one ROS 1 message definition (the text of a `.msg` file, half a `.srv`, or one `MSG:`
 * block) the way genmsg's `load_msg_from_string` does, keeping what the md5 and the full text
 * need: types as written (`char` stays `char`), constant value text, the raw text, line numbers.
 *
 * @foxglove/rosmsg is not used here: it rewrites `char`/`byte` to `uint8`/`int8` (which gives
 * wrong md5s) and keeps no line numbers for error messages.
 */
import {
  type BuiltinType,
  type ConstantDef,
  type ConstantValue,
  type DefinitionProblem,
  type FieldDef,
  type MessageSpec,
  type SourceRef,
  isBuiltin,
} from "./model.js";
import { printable, quote } from "./quote.js";

/** genmsg `BASE_RESOURCE_NAME_LEGAL_CHARS_P`: field, constant, package and type base names. */
const BASE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const INTEGER_BITS: Readonly<Record<string, { bits: number; signed: boolean }>> = {
  int8: { bits: 8, signed: true },
  uint8: { bits: 8, signed: false },
  int16: { bits: 16, signed: true },
  uint16: { bits: 16, signed: false },
  int32: { bits: 32, signed: true },
  uint32: { bits: 32, signed: false },
  int64: { bits: 64, signed: true },
  uint64: { bits: 64, signed: false },
  byte: { bits: 8, signed: true },
  char: { bits: 8, signed: false },
};

export function isValidBaseName(name: string): boolean {
  return BASE_NAME.test(name);
}

/** Splits `pkg/Name` (or a bare `Name`) and checks both parts. */
export function isValidTypeName(name: string): boolean {
  const parts = name.split("/");
  if (parts.length > 2) return false;
  return parts.every((p) => BASE_NAME.test(p));
}

export interface ParseResult {
  spec: MessageSpec;
  problems: DefinitionProblem[];
}

/**
 * Parses `text` as the definition of `fullName` (`pkg/Name`). Problems are collected, not
 * thrown, so that a run can report every error of every file together.
 */
export function parseMessage(fullName: string, text: string, source: SourceRef): ParseResult {
  return parseDeclarations(fullName, text, source, (raw, line, problem) => {
    const clean = stripComment(raw);
    if (clean === "") return undefined;
    return clean.includes("=")
      ? parseConstant(raw, clean, line, problem)
      : parseField(clean, line, problem);
  });
}

/**
 * The line loop shared by ROS 1 and ROS 2 definitions: `parseLine` reads one line (undefined for
 * a blank or comment line, or after reporting a problem); names declared twice are reported.
 */
export function parseDeclarations(
  fullName: string,
  text: string,
  source: SourceRef,
  parseLine: (
    raw: string,
    line: number,
    problem: (message: string) => void,
  ) => FieldDef | ConstantDef | undefined,
): ParseResult {
  const slash = fullName.indexOf("/");
  const pkg = slash < 0 ? "" : fullName.slice(0, slash);
  const name = slash < 0 ? fullName : fullName.slice(slash + 1);
  const fields: FieldDef[] = [];
  const constants: ConstantDef[] = [];
  const problems: DefinitionProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = source.firstLine + i;
    const problem = (message: string) => problems.push({ file: source.file, line, message });
    const declared = parseLine(lines[i]!, line, problem);
    if (declared === undefined) continue;
    const earlier = seen.get(declared.name);
    if (earlier !== undefined) {
      problem(`duplicate name ${quote(declared.name)} (first declared on line ${earlier})`);
      continue;
    }
    seen.set(declared.name, line);
    if ("valueText" in declared) constants.push(declared);
    else fields.push(declared);
  }
  return {
    spec: { fullName, package: pkg, name, text, fields, constants, source },
    problems,
  };
}

/** genmsg `_strip_comments`: everything from the first `#`, then whitespace. */
function stripComment(line: string): string {
  const hash = line.indexOf("#");
  return (hash < 0 ? line : line.slice(0, hash)).trim();
}

function parseField(
  clean: string,
  line: number,
  problem: (message: string) => void,
): FieldDef | undefined {
  const tokens = clean.split(/\s+/);
  if (tokens.length !== 2) {
    problem(`invalid declaration ${quote(clean)}: expected 'TYPE NAME' or 'TYPE NAME=VALUE'`);
    return undefined;
  }
  const [typeText, name] = tokens as [string, string];
  if (!BASE_NAME.test(name)) {
    problem(
      `${quote(name)} is not a legal field name (letters, digits and '_', starting with a letter)`,
    );
    return undefined;
  }
  const match = /^([^[\]]+)(?:\[(\d*)\])?$/.exec(typeText);
  if (match === null) {
    problem(`${quote(typeText)} is not a legal type (expected TYPE, TYPE[] or TYPE[N])`);
    return undefined;
  }
  const baseType = match[1]!;
  if (!isBuiltin(baseType) && !isValidTypeName(baseType)) {
    problem(`${quote(baseType)} is not a legal type name (expected a builtin, Name or pkg/Name)`);
    return undefined;
  }
  const isArray = match[2] !== undefined;
  let arrayLength: number | undefined;
  if (isArray && match[2] !== "") {
    arrayLength = Number(match[2]);
    if (!Number.isSafeInteger(arrayLength) || arrayLength > 0xffffffff) {
      problem(`array length ${match[2]} of ${quote(name)} is too large`);
      return undefined;
    }
  }
  return { name, baseType, typeText, isArray, arrayLength, line };
}

function parseConstant(
  raw: string,
  clean: string,
  line: number,
  problem: (message: string) => void,
): ConstantDef | undefined {
  const type = clean.split(/\s+/)[0]!;
  if (!isBuiltin(type) || type === "time" || type === "duration") {
    problem(`${quote(type)} is not a legal constant type (constants are numbers, bool or string)`);
    return undefined;
  }
  let name: string;
  let valueText: string;
  if (type === "string") {
    // genmsg: a string constant is everything right of '=', comments included.
    const eq = raw.indexOf("=");
    const afterType = raw.indexOf(type) + type.length;
    name = raw.slice(afterType, eq).trim();
    valueText = raw.slice(eq + 1).trim();
  } else {
    const rest = clean.slice(type.length).split("=");
    if (rest.length !== 2) {
      problem(`invalid constant declaration ${quote(clean)}: expected 'TYPE NAME=VALUE'`);
      return undefined;
    }
    name = rest[0]!.trim();
    valueText = rest[1]!.trim();
  }
  if (!BASE_NAME.test(name)) {
    problem(`${quote(name)} is not a legal constant name`);
    return undefined;
  }
  const value = constantValue(type, valueText);
  if (typeof value === "object") {
    problem(`constant ${name}: ${value.error}`);
    return undefined;
  }
  return { type, name, valueText, value, line };
}

/** genmsg `convert_constant_value`, with its bounds checks. */
function constantValue(type: BuiltinType, text: string): ConstantValue | { error: string } {
  if (type === "string") return text;
  if (type === "float32" || type === "float64") {
    const value = parsePythonFloat(text);
    return value ?? { error: `${quote(text)} is not a ${type} value` };
  }
  if (type === "bool") {
    if (text === "True") return true;
    if (text === "False") return false;
    const n = parsePythonInt(text);
    if (n !== undefined) return n !== 0n;
    return { error: `${quote(text)} is not a bool value (use True, False, 1 or 0)` };
  }
  const spec = INTEGER_BITS[type]!;
  const n = parsePythonInt(text);
  if (n === undefined) return { error: `${quote(text)} is not an integer` };
  const bits = BigInt(spec.bits);
  const min = spec.signed ? -(1n << (bits - 1n)) : 0n;
  const max = spec.signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (n < min || n > max) {
    return { error: `${printable(text)} does not fit ${type} (${min}..${max})` };
  }
  return spec.bits === 64 ? n : Number(n);
}

/** Python `int(text)`: optional sign, decimal digits with single underscores between them. */
function parsePythonInt(text: string): bigint | undefined {
  if (!/^[+-]?\d+(?:_\d+)*$/.test(text)) return undefined;
  return BigInt(text.replace(/_/g, ""));
}

/** Python `float(text)`: decimal and exponent forms, `inf`, `infinity`, `nan` (any case). */
function parsePythonFloat(text: string): number | undefined {
  const t = text.replace(/_/g, "");
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special !== null) {
    if (special[2]!.toLowerCase() === "nan") return NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}
