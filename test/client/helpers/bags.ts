/**
 * Messages of real bags (the committed golden bags written by python3-rosbag, the shared
 * real-world bags), read with @foxglove/rosbag: the serialized bytes and the connection's
 * definition, which the test bridge serves exactly as foxglove_bridge would relay them.
 */
import Bzip2 from "@foxglove/wasm-bz2";
import lz4 from "@foxglove/wasm-lz4";
import { Bag } from "@foxglove/rosbag";
import { FileReader } from "@foxglove/rosbag/node.js";

export interface BagTopic {
  topic: string;
  datatype: string;
  md5sum: string;
  definition: string;
}

export interface BagMessage {
  topic: string;
  /** Record time in nanoseconds. */
  timeNs: bigint;
  data: Uint8Array;
}

export interface BagContents {
  topics: Map<string, BagTopic>;
  messages: BagMessage[];
}

let handlers: Promise<Record<string, (data: Uint8Array, size: number) => Uint8Array>> | undefined;

function decompressHandlers() {
  handlers ??= Promise.all([Bzip2.init(), lz4.isLoaded]).then(([bz2]) => ({
    bz2: (data: Uint8Array, size: number) => bz2.decompress(data, size, { small: false }),
    lz4: (data: Uint8Array, size: number) => lz4(data, size),
  }));
  return handlers;
}

/** All messages of `file` in time order (of `topics` only, when given). */
export async function readBag(file: string, topics?: string[]): Promise<BagContents> {
  const reader = new FileReader(file);
  try {
    return await readAll(
      new Bag(reader, { decompress: await decompressHandlers(), parse: false }),
      topics,
    );
  } finally {
    await reader.close();
  }
}

async function readAll(bag: Bag, topics: string[] | undefined): Promise<BagContents> {
  await bag.open();
  const contents: BagContents = { topics: new Map(), messages: [] };
  for (const connection of bag.connections.values()) {
    if (topics !== undefined && !topics.includes(connection.topic)) continue;
    contents.topics.set(connection.topic, {
      topic: connection.topic,
      datatype: connection.type ?? "",
      md5sum: connection.md5sum ?? "",
      definition: connection.messageDefinition,
    });
  }
  const options = topics === undefined ? {} : { topics };
  for await (const event of bag.messageIterator(options)) {
    contents.messages.push({
      topic: event.topic,
      timeNs: BigInt(event.timestamp.sec) * 1_000_000_000n + BigInt(event.timestamp.nsec),
      data: event.data.slice(),
    });
  }
  return contents;
}

/** Topics whose connection carries no definition (std_msgs/Empty and the like). */
export function topicsWithoutDefinition(bag: BagContents): Set<string> {
  return new Set([...bag.topics.values()].filter((t) => t.definition === "").map((t) => t.topic));
}
