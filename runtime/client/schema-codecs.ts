/**
 * Which codec decodes a channel or a service: the generated one when it matches what the server
 * advertises (same md5 for ROS 1, same RIHS01 type hash for ROS 2), otherwise a codec compiled
 * from the advertised definition, so that data is always read with the layout its publisher used.
 * Compiled codecs are cached by type name and definition text: channel ids change between
 * bridge runs, definitions do not. The cache is bounded (entries and text size), so that huge or
 * many definitions do not stay on the heap after their channels are gone.
 */
import { compileCodec } from "../codec/compile.js";
import { findCodec } from "../codec/registry.js";
import { TextKeyedCache } from "../codec/text-cache.js";
import type { Codec } from "../codec/types.js";
import { describeError } from "./errors.js";

/**
 * The generated codec differs from the advertised definition; the advertised one is used.
 * ROS 1 types are compared by md5, ROS 2 types by their RIHS01 type hash (or, when a codec
 * carries none, by definition text).
 */
export interface SchemaMismatch {
  datatype: string;
  generatedMd5: string;
  advertisedMd5: string;
  /** ROS 2: the type hashes compared (absent when a side had none). */
  generatedTypeHash?: string;
  advertisedTypeHash?: string;
}

export type CodecResolution =
  | {
      codec: Codec;
      source: "generated" | "advertised";
      mismatch?: SchemaMismatch;
      warning?: string;
    }
  | { error: string };

/** Message and definition encodings of a ROS 1 bridge. */
export const MESSAGE_ENCODING = "ros1";
export const SCHEMA_ENCODING = "ros1msg";
/** Message encoding of a ROS 2 bridge; its definitions are `ros2msg` (or `ros2idl`). */
export const CDR_ENCODING = "cdr";
export const ROS2_SCHEMA_ENCODING = "ros2msg";
export const ROS2_IDL_ENCODING = "ros2idl";

/** How a channel's (or service part's) bytes and definition are written. */
export type Wire = "ros1" | "cdr";
export interface ChannelFormat {
  wire: Wire;
  schemaEncoding: "ros1msg" | "ros2msg" | "ros2idl";
}

/** `pkg/msg/Type`, `pkg/srv/Type_Request`...: the names ROS 2 gives its types. */
export function isRos2TypeName(datatype: string): boolean {
  return /^[^/]+\/(msg|srv|action)\/[^/]+$/.test(datatype);
}

/**
 * The hint for a ROS 1 type name given for a ROS 2 type or the reverse (`sensor_msgs/Imu` for
 * `sensor_msgs/msg/Imu`). Not mapped silently: the two are different TypeScript types (ROS 2 has
 * `nanosec` and no `header.seq`), so the caller must name the one it handles.
 */
export function rosNamingHint(given: string, advertised: string): string {
  const g = given.split("/");
  const a = advertised.split("/");
  // The same package and type, one named the ROS 1 way and the other the ROS 2 way.
  if (g.length === a.length || g[0] !== a[0] || g[g.length - 1] !== a[a.length - 1]) return "";
  return isRos2TypeName(advertised)
    ? ` (the server is a ROS 2 bridge: name the type "${advertised}", whose bindings are in noros/ros2/msgs)`
    : ` (the server is a ROS 1 bridge: name the type "${advertised}", whose bindings are in noros/msgs)`;
}

export class SchemaCodecs {
  readonly #compiled = new TextKeyedCache<Codec | Error>(256, 16 * 1024 * 1024);
  /** Generated codecs this client was handed (options, or passed to a call), by type name. */
  readonly #given = new Map<string, Codec>();

  /** Prefers `codec` for its type from now on (over the global registry). */
  use(codec: Codec): void {
    this.#given.set(codec.datatype, codec);
  }

  /**
   * The generated codec for `datatype`: one this client was given, else a registered one. With
   * `wire`, only a codec for that wire (a ROS 1 codec never reads CDR bytes, nor the reverse).
   */
  generated(datatype: string, wire?: Wire): Codec | undefined {
    const codec = this.#given.get(datatype) ?? findCodec(datatype);
    if (codec === undefined || wire === undefined) return codec;
    return wireOf(codec) === wire ? codec : undefined;
  }

  /** What the cache holds (entries, characters of definition text). */
  get cacheStats(): { entries: number; chars: number } {
    return this.#compiled.stats;
  }

  /**
   * Compiles (once) the definition text a server advertised for `datatype`; throws on bad text.
   * Callers never pass "": that means "no definition" and is decided before compiling.
   */
  compile(datatype: string, definition: string, wire: Wire = "ros1"): Codec {
    const key = `${wire}\n${datatype}\n${definition}`;
    let entry = this.#compiled.get(key);
    if (entry === undefined) {
      try {
        // "" is handled by the callers (no definition); a text without fields ("\n", which
        // foxglove_bridge sends for an empty service request) is a real, empty type.
        entry = compileCodec(datatype, definition, {
          allowEmpty: true,
          ...(wire === "cdr" ? { encoding: "cdr" as const } : {}),
        });
      } catch (error) {
        entry = new Error(`cannot compile the definition of ${datatype}: ${describeError(error)}`, {
          cause: error,
        });
      }
      this.#compiled.set(key, entry);
    }
    if (entry instanceof Error) throw entry;
    return entry;
  }

  /**
   * The codec for data of `datatype` whose publisher advertised `definition` ("" = none given,
   * which foxglove_bridge sends for a type not installed on its host), in `format` (ROS 1 by
   * default).
   */
  resolve(
    datatype: string,
    definition: string,
    format: ChannelFormat = { wire: "ros1", schemaEncoding: "ros1msg" },
  ): CodecResolution {
    const { wire } = format;
    const generated = this.generated(datatype, wire);
    if (definition === "") {
      if (generated !== undefined) return { codec: generated, source: "generated" };
      const [pkg, ...rest] = datatype.split("/");
      const module = wire === "cdr" ? "noros/ros2/msgs" : "noros/msgs";
      return {
        error:
          `the server advertised no definition for ${datatype} (type not installed on the bridge ` +
          `host?) and the client has no generated codec for it (pass the codec, e.g. ` +
          `subscribe(topic, ${rest[rest.length - 1] ?? "Type"}Codec, cb) from ${module}/${pkg ?? "pkg"}, ` +
          `or import "${module}/register")`,
      };
    }
    if (format.schemaEncoding === "ros2idl") {
      // The bridge sends IDL only for types that have no .msg (rare); noros reads .msg text only.
      const why = `the server sent the definition of ${datatype} as IDL (ros2idl), which noros does not read`;
      if (generated === undefined) {
        return { error: `${why}; pass its generated codec (noros-gen from its .msg file)` };
      }
      return {
        codec: generated,
        source: "generated",
        warning: `${why}; using the generated codec, unchecked against it`,
      };
    }
    let advertised: Codec;
    try {
      advertised = this.compile(datatype, definition, wire);
    } catch (error) {
      if (generated === undefined) return { error: describeError(error) };
      return {
        codec: generated,
        source: "generated",
        warning: `${describeError(error)}; using the generated codec, unchecked against it`,
      };
    }
    if (generated === undefined) return { codec: advertised, source: "advertised" };
    const mismatch = compareCodecs(datatype, generated, advertised);
    if (mismatch === undefined) return { codec: generated, source: "generated" };
    return { codec: advertised, source: "advertised", mismatch };
  }

  /**
   * The codec for publishing `datatype`: an explicit definition (the caller knows best), else the
   * generated codec, else one compiled from a definition the server advertised for that type.
   * `wire` is what the server reads (a ROS 2 bridge: CDR).
   */
  forPublishing(
    datatype: string,
    explicitDefinition: string | undefined,
    advertisedDefinition: string | undefined,
    wire: Wire = "ros1",
  ): Codec | { error: string } {
    try {
      if (explicitDefinition !== undefined) return this.compile(datatype, explicitDefinition, wire);
      const generated = this.generated(datatype, wire);
      if (generated !== undefined) return generated;
      if (advertisedDefinition !== undefined && advertisedDefinition !== "") {
        return this.compile(datatype, advertisedDefinition, wire);
      }
    } catch (error) {
      return { error: describeError(error) };
    }
    return {
      error:
        `no codec for ${datatype}: pass its generated codec (advertise(topic, XCodec)), pass ` +
        `{ definition } with the full definition text, or publish a type the server advertises`,
    };
  }
}

/** The wire a codec reads and writes. */
export function wireOf(codec: Codec): Wire {
  return codec.encoding === "cdr" ? "cdr" : "ros1";
}

/** Undefined when the generated codec reads what the advertised definition describes. */
function compareCodecs(
  datatype: string,
  generated: Codec,
  advertised: Codec,
): SchemaMismatch | undefined {
  if (wireOf(advertised) === "ros1") {
    if (generated.md5sum === advertised.md5sum) return undefined;
    return { datatype, generatedMd5: generated.md5sum, advertisedMd5: advertised.md5sum };
  }
  const a = advertised.typeHash;
  const g = generated.typeHash;
  if (a !== undefined && g !== undefined) {
    if (a === g) return undefined;
    return {
      datatype,
      generatedMd5: "",
      advertisedMd5: "",
      generatedTypeHash: g,
      advertisedTypeHash: a,
    };
  }
  // A codec without a type hash (hand-made): the definition texts must agree.
  if (generated.definition.trim() === advertised.definition.trim()) return undefined;
  return {
    datatype,
    generatedMd5: "",
    advertisedMd5: "",
    ...(g !== undefined ? { generatedTypeHash: g } : {}),
    ...(a !== undefined ? { advertisedTypeHash: a } : {}),
  };
}

/** How the mismatch is told in a warning: the md5s (ROS 1) or type hashes (ROS 2). */
export function describeMismatch(m: SchemaMismatch): { advertised: string; generated: string } {
  if (m.generatedMd5 !== "" || m.advertisedMd5 !== "") {
    return { advertised: `md5 ${m.advertisedMd5}`, generated: `md5 ${m.generatedMd5}` };
  }
  return {
    advertised: `type hash ${m.advertisedTypeHash ?? "unknown"}`,
    generated: `type hash ${m.generatedTypeHash ?? "unknown"}`,
  };
}

/**
 * The format of a channel or service part as the server describes it, or why it cannot be
 * handled. foxglove_bridge for ROS 1 sends `ros1` without a schema encoding; for ROS 2, `cdr`
 * with `ros2msg` or `ros2idl`, and (0.8.x) an empty encoding with an empty schema for a type whose
 * definition it could not find (see docs/ros2-bridge.md).
 */
export function channelFormat(
  encoding: string,
  schemaEncoding: string | undefined,
  schema: string,
): ChannelFormat | { error: string } {
  if (encoding === MESSAGE_ENCODING) {
    if (schemaEncoding === undefined || schemaEncoding === SCHEMA_ENCODING) {
      return { wire: "ros1", schemaEncoding: SCHEMA_ENCODING };
    }
    return {
      error: `schema encoding "${schemaEncoding}" is not supported (only "${SCHEMA_ENCODING}" with "${MESSAGE_ENCODING}")`,
    };
  }
  if (encoding === CDR_ENCODING) {
    if (schemaEncoding === ROS2_SCHEMA_ENCODING || schemaEncoding === ROS2_IDL_ENCODING) {
      return { wire: "cdr", schemaEncoding };
    }
    if (schemaEncoding === undefined && schema === "") {
      return { wire: "cdr", schemaEncoding: ROS2_SCHEMA_ENCODING };
    }
    return {
      error:
        `message encoding "cdr" is not supported with schema encoding ` +
        `${schemaEncoding === undefined ? "(none)" : `"${schemaEncoding}"`} ` +
        `(only "${ROS2_SCHEMA_ENCODING}" or "${ROS2_IDL_ENCODING}")`,
    };
  }
  if (encoding === "" && schema === "") {
    return { wire: "cdr", schemaEncoding: ROS2_SCHEMA_ENCODING };
  }
  return {
    error: `message encoding "${encoding}" is not supported (only "${MESSAGE_ENCODING}" and "${CDR_ENCODING}")`,
  };
}
