/**
 * The `noros` commands on a ROS 2 bridge: a real FoxgloveServer configured like the ROS 2
 * foxglove_bridge (test/helpers/ros2-bridge-server.ts), over real sockets, the commands run
 * in-process as the CLI runs them. Bytes sent to the commands come from the reference CDR writer
 * (@foxglove/rosmsg2-serialization); bytes they publish are read back with its reader.
 */
import { McapIndexedReader, type TypedMcapRecords } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { existsSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import * as path from "node:path";

import { StringCodec } from "../../generated-ros2/std_msgs.js";
import { TFMessageCodec } from "../../generated-ros2/tf2_msgs.js";
import { main } from "../../tools/cli.js";
import { openMessageSource } from "../../tools/sources/index.js";
import {
  Ros2BridgeServer,
  referenceCdrReader,
  referenceCdrWriter,
  ros2Definition,
  type Ros2BridgeFlavor,
} from "../helpers/ros2-bridge-server.js";
import { tempDir } from "./helpers.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function noros(args: string[], signal = new AbortController().signal): Promise<Run> {
  const out = { stdout: "", stderr: "" };
  return main(args, {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    signal,
    env: {},
  }).then((code) => ({ code, ...out }));
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

async function readMcap(file: string) {
  const handle = await open(file);
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) });
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

/** Messages readable so far from an unfinished recording (0 before its first chunk). */
async function partMessages(file: string): Promise<number> {
  let count = 0;
  try {
    const source = await openMessageSource(file);
    try {
      for await (const _ of source.messages()) count++;
    } finally {
      await source.close();
    }
  } catch {
    // Nothing readable yet.
  }
  return count;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const STRING = "std_msgs/msg/String";
const TF = "tf2_msgs/msg/TFMessage";
const POSE = "geometry_msgs/msg/PoseStamped";

describe.each<Ros2BridgeFlavor>(["0.8", "sdk"])("noros on a ROS 2 bridge (%s)", (flavor) => {
  let server: Ros2BridgeServer;
  let tmp: { dir: string; remove(): void };
  let chatter: number;
  let tfStatic: number;
  beforeAll(() => (tmp = tempDir()));
  afterAll(() => tmp.remove());
  beforeEach(async () => {
    server = await Ros2BridgeServer.start({
      flavor,
      distro: "jazzy",
      parameters: {
        "/talker.max_speed": 0.5,
        "/talker.rate": 10,
        "/talker.frame": "map",
      },
      graph: { publishers: { "/chatter": ["/talker"], "/tf_static": ["/robot_state_publisher"] } },
    });
    chatter = server.addTopic("/chatter", STRING);
    tfStatic = server.addTopic("/tf_static", TF);
  });
  afterEach(async () => {
    await server.close();
  });

  it("record writes a rosbag2-style MCAP (ros2 profile) with every message byte-exact", async () => {
    const out = path.join(tmp.dir, `${flavor}-run.mcap`);
    const recording = noros(["record", "-o", out, "--url", server.url, "--limit", "4"]);
    await server.waitFor(
      () => server.subscribed.has(chatter) && server.subscribed.has(tfStatic),
      "the recorder to subscribe",
    );
    const sent = [
      server.publishMessage(tfStatic, { transforms: [] }, 1_000_000_000_000n),
      server.publishMessage(chatter, { data: "one" }, 1_000_000_000_100n),
      server.publishMessage(chatter, { data: "two" }, 1_000_000_000_200n),
      server.publishMessage(chatter, { data: "three" }, 1_000_000_000_300n),
    ];
    const run = await recording;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`wrote 4 messages on 2 topics`);
    expect(existsSync(`${out}.part`)).toBe(false);

    const file = await readMcap(out);
    expect(file.header.profile).toBe("ros2");
    expect(
      file.schemas.map((s) => [s.name, s.encoding, new TextDecoder().decode(s.data)]).sort(),
    ).toEqual([
      [STRING, "ros2msg", ros2Definition(STRING)],
      [TF, "ros2msg", ros2Definition(TF)],
    ]);
    const byTopic = new Map(file.channels.map((c) => [c.topic, c]));
    expect(byTopic.get("/chatter")!.messageEncoding).toBe("cdr");
    expect(byTopic.get("/chatter")!.metadata.get("topic_type_hash")).toBe(StringCodec.typeHash);
    expect(byTopic.get("/tf_static")!.metadata.get("topic_type_hash")).toBe(
      TFMessageCodec.typeHash,
    );
    // /tf_static is latched: recorded as a transient-local offer (what ros2 bag play latches).
    expect(byTopic.get("/tf_static")!.metadata.get("offered_qos_profiles")).toMatch(
      /^ {2}durability: 1$/m,
    );
    expect(byTopic.get("/chatter")!.metadata.get("offered_qos_profiles")).toBe("");
    expect(
      file.messages.map((m) => [
        file.channels.find((c) => c.id === m.channelId)!.topic,
        m.logTime,
        Buffer.from(m.data),
      ]),
    ).toEqual([
      ["/tf_static", 1_000_000_000_000n, Buffer.from(sent[0]!)],
      ["/chatter", 1_000_000_000_100n, Buffer.from(sent[1]!)],
      ["/chatter", 1_000_000_000_200n, Buffer.from(sent[2]!)],
      ["/chatter", 1_000_000_000_300n, Buffer.from(sent[3]!)],
    ]);
    const summary = file.metadata.at(-1)!;
    expect(summary.name).toBe("rosbag2");
    // The 0.8 bridge tells its distro; the SDK-based one does not (rosbag2 then writes "").
    const distro = flavor === "0.8" ? "jazzy" : "";
    expect(summary.metadata.get("ROS_DISTRO")).toBe(distro);
    expect(summary.metadata.get("serialized_metadata")).toContain(`ros_distro: ${distro || '""'}`);
    expect(summary.metadata.get("serialized_metadata")).toMatch(/^message_count: 4$/m);
  });

  it("record goes on after the bridge restarts, and marks --latched topics latched", async () => {
    const out = path.join(tmp.dir, `${flavor}-restart.mcap`);
    const stop = new AbortController();
    const recording = noros(
      ["record", "-o", out, "--url", server.url, "--latched", "/map", "/chatter", "/map"],
      stop.signal,
    );
    const map = server.addTopic("/map", STRING);
    await server.waitFor(
      () => server.subscribed.has(chatter) && server.subscribed.has(map),
      "the recorder to subscribe",
    );
    const sent = [
      server.publishMessage(map, { data: "the map" }, 1_000n),
      server.publishMessage(chatter, { data: "before" }, 2_000n),
    ];
    // Once they are on disk, restart "the bridge" on the same port.
    await until("2 messages in the .part", async () => (await partMessages(`${out}.part`)) >= 2);
    const port = server.port;
    await server.close();
    server = await Ros2BridgeServer.start({ flavor, distro: "jazzy", port });
    const again = server.addTopic("/chatter", STRING);
    await server.waitFor(
      () => server.subscribed.has(again),
      "the recorder to subscribe again",
      15000,
    );
    sent.push(server.publishMessage(again, { data: "after" }, 3_000n));
    await until("3 messages in the .part", async () => (await partMessages(`${out}.part`)) >= 3);
    stop.abort();
    const run = await recording;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("reconnected");
    const file = await readMcap(out);
    expect(file.messages.map((m) => Buffer.from(m.data))).toEqual(sent.map((b) => Buffer.from(b)));
    const offered = (topic: string) =>
      file.channels.find((c) => c.topic === topic)!.metadata.get("offered_qos_profiles");
    expect(offered("/map")).toMatch(/^ {2}durability: 1$/m);
    expect(offered("/chatter")).toBe("");
  });

  it("record keeps an IDL definition as ros2idl (no type hash: it is not .msg text)", async () => {
    const idl = [
      "=".repeat(80),
      "IDL: my_pkg/msg/Reading",
      "module my_pkg { module msg { struct Reading { double value; }; }; };",
    ].join("\n");
    const reading = server.addTopic("/reading", "my_pkg/msg/Reading", {
      definition: idl,
      schemaEncoding: "ros2idl",
    });
    const out = path.join(tmp.dir, `${flavor}-idl.mcap`);
    const recording = noros(["record", "-o", out, "--url", server.url, "--limit", "1", "/reading"]);
    await server.waitFor(() => server.subscribed.has(reading), "the recorder to subscribe");
    // A float64 in CDR: the encapsulation header, then 8 bytes.
    const bytes = new Uint8Array([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    server.publish(reading, bytes, 5n);
    expect((await recording).code).toBe(0);
    const file = await readMcap(out);
    expect(file.schemas.map((s) => [s.name, s.encoding, new TextDecoder().decode(s.data)])).toEqual(
      [["my_pkg/msg/Reading", "ros2idl", idl]],
    );
    expect(file.channels[0]!.metadata.get("topic_type_hash")).toBe("");
    expect(file.messages.map((m) => Buffer.from(m.data))).toEqual([Buffer.from(bytes)]);
  });

  it("record refuses to replace a recording without --force, as for ROS 1", async () => {
    const out = path.join(tmp.dir, `${flavor}-exists.mcap`);
    writeFileSync(out, "keep me");
    expect(await noros(["record", "-o", out, "--url", server.url])).toEqual({
      code: 1,
      stdout: "",
      stderr: `noros record: ${out} exists; pass --force to overwrite it\n`,
    });
  });

  it("echo decodes CDR and prints ROS 2 messages as JSON lines", async () => {
    const run = noros(["echo", "/chatter", "-n", "2", "--url", server.url]);
    await server.waitFor(() => server.subscribed.has(chatter), "echo to subscribe");
    server.publishMessage(chatter, { data: "hello" });
    server.publishMessage(chatter, { data: "world" });
    const done = await run;
    expect(done).toMatchObject({ code: 0, stderr: "" });
    expect(lines(done.stdout)).toEqual(['{"data":"hello"}', '{"data":"world"}']);
  });

  it("echo --fields checks paths against the ROS 2 definition", async () => {
    const pose = server.addTopic("/pose", POSE);
    const run = noros([
      "echo",
      "/pose",
      "-n",
      "1",
      "--fields",
      "header.stamp",
      "--url",
      server.url,
    ]);
    await server.waitFor(() => server.subscribed.has(pose), "echo to subscribe");
    server.publishMessage(pose, {
      header: { stamp: { sec: 5, nanosec: 6 }, frame_id: "map" },
      pose: { position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    expect(lines((await run).stdout)).toEqual(['{"sec":5,"nanosec":6}']);
    const bad = await noros([
      "echo",
      "/pose",
      "--fields",
      "header.stamp.nsec",
      "--url",
      server.url,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nsec/);
    expect(bad.stderr).not.toMatch(/\n.+\n/); // one line
  });

  it("hz measures the rate of a ROS 2 topic", async () => {
    const run = noros(["hz", "/chatter", "--duration", "2.5", "--url", server.url]);
    await server.waitFor(() => server.subscribed.has(chatter), "hz to subscribe");
    // 20 Hz on the bridge's receive times: 40 messages 50 ms apart, stamped, sent at once.
    const bytes = referenceCdrWriter(ros2Definition(STRING))({ data: "x" });
    const start = BigInt(Date.now()) * 1_000_000n;
    for (let i = 0n; i < 40n; i++) server.publish(chatter, bytes, start + i * 50_000_000n);
    const done = await run;
    expect(done.code).toBe(0);
    const rates = lines(done.stdout)
      .filter((l) => l.startsWith("average rate"))
      .map((l) => Number(/average rate: ([\d.]+) Hz/.exec(l)?.[1]));
    expect(rates.length).toBeGreaterThanOrEqual(1);
    for (const rate of rates) expect(rate).toBeCloseTo(20, 3);
  });

  it("topics lists ROS 2 type names and the publishers from the graph", async () => {
    const run = await noros(["topics", "--json", "--url", server.url]);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).map((l) => JSON.parse(l) as unknown)).toEqual([
      { topic: "/chatter", type: STRING, publishers: ["/talker"] },
      { topic: "/tf_static", type: TF, publishers: ["/robot_state_publisher"] },
    ]);
  });

  it("pub sends ros2 topic pub's YAML as CDR under the ROS 2 type name", async () => {
    const run = await noros([
      "pub",
      "/greeting",
      STRING,
      "{data: hi}",
      "--once",
      "--delay",
      "0",
      "--url",
      server.url,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    await server.waitFor(() => server.published.length === 1, "the message");
    const [message] = server.published;
    expect(message).toMatchObject({ topic: "/greeting", schemaName: STRING, encoding: "cdr" });
    expect(referenceCdrReader(ros2Definition(STRING))(message!.data)).toEqual({ data: "hi" });
  });

  it('pub takes pkg/Type as pkg/msg/Type, fills defaults, and "auto" stamps a Header', async () => {
    const before = Date.now() / 1000;
    const run = await noros([
      "pub",
      "/goal",
      "geometry_msgs/PoseStamped",
      "{header: auto, pose: {position: {x: 2}}}",
      "--once",
      "--delay",
      "0",
      "--url",
      server.url,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    await server.waitFor(() => server.published.length === 1, "the message");
    const [message] = server.published;
    expect(message!.schemaName).toBe(POSE);
    const decoded = referenceCdrReader(ros2Definition(POSE))(message!.data) as {
      header: { stamp: { sec: number; nanosec: number }; frame_id: string };
      pose: { position: { x: number }; orientation: { w: number } };
    };
    expect(decoded.header.frame_id).toBe("");
    expect(decoded.header.stamp.sec).toBeGreaterThanOrEqual(Math.floor(before));
    expect(decoded.header.stamp.sec).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(decoded.pose.position.x).toBe(2);
    // Quaternion's w defaults to 1 in ROS 2's definition.
    expect(decoded.pose.orientation.w).toBe(1);
  });

  it('pub --rate stamps "auto" anew for each message, as ros2 topic pub does', async () => {
    const run = await noros([
      "pub",
      "/goal",
      POSE,
      "{header: auto}",
      "-r",
      "20",
      "-n",
      "3",
      "--delay",
      "0",
      "--url",
      server.url,
    ]);
    expect(run.code).toBe(0);
    await server.waitFor(() => server.published.length === 3, "3 messages");
    const read = referenceCdrReader(ros2Definition(POSE));
    const stamps = server.published.map((m) => {
      const { sec, nanosec } = (
        read(m.data) as { header: { stamp: { sec: number; nanosec: number } } }
      ).header.stamp;
      return sec * 1e9 + nanosec;
    });
    // The third is sent 100 ms after the first at the earliest (a loaded machine sends later).
    expect(stamps[1]!).toBeGreaterThanOrEqual(stamps[0]!);
    expect(stamps[2]!).toBeGreaterThanOrEqual(stamps[1]!);
    expect(stamps[2]! - stamps[0]!).toBeGreaterThanOrEqual(90e6);
  });

  it("pub rejects a wrong field with the ROS 2 type and field path", async () => {
    const run = await noros([
      "pub",
      "/goal",
      POSE,
      "{header: {stamp: {nsec: 1}}}",
      "--once",
      "--url",
      server.url,
    ]);
    expect(run).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'noros pub: geometry_msgs/msg/PoseStamped: header.stamp: no field "nsec" in builtin_interfaces/msg/Time (fields: sec, nanosec)\n',
    });
  });

  it("call sends a ROS 2 request and prints the response", async () => {
    const readRequest = referenceCdrReader(ros2Definition("std_srvs/srv/SetBool_Request"));
    const writeResponse = referenceCdrWriter(ros2Definition("std_srvs/srv/SetBool_Response"));
    server.addService("/set_flag", "std_srvs/srv/SetBool", (request) => {
      const { data } = readRequest(request) as { data: boolean };
      return writeResponse({ success: data, message: data ? "on" : "off" });
    });
    const run = await noros(["call", "/set_flag", "{data: true}", "--url", server.url]);
    expect(run).toEqual({ code: 0, stdout: '{"success":true,"message":"on"}\n', stderr: "" });
  });

  it("params get and set ROS 2 parameters by /node.param, keeping their type", async () => {
    expect(await noros(["params", "get", "/talker.max_speed", "--url", server.url])).toEqual({
      code: 0,
      stdout: "0.5\n",
      stderr: "",
    });
    // A name from the root namespace may leave out the slash, as ROS 2 node names do.
    expect((await noros(["params", "get", "talker.rate", "--url", server.url])).stdout).toBe(
      "10\n",
    );
    // max_speed is a double: 1 still goes out as one (ROS 2 refuses a change of type).
    const set = await noros(["params", "set", "/talker.max_speed", "1", "--url", server.url]);
    expect(set).toEqual({ code: 0, stdout: "1\n", stderr: "" });
    expect(server.setParameterRequests.at(-1)).toEqual([
      { name: "/talker.max_speed", value: 1, type: "float64" },
    ]);
    expect(server.parameters.get("/talker.max_speed")).toEqual({ value: 1, type: "float64" });
    expect(await noros(["params", "get", "use_sim_time", "--url", server.url])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'noros params: "use_sim_time" is not a ROS 2 parameter name: the ROS 2 bridge names parameters /node.parameter (e.g. /talker.use_sim_time)\n',
    });
  });
});
