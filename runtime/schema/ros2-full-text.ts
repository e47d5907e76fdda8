/**
 * Reads a ROS 2 definition as MCAP `ros2msg` schemas and foxglove_bridge carry it (the root
 * type's text, then `====...` + `MSG: pkg/Type` blocks) into a `TypeSet`, and what real rosbag2
 * files carry besides: a service-event topic whose "definition" is the raw `.srv` text (request
 * `---` response), and texts that do not carry `builtin_interfaces/Time`/`Duration` or
 * `service_msgs/ServiceEventInfo` (those come from rosidl itself and never change).
 */
import { DefinitionError, type DefinitionProblem } from "./model.js";
import { printable, quote } from "./quote.js";
import { TypeSet } from "./resolve.js";
import { parseRos2Message, ros2Key } from "./ros2-parse.js";

const SEPARATOR_LINE = /^={3,}\s*$/;
const MSG_LINE = /^MSG:\s*(.*?)\s*$/;
const PART_LINE = /^---\s*$/;

/**
 * Definitions every ROS 2 distro ships with rosidl (Humble through Jazzy: identical fields),
 * used when a text refers to them without a `MSG:` block.
 */
export const IMPLIED: Readonly<Record<string, string>> = {
  "unique_identifier_msgs/UUID": "uint8[16] uuid",
  "builtin_interfaces/Time": "int32 sec\nuint32 nanosec",
  "builtin_interfaces/Duration": "int32 sec\nuint32 nanosec",
  "service_msgs/ServiceEventInfo": [
    "uint8 REQUEST_SENT = 0",
    "uint8 REQUEST_RECEIVED = 1",
    "uint8 RESPONSE_SENT = 2",
    "uint8 RESPONSE_RECEIVED = 3",
    "uint8 event_type",
    "builtin_interfaces/Time stamp",
    "uint8[16] client_gid",
    "int64 sequence_number",
  ].join("\n"),
};

export interface Ros2FullDefinition {
  types: TypeSet;
  /** The internal key of the root type (`pkg/Type`, `pkg/Type_Event`...). */
  root: string;
  /** rosidl's name of each type by internal key: `pkg/msg/Type`, `pkg/srv/Type_Event`... */
  fullNames: Map<string, string>;
}

/** `msg`, `srv` or `action` from a `pkg/kind/Type` name; undefined for `pkg/Type`. */
function kindOf(name: string): string | undefined {
  const parts = name.split("/");
  return parts.length === 3 ? parts[1] : undefined;
}

/**
 * The parts of a `.srv` (2) or `.action` (3) text and the types they give, keyed `pkg/Name_Part`;
 * services add `_Event`, actions the `_SendGoal`/`_GetResult` services and `_FeedbackMessage`.
 */
export function interfaceParts(
  key: string,
  text: string,
  firstLine: number,
): { name: string; text: string; firstLine: number }[] | undefined {
  const lines = text.split("\n");
  const cuts = lines.flatMap((l, i) => (PART_LINE.test(l) ? [i] : []));
  if (cuts.length === 0 || cuts.length > 2) return undefined;
  const part = (from: number, to: number) => ({
    text: lines.slice(from, to).join("\n"),
    firstLine: firstLine + from,
  });
  if (cuts.length === 1) {
    return [
      { name: `${key}_Request`, ...part(0, cuts[0]!) },
      { name: `${key}_Response`, ...part(cuts[0]! + 1, lines.length) },
      {
        name: `${key}_Event`,
        text: [
          "service_msgs/ServiceEventInfo info",
          `${key}_Request[<=1] request`,
          `${key}_Response[<=1] response`,
        ].join("\n"),
        firstLine,
      },
    ];
  }
  const uuid = "unique_identifier_msgs/UUID goal_id";
  return [
    { name: `${key}_Goal`, ...part(0, cuts[0]!) },
    { name: `${key}_Result`, ...part(cuts[0]! + 1, cuts[1]!) },
    { name: `${key}_Feedback`, ...part(cuts[1]! + 1, lines.length) },
    ...interfaceParts(
      `${key}_SendGoal`,
      `${uuid}\n${key}_Goal goal\n---\nbool accepted\nbuiltin_interfaces/Time stamp`,
      firstLine,
    )!,
    ...interfaceParts(
      `${key}_GetResult`,
      `${uuid}\n---\nint8 status\n${key}_Result result`,
      firstLine,
    )!,
    { name: `${key}_FeedbackMessage`, text: `${uuid}\n${key}_Feedback feedback`, firstLine },
  ];
}

/**
 * Parses `text` as the full ROS 2 definition of `typeName` (`pkg/msg/Type`, `pkg/Type`,
 * `pkg/srv/Type_Event`...). Throws one `DefinitionError` listing every problem.
 */
export function parseRos2FullDefinition(typeName: string, text: string): Ros2FullDefinition {
  const label = `<definition of ${printable(typeName)}>`;
  const root = ros2Key(typeName);
  if (root === undefined) {
    throw new DefinitionError([
      {
        file: label,
        line: 0,
        message: `${quote(typeName)} is not a ROS 2 type name (pkg/msg/Type, pkg/srv/Type_Request... or pkg/Type)`,
      },
    ]);
  }
  const problems: DefinitionProblem[] = [];
  const types = new TypeSet({ lenientBareNames: true, ros2: true });
  const fullNames = new Map<string, string>();
  const add = (key: string, blockText: string, firstLine: number, kind = "msg") => {
    const slash = key.indexOf("/");
    fullNames.set(key, `${key.slice(0, slash)}/${kind}/${key.slice(slash + 1)}`);
    const { spec, problems: found } = parseRos2Message(key, blockText, { file: label, firstLine });
    problems.push(...found);
    const duplicate = types.add(spec);
    if (duplicate !== undefined) problems.push(duplicate);
  };
  const lines = text.split("\n");
  const blocks: { key: string; kind: string; from: number; to: number }[] = [];
  let blockKey = root;
  let blockKind = kindOf(typeName) ?? "msg";
  let blockStart = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!SEPARATOR_LINE.test(lines[i]!)) continue;
    const msg = MSG_LINE.exec(lines[i + 1] ?? "");
    if (msg === null) continue;
    blocks.push({ key: blockKey, kind: blockKind, from: blockStart, to: i });
    blockKind = kindOf(msg[1]!) ?? "msg";
    const key = ros2Key(msg[1]!);
    if (key === undefined) {
      problems.push({ file: label, line: i + 2, message: `${quote(msg[1]!)} is not a type name` });
    }
    blockKey = key ?? msg[1]!;
    blockStart = i + 2;
    i++;
  }
  blocks.push({ key: blockKey, kind: blockKind, from: blockStart, to: lines.length });
  for (const [index, block] of blocks.entries()) {
    const blockText = lines.slice(block.from, block.to).join("\n");
    // The root of a service-event (or request, response...) topic may be the raw .srv text.
    const serviceBase = index === 0 ? /^(.*)_(Event|Request|Response)$/.exec(block.key) : null;
    const actionBase =
      index === 0
        ? /^(.*)_(Goal|Result|Feedback|FeedbackMessage|SendGoal_\w+|GetResult_\w+)$/.exec(block.key)
        : null;
    const parts =
      serviceBase !== null || actionBase !== null
        ? interfaceParts((serviceBase ?? actionBase)![1]!, blockText, block.from + 1)
        : undefined;
    const whole =
      index === 0 && parts === undefined ? interfaceParts(root, blockText, 1) : undefined;
    if (whole !== undefined) {
      // A .srv/.action text under the interface's own name (rosbag2's .db3 keys a service-event
      // topic's definition `pkg/srv/X`): say which names it defines.
      const names = whole.map((p) => p.name.slice(p.name.indexOf("/") + 1));
      problems.push({
        file: label,
        line: 1,
        message: `${quote(typeName)} names a ${whole.length === 3 ? "service" : "action"}, not a type: name one of its types (${names.join(", ")})`,
      });
      continue;
    }
    if (parts !== undefined) {
      const kind = kindOf(typeName) ?? (serviceBase !== null ? "srv" : "action");
      for (const p of parts) if (!types.has(p.name)) add(p.name, p.text, p.firstLine, kind);
      continue;
    }
    add(block.key, blockText, block.from + 1, block.kind);
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  // Types rosidl implies: added only when referred to and not given.
  for (let added = true; added;) {
    added = false;
    for (const name of types.names()) {
      for (const field of types.spec(name)!.fields) {
        const resolved = types.resolveTypeName(field.baseType, types.spec(name)!.package);
        if (typeof resolved === "string") continue;
        const key = field.baseType.includes("/") ? field.baseType : undefined;
        const implied = key === undefined ? undefined : IMPLIED[key];
        if (key === undefined || implied === undefined || types.has(key)) continue;
        add(key, implied, 1);
        added = true;
      }
    }
  }
  if (!types.has(root)) {
    throw new DefinitionError([{ file: label, line: 1, message: `no definition of ${root}` }]);
  }
  return { types, root, fullNames };
}
