/**
 * `openMessageSource(path)`: a recording as one shape (channels with full schemas, raw messages
 * in time order): ROS 1 `.bag` or `.mcap`, ROS 2 `.mcap` or `.db3`, or a rosbag2 folder with its
 * `metadata.yaml`. The format is told by the file's magic bytes, not its name.
 */
import { open, stat } from "node:fs/promises";
import { join } from "node:path";

import { errorMessage } from "../errors.js";
import { openBag } from "./bag.js";
import { openDb3 } from "./db3.js";
import { SourceError } from "./errors.js";
import { openMcap } from "./mcap.js";
import { openRosbag2Folder } from "./rosbag2-folder.js";
import type { MessageSource } from "./types.js";

export { SourceError } from "./errors.js";
export type * from "./types.js";

const BAG_MAGIC = "#ROSBAG V";
const MCAP_MAGIC = Uint8Array.of(0x89, 0x4d, 0x43, 0x41, 0x50); // "\x89MCAP", then version
const SQLITE_MAGIC = "SQLite format 3\0";

async function readMagic(path: string): Promise<Uint8Array | "folder"> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(path, code === "ENOENT" ? "no such file" : errorMessage(error));
  }
  if (info.isDirectory()) return "folder";
  if (!info.isFile()) throw new SourceError(path, "not a file");
  const handle = await open(path, "r");
  try {
    const magic = new Uint8Array(16);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    return magic.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Opens a ROS bag (v2.0; plain, bz2 or lz4 chunks), an MCAP file (ros1 channels, or ROS 2 cdr
 * ones; lz4 or zstd chunks), a rosbag2 SQLite file, or a rosbag2 folder.
 */
export async function openMessageSource(path: string): Promise<MessageSource> {
  const magic = await readMagic(path);
  if (magic === "folder") {
    try {
      await stat(join(path, "metadata.yaml"));
    } catch {
      throw new SourceError(path, "a folder without metadata.yaml: not a rosbag2 bag folder");
    }
    return openRosbag2Folder(path, openFile);
  }
  return openFile(path, magic);
}

async function openFile(path: string, known?: Uint8Array): Promise<MessageSource> {
  const read = known ?? (await readMagic(path));
  if (read === "folder") throw new SourceError(path, "not a file");
  const magic = read;
  const text = new TextDecoder("latin1").decode(magic);
  if (text === SQLITE_MAGIC) return openDb3(path);
  if (text.startsWith(BAG_MAGIC)) {
    const version = text.slice(BAG_MAGIC.length).split("\n")[0]!.trim();
    if (version !== "2.0") {
      throw new SourceError(path, `ROS bag version ${version} is not supported (only 2.0)`);
    }
    return openBag(path);
  }
  if (MCAP_MAGIC.every((byte, i) => magic[i] === byte)) return openMcap(path);
  if (magic.length === 0) throw new SourceError(path, "file is empty");
  throw new SourceError(path, "not a ROS bag (v2.0), MCAP, rosbag2 SQLite file or bag folder");
}
