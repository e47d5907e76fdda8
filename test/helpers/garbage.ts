/**
 * Output memory that holds old bytes, for the tests that an encoder writes every byte of its
 * output (padding, the CDR header, an empty message's byte) instead of relying on zeros. The two
 * places `encode` gets memory from are both exercised deterministically:
 * - the shared pool (messages up to 16 KiB): `dirtyPool()` writes 16 KiB of 0xAA where the next
 *   pooled message will start (an `encodedSize` writes its message there and gives the space
 *   back);
 * - a buffer of its own (larger messages, Node's `Buffer.allocUnsafeSlow`, not zero-filled):
 *   Node may or may not hand out old bytes, so `compileCodecOverGarbage` loads the codec modules
 *   in a registry of their own whose `Buffer.allocUnsafeSlow` returns memory filled with a byte.
 */
import { compileCodec } from "../../runtime/codec/compile.js";

/** The pool's largest message (runtime/codec/writer.ts POOLED_MAX). */
const POOLED_MAX = 16 * 1024;
const garbage = compileCodec("test/Garbage", `uint8[${POOLED_MAX}] data`);
const garbageMessage = { data: new Uint8Array(POOLED_MAX).fill(0xaa) };

/** Fills the pool with 0xAA from where the next pooled `encode` (up to 16 KiB) starts. */
export function dirtyPool(): void {
  garbage.encodedSize(garbageMessage);
}

/**
 * For a pooled `encode` result written after `dirtyPool()`: true when the byte after it is still
 * the garbage, i.e. the message was written over garbage (not into a fresh zeroed chunk).
 */
export function wroteOverGarbage(out: Uint8Array): boolean {
  return (
    out.byteLength < POOLED_MAX &&
    new Uint8Array(out.buffer, out.byteOffset + out.byteLength, 1)[0] === 0xaa
  );
}

export interface GarbageCodecs {
  compileCodec: typeof compileCodec;
  /** The sizes `Buffer.allocUnsafeSlow` was called with. */
  allocations: number[];
}

/**
 * `compileCodec` from its own module registry, in which `globalThis.Buffer.allocUnsafeSlow`
 * (read by runtime/codec/writer.ts when it loads) returns memory filled with `fill`.
 */
export function compileCodecOverGarbage(fill: number): GarbageCodecs {
  const real = globalThis.Buffer;
  const allocations: number[] = [];
  const dirty = {
    allocUnsafeSlow(size: number): Buffer {
      allocations.push(size);
      return real.allocUnsafeSlow(size).fill(fill);
    },
  };
  let loaded: typeof compileCodec | undefined;
  (globalThis as { Buffer: unknown }).Buffer = dirty;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require("../../runtime/codec/compile.js") as { compileCodec: typeof compileCodec };
      loaded = m.compileCodec;
    });
  } finally {
    globalThis.Buffer = real;
  }
  return { compileCodec: loaded!, allocations };
}
