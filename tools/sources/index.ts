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
import type { Ros2OpenOptions } from "./ros2-channels.js";
import { loadRos2Msgs } from "./ros2-msgs.js";
import { openRosbag2Folder } from "./rosbag2-folder.js";
import type { MessageSource, MessageSourceOptions } from "./types.js";

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
 * ones; lz4 or zstd chunks), a rosbag2 SQLite file, or a rosbag2 folder. `options.msgs`: ROS 2
 * package trees for types a ROS 2 recording lacks or stores as placeholders (ROS 1 recordings
 * always carry their definitions: not used there).
 */
export async function openMessageSource(
  path: string,
  options: MessageSourceOptions = {},
): Promise<MessageSource> {
  const magic = await readMagic(path);
  // A ROS 1 bag carries every definition: the trees (ROS 2 syntax) are not even read.
  const ros1Bag =
    magic !== "folder" && new TextDecoder("latin1").decode(magic).startsWith(BAG_MAGIC);
  const ros2: Ros2OpenOptions =
    options.msgs !== undefined && options.msgs.length > 0 && !ros1Bag
      ? { provided: await loadRos2Msgs(options.msgs) }
      : {};
  if (magic === "folder") {
    try {
      await stat(join(path, "metadata.yaml"));
    } catch {
      throw new SourceError(path, "a folder without metadata.yaml: not a rosbag2 bag folder");
    }
    return openRosbag2Folder(path, (file, topicHashes) => openFile(file, { ...ros2, topicHashes }));
  }
  return openFile(path, ros2, magic);
}

async function openFile(
  path: string,
  ros2: Ros2OpenOptions,
  known?: Uint8Array,
): Promise<MessageSource> {
  const read = known ?? (await readMagic(path));
  if (read === "folder") throw new SourceError(path, "not a file");
  const magic = read;
  const text = new TextDecoder("latin1").decode(magic);
  if (text === SQLITE_MAGIC) return openDb3(path, ros2);
  if (text.startsWith(BAG_MAGIC)) {
    const version = text.slice(BAG_MAGIC.length).split("\n")[0]!.trim();
    if (version !== "2.0") {
      throw new SourceError(path, `ROS bag version ${version} is not supported (only 2.0)`);
    }
    return openBag(path);
  }
  if (MCAP_MAGIC.every((byte, i) => magic[i] === byte)) return openMcap(path, ros2);
  if (magic.length === 0) throw new SourceError(path, "file is empty");
  throw new SourceError(path, "not a ROS bag (v2.0), MCAP, rosbag2 SQLite file or bag folder");
}
