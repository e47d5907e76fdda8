/**
 * The parsed and resolved shape of ROS 1 message definitions, shared by the generator (files) and
 * `compileCodec` (definition text from bags and bridges).
 */

/** Builtin field types of ROS 1 (genmsg `BUILTIN_TYPES`). */
export const BUILTIN_TYPES = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
  "string",
  "char",
  "byte",
  "time",
  "duration",
] as const;
export type BuiltinType = (typeof BUILTIN_TYPES)[number];

const builtinSet: ReadonlySet<string> = new Set(BUILTIN_TYPES);
export function isBuiltin(type: string): type is BuiltinType {
  return builtinSet.has(type);
}

/** Where a definition came from: a file (or a `MSG:` block of a full text) and its first line. */
export interface SourceRef {
  /** File path, or a label such as `<definition of pkg/Type>` for text without a file. */
  file: string;
  /** 1-based line in `file` where the definition's text starts. */
  firstLine: number;
}

export interface FieldDef {
  name: string;
  /** The element type as written, without array brackets: `uint8`, `char`, `Header`, `geometry_msgs/Point`. */
  baseType: string;
  /** The whole type as written, brackets included: `uint8[4]`, `Point[]`. */
  typeText: string;
  isArray: boolean;
  /** Fixed length for `T[N]`; undefined for `T[]` and scalars. */
  arrayLength: number | undefined;
  /** 1-based line in the source file. */
  line: number;
  /** ROS 2 `string<=N`/`wstring<=N`: the most characters the string may hold. */
  stringBound?: number;
  /** ROS 2 `T[<=N]`: the most elements the sequence may hold. */
  arrayBound?: number;
  /** ROS 2 default value as written (`int32 x 5`, `string s "hi"`, `int8[] a [1, 2]`). */
  defaultText?: string;
  /** The default value parsed (numbers, bigint, booleans, strings, or arrays of them). */
  defaultValue?: unknown;
}

export type ConstantValue = number | bigint | string | boolean;

export interface ConstantDef {
  /** A ROS 1 builtin, or a ROS 2 one (`wstring` included). */
  type: BuiltinType | "wstring";
  name: string;
  /** The value text as genmsg keeps it (stripped), which is what the md5 text uses. */
  valueText: string;
  value: ConstantValue;
  line: number;
}

/** One message type as parsed from its own text (a `.msg` file, half a `.srv`, a `MSG:` block). */
export interface MessageSpec {
  /** `pkg/Name`. */
  fullName: string;
  package: string;
  name: string;
  /** The definition text exactly as genmsg keeps it (comments included): used for full text. */
  text: string;
  fields: FieldDef[];
  constants: ConstantDef[];
  source: SourceRef;
}

/** A field whose type has been resolved against the known types. */
export interface ResolvedField {
  name: string;
  /** Builtin name, or the full `pkg/Name` of a message type. */
  type: string;
  isBuiltin: boolean;
  isArray: boolean;
  arrayLength: number | undefined;
  /** As written (used by the md5 text for builtins). */
  typeText: string;
  /** ROS 2 bounded strings and sequences (see `FieldDef`). */
  stringBound?: number;
  arrayBound?: number;
}

export interface ResolvedType {
  spec: MessageSpec;
  fields: ResolvedField[];
  md5sum: string;
  /** Full definition text in `gendeps --cat` form. */
  definition: string;
}

/** A service: request and response types plus the service md5. */
export interface ServiceSpec {
  fullName: string;
  package: string;
  name: string;
  request: string;
  response: string;
  source: SourceRef;
}

/** A problem in a definition, with the place it was found. */
export interface DefinitionProblem {
  file: string;
  line: number;
  message: string;
}

/** One or more definition problems, reported together. */
export class DefinitionError extends Error {
  override name = "DefinitionError";
  constructor(readonly problems: readonly DefinitionProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join("\n"));
  }
}
