/**
 * Codecs for types known only at run time (bag connections, bridge channels): the definition
 * text is parsed and resolved, the emitter writes the same functions the generator writes
 * (as JavaScript), and `new Function` turns them into code V8 optimizes like any other.
 * (Environments whose Content-Security-Policy forbids `new Function` must use generated codecs.)
 */
import { parseFullDefinition } from "../schema/full-text.js";
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
  const key = `${typeName}\n${fullDefinitionText}`;
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
  const { md5sum, source } = emitJavaScript(typeName, fullDefinitionText);
  const body =
    source +
    `return { decode: ${fnName("decode", typeName)}, size: ${fnName("size", typeName)}, write: ${fnName("write", typeName)} };\n`;
  const build = new Function("$rt", body) as (
    rt: typeof support,
  ) => Pick<CodecParts<unknown>, "decode" | "size" | "write">;
  const codec = defineCodec<unknown>({
    datatype: typeName,
    md5sum,
    definition: fullDefinitionText,
    ...build(support),
  });
  cache.set(key, codec);
  return codec;
}

/** The JavaScript `compileCodec` would run for a definition: for debugging a decode. */
export function compiledSource(typeName: string, fullDefinitionText: string): string {
  return emitJavaScript(typeName, fullDefinitionText).source;
}

/** Names of the compiled functions: `decode$sensor_msgs$Imu` (`$` never occurs in ROS names). */
function fnName(kind: string, type: string): string {
  return `${kind}$${type.replace("/", "$")}`;
}

/** Parses, resolves and emits the functions of the type and everything it contains. */
function emitJavaScript(
  typeName: string,
  fullDefinitionText: string,
): { md5sum: string; source: string } {
  const { types } = parseFullDefinition(typeName, fullDefinitionText);
  const root = types.resolve(typeName);
  const resolved = new Map<string, ResolvedType>([[typeName, root]]);
  for (const dep of types.dependencies(typeName)) resolved.set(dep, types.resolve(dep));
  const layouts = new Layouts(resolved);
  const source = [...resolved.keys()]
    .map((type) =>
      emitCodecFunctions(
        type,
        layouts,
        { fn: fnName, typeName: () => "unknown", isTaken: (n) => n === "$rt" },
        { typescript: false, runtime: "$rt", exported: false },
      ),
    )
    .join("\n");
  return { md5sum: root.md5sum, source };
}
