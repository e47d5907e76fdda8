/**
 * A rosbag2 bag folder: `metadata.yaml` (rosbag2_bagfile_information) naming its storage files
 * in `relative_file_paths` (a split bag has several, one after the other in time), each an
 * `.mcap` or `.db3`. The folder is served as one recording: the files are read in the listed
 * order, channels of one topic and type across files are one channel to clients.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

import { errorMessage } from "../errors.js";
import { SourceError } from "./errors.js";
import type {
  ChannelNotice,
  MessageSource,
  MessageSourceReadOptions,
  SkippedChannel,
  SourceChannel,
  SourceMessage,
} from "./types.js";

interface BagInfo {
  files: string[];
  compressionMode: string;
  distro: string | undefined;
}

async function readBagInfo(metadataPath: string): Promise<BagInfo> {
  let text: string;
  try {
    text = await readFile(metadataPath, "utf8");
  } catch (error) {
    throw new SourceError(metadataPath, errorMessage(error));
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new SourceError(metadataPath, `not YAML (${firstLine(errorMessage(error))})`);
  }
  const info = (doc as { rosbag2_bagfile_information?: Record<string, unknown> } | null)
    ?.rosbag2_bagfile_information;
  if (info === undefined || info === null || typeof info !== "object") {
    throw new SourceError(
      metadataPath,
      "no rosbag2_bagfile_information: not a rosbag2 metadata.yaml",
    );
  }
  const files = info.relative_file_paths;
  if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === "string")) {
    throw new SourceError(metadataPath, "relative_file_paths lists no files");
  }
  const distro =
    typeof info.ros_distro === "string" && info.ros_distro !== "" ? info.ros_distro : undefined;
  return {
    files: files as string[],
    compressionMode: typeof info.compression_mode === "string" ? info.compression_mode : "",
    distro,
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0]!;
}

/**
 * Opens the bag folder `dir`; `openFile` opens one of its storage files (an .mcap or .db3).
 */
export async function openRosbag2Folder(
  dir: string,
  openFile: (file: string) => Promise<MessageSource>,
): Promise<MessageSource> {
  const metadataPath = path.join(dir, "metadata.yaml");
  const info = await readBagInfo(metadataPath);
  if (info.compressionMode !== "" && info.compressionMode.toUpperCase() !== "NONE") {
    throw new SourceError(
      metadataPath,
      `compression_mode ${info.compressionMode} (compressed storage files or messages) is not supported; decompress the bag first (ros2 bag convert)`,
    );
  }
  const sources: MessageSource[] = [];
  try {
    for (const file of info.files) {
      const full = path.resolve(dir, file);
      try {
        sources.push(await openFile(full));
      } catch (error) {
        if (error instanceof SourceError && error.reason === "no such file") {
          throw new SourceError(
            metadataPath,
            `relative_file_paths lists ${file}, which is missing (a split bag needs all its files)`,
          );
        }
        throw error;
      }
    }
  } catch (error) {
    await Promise.all(sources.map((s) => s.close()));
    throw error;
  }
  const ros1 = sources.find((s) => s.profile !== "ros2");
  if (ros1 !== undefined) {
    await Promise.all(sources.map((s) => s.close()));
    throw new SourceError(ros1.path, "a rosbag2 folder holds ROS 2 (cdr) files; this one is ROS 1");
  }
  return combine(dir, info, sources);
}

function combine(dir: string, info: BagInfo, sources: MessageSource[]): MessageSource {
  // Channel ids are per file: each file's ids are mapped onto one numbering.
  const channels: SourceChannel[] = [];
  const ids = sources.map(() => new Map<number, SourceChannel>());
  for (const [i, source] of sources.entries()) {
    for (const channel of source.channels) {
      const renumbered = { ...channel, id: channels.length + 1 };
      channels.push(renumbered);
      ids[i]!.set(channel.id, renumbered);
    }
  }
  const once = <T extends { topic: string }>(items: T[], key: (t: T) => string): T[] => {
    const seen = new Set<string>();
    return items.filter((t) => !seen.has(key(t)) && seen.add(key(t)) !== undefined);
  };
  const skippedChannels = once<SkippedChannel>(
    sources.flatMap((s) => [...s.skippedChannels]),
    (s) => `${s.topic}\n${s.reason}`,
  );
  const notices = once<ChannelNotice>(
    sources.flatMap((s) => [...s.notices]),
    (n) => `${n.topic}\n${n.message}`,
  );
  const times = (pick: (s: MessageSource) => bigint | undefined) =>
    sources.map(pick).filter((t): t is bigint => t !== undefined);
  const starts = times((s) => s.startTime);
  const ends = times((s) => s.endTime);
  const counts = sources.map((s) => s.messageCount);
  const damage = sources
    .filter((s) => s.damage !== undefined)
    .map((s) => `${path.basename(s.path)}: ${s.damage}`);
  const distro = info.distro ?? sources.find((s) => s.distro !== undefined)?.distro;

  async function* messages(options?: MessageSourceReadOptions): AsyncGenerator<SourceMessage> {
    for (const [i, source] of sources.entries()) {
      for await (const message of source.messages(options)) {
        const channel = ids[i]!.get(message.channelId)!;
        yield { ...message, channelId: channel.id };
      }
    }
  }

  return {
    path: dir,
    format: "rosbag2",
    profile: "ros2",
    ...(distro !== undefined ? { distro } : {}),
    channels,
    skippedChannels,
    notices,
    messageCount: counts.every((c) => c !== undefined)
      ? counts.reduce<number>((a, b) => a + b!, 0)
      : undefined,
    startTime: starts.length > 0 ? starts.reduce((a, b) => (b < a ? b : a)) : undefined,
    endTime: ends.length > 0 ? ends.reduce((a, b) => (b > a ? b : a)) : undefined,
    ...(damage.length > 0 ? { damage: damage.join("; ") } : {}),
    messages,
    close: async () => {
      await Promise.all(sources.map((s) => s.close()));
    },
  };
}
