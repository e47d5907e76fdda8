/**
 * `noros play --msgs` (and `openMessageSource(path, { msgs })`) on real rosbag2 recordings
 * (../shared/ros2-bags): definitions from ROS 2 package trees (test/fixtures/ros2-msgs: test_msgs
 * from ros2/test_interface_files) for types a recording lacks, checked against the RIHS01 hash the
 * recording stores wherever rosbag2 stores it (db3 topics table, MCAP channel metadata, the bag
 * folder's metadata.yaml). Served messages are decoded with @foxglove/rosmsg2-serialization under
 * the served schema and compared with the decode under the fixture's own .msg text.
 */
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import { McapIndexedReader, McapWriter } from "@mcap/core";
import { FileHandleWritable } from "@mcap/nodejs";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { open as openFile } from "node:fs/promises";
import * as path from "node:path";
import initSqlJs from "sql.js";

import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { loadRos2Msgs } from "../../tools/sources/ros2-msgs.js";
import { describeIf, sharedBagsDir, sharedRos2BagsDir } from "../helpers/env.js";
import { readRos2Db3 } from "../helpers/ros2-db3.js";
import { ProbeClient, runNoros, tempDir } from "./helpers.js";

const dir = sharedRos2BagsDir();
const MSGS = path.join(__dirname, "..", "fixtures", "ros2-msgs");
const TEST_MSGS = path.join(MSGS, "test_msgs");
const EVENTS = "ros2__rosbag2__bag_with_topics_and_service_events";
/** What rosbag2 stores for test_msgs/msg/Strings in EVENTS (db3 and MCAP alike). */
const STRINGS_HASH = "RIHS01_eee55533636293ac7c94c62432eedb5777eb849847d2a17b4dcead8c4a20ab32";
const hex = (d: Uint8Array) => Buffer.from(d).toString("hex");

describeIf(dir !== undefined, "../shared/ros2-bags is absent")("noros play --msgs (ROS 2)", () => {
  const tmp = tempDir();
  const servers: PlayServer[] = [];
  const clients: ProbeClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => tmp.remove());

  /** A copy of the fixture tree whose Strings.msg bounds one string at 23 instead of 22. */
  function modifiedTree(name: string): string {
    const root = path.join(tmp.dir, name);
    cpSync(MSGS, root, { recursive: true });
    const file = path.join(root, "test_msgs", "msg", "Strings.msg");
    const text = readFileSync(file, "utf8");
    const changed = text.replace(
      /^string<=22 bounded_string_value$/m,
      "string<=23 bounded_string_value",
    );
    expect(changed).not.toBe(text);
    writeFileSync(file, changed);
    return root;
  }

  /** A copy of EVENTS' .db3 run through `sql` (e.g. dropping its stored definitions). */
  async function editedDb3(name: string, sql: string): Promise<string> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(path.join(dir!, `${EVENTS}.db3`)));
    db.run(sql);
    const file = path.join(tmp.dir, name);
    writeFileSync(file, db.export());
    db.close();
    return file;
  }

  async function playAll(file: string, msgs: string[]) {
    const server = await startPlayServer({ file, port: 0, rate: Infinity, start: "manual", msgs });
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
    return { server, client, messages };
  }

  it("serves all 75 messages of rewriter_b_0.db3 (no stored definitions) with test_msgs from --msgs", async () => {
    const file = path.join(dir!, "ros2__rosbag2__rewriter_b_0.db3");
    const { server, client, messages } = await playAll(file, [MSGS]);
    expect(server.source.skippedChannels).toEqual([]);
    expect(server.source.notices).toEqual([
      {
        topic: "a_empty",
        message: `the recording has no definition of its type; serving the definition of test_msgs/msg/Empty from --msgs (${path.join(TEST_MSGS, "msg", "Empty.msg")})`,
      },
      {
        topic: "c_strings",
        message: `the recording has no definition of its type; serving the definition of test_msgs/msg/Strings from --msgs (${path.join(TEST_MSGS, "msg", "Strings.msg")})`,
      },
    ]);
    expect(messages).toBe(75);
    const recorded = await readRos2Db3(file);
    const reference = {
      a_empty: readFileSync(path.join(TEST_MSGS, "msg", "Empty.msg"), "utf8"),
      c_strings: readFileSync(path.join(TEST_MSGS, "msg", "Strings.msg"), "utf8"),
    };
    let decoded = 0;
    for (const [topic, text] of Object.entries(reference)) {
      const channel = client.channel(`/${topic}`);
      expect(channel).toMatchObject({ encoding: "cdr", schemaEncoding: "ros2msg" });
      expect(channel.schemaName).toBe(
        topic === "a_empty" ? "test_msgs/msg/Empty" : "test_msgs/msg/Strings",
      );
      const want = recorded.find((t) => t.topic === topic)!.messages;
      const got = client.received.filter((r) => r.topic === `/${topic}`);
      expect(got.map((r) => hex(r.data))).toEqual(want.map(hex));
      const served = new MessageReader(parse(channel.schema, { ros2: true }));
      const own = new MessageReader(parse(text, { ros2: true }));
      for (const [i, r] of got.entries()) {
        expect(served.readMessage(r.data)).toEqual(own.readMessage(want[i]!));
        decoded++;
      }
    }
    expect(decoded).toBe(75);
    // A strings message really carries the recorded text (not a vacuous decode).
    const first = new MessageReader(parse(client.channel("/c_strings").schema, { ros2: true }));
    expect(
      first.readMessage(client.received.find((r) => r.topic === "/c_strings")!.data),
    ).toMatchObject({
      string_value: "stringval0",
      bounded_string_value_default1: "Hello world!",
    });
  });

  it("noros play --msgs: notices on stderr; without --msgs the same file is refused", async () => {
    const file = path.join(dir!, "ros2__rosbag2__rewriter_b_0.db3");
    const played = await runNoros([
      "play",
      file,
      "--port",
      "0",
      "--now",
      "--rate",
      "0",
      "--msgs",
      MSGS,
    ]);
    expect(played.code).toBe(0);
    expect(played.stderr).toContain(
      `noros play: c_strings: the recording has no definition of its type; serving the definition of test_msgs/msg/Strings from --msgs (${path.join(TEST_MSGS, "msg", "Strings.msg")})\n`,
    );
    expect(played.stderr).toContain("noros play: finished: 75 messages played\n");
    const refused = await runNoros(["play", file, "--port", "0", "--now", "--rate", "0"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "noros play: ros2__rosbag2__rewriter_b_0.db3: no topic can be served\n",
    );
  });

  it("checks --msgs definitions against the type hashes a .db3 stores: equal ones are served", async () => {
    const file = await editedDb3("no-definitions.db3", "DELETE FROM message_definitions");
    const { server, client } = await playAll(file, [MSGS]);
    const notices = new Map(server.source.notices.map((n) => [n.topic, n.message]));
    expect(notices.get("/test_topic1")).toBe(
      `the recording has no definition of its type; serving the definition of test_msgs/msg/Strings from --msgs (${path.join(TEST_MSGS, "msg", "Strings.msg")}), its type hash matching the recording's`,
    );
    // The service-event type is built from BasicTypes.srv; its hash is rosbag2's too.
    expect(notices.get("/test_service1/_service_event")).toBe(
      `the recording has no definition of its type; serving the definition of test_msgs/srv/BasicTypes_Event from --msgs (${path.join(TEST_MSGS, "srv", "BasicTypes.srv")}), its type hash matching the recording's`,
    );
    const recorded = await readRos2Db3(path.join(dir!, `${EVENTS}.db3`));
    for (const t of recorded.filter((r) => r.messages.length > 0)) {
      const got = client.received.filter((r) => r.topic === t.topic);
      expect(got.map((r) => hex(r.data))).toEqual(t.messages.map(hex));
    }
    expect(client.received).toHaveLength(10);
  });

  it("refuses a --msgs definition whose type hash differs from the one a .db3 stores, naming both", async () => {
    const file = await editedDb3("no-definitions-2.db3", "DELETE FROM message_definitions");
    const bad = modifiedTree("bad-db3");
    const source = await openMessageSource(file, { msgs: [bad] });
    await source.close();
    const reasons = new Map(source.skippedChannels.map((s) => [s.topic, s.reason]));
    const refusal = (hash: string) =>
      `refusing the --msgs definition of test_msgs/msg/Strings (${path.join(bad, "test_msgs", "msg", "Strings.msg")}): its type hash is ${hash}, the recording stores ${STRINGS_HASH} (a different version of the type)`;
    expect(reasons.get("/test_topic1")).toMatch(
      /^refusing the --msgs definition of test_msgs\/msg\/Strings/,
    );
    const theirs = /its type hash is (RIHS01_[0-9a-f]{64})/.exec(reasons.get("/test_topic1")!)![1]!;
    expect(theirs).not.toBe(STRINGS_HASH);
    expect(reasons.get("/test_topic1")).toBe(refusal(theirs));
    expect(reasons.get("/test_topic2")).toBe(refusal(theirs));
    // The service events' definitions in the same tree are right: still served.
    expect(source.channels.map((c) => c.topic).sort()).toEqual([
      "/test_service1/_service_event",
      "/test_service2/_service_event",
    ]);
    const cli = await runNoros([
      "play",
      file,
      "--port",
      "0",
      "--now",
      "--rate",
      "0",
      "--msgs",
      bad,
    ]);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain(`noros play: not serving /test_topic1: ${refusal(theirs)}\n`);
    expect(cli.stderr).toContain("noros play: finished: 8 messages played\n");
  });

  it("takes the hash from the bag folder's metadata.yaml when the file has none", async () => {
    const file = await editedDb3(
      "no-hashes.db3",
      "DELETE FROM message_definitions; UPDATE topics SET type_description_hash = ''",
    );
    const bad = modifiedTree("bad-folder");
    // The file alone stores no hash: the modified definition decodes the data and is served.
    const alone = await openMessageSource(file, { msgs: [bad] });
    await alone.close();
    expect(alone.channels.map((c) => c.topic)).toContain("/test_topic1");
    expect(alone.notices.find((n) => n.topic === "/test_topic1")?.message).not.toMatch(/hash/);
    // In its bag folder, metadata.yaml (the real one) stores the hash: refused.
    const bag = path.join(tmp.dir, "events-bag");
    mkdirSync(bag);
    cpSync(path.join(dir!, `${EVENTS}.db3.metadata.yaml`), path.join(bag, "metadata.yaml"));
    symlinkSync(file, path.join(bag, `bag_with_topics_and_service_events.db3`));
    const folder = await openMessageSource(bag, { msgs: [bad] });
    await folder.close();
    expect(folder.skippedChannels.find((s) => s.topic === "/test_topic1")?.reason).toMatch(
      new RegExp(`its type hash is RIHS01_[0-9a-f]{64}, the recording stores ${STRINGS_HASH} `),
    );
    const good = await openMessageSource(bag, { msgs: [MSGS] });
    await good.close();
    expect(good.notices.find((n) => n.topic === "/test_topic1")?.message).toMatch(
      /, its type hash matching the recording's$/,
    );
  });

  it("takes the hash from MCAP channel metadata (topic_type_hash)", async () => {
    // The real MCAP, rewritten with the Strings schema emptied (as if rosbag2 had not found it).
    const real = path.join(dir!, `${EVENTS}.mcap`);
    const input = await openFile(real, "r");
    const reader = await McapIndexedReader.Initialize({
      readable: {
        size: async () => BigInt((await input.stat()).size),
        read: async (offset, length) => {
          const buffer = new Uint8Array(Number(length));
          await input.read(buffer, 0, buffer.length, Number(offset));
          return buffer;
        },
      },
    });
    const file = path.join(tmp.dir, "no-strings-schema.mcap");
    const output = await openFile(file, "w");
    const writer = new McapWriter({ writable: new FileHandleWritable(output) });
    await writer.start({ profile: "ros2", library: "noros test" });
    const ids = new Map<number, number>();
    for (const channel of reader.channelsById.values()) {
      const schema = reader.schemasById.get(channel.schemaId)!;
      const strings = schema.name === "test_msgs/msg/Strings";
      const schemaId = await writer.registerSchema({
        name: schema.name,
        encoding: strings ? "" : schema.encoding,
        data: strings ? new Uint8Array(0) : schema.data,
      });
      expect(channel.metadata.get("topic_type_hash")).toMatch(/^RIHS01_/);
      ids.set(
        channel.id,
        await writer.registerChannel({
          topic: channel.topic,
          messageEncoding: channel.messageEncoding,
          schemaId,
          metadata: channel.metadata,
        }),
      );
    }
    let sequence = 0;
    for await (const m of reader.readMessages()) {
      await writer.addMessage({ ...m, channelId: ids.get(m.channelId)!, sequence: sequence++ });
    }
    await writer.end();
    await output.close();
    await input.close();

    const bad = await openMessageSource(file, { msgs: [modifiedTree("bad-mcap")] });
    await bad.close();
    expect(bad.skippedChannels.find((s) => s.topic === "/test_topic1")?.reason).toMatch(
      new RegExp(`the recording stores ${STRINGS_HASH} \\(a different version of the type\\)$`),
    );
    const { server, client } = await playAll(file, [MSGS]);
    expect(server.source.notices.find((n) => n.topic === "/test_topic1")?.message).toMatch(
      /from --msgs .*, its type hash matching the recording's$/,
    );
    const want = new MessageReader(
      parse(readFileSync(path.join(TEST_MSGS, "msg", "Strings.msg"), "utf8"), { ros2: true }),
    );
    const served = new MessageReader(parse(client.channel("/test_topic1").schema, { ros2: true }));
    const got = client.received.filter((r) => r.topic === "/test_topic1");
    expect(got).toHaveLength(1);
    expect(served.readMessage(got[0]!.data)).toEqual(want.readMessage(got[0]!.data));
  });

  it("a tree's types that use types it lacks get them from the standard set, hashed as rosbag2 does", async () => {
    // rcl_interfaces/msg/ParameterEvent alone (its own text, as the standard set holds it):
    // Parameter, ParameterValue and Time are not in the tree.
    const { codecs } = await import("../../generated-ros2/index.js");
    const standard = (codecs as unknown as Record<string, { definition: string }>)[
      "rcl_interfaces/msg/ParameterEvent"
    ]!.definition;
    const own = standard.split(/\n={80}\n/)[0]!;
    expect(own).not.toContain("MSG:");
    const tree = path.join(tmp.dir, "params-tree", "rcl_interfaces", "msg");
    mkdirSync(tree, { recursive: true });
    writeFileSync(path.join(tree, "ParameterEvent.msg"), own);
    const found = (await loadRos2Msgs([path.dirname(path.dirname(tree))])).find(
      "rcl_interfaces/msg/ParameterEvent",
    );
    expect(found).toMatchObject({ file: path.join(tree, "ParameterEvent.msg") });
    const { hash, schema } = found as { hash: string; schema: string };
    expect(schema).toContain("\nMSG: rcl_interfaces/ParameterValue\n");
    // What rosbag2 stored for the type in a real recording (MCAP channel metadata).
    const file = path.join(dir!, "ros2__rosbag2__topics_and_services.mcap");
    const handle = await openFile(file, "r");
    const reader = await McapIndexedReader.Initialize({
      readable: {
        size: async () => BigInt((await handle.stat()).size),
        read: async (offset, length) => {
          const buffer = new Uint8Array(Number(length));
          await handle.read(buffer, 0, buffer.length, Number(offset));
          return buffer;
        },
      },
    });
    const recorded = [...reader.channelsById.values()]
      .find((c) => c.topic === "/parameter_events")!
      .metadata.get("topic_type_hash");
    await handle.close();
    expect(recorded).toMatch(/^RIHS01_/);
    expect(hash).toBe(recorded);
  });

  describe("a stored definition without the MSG blocks of the types it uses (cdr_test_0.db3, Arrays)", () => {
    /** cdr_test_0.db3 with Arrays' stored text cut before its first MSG block; `hash` stored. */
    async function truncated(name: string, hash: string): Promise<{ file: string; full: string }> {
      const SQL = await initSqlJs();
      const db = new SQL.Database(readFileSync(path.join(dir!, "ros2__rosbag2__cdr_test_0.db3")));
      const full = String(
        db.exec(
          "SELECT encoded_message_definition FROM message_definitions WHERE topic_type = 'test_msgs/msg/Arrays'",
        )[0]!.values[0]![0],
      );
      const own = full.split(/\n={80}\n/)[0]!;
      expect(own).toContain("BasicTypes[3] basic_types_values");
      expect(own).not.toContain("MSG:");
      db.run(
        "UPDATE message_definitions SET encoded_message_definition = ? WHERE topic_type = 'test_msgs/msg/Arrays'",
        [own],
      );
      db.run("UPDATE topics SET type_description_hash = ? WHERE name = '/array_topic'", [hash]);
      const file = path.join(tmp.dir, name);
      writeFileSync(file, db.export());
      db.close();
      return { file, full };
    }

    it("takes the missing types from --msgs, and says so", async () => {
      const { file, full } = await truncated("arrays-cut.db3", "");
      const without = await openMessageSource(file);
      await without.close();
      expect(without.skippedChannels.map((s) => s.topic)).toEqual(["/array_topic"]);
      const { server, client } = await playAll(file, [MSGS]);
      expect(server.source.notices).toEqual([
        {
          topic: "/array_topic",
          message:
            "definitions of test_msgs/BasicTypes, test_msgs/Constants, test_msgs/Defaults taken from --msgs",
        },
      ]);
      const want = (await readRos2Db3(file)).find((t) => t.topic === "/array_topic")!.messages;
      const got = client.received.filter((r) => r.topic === "/array_topic");
      expect(got.map((r) => hex(r.data))).toEqual(want.map(hex));
      expect(got).toHaveLength(4);
      const served = new MessageReader(
        parse(client.channel("/array_topic").schema, { ros2: true }),
      );
      const original = new MessageReader(parse(full, { ros2: true }));
      for (const [i, r] of got.entries()) {
        expect(served.readMessage(r.data)).toEqual(original.readMessage(want[i]!));
      }
    });

    it("refuses them when the hash the recording stores for the type differs", async () => {
      const other = `RIHS01_${"0".repeat(64)}`;
      const { file } = await truncated("arrays-cut-hash.db3", other);
      const source = await openMessageSource(file, { msgs: [MSGS] });
      await source.close();
      expect(source.skippedChannels.find((s) => s.topic === "/array_topic")?.reason).toMatch(
        new RegExp(
          `^its stored definition completed with test_msgs/BasicTypes, test_msgs/Constants, test_msgs/Defaults from --msgs has type hash RIHS01_[0-9a-f]{64}, the recording stores ${other}: refusing those --msgs definitions`,
        ),
      );
    });
  });

  it("stored real definitions win over --msgs (cdr_test_0.db3 with a modified BasicTypes)", async () => {
    const tree = path.join(tmp.dir, "other-basic");
    mkdirSync(path.join(tree, "test_msgs", "msg"), { recursive: true });
    writeFileSync(path.join(tree, "test_msgs", "msg", "BasicTypes.msg"), "bool bool_value\n");
    const file = path.join(dir!, "ros2__rosbag2__cdr_test_0.db3");
    const source = await openMessageSource(file, { msgs: [tree] });
    await source.close();
    const stored = (await readRos2Db3(file)).find((t) => t.topic === "/test_topic")!.definition;
    expect(source.channels.find((c) => c.topic === "/test_topic")!.schema).toBe(stored);
    expect(source.notices).toEqual([]);
  });

  it("--msgs replaces placeholder definitions before the standard set does (talker.db3)", async () => {
    const tree = path.join(tmp.dir, "my-std");
    mkdirSync(path.join(tree, "std_msgs", "msg"), { recursive: true });
    writeFileSync(path.join(tree, "std_msgs", "msg", "String.msg"), "# mine\nstring data\n");
    const source = await openMessageSource(path.join(dir!, "ros2__rosbag2__talker.db3"), {
      msgs: [tree],
    });
    await source.close();
    expect(source.notices.find((n) => n.topic === "/topic")?.message).toBe(
      `its stored definition is a placeholder (type hash "hash1"); serving the definition of std_msgs/msg/String from --msgs (${path.join(tree, "std_msgs", "msg", "String.msg")})`,
    );
    expect(source.channels.find((c) => c.topic === "/topic")!.schema).toBe("# mine\nstring data\n");
    // Types the tree does not define still come from the standard set.
    expect(source.notices.find((n) => n.topic === "/rosout")?.message).toMatch(
      /serving the standard ROS 2 \(Jazzy\) definition of rcl_interfaces\/msg\/Log/,
    );
  });

  it("a --msgs definition that does not decode the recorded messages is refused, saying so", async () => {
    const tree = path.join(tmp.dir, "short-strings");
    mkdirSync(path.join(tree, "test_msgs", "msg"), { recursive: true });
    writeFileSync(path.join(tree, "test_msgs", "msg", "Strings.msg"), "string string_value\n");
    const source = await openMessageSource(path.join(dir!, "ros2__rosbag2__rewriter_b_0.db3"), {
      msgs: [tree],
    });
    await source.close();
    expect(source.skippedChannels.find((s) => s.topic === "c_strings")?.reason).toMatch(
      /^the recording has no definition of its type, and the --msgs definition of test_msgs\/msg\/Strings \(.*Strings\.msg\) cannot serve it: it does not decode the recorded messages \(.*\)$/,
    );
  });

  it("bad --msgs input: one line naming the folder or file, exit 1", async () => {
    const file = path.join(dir!, "ros2__rosbag2__rewriter_b_0.db3");
    const missing = await runNoros([
      "play",
      file,
      "--port",
      "0",
      "--msgs",
      path.join(tmp.dir, "nope"),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `noros play: --msgs ${path.join(tmp.dir, "nope")}: no such file or folder\n`,
    );
    const broken = path.join(tmp.dir, "broken");
    mkdirSync(path.join(broken, "test_msgs", "msg"), { recursive: true });
    writeFileSync(
      path.join(broken, "test_msgs", "msg", "Strings.msg"),
      "string ok\nnot a field line here\n",
    );
    const parsed = await runNoros(["play", file, "--port", "0", "--msgs", broken]);
    expect(parsed.code).toBe(1);
    expect(parsed.stderr).toMatch(
      new RegExp(
        `^noros play: --msgs: ${path.join(broken, "test_msgs", "msg", "Strings.msg").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: [^\\n]+\\n$`,
      ),
    );
  });
});

const bags = sharedBagsDir();

describeIf(bags !== undefined, "../shared/bags is absent")("noros play --msgs (ROS 1)", () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it("plays a ROS 1 bag as before, with a note that --msgs is not used", async () => {
    // A ROS 1 (catkin-style) tree: a ROS 1 bag carries its definitions, the tree is not read.
    const tree = path.join(tmp.dir, "ros1", "my_msgs", "msg");
    mkdirSync(tree, { recursive: true });
    writeFileSync(path.join(tree, "A.msg"), "Header header\ntime t\n");
    const file = path.join(bags!, "fiducials__aruco_transforms.bag");
    const args = ["play", file, "--port", "0", "--now", "--rate", "0"];
    const plain = await runNoros(args);
    const withMsgs = await runNoros([...args, "--msgs", path.join(tmp.dir, "ros1")]);
    expect(withMsgs.code).toBe(0);
    const note =
      "noros play: --msgs is not used: fiducials__aruco_transforms.bag is a ROS 1 recording, which carries its definitions\n";
    expect(withMsgs.stderr).toContain(note);
    const withoutPort = (text: string) => text.replace(/ws:\/\/127\.0\.0\.1:\d+/, "ws://");
    expect(withoutPort(withMsgs.stderr.replace(note, ""))).toBe(withoutPort(plain.stderr));
    expect(plain.stderr).toContain("noros play: finished: 2 messages played\n");
  });
});
