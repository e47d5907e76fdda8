/**
 * Real recorded bytes end to end: messages of bags, served by the bridge-like server with each
 * connection's definition as the channel schema, received and decoded by the client over a real
 * socket.
 *
 * - The committed golden bags (written by python3-rosbag; std.bag covers the standard types,
 *   edge.bag the edge values): every message must equal what genpy decoded (the .jsonl dumps).
 * - The shared real-world bags (plain, bz2 and lz4 chunks): every message must equal what the
 *   reference decoder (@foxglove/rosmsg-serialization) reads from the same bytes.
 */
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg-serialization";
import * as path from "node:path";
import { describeIf, sharedBagsDir } from "../helpers/env.js";
import { GOLDEN_DIR, readJsonl } from "../helpers/golden.js";
import { readBag, topicsWithoutDefinition } from "./helpers/bags.js";
import { expectLikeGolden, serveBag } from "./helpers/serve-bag.js";

describe.each(["std", "edge"])("golden bag %s.bag", (name) => {
  it("decodes every message as genpy did, with codecs compiled from the definitions", async () => {
    const bag = await readBag(path.join(GOLDEN_DIR, `${name}.bag`));
    const golden = readJsonl(path.join(GOLDEN_DIR, `${name}.jsonl`));
    expect(bag.messages).toHaveLength(golden.length);
    // Connections without a definition (std_msgs/Empty, empty service requests) look like a type
    // unknown to the bridge: without generated codecs (see generated-codecs.test.ts) the client
    // refuses them with a schema error naming the topic.
    const empty = topicsWithoutDefinition(bag);
    const { received, events } = await serveBag(bag, empty);
    expect(events.errors.map((e) => `${e.kind} ${e.context.topic}`).sort()).toEqual(
      [...empty].map((topic) => `schema ${topic}`).sort(),
    );
    expect(events.warnings).toEqual([]);
    expectLikeGolden(
      received,
      golden.filter((line) => !empty.has(line.topic)),
      `${name}.jsonl`,
    );
  });
});

const shared = sharedBagsDir();

describeIf(shared !== undefined, "../shared/bags is absent")("shared real-world bags", () => {
  it.each([
    // [bag, compression, messages taken from the start]
    ["fiducials__aruco_images.bag", "none: JPEG CompressedImage + CameraInfo", Infinity],
    ["rosbagjs__example-lz4.bag", "lz4: turtlesim, tf, Twist, rosout", 600],
    ["robot_localization__test2.bag", "bz2: odometry, IMU", 600],
    ["jsk_common__smach.bag", "none: strings holding non-UTF-8 bytes", Infinity],
    ["navigation__robot_pose_ekf_gps_data.bag", "none: Husky GPS/IMU/diagnostics", 600],
  ])("%s (%s) decodes like the reference decoder", async (file, _what, limit) => {
    const bag = await readBag(path.join(shared!, file));
    bag.messages = bag.messages.slice(0, limit);
    const { received, events } = await serveBag(bag);
    expect(events.errors.map((e) => e.message)).toEqual([]);
    expect(received).toHaveLength(bag.messages.length);
    const readers = new Map<string, MessageReader>();
    received.forEach((r, i) => {
      const sent = bag.messages[i]!;
      const topic = bag.topics.get(sent.topic)!;
      let reader = readers.get(sent.topic);
      if (reader === undefined) {
        reader = new MessageReader(parse(topic.definition));
        readers.set(sent.topic, reader);
      }
      expect(r.topic).toBe(sent.topic);
      expect(r.datatype).toBe(topic.datatype);
      expect(r.receiveTimeNs).toBe(sent.timeNs);
      const reference = toJson(reader.readMessage(sent.data));
      if (toJson(r.msg) !== reference) {
        throw new Error(
          `${file} message ${i} on ${sent.topic} (${topic.datatype}) differs from the reference`,
        );
      }
    });
  });
});

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    return v;
  });
}
