/**
 * ROS 2 codecs (`compileCodec(..., { encoding: "cdr" })`) on real rosbag2 recordings
 * (../shared/ros2-bags): every CDR message decodes equal to @foxglove/rosmsg2-serialization's
 * MessageReader, with no byte left over beyond the end padding, and re-encodes to the recorded
 * bytes except padding (we write zeros and no end padding, as rclcpp/Fast-CDR does; recordings
 * hold stale bytes in padding), and to exactly what MessageWriter writes.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import { compileCodec } from "../../runtime/codec/compile.js";
import { describeIf, sharedRos2BagsDir } from "../helpers/env.js";
import { readRos2Db3 } from "../helpers/ros2-db3.js";
import { readRos2Mcap, type Ros2BagMessage } from "../helpers/ros2-mcap.js";
import { DecodeError } from "../../runtime/codec/types.js";

const dir = sharedRos2BagsDir();
const SEPARATOR = "=".repeat(80);

/**
 * The definition the reference needs for a topic: rosbag2 stores a service-event topic's raw
 * `.srv` text, which @foxglove/rosmsg cannot parse; the wire type is built here by hand from the
 * service_msgs and builtin_interfaces definitions (independently of runtime/schema).
 */
function referenceText(schemaName: string, schema: string): string {
  const event = /^(\w+)\/srv\/(\w+)_Event$/.exec(schemaName);
  if (event === null || !/^---\s*$/m.test(schema)) return schema;
  const [request, response] = schema.split(/^---\s*$/m) as [string, string];
  const base = `${event[1]}/${event[2]}`;
  return [
    `service_msgs/ServiceEventInfo info\n${base}_Request[<=1] request\n${base}_Response[<=1] response`,
    `${SEPARATOR}\nMSG: service_msgs/ServiceEventInfo\nuint8 event_type\nbuiltin_interfaces/Time stamp\nchar[16] client_gid\nint64 sequence_number`,
    `${SEPARATOR}\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec`,
    `${SEPARATOR}\nMSG: ${base}_Request\n${request}`,
    `${SEPARATOR}\nMSG: ${base}_Response\n${response}`,
  ].join("\n");
}

/** Positions where `ours` differs from `recorded`: must all be zeros we wrote in padding. */
function differences(ours: Uint8Array, recorded: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < ours.length; i++) if (ours[i] !== recorded[i]) out.push(i);
  return out;
}

describeIf(dir !== undefined, "../shared/ros2-bags is absent")("real rosbag2 recordings", () => {
  const files = readdirSync(dir!).filter((f) => f.endsWith(".mcap"));
  const totals = {
    messages: 0,
    types: new Set<string>(),
    files: 0,
    paddingDiffs: 0,
    placeholders: [] as string[],
  };

  afterAll(() => {
    process.stderr.write(
      `ros2 bags: ${totals.messages} messages of ${totals.types.size} types in ${totals.files} files verified; ${totals.paddingDiffs} messages held stale padding bytes; placeholder definitions rejected: ${totals.placeholders.join(", ")}\n`,
    );
  });

  it.each(files)("%s", async (file) => {
    const { messages } = await readRos2Mcap(path.join(dir!, file));
    const cdr = messages.filter((m) => m.messageEncoding === "cdr");
    if (file.includes("wrong_rmw")) {
      expect(cdr).toHaveLength(0); // its channels say `wrong_format`: nothing to decode
      return;
    }
    expect(cdr.length).toBeGreaterThan(0);
    totals.files++;
    const byTopic = new Map<string, Ros2BagMessage[]>();
    for (const m of cdr) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
    for (const [topic, list] of byTopic) {
      const { schemaName, schema } = list[0]!;
      verifyTopic(
        `${file} ${topic}`,
        schemaName,
        schema,
        list.map((m) => m.data),
      );
    }
  });

  /** Topics of the .db3 files: definitions from the file, checked, else from the MCAP files. */
  const library = new Map<string, string>();
  beforeAll(async () => {
    for (const file of files) {
      for (const c of (await readRos2Mcap(path.join(dir!, file))).channels) {
        if (c.schemaEncoding === "ros2msg" && !library.has(c.schemaName)) {
          library.set(c.schemaName, c.schema);
        }
      }
    }
  });

  it.each(readdirSync(dir!).filter((f) => f.endsWith(".db3")))("%s", async (file) => {
    const topics = (await readRos2Db3(path.join(dir!, file))).filter((t) => t.messages.length > 0);
    expect(topics.length).toBeGreaterThan(0);
    totals.files++;
    const rejected: string[] = [];
    for (const t of topics) {
      let text = t.definition;
      if (text !== undefined) {
        // Check, do not trust: talker.db3 holds placeholders (`uint8 level` for a Log).
        const codec = compileCodec(t.type, text, { encoding: "cdr", allowEmpty: true });
        const fits = t.messages.every((data) => {
          try {
            codec.decode(data, { strict: true });
            return true;
          } catch (error) {
            expect(error).toBeInstanceOf(DecodeError);
            return false;
          }
        });
        if (!fits) {
          totals.placeholders.push(`${file} ${t.topic}`);
          rejected.push(t.topic);
          text = undefined;
        }
      }
      text ??= library.get(t.type);
      expect([file, t.topic, text === undefined]).toEqual([file, t.topic, false]);
      verifyTopic(`${file} ${t.topic}`, t.type, text!, t.messages);
    }
    // INDEX.md: talker.db3's Log definition is a placeholder (`uint8 level`); the others fit.
    expect(rejected).toEqual(file.endsWith("talker.db3") ? ["/rosout"] : []);
  });

  function verifyTopic(where: string, schemaName: string, schema: string, datas: Uint8Array[]) {
    const codec = compileCodec(schemaName, schema, { encoding: "cdr", allowEmpty: true });
    const definitions = parse(referenceText(schemaName, schema), { ros2: true });
    const reader = new MessageReader(definitions);
    const writer = new MessageWriter(definitions);
    totals.types.add(schemaName);
    for (const [index, data] of datas.entries()) {
      const at = `${where} #${index}`;
      const expected = reader.readMessage(data);
      // strict: bytes left over beyond the end padding are an error (placeholder definitions).
      const decoded = codec.decode(data, { strict: true });
      expect([at, decoded]).toEqual([at, expected]);
      const ours = codec.encode(decoded);
      expect([at, Buffer.from(ours).toString("hex")]).toEqual([
        at,
        Buffer.from(writer.writeMessage(expected)).toString("hex"),
      ]);
      // The recording: at most 3 more bytes (end padding), and only padding differs.
      expect(data.length - ours.length).toBeGreaterThanOrEqual(0);
      expect(data.length - ours.length).toBeLessThanOrEqual(3);
      const diff = differences(ours, data);
      if (diff.length > 0) totals.paddingDiffs++;
      for (const i of diff) expect([at, i, ours[i]]).toEqual([at, i, 0]);
      totals.messages++;
    }
  }
});
