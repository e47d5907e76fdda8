/**
 * Which codec decodes a channel or a service: the generated one when it matches what the server
 * advertises (same md5 as the advertised definition), otherwise a codec compiled from the
 * advertised definition, so that data is always read with the layout its publisher used.
 * Compiled codecs are cached by type name and definition text: channel ids change between
 * bridge runs, definitions do not. The cache is bounded (entries and text size), so that huge or
 * many definitions do not stay on the heap after their channels are gone.
 */
import { compileCodec } from "../codec/compile.js";
import { findCodec } from "../codec/registry.js";
import { TextKeyedCache } from "../codec/text-cache.js";
import type { Codec } from "../codec/types.js";
import { describeError } from "./errors.js";

/** The generated codec differs from the advertised definition; the advertised one is used. */
export interface SchemaMismatch {
  datatype: string;
  generatedMd5: string;
  advertisedMd5: string;
}

export type CodecResolution =
  | {
      codec: Codec;
      source: "generated" | "advertised";
      mismatch?: SchemaMismatch;
      warning?: string;
    }
  | { error: string };

/** Definition encodings and message encodings a ROS 1 bridge uses; anything else is refused. */
export const MESSAGE_ENCODING = "ros1";
export const SCHEMA_ENCODING = "ros1msg";

export class SchemaCodecs {
  readonly #compiled = new TextKeyedCache<Codec | Error>(256, 16 * 1024 * 1024);
  /** Generated codecs this client was handed (options, or passed to a call), by type name. */
  readonly #given = new Map<string, Codec>();

  /** Prefers `codec` for its type from now on (over the global registry). */
  use(codec: Codec): void {
    this.#given.set(codec.datatype, codec);
  }

  /** The generated codec for `datatype`: one this client was given, else a registered one. */
  generated(datatype: string): Codec | undefined {
    return this.#given.get(datatype) ?? findCodec(datatype);
  }

  /** What the cache holds (entries, characters of definition text). */
  get cacheStats(): { entries: number; chars: number } {
    return this.#compiled.stats;
  }

  /**
   * Compiles (once) the definition text a server advertised for `datatype`; throws on bad text.
   * Callers never pass "": that means "no definition" and is decided before compiling.
   */
  compile(datatype: string, definition: string): Codec {
    const key = `${datatype}\n${definition}`;
    let entry = this.#compiled.get(key);
    if (entry === undefined) {
      try {
        // "" is handled by the callers (no definition); a text without fields ("\n", which
        // foxglove_bridge sends for an empty service request) is a real, empty type.
        entry = compileCodec(datatype, definition, { allowEmpty: true });
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
   * which foxglove_bridge sends for a type not installed on its host).
   */
  resolve(datatype: string, definition: string): CodecResolution {
    const generated = this.generated(datatype);
    if (definition === "") {
      if (generated !== undefined) return { codec: generated, source: "generated" };
      return {
        error:
          `the server advertised no definition for ${datatype} (type not installed on the bridge ` +
          `host?) and the client has no generated codec for it (pass the codec, e.g. ` +
          `subscribe(topic, ${datatype.split("/")[1] ?? "Type"}Codec, cb), or import "noros/msgs/register")`,
      };
    }
    let advertised: Codec;
    try {
      advertised = this.compile(datatype, definition);
    } catch (error) {
      if (generated === undefined) return { error: describeError(error) };
      return {
        codec: generated,
        source: "generated",
        warning: `${describeError(error)}; using the generated codec, unchecked against it`,
      };
    }
    if (generated === undefined) return { codec: advertised, source: "advertised" };
    if (generated.md5sum === advertised.md5sum) return { codec: generated, source: "generated" };
    return {
      codec: advertised,
      source: "advertised",
      mismatch: { datatype, generatedMd5: generated.md5sum, advertisedMd5: advertised.md5sum },
    };
  }

  /**
   * The codec for publishing `datatype`: an explicit definition (the caller knows best), else the
   * generated codec, else one compiled from a definition the server advertised for that type.
   */
  forPublishing(
    datatype: string,
    explicitDefinition: string | undefined,
    advertisedDefinition: string | undefined,
  ): Codec | { error: string } {
    try {
      if (explicitDefinition !== undefined) return this.compile(datatype, explicitDefinition);
      const generated = this.generated(datatype);
      if (generated !== undefined) return generated;
      if (advertisedDefinition !== undefined && advertisedDefinition !== "") {
        return this.compile(datatype, advertisedDefinition);
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

/** Why a channel/service encoding cannot be handled, or undefined when it is ROS 1. */
export function unsupportedEncoding(
  encoding: string,
  schemaEncoding: string | undefined,
): string | undefined {
  if (encoding !== MESSAGE_ENCODING) {
    return `message encoding "${encoding}" is not supported (only "${MESSAGE_ENCODING}")`;
  }
  // No schemaEncoding is what foxglove_bridge 0.8.5 sends; it means ROS 1 message definitions.
  if (schemaEncoding !== undefined && schemaEncoding !== SCHEMA_ENCODING) {
    return `schema encoding "${schemaEncoding}" is not supported (only "${SCHEMA_ENCODING}")`;
  }
  return undefined;
}
