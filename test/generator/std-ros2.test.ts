/**
 * The standard ROS 2 definitions (generator/std-ros2, Jazzy) through noros-gen: the bindings
 * type-check under strict flags, every type hash equals the one recorded for the type in the
 * shared ROS 2 bags, and the generated codecs decode and re-encode the bags' messages as
 * compileCodec does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { generate } from "../../generator/generate.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import { describeIf, sharedRos2BagsDir } from "../helpers/env.js";
import { loadGeneratedCodecs, loadGeneratedModule } from "../helpers/load-generated.js";
import { readRos2Mcap } from "../helpers/ros2-mcap.js";
import { typecheck } from "../helpers/typecheck.js";

const root = path.resolve(__dirname, "..", "..");
const dir = sharedRos2BagsDir();
const { files, types } = generate({
  inputs: [path.join(root, "generator", "std-ros2")],
  command: "noros-gen generator/std-ros2 --out <dir>",
});
const codecs = loadGeneratedCodecs(files);

describe("standard ROS 2 bindings (Jazzy)", () => {
  it("cover the standard packages, keyed pkg/msg/Type", () => {
    expect(types).toBeGreaterThan(250);
    for (const name of [
      "std_msgs/msg/Header",
      "sensor_msgs/msg/PointCloud2",
      "tf2_msgs/msg/TFMessage",
      "rcl_interfaces/msg/Log",
      "action_msgs/srv/CancelGoal_Event",
      "tf2_msgs/action/LookupTransform_FeedbackMessage",
      "unique_identifier_msgs/msg/UUID",
    ]) {
      expect([name, codecs[name]?.datatype]).toEqual([name, name]);
    }
    // The rosbags writer's hash of geometry_msgs/Point (the same as rosidl's: no char fields).
    expect(codecs["geometry_msgs/msg/Point"]!.typeHash).toBe(
      "RIHS01_6963084842a9b04494d6b2941d11444708d892da2f4b09843b9c43f42a7f6881",
    );
  });

  it("carry service type hashes as rosidl computes them", () => {
    // std_srvs/srv/detail/set_bool__description.c as rosidl_generator_c wrote it (Jazzy).
    const std_srvs = loadGeneratedModule(files, "std_srvs.ts");
    const service = std_srvs.SetBoolService as { datatype: string; typeHash: string };
    expect(service.datatype).toBe("std_srvs/srv/SetBool");
    expect(service.typeHash).toBe(
      "RIHS01_abe9e4bb6b41b40e6789712c00ec8871923e089af3f667a79992a428cff2da0a",
    );
    expect(
      ["Request", "Response", "Event"].map((p) => codecs[`std_srvs/srv/SetBool_${p}`]!.typeHash),
    ).toEqual([
      "RIHS01_c62fbb99d94e1b25e8ef9e109f9581956bb1b3361a45a4e5810c36a90d29932e",
      "RIHS01_d0814e7f7b4880ab77e9c57426c7aa1562ab69f11eef8e2e968812f9cbd0b059",
      "RIHS01_3c4c20015afb4303eafd347b1d6a786f171a89c814726961a9593ef10df878cf",
    ]);
  });

  it("type-check under strict flags (ESM, CommonJS, bundler)", () => {
    const out = mkdtempSync(path.join(root, "test", ".std-ros2-"));
    try {
      const paths = [...files].map(([name, text]) => {
        writeFileSync(path.join(out, name), text);
        return path.join(out, name);
      });
      expect(typecheck(paths)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

/** A definition's declarations (no comments, blank lines or MSG: block order), for comparison. */
function fieldLines(text: string): string {
  return text
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "" && !/^=+$/.test(l))
    .sort()
    .join("\n");
}

describeIf(dir !== undefined, "../shared/ros2-bags is absent")("against the ROS 2 bags", () => {
  it("give the hashes the bags recorded and decode their messages like compileCodec", async () => {
    const bags = [
      "geocamxyz__rosbags-rs__test_bag_mcap.mcap",
      "ros2__rosbag2__talker.mcap",
      "ros2__rosbag2__topics_and_services.mcap",
      "ros2__rosbag2__wbag_0.mcap",
    ];
    let hashes = 0;
    let messages = 0;
    const otherDistro: string[] = [];
    for (const bag of bags) {
      const { channels, messages: list, metadata } = await readRos2Mcap(path.join(dir!, bag));
      const schemaOf = new Map(channels.map((c) => [c.schemaName, c.schema]));
      for (const text of metadata) {
        const doc = parseYaml(text) as {
          topics_with_message_count?: {
            topic_metadata: { type: string; type_description_hash?: string };
          }[];
        };
        for (const { topic_metadata: t } of doc.topics_with_message_count ?? []) {
          const ours = codecs[t.type]?.typeHash;
          if (ours === undefined || t.type_description_hash === undefined) continue;
          // rosbags hashes a .msg `char` as CHAR; rosidl as uint8 (see ros2-type-hash.test.ts).
          if (t.type === "std_msgs/msg/Char") continue;
          // A bag recorded with another distro's definition (Humble's sensor_msgs/Range has no
          // `variance`) has another hash: allowed only when the definitions really differ.
          const recorded = schemaOf.get(t.type);
          if (
            ours !== t.type_description_hash &&
            recorded !== undefined &&
            fieldLines(recorded) !== fieldLines(codecs[t.type]!.definition)
          ) {
            otherDistro.push(t.type);
            continue;
          }
          expect([t.type, ours]).toEqual([t.type, t.type_description_hash]);
          hashes++;
        }
      }
      for (const m of list) {
        const generated = codecs[m.schemaName];
        if (generated === undefined) continue;
        const compiled = compileCodec(m.schemaName, m.schema, {
          encoding: "cdr",
          allowEmpty: true,
        });
        // The same type only when the recorded definition is Jazzy's too.
        if (compiled.typeHash !== generated.typeHash) continue;
        const decoded = generated.decode(m.data, { strict: true });
        expect([m.topic, decoded]).toEqual([m.topic, compiled.decode(m.data)]);
        expect(Buffer.compare(generated.encode(decoded), compiled.encode(decoded))).toBe(0);
        messages++;
      }
      void channels;
    }
    process.stderr.write(
      `std-ros2: ${hashes} recorded type hashes equal; ${messages} bag messages decoded by the generated codecs; recorded with other definitions: ${[...new Set(otherDistro)].join(", ")}\n`,
    );
    expect(hashes).toBeGreaterThan(80);
    expect(messages).toBeGreaterThan(150);
  });
});
