/**
 * The MCAP writer's `ros2` profile, read back with @mcap/core: every field rosbag2's MCAP plugin
 * writes (header profile, schema names and encodings, channel encodings and metadata, the
 * `rosbag2` metadata record and what its `serialized_metadata` holds), compared with what
 * rosbag2 itself wrote in the shared real recordings where they are present.
 */
import { McapIndexedReader, type TypedMcapRecords } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { open } from "node:fs/promises";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

import { StringCodec } from "../../generated-ros2/std_msgs.js";
import { TFMessageCodec } from "../../generated-ros2/tf2_msgs.js";
import { McapRecordingWriter } from "../../tools/record/mcap-writer.js";
import { LATCHED_QOS_PROFILES, typeHashOf } from "../../tools/record/rosbag2-metadata.js";
import { sharedRos2BagsDir } from "../helpers/env.js";
import { tempDir } from "./helpers.js";

interface ReadBack {
  header: TypedMcapRecords["Header"];
  schemas: TypedMcapRecords["Schema"][];
  channels: TypedMcapRecords["Channel"][];
  metadata: TypedMcapRecords["Metadata"][];
  messages: TypedMcapRecords["Message"][];
}

async function readBack(file: string): Promise<ReadBack> {
  const handle = await open(file);
  try {
    const reader = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
    });
    const metadata: TypedMcapRecords["Metadata"][] = [];
    for await (const m of reader.readMetadata()) metadata.push(m);
    const messages: TypedMcapRecords["Message"][] = [];
    for await (const m of reader.readMessages()) messages.push(m);
    return {
      header: reader.header,
      schemas: [...reader.schemasById.values()],
      channels: [...reader.channelsById.values()],
      metadata,
      messages,
    };
  } finally {
    await handle.close();
  }
}

/** Every key path of a parsed YAML value (list elements as `[]`), to compare shapes. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [
      `${prefix}.${k}`,
      ...keyPaths(v, `${prefix}.${k}`),
    ]);
  }
  return [];
}

describe("McapRecordingWriter, ros2 profile", () => {
  let tmp: { dir: string; remove(): void };
  beforeAll(() => (tmp = tempDir()));
  afterAll(() => tmp.remove());

  const chatter = {
    topic: "/chatter",
    schemaName: "std_msgs/msg/String",
    schema: StringCodec.definition,
    messageEncoding: "cdr",
    schemaEncoding: "ros2msg",
    metadata: { offered_qos_profiles: "", topic_type_hash: StringCodec.typeHash! },
  };
  const tfStatic = {
    topic: "/tf_static",
    schemaName: "tf2_msgs/msg/TFMessage",
    schema: TFMessageCodec.definition,
    messageEncoding: "cdr",
    schemaEncoding: "ros2msg",
    metadata: {
      offered_qos_profiles: LATCHED_QOS_PROFILES,
      topic_type_hash: TFMessageCodec.typeHash!,
    },
  };

  async function writeRecording(name: string) {
    const out = path.join(tmp.dir, name);
    const writer = await McapRecordingWriter.create(out, "noros record", {
      profile: "ros2",
      rosDistro: "jazzy",
    });
    const a = writer.addChannel(chatter);
    const b = writer.addChannel(tfStatic);
    const hi = StringCodec.encode({ data: "hi" });
    const tf = TFMessageCodec.encode({ transforms: [] });
    writer.addMessage(b, 1_700_000_000_000_000_000n, tf);
    writer.addMessage(a, 1_700_000_000_100_000_000n, hi);
    writer.addMessage(a, 1_700_000_000_600_000_000n, hi);
    await writer.finish();
    return { out, hi, tf };
  }

  it("writes the header, schemas, channels and messages as rosbag2 does", async () => {
    const { out, hi, tf } = await writeRecording("run.mcap");
    const file = await readBack(out);
    expect(file.header.profile).toBe("ros2");
    expect(file.header.library).toBe("noros record");
    expect(file.schemas.map((s) => [s.name, s.encoding]).sort()).toEqual([
      ["std_msgs/msg/String", "ros2msg"],
      ["tf2_msgs/msg/TFMessage", "ros2msg"],
    ]);
    const stringSchema = file.schemas.find((s) => s.name === "std_msgs/msg/String")!;
    expect(new TextDecoder().decode(stringSchema.data)).toBe(StringCodec.definition);
    for (const channel of file.channels) {
      expect(channel.messageEncoding).toBe("cdr");
      expect([...channel.metadata.keys()].sort()).toEqual([
        "offered_qos_profiles",
        "topic_type_hash",
      ]);
    }
    const byTopic = new Map(file.channels.map((c) => [c.topic, c]));
    expect(byTopic.get("/chatter")!.metadata.get("topic_type_hash")).toMatch(
      /^RIHS01_[0-9a-f]{64}$/,
    );
    // A latched topic offers reliable (1), transient local (1), keep last (1) depth 1.
    const offered = parseYaml(
      byTopic.get("/tf_static")!.metadata.get("offered_qos_profiles")!,
    ) as Record<string, unknown>[];
    expect(offered).toHaveLength(1);
    expect(offered[0]).toMatchObject({ history: 1, depth: 1, reliability: 1, durability: 1 });
    expect(file.messages.map((m) => [m.logTime, m.publishTime, Buffer.from(m.data)])).toEqual([
      [1_700_000_000_000_000_000n, 1_700_000_000_000_000_000n, Buffer.from(tf)],
      [1_700_000_000_100_000_000n, 1_700_000_000_100_000_000n, Buffer.from(hi)],
      [1_700_000_000_600_000_000n, 1_700_000_000_600_000_000n, Buffer.from(hi)],
    ]);
  });

  it("writes rosbag2 metadata records: at the start, and at the end summing up the recording", async () => {
    const { out } = await writeRecording("summary.mcap");
    const file = await readBack(out);
    // As rosbag2: one record when the file is opened (the distro, no messages), one at the end.
    expect(file.metadata.map((m) => m.name)).toEqual(["rosbag2", "rosbag2"]);
    const opened = parseYaml(file.metadata[0]!.metadata.get("serialized_metadata")!, {
      intAsBigInt: true,
    }) as Record<string, unknown>;
    expect(opened).toMatchObject({
      message_count: 0n,
      topics_with_message_count: [],
      starting_time: { nanoseconds_since_epoch: (1n << 63n) - 1n },
      ros_distro: "jazzy",
    });
    const record = file.metadata[1]!.metadata;
    expect(record.get("ROS_DISTRO")).toBe("jazzy");
    const bag = parseYaml(record.get("serialized_metadata")!, { intAsBigInt: true }) as Record<
      string,
      unknown
    >;
    expect(bag).toMatchObject({
      version: 8n,
      storage_identifier: "mcap",
      duration: { nanoseconds: 600_000_000n },
      starting_time: { nanoseconds_since_epoch: 1_700_000_000_000_000_000n },
      message_count: 3n,
      compression_format: "",
      compression_mode: "",
      relative_file_paths: ["summary.mcap"],
      files: [
        {
          path: "summary.mcap",
          starting_time: { nanoseconds_since_epoch: 1_700_000_000_000_000_000n },
          duration: { nanoseconds: 600_000_000n },
          message_count: 3n,
        },
      ],
      custom_data: null,
      ros_distro: "jazzy",
    });
    const topics = bag.topics_with_message_count as {
      topic_metadata: Record<string, string>;
      message_count: bigint;
    }[];
    expect(
      topics.map((t) => [t.topic_metadata.name, t.topic_metadata.type, t.message_count]),
    ).toEqual([
      ["/chatter", "std_msgs/msg/String", 2n],
      ["/tf_static", "tf2_msgs/msg/TFMessage", 1n],
    ]);
    for (const t of topics) {
      expect(t.topic_metadata.serialization_format).toBe("cdr");
      const channel = file.channels.find((c) => c.topic === t.topic_metadata.name)!;
      expect(t.topic_metadata.offered_qos_profiles).toBe(
        channel.metadata.get("offered_qos_profiles"),
      );
      expect(t.topic_metadata.type_description_hash).toBe(channel.metadata.get("topic_type_hash"));
    }
  });

  const shared = sharedRos2BagsDir();
  (shared !== undefined ? it : it.skip)(
    "has the same fields as a recording rosbag2 wrote (shared/ros2-bags)",
    async () => {
      const { out } = await writeRecording("compare.mcap");
      const ours = await readBack(out);
      const theirs = await readBack(path.join(shared!, "ros2__rosbag2__topics_and_services.mcap"));
      expect(ours.header.profile).toBe(theirs.header.profile);
      expect(new Set(ours.schemas.map((s) => s.encoding))).toEqual(
        new Set(theirs.schemas.map((s) => s.encoding)),
      );
      for (const channel of ours.channels) {
        expect(channel.messageEncoding).toBe(theirs.channels[0]!.messageEncoding);
        expect([...channel.metadata.keys()].sort()).toEqual(
          [...theirs.channels[0]!.metadata.keys()].sort(),
        );
      }
      // The QoS offer has the keys rosbag2 writes for each profile.
      const offer = (text: string) => keyPaths(parseYaml(text)).sort();
      expect(offer(LATCHED_QOS_PROFILES)).toEqual(
        [...new Set(offer(theirs.channels[0]!.metadata.get("offered_qos_profiles")!))].sort(),
      );
      const serialized = (file: ReadBack) =>
        parseYaml(file.metadata.at(-1)!.metadata.get("serialized_metadata")!) as unknown;
      expect(new Set(keyPaths(serialized(ours)))).toEqual(new Set(keyPaths(serialized(theirs))));
      // The type hash written for a channel is the one rosbag2 recorded for the same definition.
      let compared = 0;
      for (const file of [
        "ros2__rosbag2__topics_and_services.mcap",
        "ros2__rosbag2__bag_with_topics_and_service_events.mcap",
      ]) {
        const recorded = await readBack(path.join(shared!, file));
        for (const channel of recorded.channels) {
          const schema = recorded.schemas.find((s) => s.id === channel.schemaId)!;
          const text = new TextDecoder().decode(schema.data);
          expect([channel.topic, typeHashOf(schema.name, text)]).toEqual([
            channel.topic,
            channel.metadata.get("topic_type_hash"),
          ]);
          compared++;
        }
      }
      expect(compared).toBe(10);
    },
  );
});
