/**
 * ROS 2 IDL definitions (`ros2idl`, what foxglove_bridge sends for a type that has only an `.idl`
 * file) turned into the `ros2msg` full text the CDR codec compiler reads, so that one parser,
 * one resolver, one hash function and one emitter serve both forms.
 *
 * The IDL is parsed by @foxglove/ros2idl-parser (OMG IDL grammar, typedefs and constant
 * expressions resolved, one flat definition per struct and per module holding constants). Each
 * struct `pkg::msg::Type` becomes a `MSG: pkg/msg/Type` block, the root's first; the constants of
 * module `Type_Constants` (how rosidl writes a .msg's constants in IDL) go into `Type`'s block.
 */
import { parseRos2idl } from "@foxglove/ros2idl-parser";

type MessageDefinition = ReturnType<typeof parseRos2idl>[number];
type MessageDefinitionField = MessageDefinition["definitions"][number];

export interface Ros2msgFromIdl {
  /** The `ros2msg` full text: the root type's fields, then a `MSG: pkg/msg/Type` block per struct. */
  definition: string;
  /**
   * Whether the RIHS01 type hash of `definition` is the one rosidl gives the IDL type. False when
   * the IDL uses a type the parser folds into another (`octet` and `char` become `uint8`, whose
   * type ids differ in the type description): the hash is then unknown.
   */
  hashExact: boolean;
}

const SEPARATOR = "=".repeat(80);
/** A ROS 2 name in IDL form after the parser's `::` → `/`: `pkg/msg/Type`, `pkg/srv/Type_Request`. */
const ROS2_NAME = /^[A-Za-z][A-Za-z0-9_]*\/(msg|srv|action)\/[A-Za-z][A-Za-z0-9_]*$/;
/** Types the parser gives that ros2msg text writes the same way. */
const PRIMITIVES = new Set([
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
  "wstring",
]);

/**
 * The `ros2msg` text of `typeName` (`pkg/msg/Type`) from the IDL text the bridge sent. Throws an
 * `Error` with a one-line message naming what is wrong (IDL syntax, a type ROS 2 messages cannot
 * hold, a root struct that is not there).
 */
export function ros2msgFromIdl(typeName: string, idlText: string): Ros2msgFromIdl {
  let parsed: MessageDefinition[];
  try {
    parsed = parseRos2idl(idlText);
  } catch (error) {
    // nearley's messages run over many lines (the whole parser state): keep the first.
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
    throw new Error(`the IDL definition of ${typeName} does not parse: ${first}`);
  }
  const structs = new Map<string, MessageDefinitionField[]>();
  const constants = new Map<string, MessageDefinitionField[]>();
  for (const def of parsed) {
    const name = def.name ?? "";
    const fields = def.definitions;
    const isConstantModule = fields.length > 0 && fields.every((f) => f.isConstant === true);
    if (isConstantModule) {
      // rosidl: `module Type_Constants { const ... }` next to `struct Type`.
      if (name.endsWith("_Constants")) constants.set(name.slice(0, -"_Constants".length), fields);
      continue;
    }
    if (!ROS2_NAME.test(name)) {
      throw new Error(
        `the IDL definition of ${typeName} has a struct ${JSON.stringify(name.replaceAll("/", "::"))} ` +
          `outside a ROS 2 package module (pkg::msg, pkg::srv or pkg::action)`,
      );
    }
    structs.set(name, fields);
  }
  if (!structs.has(typeName)) {
    const found = [...structs.keys()];
    throw new Error(
      `the IDL definition of ${typeName} has no struct ${typeName.replaceAll("/", "::")}` +
        (found.length > 0 ? ` (it has ${found.join(", ")})` : ""),
    );
  }
  const blocks: string[] = [];
  for (const name of [typeName, ...[...structs.keys()].filter((n) => n !== typeName)]) {
    const lines = [
      ...(constants.get(name) ?? []).map((c) => constantLine(typeName, name, c)),
      ...structs.get(name)!.map((f) => fieldLine(typeName, name, f)),
    ];
    blocks.push(
      name === typeName ? lines.join("\n") : `${SEPARATOR}\nMSG: ${name}\n${lines.join("\n")}`,
    );
  }
  return { definition: blocks.join("\n") + "\n", hashExact: !usesFoldedTypes(idlText) };
}

function fieldLine(root: string, struct: string, field: MessageDefinitionField): string {
  let type: string;
  if (field.isComplex === true) {
    // Field types are written `pkg/Type` in ros2msg text (the `MSG:` line keeps the kind).
    const parts = field.type.split("/");
    if (parts.length !== 3) throw unsupported(root, struct, field, "a type outside pkg::msg");
    type = `${parts[0]}/${parts[2]}`;
  } else {
    if (!PRIMITIVES.has(field.type)) throw unsupported(root, struct, field, field.type);
    type = field.type;
  }
  if (field.upperBound !== undefined) type += `<=${field.upperBound}`;
  if (field.isArray === true) {
    if (field.arrayLength !== undefined) type += `[${field.arrayLength}]`;
    else if (field.arrayUpperBound !== undefined) type += `[<=${field.arrayUpperBound}]`;
    else type += "[]";
  }
  // ros2idl-parser renames builtin_interfaces' `nanosec` to `nsec` (for Foxglove's ROS 1 time
  // objects); rosidl, the type hash and noros's ROS 2 types keep `nanosec`.
  const renamed =
    (struct === "builtin_interfaces/msg/Time" || struct === "builtin_interfaces/msg/Duration") &&
    field.name === "nsec";
  // Default values (`@default`) are left out: they change neither the bytes nor the type hash.
  return `${type} ${renamed ? "nanosec" : field.name}`;
}

function constantLine(root: string, struct: string, constant: MessageDefinitionField): string {
  if (!PRIMITIVES.has(constant.type)) throw unsupported(root, struct, constant, constant.type);
  const value = constant.value;
  const text =
    typeof value === "string"
      ? `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
      : typeof value === "boolean"
        ? String(value)
        : (constant.valueText ?? String(value));
  return `${constant.type} ${constant.name}=${text}`;
}

function unsupported(
  root: string,
  struct: string,
  field: MessageDefinitionField,
  what: string,
): Error {
  return new Error(
    `the IDL definition of ${root}: ${struct.replaceAll("/", "::")}::${field.name} has type ` +
      `${what}, which ROS 2 messages cannot hold`,
  );
}

/**
 * Whether the IDL names `octet`, `char` or `wchar` outside comments and string literals: the
 * parser reports them as `uint8` (and `wchar` as a type of its own), while rosidl's type
 * description tells them apart, so the hash of the converted text could differ from rosidl's.
 */
function usesFoldedTypes(idlText: string): boolean {
  const code = idlText
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/[^\n]*/g, " ")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, " ");
  return /\b(octet|char|wchar)\b/.test(code);
}
