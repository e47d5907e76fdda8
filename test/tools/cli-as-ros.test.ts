/**
 * The `noros` commands where ROS behaviour matters (issue 16), in-process against `noros play` of
 * real bags: time going back in a looping replay, topics with several publishers, relative
 * names, recording over an existing file, and the small usability points.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

import { main } from "../../tools/cli.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";
import { codecs } from "../../generated/index.js";
import { RosClient, runtimeType, type RosClientWarning } from "../../runtime/client/index.js";
import { record, type RecordProgress } from "../../tools/record/recorder.js";
import { until } from "../client/helpers/harness.js";
import { ProbeClient, startBridgeLikeServer, tempDir } from "./helpers.js";

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
const json = (text: string) => lines(text).map((l) => JSON.parse(l) as unknown);
const bagsDir = sharedBagsDir() ?? "";

describeIf(sharedBagsDir() !== undefined, "needs ../shared/bags")("noros commands as ROS", () => {
  const servers: PlayServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function play(bag: string, options: Partial<Parameters<typeof startPlayServer>[0]> = {}) {
    const server = await startPlayServer({
      file: path.join(bagsDir, bag),
      port: 0,
      ...options,
    });
    servers.push(server);
    return server;
  }

  it("hz starts over when time goes back in a looping replay (no Infinity, no negative gap)", async () => {
    // 17 markers over 1.6 s; at --rate 4 a pass takes 0.4 s, so 2.5 s see several restarts.
    const server = await play("jsk_recognition__bunny_marker_array.bag", { loop: true, rate: 4 });
    const topic = server.channels[0]!.topic;
    const run = await noros(["hz", topic, "--url", server.url, "--duration", "2.5"]);
    expect(run.code).toBe(0);
    expect(server.stats().passes).toBeGreaterThanOrEqual(2);
    const reports = lines(run.stdout).filter((l) => l.startsWith("average rate"));
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (const report of reports) {
      expect(report).not.toMatch(/Infinity|NaN|min: -/);
      // 17 messages in 1.6 s at --rate 4: about 40 Hz, measured on the replay's receive times.
      const rate = Number(/average rate: ([\d.]+) Hz/.exec(report)?.[1]);
      expect(rate).toBeGreaterThan(20);
      expect(rate).toBeLessThan(80);
    }
    expect(run.stderr).toContain("time went back");
  });

  it("resolves relative names as rostopic does, on the served bag and on the command line", async () => {
    // cartographer's b0-short.bag was recorded with the relative names imu, horizontal_laser_2d...
    const server = await play("cartographer_ros__b0-short.bag", { rate: 0, loop: true });
    const topics = await noros(["topics", "--url", server.url, "--json"]);
    const names = lines(topics.stdout).map((l) => (JSON.parse(l) as { topic: string }).topic);
    expect(names.sort()).toEqual(["/horizontal_laser_2d", "/imu", "/vertical_laser_2d"]);
    for (const asked of ["/imu", "imu", "//imu/"]) {
      const run = await noros([
        "echo",
        asked,
        "-n",
        "1",
        "--url",
        server.url,
        "--fields",
        "header.frame_id",
      ]);
      expect([asked, run.code, run.stderr]).toEqual([asked, 0, ""]);
      expect(JSON.parse(run.stdout)).toBe("imu_link");
    }
    const hz = await noros(["hz", "imu", "--url", server.url, "--duration", "1"]);
    expect(hz.code).toBe(0);
    expect(hz.stdout).toContain("average rate");
    const set = await noros(["params", "set", "max_speed", "0.5", "--url", server.url]);
    expect([set.code, set.stdout]).toEqual([0, "0.5\n"]);
    const get = await noros(["params", "get", "/max_speed", "--url", server.url]);
    expect([get.code, get.stdout]).toEqual([0, "0.5\n"]);
    // A raw client publishing under a relative name joins the global topic.
    const raw = await ProbeClient.connect(server.url);
    try {
      raw.client.advertise({
        topic: "imu",
        encoding: "ros1",
        schemaName: "sensor_msgs/Imu",
        schema: "",
        schemaEncoding: "ros1msg",
      });
      raw.client.getParameters([], "barrier");
      await raw.until(() => raw.texts.some((t) => t.op === "parameterValues"));
      expect([...raw.channels.values()].filter((c) => c.topic.endsWith("imu"))).toHaveLength(1);
    } finally {
      await raw.close();
    }
    const privateName = await noros(["echo", "~imu", "--url", server.url]);
    expect(privateName.code).toBe(2);
    expect(lines(privateName.stderr)).toEqual([
      'noros echo: "~imu" is a private (~) name; give the topic\'s full name',
    ]);
  });

  it("topics lists a topic with several publishers and types once", async () => {
    const server = await play("jsk_recognition__watercan.bag", { rate: 0, loop: true });
    const topics = await noros(["topics", "--url", server.url]);
    expect(topics.code).toBe(0);
    expect(lines(topics.stdout).filter((l) => l.startsWith("/tf "))).toHaveLength(1);
  });

  it("record refuses to replace an existing file without --force", async () => {
    const server = await play("jsk_recognition__watercan.bag", { rate: 0, loop: true });
    const tmp = tempDir();
    try {
      const out = path.join(tmp.dir, "existing.mcap");
      const before = Buffer.alloc(1024 * 1024, 7);
      writeFileSync(out, before);
      const refused = await noros(["record", "-o", out, "--limit", "5", "--url", server.url]);
      expect(refused.code).toBe(1);
      expect(lines(refused.stderr)).toEqual([
        `noros record: ${out} exists; pass --force to overwrite it`,
      ]);
      expect(readFileSync(out).equals(before)).toBe(true);
      expect(existsSync(`${out}.part`)).toBe(false);

      const forced = await noros([
        "record",
        "-o",
        out,
        "--limit",
        "5",
        "--force",
        "--url",
        server.url,
      ]);
      expect([forced.code, forced.stderr]).toEqual([
        0,
        expect.stringContaining("wrote 5 messages"),
      ]);
      expect(statSync(out).size).not.toBe(before.length);
      expect(readFileSync(out).subarray(0, 5).toString("latin1")).toBe("\x89MCAP");
    } finally {
      tmp.remove();
    }
  });

  it("record keeps callerid and latching in the MCAP channels, and play serves them again", async () => {
    // robot_description is latched (callerid /urdf_pub) in this bag; /tf of watercan has six
    // publishers.
    const tmp = tempDir();
    try {
      const calibration = await play("jsk_control__cal_measurements0.bag", { rate: 0, loop: true });
      const first = path.join(tmp.dir, "calibration.mcap");
      const run = await noros([
        "record",
        "-o",
        first,
        "--limit",
        "3",
        "--url",
        calibration.url,
        "--latched",
        "robot_description",
        "robot_measurement",
        "robot_description",
      ]);
      expect([run.code, lines(run.stderr).pop()]).toEqual([0, expect.stringContaining("wrote 3")]);
      const replay = await startPlayServer({ file: first, port: 0, start: "manual" });
      servers.push(replay);
      const description = replay.channels.find((c) => c.topic === "/robot_description");
      expect(description).toMatchObject({ latching: true, publishers: ["/urdf_pub"] });
      const measurement = replay.channels.find((c) => c.topic === "/robot_measurement");
      expect(measurement).toMatchObject({ latching: false, publishers: ["/calibration_exec"] });

      const watercan = await play("jsk_recognition__watercan.bag", { rate: 0, loop: true });
      const second = path.join(tmp.dir, "tf.mcap");
      expect(
        (await noros(["record", "-o", second, "--limit", "50", "/tf", "--url", watercan.url])).code,
      ).toBe(0);
      const tfReplay = await startPlayServer({ file: second, port: 0, start: "manual" });
      servers.push(tfReplay);
      const recorded = watercan.channels.find((c) => c.topic === "/tf")!.publishers;
      expect(recorded).toHaveLength(6);
      expect([...tfReplay.channels.find((c) => c.topic === "/tf")!.publishers].sort()).toEqual(
        [...recorded].sort(),
      );
    } finally {
      tmp.remove();
    }
  });

  it("record counts topics, not definition texts, while recording and at the end", async () => {
    // A server advertising /tf twice (two definition texts, as a bag's publishers can have).
    const bridge = await startBridgeLikeServer();
    const text = codecs["tf2_msgs/TFMessage"].definition;
    const ids = [
      bridge.server.addChannel({
        topic: "/tf",
        encoding: "ros1",
        schemaName: "tf2_msgs/TFMessage",
        schema: text,
      }),
      bridge.server.addChannel({
        topic: "/tf",
        encoding: "ros1",
        schemaName: "tf2_msgs/TFMessage",
        schema: `# another publisher\n${text}`,
      }),
      bridge.server.addChannel({
        topic: "/odom_count",
        encoding: "ros1",
        schemaName: "std_msgs/UInt32",
        schema: "uint32 data\n",
      }),
    ];
    const subscribed = new Set<number>();
    bridge.server.on("subscribe", (id) => subscribed.add(id));
    const tmp = tempDir();
    const progress: RecordProgress[] = [];
    const stop = new AbortController();
    try {
      const recording = record({
        url: bridge.url,
        out: path.join(tmp.dir, "tf.mcap"),
        signal: stop.signal,
        progressIntervalMs: 10,
        onProgress: (p) => progress.push(p),
      });
      await until(() => subscribed.size === 3, "subscriptions");
      const empty = new Uint8Array(4); // TFMessage with no transforms / UInt32 0
      for (const id of ids) bridge.server.sendMessage(id, 1n, empty);
      await until(() => progress.some((p) => p.messages === 3), "progress");
      stop.abort();
      const result = await recording;
      expect(result.messagesByTopic.size).toBe(2);
      const listed = await noros(["topics", "--url", bridge.url, "--json"]);
      expect(json(listed.stdout)).toEqual([
        { topic: "/odom_count", type: "std_msgs/UInt32" },
        { topic: "/tf", type: "tf2_msgs/TFMessage" },
      ]);
      expect(progress.find((p) => p.messages === 3)).toMatchObject({ topics: 2, channels: 3 });
    } finally {
      tmp.remove();
      await bridge.close();
    }
  });

  it("a custom type a client publishes with its definition can be echoed and recorded by others", async () => {
    const server = await play("rviz_satellite__sample.bag", { loop: true });
    const definition = "string text\nint32 count\n";
    const publisher = new RosClient(server.url);
    const tmp = tempDir();
    try {
      const pub = await publisher.advertise("notes", runtimeType("noros_test/Note"), {
        definition,
      });
      const stop = new AbortController();
      const out = path.join(tmp.dir, "notes.mcap");
      const recording = noros(["record", "-o", out, "/notes", "--url", server.url], stop.signal);
      const echo = noros(["echo", "/notes", "-n", "1", "--url", server.url]);
      // Publish until both have what they wait for (the first messages may precede their subscriptions).
      let n = 0;
      const timer = setInterval(() => pub.publish({ text: "hello", count: n++ }), 50);
      const echoed = await echo;
      stop.abort();
      const recorded = await recording;
      clearInterval(timer);
      expect([echoed.code, echoed.stderr]).toEqual([0, ""]);
      expect(JSON.parse(echoed.stdout)).toMatchObject({ text: "hello" });
      expect(recorded.code).toBe(0);
      const replay = await startPlayServer({ file: out, port: 0, start: "manual" });
      servers.push(replay);
      expect(replay.channels).toMatchObject([
        { topic: "/notes", schemaName: "noros_test/Note", schema: definition },
      ]);
      // Stamped in the replay's time (2015), not the wall clock.
      const span = replay.source.startTime! / 1_000_000_000n;
      expect(span).toBeGreaterThanOrEqual(server.source.startTime! / 1_000_000_000n);
      expect(span).toBeLessThanOrEqual(server.source.endTime! / 1_000_000_000n);
    } finally {
      await publisher.close();
      tmp.remove();
    }
  });

  it("RosClient warns when a subscribed topic stays unadvertised", async () => {
    const server = await play("rviz_satellite__sample.bag");
    const client = new RosClient(server.url, { unadvertisedWarningMs: 200 });
    try {
      const warnings: RosClientWarning[] = [];
      client.on("warning", (w) => warnings.push(w));
      client.subscribe("gps/fixx", "*", () => undefined);
      client.subscribe("/gps/fix", "*", () => undefined);
      await until(() => warnings.length > 0, "a warning");
      await new Promise((r) => setTimeout(r, 300));
      expect(warnings).toEqual([
        {
          kind: "unadvertised",
          topic: "/gps/fixx",
          message:
            "subscribed to /gps/fixx, but the server does not advertise it (after 200 ms); still waiting for it",
        },
      ]);
    } finally {
      await client.close();
    }
  });

  it("echo names an index past the end of an array instead of printing null", async () => {
    const server = await play("rviz_satellite__sample.bag", { loop: true });
    const run = await noros([
      "echo",
      "/gps/fix",
      "-n",
      "1",
      "--fields",
      "position_covariance[12]",
      "--url",
      server.url,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual([
      "noros echo: position_covariance[12]: index 12 is out of range (position_covariance has 9 elements in this message)",
    ]);
  });
});

describe("noros small usability points", () => {
  it("ends a YAML error on its line and column, not on a dangling colon", async () => {
    const run = await noros(["pub", "/x", "std_msgs/String", '{data: "a"']);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      "noros pub: the message is not valid YAML or JSON: Flow map must end with a } at line 1, column 11",
    ]);
  });

  it("offers the closest command for a typo, and nothing for a stranger", async () => {
    const typo = await noros(["eccho", "/x"]);
    expect(typo.code).toBe(2);
    expect(lines(typo.stderr)[0]).toBe(
      'noros: unknown command "eccho"; did you mean "echo"? (commands: topics, echo, hz, pub, call, params, record, play, bridge)',
    );
    const stranger = await noros(["xyz"]);
    expect(lines(stranger.stderr)[0]).toBe(
      'noros: unknown command "xyz" (commands: topics, echo, hz, pub, call, params, record, play, bridge)',
    );
  });

  it("keeps each --help example whole at 80 columns", async () => {
    const columns = Object.getOwnPropertyDescriptor(process.stdout, "columns");
    Object.defineProperty(process.stdout, "columns", { value: 80, configurable: true });
    try {
      for (const name of ["topics", "echo", "hz", "pub", "call", "params", "record", "play"]) {
        const help = await noros([name, "--help"]);
        const text = help.stdout;
        const examples = text.slice(
          text.indexOf("Examples:"),
          text.indexOf("\n\n", text.indexOf("Examples:")),
        );
        const rows = lines(examples).slice(1);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect([name, row]).toEqual([name, expect.stringMatching(/^ {2}(# |noros )/)]);
          expect(row.length).toBeLessThanOrEqual(80);
        }
      }
    } finally {
      if (columns !== undefined) Object.defineProperty(process.stdout, "columns", columns);
      else delete (process.stdout as { columns?: number }).columns;
    }
  });
});
