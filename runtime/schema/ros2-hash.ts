/**
 * ROS 2 type description hashes (`RIHS01_<sha256>`, REP 2011), computed the way
 * rosidl_generator_type_description does: the type's description and those of every type it
 * refers to (sorted by name), default values left out, serialized as Python's `json.dumps` with
 * `', '` and `': '` separators, then SHA-256.
 */
import type { TypeSet } from "./resolve.js";
import { sha256Hex } from "./sha256.js";

/** type_description_interfaces/FieldType ids of the primitive types (after .msg → .idl). */
const TYPE_ID: Readonly<Record<string, number>> = {
  int8: 2,
  uint8: 3,
  // rosidl_adapter maps .msg `char` to IDL uint8 (and `byte` to octet).
  char: 3,
  int16: 4,
  uint16: 5,
  int32: 6,
  uint32: 7,
  int64: 8,
  uint64: 9,
  float32: 10,
  float64: 11,
  bool: 15,
  byte: 16,
  string: 17,
  wstring: 18,
};
const NESTED = 1;
const BOUNDED_STRING = 21;
const BOUNDED_WSTRING = 22;
/** Added to a type id for a fixed array, a bounded sequence, an unbounded sequence. */
const ARRAY = 48;
const BOUNDED_SEQUENCE = 96;
const UNBOUNDED_SEQUENCE = 144;

interface FieldJson {
  name: string;
  type: { type_id: number; capacity: number; string_capacity: number; nested_type_name: string };
}

interface TypeJson {
  type_name: string;
  fields: FieldJson[];
}

/**
 * The hash of `root` (an internal `pkg/Type` key of `types`); `fullName` gives rosidl's name
 * (`pkg/msg/Type`, `pkg/srv/Type_Request`...) of each key.
 */
export function ros2TypeHash(
  types: TypeSet,
  root: string,
  fullName: (key: string) => string,
): string {
  const describe = (key: string): TypeJson => {
    const spec = types.spec(key)!;
    const fields: FieldJson[] = spec.fields.map((f) => {
      const resolved = types.resolveTypeName(f.baseType, spec.package);
      const nested = TYPE_ID[f.baseType] === undefined;
      let id = nested ? NESTED : TYPE_ID[f.baseType]!;
      if (f.stringBound !== undefined)
        id = f.baseType === "wstring" ? BOUNDED_WSTRING : BOUNDED_STRING;
      if (f.isArray) {
        id +=
          f.arrayLength !== undefined
            ? ARRAY
            : f.arrayBound !== undefined
              ? BOUNDED_SEQUENCE
              : UNBOUNDED_SEQUENCE;
      }
      return {
        name: f.name,
        type: {
          type_id: id,
          capacity: f.arrayLength ?? f.arrayBound ?? 0,
          string_capacity: f.stringBound ?? 0,
          nested_type_name: nested && typeof resolved === "string" ? fullName(resolved) : "",
        },
      };
    });
    // rosidl gives an empty message its placeholder member.
    if (fields.length === 0) {
      fields.push({
        name: "structure_needs_at_least_one_member",
        type: { type_id: TYPE_ID.uint8!, capacity: 0, string_capacity: 0, nested_type_name: "" },
      });
    }
    return { type_name: fullName(key), fields };
  };
  const referenced = types
    .dependencies(root)
    .map(describe)
    .sort((a, b) => (a.type_name < b.type_name ? -1 : a.type_name > b.type_name ? 1 : 0));
  const json = pythonJson({
    type_description: describe(root),
    referenced_type_descriptions: referenced,
  });
  return `RIHS01_${sha256Hex(json)}`;
}

/** `json.dumps(value, separators=(', ', ': '), ensure_ascii=True)` for strings, ints, lists, dicts. */
function pythonJson(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(", ")}}`;
}
