/**
 * What generated code imports (as `$rt`): the cursors, value checks, error helpers and
 * `defineCodec`. Not a user-facing API: its names may change with the generator.
 */
export { Reader } from "./reader";
export {
  Writer,
  type Fields,
  utf8Length,
  stringsSize,
  itemsOf,
  len,
  float,
  i8,
  u8,
  i16,
  u16,
  i32,
  u32,
  int64,
  uint64,
  bool,
  stamp,
  object,
  withPath,
} from "./writer";
export { defineCodec } from "./define";
export { registerCodecs } from "./registry";
export type { Codec, Time, Duration, MessageTypeMap, ServiceTypeMap } from "./types";
