/**
 * Codecs generated ahead of time, by type name. Generated modules register theirs when imported
 * (importing `noros/msgs` registers the standard set), so the client can prefer a generated codec
 * and fall back to compiling the schema a bridge advertises.
 */
import type { Codec } from "./types.js";

const registered = new Map<string, Codec>();

export function registerCodecs(codecs: Readonly<Record<string, Codec>>): void {
  for (const [name, codec] of Object.entries(codecs)) registered.set(name, codec);
}

/** The generated codec for `pkg/Type`, if a generated module registered one. */
export function findCodec(datatype: string): Codec | undefined {
  return registered.get(datatype);
}
