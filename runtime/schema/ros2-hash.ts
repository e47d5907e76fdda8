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
  const describe = describer(types, fullName);
  const referenced = types.dependencies(root).map(describe).sort(byName);
  return hashOf(describe(root), referenced);
}

/** A service's members in its description: fields naming its three message types. */
const SERVICE_PARTS = [
  ["request_message", "_Request"],
  ["response_message", "_Response"],
  ["event_message", "_Event"],
] as const;

/** An action's members: its three messages, its two services and its feedback message. */
const ACTION_PARTS = [
  ["goal", "_Goal"],
  ["result", "_Result"],
  ["feedback", "_Feedback"],
  ["send_goal_service", "_SendGoal"],
  ["get_result_service", "_GetResult"],
  ["feedback_message", "_FeedbackMessage"],
] as const;

/**
 * The hash of a service (`kind` "srv": `pkg/X` with types `pkg/X_Request`, `_Response`, `_Event`
 * in `types`) or an action ("action": `pkg/X_Goal`... and the `pkg/X_SendGoal`/`_GetResult`
 * services), as rosidl computes it: a description whose fields are the parts as nested types
 * (`request_message`, `response_message`, `event_message`; an action's `goal`, `result`,
 * `feedback`, `send_goal_service`, `get_result_service`, `feedback_message`), every part and what
 * it refers to among the referenced descriptions (an action's services as service descriptions).
 * `fullName` names the message types; services and actions are named from them
 * (`pkg/srv/X_Request` gives `pkg/srv/X`).
 */
export function ros2InterfaceHash(
  types: TypeSet,
  key: string,
  kind: "srv" | "action",
  fullName: (key: string) => string,
): string {
  const describe = describer(types, fullName);
  const referenced = new Map<string, TypeJson>();
  const addMessage = (message: string) => {
    for (const k of [message, ...types.dependencies(message)]) {
      const d = describe(k);
      referenced.set(d.type_name, d);
    }
  };
  const members = (
    parts: readonly (readonly [string, string])[],
    of: string,
    add: (part: string) => string,
  ): FieldJson[] =>
    parts.map(([name, suffix]) => ({
      name,
      type: {
        type_id: NESTED,
        capacity: 0,
        string_capacity: 0,
        nested_type_name: add(of + suffix),
      },
    }));
  const service = (serviceKey: string): TypeJson => {
    const fields = members(SERVICE_PARTS, serviceKey, (part) => {
      addMessage(part);
      return fullName(part);
    });
    return { type_name: fullName(`${serviceKey}_Request`).replace(/_Request$/, ""), fields };
  };
  if (kind === "srv") return hashOf(service(key), [...referenced.values()].sort(byName));
  const fields = members(ACTION_PARTS, key, (part) => {
    if (part.endsWith("_SendGoal") || part.endsWith("_GetResult")) {
      const d = service(part);
      referenced.set(d.type_name, d);
      return d.type_name;
    }
    addMessage(part);
    return fullName(part);
  });
  const root = { type_name: fullName(`${key}_Goal`).replace(/_Goal$/, ""), fields };
  return hashOf(root, [...referenced.values()].sort(byName));
}

function byName(a: TypeJson, b: TypeJson): number {
  return a.type_name < b.type_name ? -1 : a.type_name > b.type_name ? 1 : 0;
}

function hashOf(root: TypeJson, referenced: TypeJson[]): string {
  const json = pythonJson({
    type_description: root,
    referenced_type_descriptions: referenced,
  });
  return `RIHS01_${sha256Hex(json)}`;
}

/** The description of one message type of `types` (by internal key). */
function describer(types: TypeSet, fullName: (key: string) => string): (key: string) => TypeJson {
  return (key: string): TypeJson => {
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
