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
export type { Codec, Time, Duration } from "./types.js";

// The type maps are declared here, in the module every generated file augments (`declare module
// "noros/support"`, or this file's path for the shipped sets): TypeScript merges augmentations
// made through a module that only re-exports an interface depending on the order it reads the
// files in, so that some generated types were missing from `MessageTypeMap` in some programs.

/**
 * Message types by name. Generated modules augment this interface, so that
 * `client.subscribe("/imu", "sensor_msgs/Imu", cb)` is typed by the type name alone.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MessageTypeMap {}

/**
 * Service types by name, augmented by generated modules:
 * `"std_srvs/SetBool": { request: SetBoolRequest; response: SetBoolResponse }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ServiceTypeMap {}

/**
 * Topics by name, with their type names, augmented by bindings generated from a running bridge
 * (`noros-gen --bridge`): `"/imu/data": "sensor_msgs/Imu"`. Lets `client.subscribe("/imu/data", cb)`
 * be typed by the topic name alone.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TopicTypeMap {}
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
