/**
 * `startPlayServer` on real rosbag2 recordings (../shared/ros2-bags: .mcap, zstd-chunked .mcap,
 * .db3) against a plain FoxgloveClient over real sockets: the server introduces itself as the
 * ROS 2 foxglove_bridge does (cdr, `ros2msg` schemas named `pkg/msg/Type`), every recorded
 * message is served with its recorded bytes, and every served message decodes with
 * @foxglove/rosmsg2-serialization's MessageReader under the served schema equal to the
 * MessageReader decode under a reference definition (the recording's own, or for its quirks the
 * one INDEX.md says works), read here independently of the server (sql.js, fzstd).
 */
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import { readdirSync } from "node:fs";
import * as path from "node:path";

import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { describeIf, sharedRos2BagsDir } from "../helpers/env.js";
import { readRos2Db3 } from "../helpers/ros2-db3.js";
import { readRos2Mcap } from "../helpers/ros2-mcap.js";
import { ProbeClient } from "./helpers.js";

const dir = sharedRos2BagsDir();
const SEPARATOR = "=".repeat(80);

/**
 * The reference definition of a topic whose stored one is the raw `.srv` text: the `_Event`
 * wire type written out by hand (independently of the server's runtime/schema code).
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

interface RecordedTopic {
  type: string;
  /** The reference definition, undefined when there is none to decode with. */
  reference: string | undefined;
  messages: Uint8Array[];
}

/** What a file holds per topic, read without the server's code. */
async function recorded(file: string): Promise<Map<string, RecordedTopic>> {
  const topics = new Map<string, RecordedTopic>();
  if (file.endsWith(".mcap")) {
    const { channels, messages } = await readRos2Mcap(path.join(dir!, file));
    for (const c of channels) {
      if (c.messageEncoding !== "cdr") continue;
      topics.set(c.topic, {
        type: c.schemaName,
        reference: referenceText(c.schemaName, c.schema),
        messages: messages.filter((m) => m.topic === c.topic).map((m) => m.data),
      });
    }
    return topics;
  }
  // talker.db3's stored definitions are placeholders: INDEX.md decodes it with the real
  // definitions, which the same recording made as MCAP (talker.mcap) carries.
  const real = file.includes("talker")
    ? await readRos2Mcap(path.join(dir!, file.replace(/\.db3$/, ".mcap")))
    : undefined;
  for (const t of await readRos2Db3(path.join(dir!, file))) {
    const definition = real?.channels.find((c) => c.topic === t.topic)?.schema ?? t.definition;
    topics.set(t.topic, {
      type: t.type,
      reference: definition === undefined ? undefined : referenceText(t.type, definition),
      messages: t.messages,
    });
  }
  return topics;
}

describeIf(dir !== undefined, "../shared/ros2-bags is absent")("noros play: ROS 2", () => {
  const servers: PlayServer[] = [];
  const clients: ProbeClient[] = [];
  const totals = { files: 0, topics: 0, messages: 0 };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    process.stderr.write(
      `play ros2: ${totals.messages} messages on ${totals.topics} topics of ${totals.files} files served, byte-checked and decoded\n`,
    );
  });

  /** Plays `file` to the end to one client subscribed to every channel. */
  async function playAll(file: string) {
    const server = await startPlayServer({
      file: path.join(dir!, file),
      port: 0,
      rate: Infinity,
      start: "manual",
    });
    servers.push(server);
    const client = await ProbeClient.connect(server.url);
    clients.push(client);
    for (const channel of client.channels.values()) {
      client.subscribe(channel.topic);
      await server.subscribed(channel.topic);
    }
    server.start();
    const { messages } = await server.finished;
    await client.until(() => client.received.length === messages);
    return { server, client };
  }

  // wrong_rmw_test_0.mcap has nothing to serve (its own test below).
  const files = readdirSync(dir ?? ".").filter(
    (f) => /\.mcap$/.test(f) && !f.includes("wrong_rmw"),
  );

  it.each(files)("serves every message of %s as recorded", async (file) => {
    const expected = await recorded(file);
    const { server, client } = await playAll(file);
    expect(client.serverInfo).toMatchObject({
      name: "noros play",
      supportedEncodings: ["cdr"],
      capabilities: ["clientPublish", "connectionGraph", "parametersSubscribe", "parameters"],
    });
    const served = new Set(server.channels.map((c) => c.topic));
    const skipped = server.source.skippedChannels;
    for (const [topic, want] of expected) {
      const name = topic.startsWith("/") ? topic : `/${topic}`;
      if (want.reference === undefined) {
        // No definition stored, and the type is not in the standard set: refused, with why.
        expect(served.has(name)).toBe(false);
        expect(skipped.find((s) => s.topic === topic)?.reason).toMatch(/no definition/);
        continue;
      }
      expect(served.has(name)).toBe(true);
      const channel = client.channel(name);
      expect(channel).toMatchObject({ encoding: "cdr", schemaEncoding: "ros2msg" });
      expect(channel.schemaName).toMatch(/^\w+\/(msg|srv)\/\w+$/);
      const got = client.received.filter((r) => r.topic === name);
      expect(got.map((r) => Buffer.from(r.data).toString("hex"))).toEqual(
        want.messages.map((m) => Buffer.from(m).toString("hex")),
      );
      const clientReader = new MessageReader(parse(channel.schema, { ros2: true }));
      const referenceReader = new MessageReader(parse(want.reference, { ros2: true }));
      for (const [i, r] of got.entries()) {
        expect(clientReader.readMessage(r.data)).toEqual(
          referenceReader.readMessage(want.messages[i]!),
        );
      }
      totals.topics++;
      totals.messages += got.length;
    }
    expect(client.received).toHaveLength(
      [...expected.values()].reduce(
        (n, t) => n + (t.reference !== undefined ? t.messages.length : 0),
        0,
      ),
    );
    totals.files++;
  });

  it("skips channels whose message encoding is neither ros1 nor cdr, saying why", async () => {
    const server = await startPlayServer({
      file: path.join(dir!, "ros2__rosbag2__wrong_rmw_test_0.mcap"),
      port: 0,
      start: "manual",
    });
    servers.push(server);
    expect(server.channels).toEqual([]);
    expect(server.source.skippedChannels.map((s) => [s.topic, s.reason]).sort()).toEqual([
      ["/array_topic", 'message encoding "wrong_format" is neither ros1 nor cdr'],
      ["/test_topic", 'message encoding "wrong_format" is neither ros1 nor cdr'],
    ]);
  });
});
