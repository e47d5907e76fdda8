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
import {
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";

import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { McapWriter } from "@mcap/core";
import { execFileSync } from "node:child_process";
import { open as openFile } from "node:fs/promises";
import { FileHandleWritable } from "@mcap/nodejs";

import { ROS_PYTHON, describeIf, hasPython, rosEnv, sharedRos2BagsDir } from "../helpers/env.js";
import initSqlJs from "sql.js";
import { readRos2Db3 } from "../helpers/ros2-db3.js";
import { readRos2Mcap } from "../helpers/ros2-mcap.js";
import { ProbeClient, runNoros, tempDir } from "./helpers.js";

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
  /** The definition stored in the file. */
  stored: string | undefined;
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
        stored: c.schema,
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
      stored: t.definition,
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

  // wrong_rmw_test_0.mcap and rewriter_b_0.db3 have nothing to serve (their own tests below).
  const files = readdirSync(dir ?? ".").filter(
    (f) => /\.(mcap|db3)$/.test(f) && !f.includes("wrong_rmw") && !f.includes("rewriter_b"),
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
    expect(server.source.skippedChannels).toEqual([]);
    for (const [topic, want] of expected) {
      const name = topic.startsWith("/") ? topic : `/${topic}`;
      expect(served.has(name)).toBe(true);
      if (want.reference === undefined) throw new Error(`${topic}: no reference definition`);
      const channel = client.channel(name);
      expect(channel).toMatchObject({ encoding: "cdr", schemaEncoding: "ros2msg" });
      expect(channel.schemaName).toMatch(/^\w+\/(msg|srv)\/\w+$/);
      // As stored, unless it had to be built (service events) or replaced (placeholders).
      const rebuilt = server.source.notices.some(
        (n) => n.topic === topic && /with each MSG block once/.test(n.message),
      );
      if (want.reference === want.stored && !rebuilt) expect(channel.schema).toBe(want.stored);
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
      [...expected.values()].reduce((n, t) => n + t.messages.length, 0),
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

  it("refuses topics without any definition whose type is not in the standard set", async () => {
    const server = await startPlayServer({
      file: path.join(dir!, "ros2__rosbag2__rewriter_b_0.db3"),
      port: 0,
      start: "manual",
    });
    servers.push(server);
    expect(server.channels).toEqual([]);
    expect(server.source.skippedChannels).toEqual([
      {
        topic: "a_empty",
        reason:
          "the recording has no definition of its type, and test_msgs/msg/Empty is not in the standard ROS 2 set shipped with noros",
      },
      {
        topic: "c_strings",
        reason:
          "the recording has no definition of its type, and test_msgs/msg/Strings is not in the standard ROS 2 set shipped with noros",
      },
    ]);
  });

  it("replaces talker.db3's placeholder definitions with the standard ones, and says so", async () => {
    const { server, client } = await playAll("ros2__rosbag2__talker.db3");
    const notices = new Map(server.source.notices.map((n) => [n.topic, n.message]));
    expect(notices.get("/topic")).toBe(
      'its stored definition is a placeholder (type hash "hash1"); serving the standard ROS 2 (Jazzy) definition of std_msgs/msg/String shipped with noros',
    );
    expect(notices.get("/rosout")).toMatch(
      /^it does not decode the recorded messages \(.*bytes left over.*\); serving the standard ROS 2 \(Jazzy\) definition of rcl_interfaces\/msg\/Log shipped with noros$/,
    );
    expect(client.channel("/rosout").schema).toContain("\nMSG: builtin_interfaces/Time\n");
  });

  it("serves a service-event topic stored as raw .srv text with a built _Event definition", async () => {
    const { server, client } = await playAll("ros2__rosbag2__topics_and_services.mcap");
    const channel = client.channel("/add_two_ints/_service_event");
    expect(channel.schemaName).toBe("example_interfaces/srv/AddTwoInts_Event");
    expect(channel.schema.split("\n").slice(0, 3)).toEqual([
      "service_msgs/ServiceEventInfo info",
      "example_interfaces/AddTwoInts_Request[<=1] request",
      "example_interfaces/AddTwoInts_Response[<=1] response",
    ]);
    expect(channel.schema).toContain(
      `\n${SEPARATOR}\nMSG: example_interfaces/AddTwoInts_Request\n`,
    );
    expect(server.source.notices).toContainEqual({
      topic: "/add_two_ints/_service_event",
      message:
        "stored definition is the raw .srv text; serving the example_interfaces/srv/AddTwoInts_Event definition built from it",
    });
    expect(client.serverInfo.metadata).toEqual({
      ROS_DISTRO: "rolling",
      source: "ros2__rosbag2__topics_and_services.mcap",
    });
  });

  describe("rosbag2 folders (metadata.yaml)", () => {
    const tmp = tempDir();
    afterAll(() => tmp.remove());

    /** A bag folder: `metadata` as its metadata.yaml, `links` name -> shared file. */
    function folder(name: string, metadata: string, links: Record<string, string>): string {
      const bag = path.join(tmp.dir, name);
      mkdirSync(bag);
      writeFileSync(path.join(bag, "metadata.yaml"), metadata);
      for (const [file, target] of Object.entries(links)) {
        symlinkSync(path.join(dir!, target), path.join(bag, file));
      }
      return bag;
    }

    it("serves a split bag's files one after the other as one recording", async () => {
      // The real metadata.yaml of the talker bag, listing a second split file.
      const metadata = readFileSync(
        path.join(dir!, "ros2__rosbag2__talker.db3.metadata.yaml"),
        "utf8",
      );
      expect(metadata).toMatch(/relative_file_paths:\n\s*- talker.db3\n/);
      const split = metadata.replace(
        /(relative_file_paths:\n(\s*)- talker.db3\n)/,
        "$1$2- talker_1.mcap\n",
      );
      const bag = folder("talker", split, {
        "talker.db3": "ros2__rosbag2__talker.db3",
        "talker_1.mcap": "ros2__rosbag2__talker.mcap",
      });
      const server = await startPlayServer({ file: bag, port: 0, rate: Infinity, start: "manual" });
      servers.push(server);
      expect(server.source.format).toBe("rosbag2");
      expect(server.source.messageCount).toBe(40);
      const client = await ProbeClient.connect(server.url);
      clients.push(client);
      for (const topic of ["/rosout", "/topic"]) {
        client.subscribe(topic);
        await server.subscribed(topic);
      }
      server.start();
      const { messages } = await server.finished;
      expect(messages).toBe(40);
      await client.until(() => client.received.length === 40);
      const db3 = await readRos2Db3(path.join(dir!, "ros2__rosbag2__talker.db3"));
      const mcap = await readRos2Mcap(path.join(dir!, "ros2__rosbag2__talker.mcap"));
      for (const topic of ["/rosout", "/topic"]) {
        const want = [
          ...db3.find((t) => t.topic === topic)!.messages,
          ...mcap.messages.filter((m) => m.topic === topic).map((m) => m.data),
        ];
        const got = client.received.filter((r) => r.topic === topic).map((r) => r.data);
        expect(got.map((d) => Buffer.from(d).toString("hex"))).toEqual(
          want.map((d) => Buffer.from(d).toString("hex")),
        );
      }
      // One channel per topic and type across the files.
      expect(server.channels.map((c) => c.topic).sort()).toEqual([
        "/parameter_events",
        "/rosout",
        "/topic",
      ]);
    });

    it("names a split file metadata.yaml lists but the folder lacks", async () => {
      const metadata = readFileSync(
        path.join(dir!, "ros2__rosbag2__wbag_0.mcap.metadata.yaml"),
        "utf8",
      );
      const bag = folder("wbag", metadata, { "wbag_0.mcap": "ros2__rosbag2__wbag_0.mcap" });
      await expect(startPlayServer({ file: bag, port: 0 })).rejects.toThrow(
        `${path.join(bag, "metadata.yaml")}: relative_file_paths lists wbag_1.mcap, which is missing (a split bag needs all its files)`,
      );
    });

    it("noros play: a folder, notices and refusals on stderr, exit 1 when nothing can be served", async () => {
      const bag = folder(
        "events",
        readFileSync(path.join(dir!, "ros2__rosbag2__cdr_test_0.db3.metadata.yaml"), "utf8"),
        {
          "cdr_test_0.db3": "ros2__rosbag2__cdr_test_0.db3",
        },
      );
      copyFileSync(
        path.join(dir!, "ros2__rosbag2__wrong_rmw_test_0.mcap"),
        path.join(tmp.dir, "wrong.mcap"),
      );
      const wrong = await runNoros(["play", path.join(tmp.dir, "wrong.mcap"), "--port", "0"]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(
        'noros play: not serving /test_topic: message encoding "wrong_format" is neither ros1 nor cdr\n',
      );
      expect(wrong.stderr).toContain("noros play: wrong.mcap: no topic can be served\n");
      expect(wrong.stderr).not.toMatch(/\n\s+at /);
      const missing = await runNoros(["play", path.join(tmp.dir, "nope"), "--port", "0"]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/nope: no such file\n$/);
      const played = await runNoros(["play", bag, "--port", "0", "--now", "--rate", "0"]);
      expect(played.code).toBe(0);
      expect(played.stderr).toMatch(
        /^noros play: serving events \(2 topics, 7 messages over [\d.]+ s\) at ws:/,
      );
      expect(played.stderr).toContain("noros play: finished: 7 messages played\n");
    });
  });

  describe("play's options on ROS 2", () => {
    const tmp = tempDir();
    afterAll(() => tmp.remove());
    const hex = (d: Uint8Array) => Buffer.from(d).toString("hex");

    async function serveAndConnect(options: Partial<Parameters<typeof startPlayServer>[0]>) {
      const server = await startPlayServer({
        port: 0,
        rate: Infinity,
        start: "manual",
        file: "",
        ...options,
      });
      servers.push(server);
      const client = await ProbeClient.connect(server.url);
      clients.push(client);
      return { server, client };
    }

    it("--topics serves only the topics named (relative names as global ones)", async () => {
      const file = path.join(dir!, "ros2__rosbag2__wbag_0.mcap");
      const { server, client } = await serveAndConnect({ file, topics: ["AAA"] });
      expect([...client.channels.values()].map((c) => c.topic)).toEqual(["/AAA"]);
      client.subscribe("/AAA");
      await server.subscribed("/AAA");
      server.start();
      expect((await server.finished).messages).toBe(174);
      await client.until(() => client.received.length === 174);
      const want = (await readRos2Mcap(file)).messages.filter((m) => m.topic === "AAA");
      expect(client.received.map((r) => hex(r.data))).toEqual(want.map((m) => hex(m.data)));
    });

    it("--loop replays the recording with the same times again", async () => {
      const file = path.join(dir!, "ros2__rosbag2__cdr_test_0.db3");
      const { server, client } = await serveAndConnect({ file, loop: true });
      for (const topic of ["/test_topic", "/array_topic"]) {
        client.subscribe(topic);
        await server.subscribed(topic);
      }
      server.start();
      await client.until(() => client.received.length >= 14);
      const [first, second] = [client.received.slice(0, 7), client.received.slice(7, 14)];
      expect(second.map((r) => [r.topic, r.receiveTime, hex(r.data)])).toEqual(
        first.map((r) => [r.topic, r.receiveTime, hex(r.data)]),
      );
    });

    it("latches topics whose recorded publisher offered transient_local durability", async () => {
      const file = path.join(dir!, "jinbeizame007__rosbag2parquet__array_msgs_0.mcap");
      const server = await startPlayServer({ file, port: 0, rate: Infinity, start: "now" });
      servers.push(server);
      await server.finished;
      // Playback is over: a late subscriber still gets the last message, as from a
      // transient_local publisher.
      const client = await ProbeClient.connect(server.url);
      clients.push(client);
      client.subscribe("/one_shot/imu");
      await client.until(() => client.received.length === 1);
      const want = (await readRos2Mcap(file)).messages.find((m) => m.topic === "/one_shot/imu")!;
      expect(hex(client.received[0]!.data)).toBe(hex(want.data));
    });

    it("relays cdr publications from clients and refuses ros1 ones", async () => {
      const file = path.join(dir!, "ros2__rosbag2__talker.mcap");
      const { server, client: listener } = await serveAndConnect({ file });
      const publisher = await ProbeClient.connect(server.url);
      clients.push(publisher);
      listener.subscribe("/topic");
      await server.subscribed("/topic");
      const pub = publisher.client.advertise({
        topic: "/topic",
        encoding: "cdr",
        schemaName: "std_msgs/msg/String",
      });
      const hello = Uint8Array.of(0, 1, 0, 0, 6, 0, 0, 0, ...Buffer.from("hello"), 0);
      publisher.client.sendMessage(pub, hello);
      await listener.until(() => listener.received.length === 1);
      expect(hex(listener.received[0]!.data)).toBe(hex(hello));
      publisher.client.advertise({
        topic: "/other",
        encoding: "ros1",
        schemaName: "std_msgs/String",
      });
      await publisher.until(() => publisher.texts.some((t) => t.op === "status"));
      expect(publisher.texts.find((t) => t.op === "status")?.message).toBe(
        'noros play: cannot publish /other: encoding "ros1" is not cdr',
      );
    });

    it("plays an unfinished zstd MCAP (no index) up to its last complete chunk, saying so", async () => {
      const whole = readFileSync(path.join(dir!, "ros2__rosbag2__wbag_0.mcap"));
      const cut = path.join(tmp.dir, "cut.mcap");
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const { server, client } = await serveAndConnect({ file: cut });
      expect(server.source.damage).toMatch(/^after \d+ messages: file ends inside a record/);
      expect(server.source.notices).toEqual([]);
      for (const c of server.channels) {
        client.subscribe(c.topic);
        await server.subscribed(c.topic);
      }
      server.start();
      const { messages } = await server.finished;
      expect(messages).toBe(server.source.messageCount);
      expect(messages).toBeGreaterThan(100);
      await client.until(() => client.received.length === messages);
      // File order: the recorded messages up to the cut, in the order written.
      const recorded = (await readRos2Mcap(path.join(dir!, "ros2__rosbag2__wbag_0.mcap"))).messages;
      const byTopic = (list: { topic: string; data: Uint8Array }[], topic: string) =>
        list.filter((m) => m.topic === topic).map((m) => hex(m.data));
      for (const c of server.channels) {
        const got = byTopic(client.received, c.topic);
        expect(got).toEqual(byTopic(recorded, c.topic.slice(1)).slice(0, got.length));
      }
    });
  });

  it("noros topics lists a ROS 2 recording being played with its ROS 2 type names", async () => {
    const file = path.join(dir!, "ros2__rosbag2__topics_and_services.mcap");
    const server = await startPlayServer({ file, port: 0, start: "manual" });
    servers.push(server);
    const listed = await runNoros(["topics", "--json", "--url", server.url]);
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        topic: "/add_two_ints/_service_event",
        type: "example_interfaces/srv/AddTwoInts_Event",
        publishers: [],
      },
      {
        topic: "/add_two_ints2/_service_event",
        type: "example_interfaces/srv/AddTwoInts_Event",
        publishers: [],
      },
      {
        topic: "/events/write_split",
        type: "rosbag2_interfaces/msg/WriteSplitEvent",
        publishers: [],
      },
      { topic: "/parameter_events", type: "rcl_interfaces/msg/ParameterEvent", publishers: [] },
      { topic: "/rosout", type: "rcl_interfaces/msg/Log", publishers: [] },
    ]);
  });

  it("serves a stored text that repeats MSG blocks (old rosbag2) with each block once", async () => {
    const file = path.join(dir!, "ros2__rosbag2__talker.mcap");
    const server = await startPlayServer({ file, port: 0, start: "manual" });
    servers.push(server);
    const stored = (await readRos2Mcap(file)).channels.find(
      (c) => c.topic === "/parameter_events",
    )!;
    const headers = (text: string) => text.split("\n").filter((l) => l.startsWith("MSG: "));
    expect(new Set(headers(stored.schema)).size).toBeLessThan(headers(stored.schema).length);
    const served = server.channels.find((c) => c.topic === "/parameter_events")!;
    expect(headers(served.schema)).toEqual([...new Set(headers(stored.schema))]);
    expect(server.source.notices).toEqual([
      {
        topic: "/parameter_events",
        message: expect.stringMatching(
          /^its stored definition does not parse as is \(.+\); serving it with each MSG block once$/,
        ) as unknown as string,
      },
    ]);
  });

  // lz4 MCAP chunks: no shared recording has them; this one is written here from talker.mcap's
  // channels and messages, its chunk compressed by ROS's own roslz4 (LZ4 frames, as MCAP wants).
  (hasPython("roslz4") ? it : it.skip)("serves an lz4-chunked ROS 2 MCAP", async () => {
    const tmp = tempDir();
    try {
      const { channels, messages } = await readRos2Mcap(
        path.join(dir!, "ros2__rosbag2__talker.mcap"),
      );
      const file = path.join(tmp.dir, "talker-lz4.mcap");
      const handle = await openFile(file, "w");
      const writer = new McapWriter({
        writable: new FileHandleWritable(handle),
        chunkSize: 1 << 30,
        compressChunk: (data) => ({
          compression: "lz4",
          compressedData: execFileSync(
            ROS_PYTHON,
            [
              "-c",
              "import sys, roslz4; sys.stdout.buffer.write(roslz4.compress(sys.stdin.buffer.read()))",
            ],
            { input: data, env: rosEnv },
          ),
        }),
      });
      await writer.start({ profile: "ros2", library: "noros test" });
      const ids = new Map<string, number>();
      for (const c of channels) {
        const schemaId = await writer.registerSchema({
          name: c.schemaName,
          encoding: c.schemaEncoding,
          data: new TextEncoder().encode(c.schema),
        });
        ids.set(
          c.topic,
          await writer.registerChannel({
            topic: c.topic,
            messageEncoding: "cdr",
            schemaId,
            metadata: new Map(),
          }),
        );
      }
      for (const [i, m] of messages.entries()) {
        const time = BigInt(i + 1) * 1_000_000n;
        await writer.addMessage({
          channelId: ids.get(m.topic)!,
          sequence: i,
          logTime: time,
          publishTime: time,
          data: m.data,
        });
      }
      await writer.end();
      await handle.close();
      expect(readFileSync(file).includes(Buffer.from("lz4"))).toBe(true);

      const server = await startPlayServer({ file, port: 0, rate: Infinity, start: "manual" });
      servers.push(server);
      const client = await ProbeClient.connect(server.url);
      clients.push(client);
      for (const topic of ["/rosout", "/topic"]) {
        client.subscribe(topic);
        await server.subscribed(topic);
      }
      server.start();
      expect((await server.finished).messages).toBe(20);
      await client.until(() => client.received.length === 20);
      expect(client.received.map((r) => [r.topic, Buffer.from(r.data).toString("hex")])).toEqual(
        messages.map((m) => [m.topic, Buffer.from(m.data).toString("hex")]),
      );
    } finally {
      tmp.remove();
    }
  });

  it("bad rosbag2 input: one line naming the file and what is wrong, exit 1", async () => {
    const tmp = tempDir();
    try {
      const SQL = await initSqlJs();
      const other = new SQL.Database();
      other.run("CREATE TABLE notes (text TEXT)");
      writeFileSync(path.join(tmp.dir, "other.db3"), other.export());
      other.close();
      const whole = readFileSync(path.join(dir!, "ros2__rosbag2__cdr_test_0.db3"));
      writeFileSync(path.join(tmp.dir, "cut.db3"), whole.subarray(0, 8192));
      mkdirSync(path.join(tmp.dir, "notbag"));
      writeFileSync(path.join(tmp.dir, "notbag", "metadata.yaml"), "just: text\n");
      mkdirSync(path.join(tmp.dir, "packed"));
      writeFileSync(
        path.join(tmp.dir, "packed", "metadata.yaml"),
        readFileSync(path.join(dir!, "ros2__rosbag2__talker.db3.metadata.yaml"), "utf8").replace(
          /compression_mode: .*/,
          "compression_mode: FILE",
        ),
      );
      const cases: [string, RegExp][] = [
        ["other.db3", /other\.db3: not a rosbag2 SQLite file \(no table "topics"\)$/],
        ["cut.db3", /cut\.db3: not a readable rosbag2 SQLite file \(.+\)$/],
        [
          "notbag",
          /notbag\/metadata\.yaml: no rosbag2_bagfile_information: not a rosbag2 metadata\.yaml$/,
        ],
        ["packed", /packed\/metadata\.yaml: compression_mode FILE .* is not supported; .*$/],
      ];
      for (const [name, message] of cases) {
        const result = await runNoros(["play", path.join(tmp.dir, name), "--port", "0"]);
        expect([name, result.code]).toEqual([name, 1]);
        const lines = result.stderr.trim().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(message);
      }
    } finally {
      tmp.remove();
    }
  });
});
