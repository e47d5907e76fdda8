/**
 * What generated code imports (as `$rt`): the cursors, value checks, error helpers and
 * `defineCodec`. Not a user-facing API: its names may change with the generator.
 *
 * Values are exported as plain constants, not `export { x } from`: compiled to CommonJS, a
 * re-export becomes a getter, and a getter on every `$rt.float(...)` of a hot encode loop costs
 * more than the check itself.
 */
import * as reader from "./reader.js";
import * as writer from "./writer.js";
import * as define from "./define.js";
import * as registry from "./registry.js";

export type { Fields } from "./writer.js";
export type {
  Codec,
  Time,
  Duration,
  MessageTypeMap,
  ServiceTypeMap,
  TopicTypeMap,
} from "./types.js";
export type Reader = reader.Reader;
export type Writer = writer.Writer;

export const utf8Bound = writer.utf8Bound;
export const stringsBound = writer.stringsBound;
export const itemsOf = writer.itemsOf;
export const len = writer.len;
export const float = writer.float;
export const i8 = writer.i8;
export const u8 = writer.u8;
export const i16 = writer.i16;
export const u16 = writer.u16;
export const i32 = writer.i32;
export const u32 = writer.u32;
export const int64 = writer.int64;
export const uint64 = writer.uint64;
export const bool = writer.bool;
export const stamp = writer.stamp;
export const object = writer.object;
export const withPath = writer.withPath;
export const defineCodec = define.defineCodec;
export const registerCodecs = registry.registerCodecs;
