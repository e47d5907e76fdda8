/**
 * Codecs for types known only at run time (bag connections, bridge channels): the definition
 * text is parsed and resolved, the emitter writes the same functions the generator writes
 * (as JavaScript), and `new Function` turns them into code V8 optimizes like any other.
 * (Environments whose Content-Security-Policy forbids `new Function` must use generated codecs.)
 */
import { parseFullDefinition } from "../schema/full-text.js";
import { parseRos2FullDefinition } from "../schema/ros2-full-text.js";
import { ros2TypeHash } from "../schema/ros2-hash.js";
import { DefinitionError } from "../schema/model.js";
import type { ResolvedType } from "../schema/model.js";
import { emitCodecFunctions } from "./emit/emit-codec.js";
import { Layouts } from "./emit/layout.js";
import { defineCodec, type CodecParts } from "./define.js";
import * as support from "./support.js";
import { TextKeyedCache } from "./text-cache.js";
import type { Codec } from "./types.js";

export interface CompileOptions {
  /**
   * An empty definition is an error by default: foxglove_bridge advertises `schema: ""` for a
   * type it does not have installed. Set this for a type that really has no fields
   * (std_msgs/Empty), or pass the md5 the source announced as `md5sum`.
   */
  allowEmpty?: boolean;
  /** The md5 the source announced; an empty text is accepted when it is the empty md5. */
  md5sum?: string;
  /**
   * `"cdr"`: a ROS 2 type (`pkg/msg/Type`, `pkg/Type` accepted) with a rosidl definition (MCAP
   * `ros2msg` text, or a `.srv` text for `_Request`/`_Response`/`_Event` types), encoded as CDR.
   * Default `"ros1"`.
   */
  encoding?: "ros1" | "cdr";
}

const EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
/** Compiled codecs by type and text: at most 1000, and 64 Mi characters of definitions. */
const cache = new TextKeyedCache<Codec<unknown>>(1000, 64 * 1024 * 1024);

/** A codec for `typeName` from its full definition text (as a bag connection or bridge carries it). */
export function compileCodec(
  typeName: string,
  fullDefinitionText: string,
  options: CompileOptions = {},
): Codec<unknown> {
  const cdr = options.encoding === "cdr";
  const key = `${cdr ? "cdr" : "ros1"}\n${typeName}\n${fullDefinitionText}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const hasContent = fullDefinitionText.split("\n").some((l) => l.replace(/#.*/, "").trim() !== "");
  if (!hasContent && options.allowEmpty !== true && options.md5sum !== EMPTY_MD5) {
    throw new DefinitionError([
      {
        file: `<definition of ${typeName}>`,
        line: 1,
        message:
          "the definition is empty: the source has no definition for this type (foxglove_bridge " +
          "sends an empty schema when the type is not installed on its host). If the type " +
          "really has no fields, pass { allowEmpty: true }.",
      },
    ]);
  }
  const { md5sum, typeHash, source, root } = emitJavaScript(typeName, fullDefinitionText, cdr);
  const body =
    source +
    `return { decode: ${fnName("decode", root)}, size: ${fnName("size", root)}, write: ${fnName("write", root)} };\n`;
  const build = new Function("$rt", body) as (
    rt: typeof support,
  ) => Pick<CodecParts<unknown>, "decode" | "size" | "write">;
  const codec = defineCodec<unknown>({
    datatype: typeName,
    md5sum,
    definition: fullDefinitionText,
    ...(cdr ? { encoding: "cdr" as const } : {}),
    ...(typeHash !== undefined ? { typeHash } : {}),
    ...build(support),
  });
  cache.set(key, codec);
  return codec;
}

/** The JavaScript `compileCodec` would run for a definition: for debugging a decode. */
export function compiledSource(
  typeName: string,
  fullDefinitionText: string,
  options: Pick<CompileOptions, "encoding"> = {},
): string {
  return emitJavaScript(typeName, fullDefinitionText, options.encoding === "cdr").source;
}

/** Names of the compiled functions: `decode$sensor_msgs$Imu` (`$` never occurs in ROS names). */
function fnName(kind: string, type: string): string {
  return `${kind}$${type.replace("/", "$")}`;
}

/** Parses, resolves and emits the functions of the type and everything it contains. */
function emitJavaScript(
  typeName: string,
  fullDefinitionText: string,
  cdr: boolean,
): { md5sum: string; typeHash?: string; source: string; root: string } {
  // ROS 2 types are keyed `pkg/Type` inside (what field types and `MSG:` blocks say).
  const ros2 = cdr ? parseRos2FullDefinition(typeName, fullDefinitionText) : undefined;
  const { types, root: rootName } = ros2 ?? parseFullDefinition(typeName, fullDefinitionText);
  const root = types.resolve(rootName);
  const resolved = new Map<string, ResolvedType>([[rootName, root]]);
  for (const dep of types.dependencies(rootName)) resolved.set(dep, types.resolve(dep));
  const layouts = new Layouts(resolved);
  const source = [...resolved.keys()]
    .map((type) =>
      emitCodecFunctions(
        type,
        layouts,
        { fn: fnName, typeName: () => "unknown", isTaken: (n) => n === "$rt" },
        { typescript: false, runtime: "$rt", exported: false, wire: cdr ? "cdr" : "ros1" },
      ),
    )
    .join("\n");
  if (ros2 === undefined) return { md5sum: root.md5sum, source, root: rootName };
  const typeHash = ros2TypeHash(types, rootName, (key) => ros2.fullNames.get(key) ?? key);
  return { md5sum: "", typeHash, source, root: rootName };
}
