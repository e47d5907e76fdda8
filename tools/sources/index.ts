/**
 * `openMessageSource(path)`: recorded ROS 1 data from a `.bag` or `.mcap` file as one shape
 * (channels with full schemas, raw messages in time order). The format is told by the file's
 * magic bytes, not its name.
 */
import { open, stat } from "node:fs/promises";

import { errorMessage } from "../errors.js";
import { openBag } from "./bag.js";
import { SourceError } from "./errors.js";
import { openMcap } from "./mcap.js";
import type { MessageSource } from "./types.js";

export { SourceError } from "./errors.js";
export type * from "./types.js";

const BAG_MAGIC = "#ROSBAG V";
const MCAP_MAGIC = Uint8Array.of(0x89, 0x4d, 0x43, 0x41, 0x50); // "\x89MCAP", then version

async function readMagic(path: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(path, code === "ENOENT" ? "no such file" : errorMessage(error));
  }
  if (!info.isFile()) throw new SourceError(path, "not a file");
  const handle = await open(path, "r");
  try {
    const magic = new Uint8Array(13);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    return magic.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Opens a ROS bag (v2.0; plain, bz2 or lz4 chunks) or an MCAP file with ros1 channels. */
export async function openMessageSource(path: string): Promise<MessageSource> {
  const magic = await readMagic(path);
  const text = new TextDecoder("latin1").decode(magic);
  if (text.startsWith(BAG_MAGIC)) {
    const version = text.slice(BAG_MAGIC.length).trim();
    if (version !== "2.0") {
      throw new SourceError(path, `ROS bag version ${version} is not supported (only 2.0)`);
    }
    return openBag(path);
  }
  if (MCAP_MAGIC.every((byte, i) => magic[i] === byte)) return openMcap(path);
  if (magic.length === 0) throw new SourceError(path, "file is empty");
  throw new SourceError(path, "not a ROS bag (v2.0) or MCAP file");
}
