/**
 * The definition `noros play` serves for a recorded ROS 2 topic, in the form foxglove_bridge
 * (ROS 2) sends: `schemaName` `pkg/msg/Type`, schema text = the root type's text, then a
 * `====...` line and `MSG: pkg/Type` + text for each type it uses (rosbag2 writes MCAP `ros2msg`
 * schemas the same way, with the same code).
 *
 * Real rosbag2 files are not always that clean, and each deviation is reported as a notice:
 * - a service-event topic whose stored definition is the raw `.srv` text (request `---`
 *   response): the `_Event` type is built from it (`ServiceEventInfo info`, `Request[<=1]`,
 *   `Response[<=1]`, as rosidl generates it);
 * - placeholder definitions (type hash `hash1`..., texts that do not decode the recorded data)
 *   and no definition at all: the standard Jazzy definition shipped with noros replaces them
 *   when the type is in that set (and decodes the recorded data);
 * - pre-Foxy type names without `/msg/` (`std_msgs/String`) are served as `pkg/msg/Type`;
 * - types a text uses without a `MSG:` block: taken from rosidl's implied types or the
 *   standard set.
 * Every served definition is compiled, and checked against one recorded message when the
 * source can give one (decoded in strict mode: no bytes left over).
 */
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { IMPLIED, interfaceParts } from "../../runtime/schema/ros2-full-text.js";
import { parseRos2Message, ros2Key } from "../../runtime/schema/ros2-parse.js";
import { isRos2Builtin } from "../../runtime/schema/resolve.js";
import { errorMessage } from "../errors.js";

export interface RecordedRos2Type {
  readonly topic: string;
  /** The type name as recorded: `pkg/msg/Type`, `pkg/srv/X_Event`, or old `pkg/Type`. */
  readonly type: string;
  /** The stored definition text; undefined when the file has none for this type. */
  readonly text: string | undefined;
  /** Its encoding as stored (`ros2msg`, `ros2idl`, `""`...). */
  readonly encoding: string;
  /** rosbag2's `type_description_hash` for the topic, when stored (db3 schema v4 and later). */
  readonly hash?: string | undefined;
  /** One recorded message of the topic, to check the definition against. */
  readonly sample?: Uint8Array | undefined;
}

export type Ros2Resolution =
  | { readonly schemaName: string; readonly schema: string; readonly notice?: string }
  | { readonly skip: string };

const SEPARATOR = "=".repeat(80);
const SEPARATOR_LINE = /^={3,}\s*$/;
const MSG_LINE = /^MSG:\s*(.*?)\s*$/;
const PART_LINE = /^---\s*$/;
const RIHS01 = /^RIHS01_[0-9a-f]{64}$/;

type StandardCodecs = Readonly<Record<string, Codec<unknown>>>;
let standardSet: Promise<StandardCodecs> | undefined;

/** The standard ROS 2 (Jazzy) codecs shipped with noros, keyed `pkg/msg/Type`. Loaded once. */
function standardCodecs(): Promise<StandardCodecs> {
  standardSet ??= import("../../generated-ros2/index.js").then(
    ({ codecs }) => codecs as unknown as StandardCodecs,
  );
  return standardSet;
}

/** `pkg/msg/Type` for `pkg/Type`; names with a kind stay as they are; undefined if no type name. */
export function ros2TypeName(name: string): string | undefined {
  const key = ros2Key(name);
  if (key === undefined) return undefined;
  return name.split("/").length === 3 ? name : key.replace("/", "/msg/");
}

/** A full text split into `[key, text]` blocks, the root first (keyed `rootKey`). */
function splitBlocks(rootKey: string, text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const lines = text.split("\n");
  let key = rootKey;
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!SEPARATOR_LINE.test(lines[i]!)) continue;
    const msg = MSG_LINE.exec(lines[i + 1] ?? "");
    if (msg === null) continue;
    if (!blocks.has(key)) blocks.set(key, trimEnd(lines.slice(start, i).join("\n")));
    key = ros2Key(msg[1]!) ?? msg[1]!;
    start = i + 2;
    i++;
  }
  if (!blocks.has(key)) blocks.set(key, trimEnd(lines.slice(start).join("\n")));
  return blocks;
}

function trimEnd(text: string): string {
  return text.replace(/\n+$/, "");
}

/** The full text of `blocks` (root first) in the form rosbag2 and foxglove_bridge write. */
function joinBlocks(blocks: Map<string, string>): string {
  let text = "";
  let first = true;
  for (const [key, block] of blocks) {
    text += first ? block : `\n${SEPARATOR}\nMSG: ${key}\n${block}`;
    first = false;
  }
  return text;
}

/** Types that `blocks` use without a block of their own, keyed `pkg/Type`. */
function missingTypes(blocks: Map<string, string>): string[] {
  const missing = new Set<string>();
  for (const [key, text] of blocks) {
    const pkg = key.slice(0, key.indexOf("/"));
    const { spec } = parseRos2Message(key, text, { file: key, firstLine: 1 });
    for (const field of spec.fields) {
      if (isRos2Builtin(field.baseType)) continue;
      const used = field.baseType.includes("/")
        ? ros2Key(field.baseType)
        : `${pkg}/${field.baseType}`;
      if (used !== undefined && !blocks.has(used)) missing.add(used);
    }
  }
  return [...missing];
}

/**
 * Adds the types a text uses but does not define: rosidl's implied ones (Time, Duration,
 * ServiceEventInfo...), else the standard set's. Returns the names taken from the standard set.
 */
async function completeBlocks(blocks: Map<string, string>): Promise<string[]> {
  const fromStandard: string[] = [];
  for (let missing = missingTypes(blocks); missing.length > 0; missing = missingTypes(blocks)) {
    let added = false;
    for (const key of missing) {
      const implied = IMPLIED[key];
      if (implied !== undefined) {
        blocks.set(key, implied);
        added = true;
        continue;
      }
      const standard = (await standardCodecs())[key.replace("/", "/msg/")];
      if (standard === undefined) continue;
      for (const [k, text] of splitBlocks(key, standard.definition)) {
        if (!blocks.has(k)) blocks.set(k, text);
      }
      fromStandard.push(key);
      added = true;
    }
    // What is still missing makes the compile fail with a message naming it.
    if (!added) break;
  }
  return fromStandard;
}

/**
 * The full text for `typeName` from a stored text whose root block is the raw `.srv` text of the
 * service (`pkg/srv/X_Event`, `_Request` or `_Response`); undefined when it is not that.
 */
function fromServiceText(rootKey: string, text: string): string | undefined {
  const match = /^(.*)_(Event|Request|Response)$/.exec(rootKey);
  if (match === null) return undefined;
  const blocks = splitBlocks(rootKey, text);
  const root = blocks.get(rootKey) ?? "";
  if (!root.split("\n").some((line) => PART_LINE.test(line))) return undefined;
  const parts = interfaceParts(match[1]!, root, 1);
  if (parts === undefined || parts.length !== 3) return undefined;
  const built = new Map<string, string>();
  const wanted = parts.find((p) => p.name === rootKey)!;
  built.set(rootKey, wanted.text);
  if (rootKey.endsWith("_Event")) {
    for (const part of parts) if (part !== wanted) built.set(part.name, trimEnd(part.text));
  }
  for (const [key, block] of blocks) if (key !== rootKey && !built.has(key)) built.set(key, block);
  return joinBlocks(built);
}

interface Checked {
  readonly schema: string;
  /** Why the text should not be trusted (it may still be the best there is). */
  readonly doubt?: string;
  readonly fromStandard: readonly string[];
  /** Set when the stored text had to be rebuilt from its blocks to parse. */
  readonly rebuiltNote?: string;
}

/** Compiles `text` as `schemaName` and decodes `sample` with it; throws what is wrong. */
function check(
  schemaName: string,
  text: string,
  sample: Uint8Array | undefined,
): string | undefined {
  const codec = compileCodec(schemaName, text, { encoding: "cdr", allowEmpty: true });
  if (sample === undefined) return undefined;
  try {
    codec.decode(sample, { strict: true });
    return undefined;
  } catch (error) {
    return `it does not decode the recorded messages (${errorMessage(error)})`;
  }
}

async function checkRecorded(
  recorded: RecordedRos2Type,
  schemaName: string,
): Promise<Checked | { fail: string }> {
  const { text } = recorded;
  if (text === undefined || (text === "" && recorded.encoding === "")) {
    return { fail: "the recording has no definition of its type" };
  }
  if (recorded.encoding === "ros2idl") {
    return { fail: "its stored definition is IDL (ros2idl), which noros does not read" };
  }
  if (recorded.encoding !== "ros2msg" && recorded.encoding !== "") {
    return { fail: `its stored definition has encoding "${recorded.encoding}", not ros2msg` };
  }
  const rootKey = ros2Key(schemaName)!;
  const built = fromServiceText(rootKey, text);
  const blocks = splitBlocks(rootKey, built ?? text);
  let fromStandard: string[];
  const before = blocks.size;
  let added = false;
  try {
    fromStandard = await completeBlocks(blocks);
    added = blocks.size !== before;
  } catch (error) {
    return { fail: `its stored definition does not parse (${firstLine(errorMessage(error))})` };
  }
  // Served as stored unless something had to be built or added (the bridge sends the text as
  // its cache wrote it; so does rosbag2). Old rosbag2 repeats `MSG:` blocks, which noros's
  // parser refuses: such a text is served with each block once.
  const rebuilt = joinBlocks(blocks);
  let schema = built === undefined && !added ? text : rebuilt;
  let rebuiltNote: string | undefined;
  let doubt: string | undefined;
  try {
    try {
      doubt = check(schemaName, schema, recorded.sample);
    } catch (error) {
      if (schema === rebuilt) throw error;
      doubt = check(schemaName, rebuilt, recorded.sample);
      rebuiltNote = `its stored definition does not parse as is (${firstLine(errorMessage(error))}); serving it with each MSG block once`;
      schema = rebuilt;
    }
  } catch (error) {
    return { fail: `its stored definition does not parse (${firstLine(errorMessage(error))})` };
  }
  if (recorded.hash !== undefined && recorded.hash !== "" && !RIHS01.test(recorded.hash)) {
    // rosbag2 test files carry made-up rows (`hash1` and a text that is not the type's).
    doubt ??= `its stored definition is a placeholder (type hash "${recorded.hash}")`;
  }
  return {
    schema,
    fromStandard,
    ...(rebuiltNote !== undefined ? { rebuiltNote } : {}),
    ...(doubt !== undefined ? { doubt } : {}),
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0]!;
}

/** The definition to serve for a recorded ROS 2 topic, or why the topic cannot be served. */
export async function resolveRos2Definition(recorded: RecordedRos2Type): Promise<Ros2Resolution> {
  const schemaName = ros2TypeName(recorded.type);
  if (schemaName === undefined) {
    return { skip: `type "${recorded.type}" is not a ROS 2 type name (pkg/msg/Type)` };
  }
  const notes: string[] = [];
  if (schemaName !== recorded.type) {
    notes.push(`type recorded as ${recorded.type} (old name), served as ${schemaName}`);
  }
  const result = await checkRecorded(recorded, schemaName);
  const good = "fail" in result ? undefined : result;
  if (good !== undefined && good.doubt === undefined) {
    const rootKey = ros2Key(schemaName)!;
    if (fromServiceText(rootKey, recorded.text!) !== undefined) {
      notes.push(
        `stored definition is the raw .srv text; serving the ${schemaName} definition built from it`,
      );
    }
    if (good.rebuiltNote !== undefined) notes.push(good.rebuiltNote);
    if (good.fromStandard.length > 0) {
      notes.push(
        `definitions of ${good.fromStandard.join(", ")} taken from the standard ROS 2 set`,
      );
    }
    return withNotes({ schemaName, schema: good.schema }, notes);
  }
  const why = good?.doubt ?? (result as { fail: string }).fail;
  const standard = (await standardCodecs())[schemaName];
  if (standard !== undefined) {
    let standardDoubt: string | undefined;
    try {
      standardDoubt = check(schemaName, standard.definition, recorded.sample);
    } catch (error) {
      standardDoubt = errorMessage(error);
    }
    if (standardDoubt === undefined) {
      notes.push(
        `${why}; serving the standard ROS 2 (Jazzy) definition of ${schemaName} shipped with noros`,
      );
      return withNotes({ schemaName, schema: standard.definition }, notes);
    }
  }
  if (good !== undefined) {
    notes.push(
      `${why}; serving it anyway (${schemaName} is not in the standard ROS 2 set, or that does not decode the messages either): clients may fail to decode`,
    );
    return withNotes({ schemaName, schema: good.schema }, notes);
  }
  return {
    skip: `${why}, and ${schemaName} is not in the standard ROS 2 set shipped with noros`,
  };
}

function withNotes(
  served: { schemaName: string; schema: string },
  notes: string[],
): Ros2Resolution {
  return notes.length > 0 ? { ...served, notice: notes.join("; ") } : served;
}
