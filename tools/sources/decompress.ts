/**
 * Chunk decompression for bags (`bz2`, `lz4`) and MCAP (`lz4`, `zstd`). The WebAssembly decoders
 * load once, on first need, and are shared by every open file. zstd (rosbag2's default MCAP
 * compression) is Node's zlib where it has it (22.15 / 23.8 on), else fzstd: pure JavaScript, so
 * installing needs no compiler and no binary download.
 */
import Bzip2 from "@foxglove/wasm-bz2";
import lz4 from "@foxglove/wasm-lz4";
import { decompress as fzstdDecompress } from "fzstd";
import * as zlib from "node:zlib";

export type DecompressFn = (data: Uint8Array, uncompressedSize: number) => Uint8Array;

let bzip2: Promise<Bzip2> | undefined;

/** Handlers keyed by the compression name a bag chunk header carries. */
export async function bagDecompressHandlers(): Promise<Record<string, DecompressFn>> {
  bzip2 ??= Bzip2.init();
  const [bz2] = await Promise.all([bzip2, lz4.isLoaded]);
  return {
    bz2: (data, size) => bz2.decompress(data, size, { small: false }),
    lz4: (data, size) => lz4(data, size),
  };
}

/** Handlers keyed by the compression name an MCAP chunk carries ("" needs none). */
export async function mcapDecompressHandlers(): Promise<
  Record<string, (data: Uint8Array, size: bigint) => Uint8Array>
> {
  await lz4.isLoaded;
  const handlers: Record<string, (data: Uint8Array, size: bigint) => Uint8Array> = {
    lz4: (data, size) => lz4(data, Number(size)),
  };
  const zstd = (zlib as { zstdDecompressSync?: (data: Uint8Array) => Uint8Array })
    .zstdDecompressSync;
  handlers.zstd =
    zstd !== undefined
      ? (data) => zstd(data)
      : (data, size) => fzstdDecompress(data, new Uint8Array(Number(size)));
  return handlers;
}
