/**
 * The reference implementation the targets are stated against: @foxglove/rosmsg-serialization,
 * with readers and writers built from `@foxglove/rosmsg` `parse()` of the very definition text
 * the noros codec carries (so both sides describe the same type, byte for byte).
 */
import { parse } from "@foxglove/rosmsg";
import { LazyMessageReader, MessageReader, MessageWriter } from "@foxglove/rosmsg-serialization";

export interface Reference {
  /** `MessageReader.readMessage`: eager, builds class instances. */
  decode(bytes: Uint8Array): unknown;
  /** `LazyMessageReader.readMessage(bytes).toObject()`: the lazy reader, fully materialized. */
  decodeLazy(bytes: Uint8Array): unknown;
  /** `MessageWriter.writeMessage`: sizes, allocates and writes. */
  encode(msg: unknown): Uint8Array;
}

export function buildReference(definition: string): Reference {
  const definitions = parse(definition);
  const reader = new MessageReader(definitions);
  const lazy = new LazyMessageReader(definitions);
  const writer = new MessageWriter(definitions);
  return {
    decode: (bytes) => reader.readMessage(bytes),
    decodeLazy: (bytes) => lazy.readMessage(bytes).toObject(),
    encode: (msg) => writer.writeMessage(msg),
  };
}
