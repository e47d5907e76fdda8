/**
 * ROS 2 type hashes (`RIHS01_...`) of compiled codecs against what real recordings say: rosbag2
 * (Jazzy+) writes each topic's `type_description_hash` into metadata.yaml and into the MCAP
 * `rosbag2` metadata record; the Python `rosbags` writer does the same for 94 standard types.
 */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { compileCodec } from "../../runtime/codec/compile.js";
import { sha256Hex } from "../../runtime/schema/sha256.js";
import { describeIf, sharedRos2BagsDir } from "../helpers/env.js";
import { readRos2Mcap } from "../helpers/ros2-mcap.js";

const dir = sharedRos2BagsDir();

interface TopicMetadata {
  topic_metadata: { name: string; type: string; type_description_hash?: string };
}

/** topic → hash, from the bag's metadata.yaml and from the MCAP file's own metadata record. */
function recordedHashes(metadataTexts: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const text of metadataTexts) {
    const doc = parseYaml(text) as {
      rosbag2_bagfile_information?: { topics_with_message_count?: TopicMetadata[] };
      topics_with_message_count?: TopicMetadata[];
    };
    const topics =
      doc.rosbag2_bagfile_information?.topics_with_message_count ??
      doc.topics_with_message_count ??
      [];
    for (const { topic_metadata: t } of topics) {
      if (t.type_description_hash?.startsWith("RIHS01_") === true) {
        out.set(t.name, t.type_description_hash);
      }
    }
  }
  return out;
}

describe("sha256", () => {
  it("is FIPS 180-4's SHA-256", () => {
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Two blocks of padding, and a multi-byte UTF-8 text.
    expect(sha256Hex("a".repeat(56))).toBe(
      "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
    );
  });
});

describeIf(dir !== undefined, "../shared/ros2-bags is absent")(
  "type hashes of real recordings",
  () => {
    const files = readdirSync(dir!).filter((f) => f.endsWith(".mcap"));
    let checked = 0;
    const types = new Set<string>();
    afterAll(() => {
      process.stderr.write(
        `ros2 type hashes: ${checked} topics (${types.size} types) equal to the recorded hash\n`,
      );
      expect(checked).toBeGreaterThan(90);
    });

    it.each(files)("%s", async (file) => {
      const { channels, metadata } = await readRos2Mcap(path.join(dir!, file));
      const yamlPath = path.join(dir!, `${file}.metadata.yaml`);
      let yamlText: string[] = [];
      try {
        yamlText = [readFileSync(yamlPath, "utf8")];
      } catch {
        // topics_and_services.mcap has no metadata.yaml beside it
      }
      const hashes = recordedHashes([...yamlText, ...metadata]);
      for (const channel of channels) {
        const expected = hashes.get(channel.topic);
        if (expected === undefined || channel.schemaEncoding !== "ros2msg") continue;
        if (channel.schemaName === "std_msgs/msg/Char" && file.startsWith("geocamxyz")) {
          // The Python `rosbags` writer hashes `char` as FIELD_TYPE_CHAR (13); rosidl turns a .msg
          // `char` into IDL uint8 first (3), which rosbag2's own hashes of test_msgs/BasicTypes
          // (char char_value) and example_interfaces/AddTwoInts_Event (char[16] client_gid) confirm.
          const codec = compileCodec(channel.schemaName, channel.schema, { encoding: "cdr" });
          expect(codec.typeHash).not.toBe(expected);
          continue;
        }
        const codec = compileCodec(channel.schemaName, channel.schema, {
          encoding: "cdr",
          allowEmpty: true,
        });
        expect([channel.topic, codec.typeHash]).toEqual([channel.topic, expected]);
        checked++;
        types.add(channel.schemaName);
      }
    });
  },
);
