/**
 * The `noros` command in-process (`main(argv, io)`), against `noros play` serving bags written by
 * python3-rosbag and a foxglove_bridge-like `FoxgloveServer` for services: output, exit codes,
 * one-line errors for user mistakes, and record -> file -> play -> echo giving back the same
 * messages.
 */
import { StatusLevel } from "@foxglove/ws-protocol";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { main } from "../../tools/cli.js";
import {
  startPlayServer,
  type PlayServer,
  type PlayServerOptions,
} from "../../tools/play/server.js";
import { describeIf } from "../helpers/env.js";
import {
  ProbeClient,
  canMakeRecordings,
  makeRecordings,
  startBridgeLikeServer,
  tempDir,
  type Recordings,
} from "./helpers.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `noros ...args`; `signal` stands in for Ctrl-C; the output so far is readable. */
function start(args: string[], signal = new AbortController().signal) {
  const out = { stdout: "", stderr: "" };
  const done = main(args, {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    signal,
    env: {},
  }).then((code): Run => ({ code, ...out }));
  return { out, done };
}

/** Runs `noros ...args` to the end. */
function noros(args: string[], signal?: AbortSignal): Promise<Run> {
  return start(args, signal).done;
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const json = (text: string) => lines(text).map((l) => JSON.parse(l) as unknown);

describe("noros usage", () => {
  it("prints help with examples for every command, exit 0", async () => {
    const top = await noros(["--help"]);
    expect(top.code).toBe(0);
    for (const name of ["topics", "echo", "hz", "pub", "call", "params", "record", "play"]) {
      expect(top.stdout).toContain(`noros ${name}`);
      const help = await noros([name, "--help"]);
      expect([name, help.code, help.stderr]).toEqual([name, 0, ""]);
      expect(help.stdout).toContain("Examples:");
    }
  });

  it("reports usage mistakes in one line plus a pointer to --help, exit 2", async () => {
    expect(await noros([])).toEqual({
      code: 2,
      stdout: "",
      stderr: "noros: name a command\nRun `noros --help` for usage.\n",
    });
    const unknown = await noros(["ech", "/x"]);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)[0]).toBe(
      'noros: unknown command "ech"; did you mean "echo"? (commands: topics, echo, hz, pub, call, params, record, play, bridge)',
    );
    const missing = await noros(["echo"]);
    expect(missing).toMatchObject({ code: 2 });
    expect(lines(missing.stderr)).toEqual([
      "noros echo: Not enough non-option arguments: got 0, need at least 1",
      "Run `noros echo --help` for usage.",
    ]);
    expect((await noros(["echo", "/x", "--bogus"])).stderr).toContain(
      "noros echo: Unknown argument: bogus",
    );
  });

  it("fails in one line, no stack trace, when the bridge is unreachable", async () => {
    const bridge = await startBridgeLikeServer();
    const url = bridge.url;
    await bridge.close();
    const commands = [
      ["topics"],
      ["echo", "/x"],
      ["hz", "/x"],
      ["pub", "/x", "std_msgs/String", "hi", "--once"],
      ["call", "/x"],
      ["params", "get"],
      ["record", "-o", path.join(tmpdir(), "noros-never-written.mcap")],
    ];
    for (const args of commands) {
      const run = await noros([...args, "--url", url]);
      expect([args[0], run.code, run.stdout]).toEqual([args[0], 1, ""]);
      expect(run.stderr).toBe(
        `noros ${args[0]}: cannot reach bridge at ${url}: connection refused; is foxglove_bridge (or \`noros play\`) running there?\n`,
      );
    }
    const bad = await noros(["topics", "--url", "http://x"]);
    expect(bad).toEqual({
      code: 1,
      stdout: "",
      stderr: 'noros topics: not a bridge URL: "http://x" (the scheme must be ws:// or wss://)\n',
    });
  });

  it("names a missing or foreign file for play", async () => {
    const run = await noros(["play", "/nonexistent/run.bag", "--port", "0"]);
    expect(run).toEqual({
      code: 1,
      stdout: "",
      stderr: "noros play: /nonexistent/run.bag: no such file\n",
    });
  });
});

describeIf(canMakeRecordings, "needs Debian python3-rosbag")("noros against noros play", () => {
  let rec: Recordings;
  let tmp: { dir: string; remove(): void };
  const servers: PlayServer[] = [];
  beforeAll(() => {
    rec = makeRecordings();
    tmp = tempDir();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    rec.remove();
    tmp.remove();
  });

  async function serve(options: Partial<PlayServerOptions> = {}) {
    const server = await startPlayServer({
      file: rec.files.none,
      port: 0,
      rate: 0,
      start: "manual",
      ...options,
    });
    servers.push(server);
    return server;
  }

  /** Runs a command that subscribes to `topics`, playing the recording once it has. */
  async function withPlayback(
    server: PlayServer,
    topics: string[],
    args: string[],
    signal?: AbortSignal,
  ) {
    const run = noros([...args, "--url", server.url], signal);
    await Promise.all(topics.map((t) => server.subscribed(t)));
    server.start();
    return run;
  }

  it("topics: a table with types and recorded publishers, or JSON lines", async () => {
    const server = await serve();
    const table = await noros(["topics", "--url", server.url]);
    expect(table.code).toBe(0);
    expect(lines(table.stdout)).toEqual([
      "TOPIC              TYPE                PUBLISHERS",
      "/camera/image_raw  sensor_msgs/Image   /camera",
      "/chatter           std_msgs/String     /talker",
      "/counter           std_msgs/Int64      /counter",
      "/imu               sensor_msgs/Imu     /imu_driver",
      "/tf_static         tf2_msgs/TFMessage  /static_tf",
    ]);
    const asJson = await noros(["topics", "--json", "--url", server.url]);
    expect(json(asJson.stdout)[1]).toEqual({
      topic: "/chatter",
      type: "std_msgs/String",
      publishers: ["/talker"],
    });
  });

  it("echo: messages as JSON lines, -n, int64 beyond 2^53 as strings, long arrays summarised", async () => {
    const server = await serve();
    const chatter = await withPlayback(server, ["/chatter"], ["echo", "/chatter", "-n", "3"]);
    expect(chatter).toEqual({
      code: 0,
      stdout: '{"data":"hello 0"}\n{"data":"hello 1"}\n{"data":"hello 2"}\n',
      stderr: "",
    });

    const server2 = await serve();
    const counter = await withPlayback(server2, ["/counter"], ["echo", "/counter", "-n", "5"]);
    expect(json(counter.stdout)).toEqual([
      { data: 0 },
      { data: "1152921504606846977" },
      { data: -2 },
      { data: "1152921504606846979" },
      { data: -4 },
    ]);

    const server3 = await serve();
    const image = await withPlayback(
      server3,
      ["/camera/image_raw"],
      ["echo", "/camera/image_raw", "-n", "1"],
    );
    expect(json(image.stdout)[0]).toMatchObject({
      header: { seq: 0, stamp: { sec: 1700000000, nsec: 3000 }, frame_id: "camera" },
      height: 6,
      width: 8,
      encoding: "rgb8",
      data: "<Uint8Array 144 bytes>",
    });
    const server4 = await serve();
    const full = await withPlayback(
      server4,
      ["/camera/image_raw"],
      ["echo", "/camera/image_raw", "-n", "1", "--full", "--fields", "data"],
    );
    expect(json(full.stdout)[0]).toEqual(Array.from({ length: 144 }, (_, k) => k % 256));
  });

  it("echo --fields picks values (one path: the value; several: keyed by path), --meta adds the receive time", async () => {
    const server = await serve();
    const run = await withPlayback(
      server,
      ["/imu"],
      [
        "echo",
        "/imu",
        "-n",
        "2",
        "--fields",
        "header.frame_id,orientation_covariance",
        "--fields",
        "angular_velocity.z",
        "--meta",
      ],
    );
    expect(run.code).toBe(0);
    expect(json(run.stdout)[1]).toEqual({
      topic: "/imu",
      receiveTime: { sec: 1700000000, nsec: 20002000 },
      message: {
        "header.frame_id": "imu_link",
        orientation_covariance: [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08],
        "angular_velocity.z": 0.1,
      },
    });
    const tf = await serve();
    const one = await withPlayback(
      tf,
      ["/tf_static"],
      ["echo", "/tf_static", "-n", "1", "-f", "transforms[1].child_frame_id"],
    );
    expect(one.stdout).toBe('"laser"\n');
  });

  it("echo: unknown topics and fields fail at once, naming what exists", async () => {
    const server = await serve();
    const topic = await noros(["echo", "/nope", "--url", server.url, "--timeout", "0.3"]);
    expect(topic).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "noros echo: unknown topic /nope: the bridge does not advertise it (waited 300 ms); advertised: /camera/image_raw, /chatter, /counter, /imu, /tf_static\n",
    });
    const field = await noros(["echo", "/imu", "--fields", "orientation.q", "--url", server.url]);
    expect(field).toEqual({
      code: 1,
      stdout: "",
      stderr:
        'noros echo: orientation.q: no field "q" in geometry_msgs/Quaternion (fields: x, y, z, w)\n',
    });
    const syntax = await noros(["echo", "/imu", "--fields", "a..b", "--url", server.url]);
    expect(syntax.stderr).toBe(
      'noros echo: bad field path "a..b" (expected e.g. pose.position.x or points[0].x)\n',
    );
  });

  it("echo stops cleanly on Ctrl-C", async () => {
    const server = await serve();
    const ctrlC = new AbortController();
    const run = start(["echo", "/chatter", "--url", server.url], ctrlC.signal);
    await server.subscribed("/chatter");
    server.start();
    while (lines(run.out.stdout).length < 20) await new Promise((r) => setTimeout(r, 5));
    ctrlC.abort();
    const done = await run.done;
    expect(done.code).toBe(0);
    expect(lines(done.stdout)).toHaveLength(20);
  });

  it("hz: the rate from the bridge's receive times", async () => {
    const server = await serve();
    const run = await withPlayback(server, ["/imu"], ["hz", "/imu", "--duration", "0.3"]);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).at(-1)).toBe(
      "average rate: 50.000 Hz  min: 0.0200 s  max: 0.0200 s  std dev: 0.00000 s  window: 50",
    );
  });

  it("record -> file -> play -> echo gives back the same messages", async () => {
    const out = path.join(tmp.dir, "cli.mcap");
    const source = await serve();
    const recorded = await withPlayback(
      source,
      ["/chatter", "/imu", "/counter", "/camera/image_raw", "/tf_static"],
      ["record", "-o", out, "--limit", String(rec.messages.length)],
    );
    expect(recorded.code).toBe(0);
    expect(lines(recorded.stderr).at(-1)).toMatch(
      new RegExp(
        `^noros record: wrote ${rec.messages.length} messages on 5 topics \\(.+\\) to ${out.replace(/[.]/g, "\\.")}$`,
      ),
    );
    for (const topic of ["/imu", "/counter", "/camera/image_raw", "/tf_static"]) {
      const count = String(rec.messages.filter(([t]) => t === topic).length);
      const fromBag = await withPlayback(
        await serve(),
        [topic],
        ["echo", topic, "-n", count, "--meta", "--full"],
      );
      const fromMcap = await withPlayback(
        await serve({ file: out }),
        [topic],
        ["echo", topic, "-n", count, "--meta", "--full"],
      );
      expect(fromMcap.code).toBe(0);
      expect(lines(fromMcap.stdout)).toHaveLength(Number(count));
      expect(fromMcap.stdout).toBe(fromBag.stdout);
    }
  });

  it("pub: YAML or JSON, zero-filled, to a recorded topic and a new one; -r with -n", async () => {
    const server = await serve();
    const probe = await ProbeClient.connect(server.url);
    try {
      probe.subscribe("/chatter");
      await server.subscribed("/chatter");
      const once = await noros([
        "pub",
        "/chatter",
        "std_msgs/String",
        "data: hi there",
        "--once",
        "--delay",
        "0",
        "--url",
        server.url,
      ]);
      expect(once).toEqual({ code: 0, stdout: "", stderr: "" });
      await probe.until(() => probe.received.length === 1);
      expect(Buffer.from(probe.received[0]!.data)).toEqual(
        Buffer.from([8, 0, 0, 0, ...Buffer.from("hi there")]),
      );

      // A type the bag does not have: the generated standard definition; JSON input, zero-fill.
      // (The default 1 s --delay lets the probe subscribe before the first message.)
      const run = noros([
        "pub",
        "/cmd_vel",
        "geometry_msgs/Twist",
        '{"linear": {"x": 0.5}, "angular": {"z": -1}}',
        "-r",
        "100",
        "-n",
        "3",
        "--url",
        server.url,
      ]);
      await probe.until(() => [...probe.channels.values()].some((c) => c.topic === "/cmd_vel"));
      probe.subscribe("/cmd_vel");
      const done = await run;
      expect(done.code).toBe(0);
      await probe.until(() => probe.received.length === 4);
      const twists = probe.received.filter((m) => m.topic === "/cmd_vel");
      expect(twists).toHaveLength(3);
      for (const twist of twists) {
        const view = Buffer.from(twist.data);
        expect(view.length).toBe(48);
        expect([view.readDoubleLE(0), view.readDoubleLE(8), view.readDoubleLE(40)]).toEqual([
          0.5, 0, -1,
        ]);
      }
    } finally {
      await probe.close();
    }
  });

  it("pub: mistakes name the field path, the type conflict or the YAML problem", async () => {
    const server = await serve();
    const url = ["--url", server.url, "--once", "--delay", "0"];
    expect(
      (await noros(["pub", "/cmd_vel", "geometry_msgs/Twist", "{linear: {q: 1}}", ...url])).stderr,
    ).toBe(
      'noros pub: geometry_msgs/Twist: linear: no field "q" in geometry_msgs/Vector3 (fields: x, y, z)\n',
    );
    expect(
      (await noros(["pub", "/cmd_vel", "geometry_msgs/Twist", "{linear: {x: fast}}", ...url]))
        .stderr,
    ).toBe('noros pub: geometry_msgs/Twist: linear.x: expected a number, got "fast"\n');
    expect((await noros(["pub", "/chatter", "std_msgs/Int32", "data: 1", ...url])).stderr).toBe(
      "noros pub: /chatter has type std_msgs/String on the bridge, not std_msgs/Int32\n",
    );
    const yaml = await noros(["pub", "/x", "std_msgs/String", "{data: [}", ...url]);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toMatch(/^noros pub: the message is not valid YAML or JSON: .+\n$/);
    expect((await noros(["pub", "/x", "acme_msgs/Nope", "{}", ...url])).stderr).toMatch(
      /^noros pub: no definition of acme_msgs\/Nope: the bridge advertises no topic of that type/,
    );
  });

  it("params: get all, get one, set, and a missing name", async () => {
    const server = await serve({ parameters: [{ name: "/robot_name", value: "turtle" }] });
    const url = ["--url", server.url];
    expect(await noros(["params", "set", "/max_speed", "0.5", ...url])).toEqual({
      code: 0,
      stdout: "0.5\n",
      stderr: "",
    });
    expect(await noros(["params", "set", "/tags", "[a, b]", ...url])).toEqual({
      code: 0,
      stdout: '["a","b"]\n',
      stderr: "",
    });
    expect(await noros(["params", "get", "/robot_name", ...url])).toEqual({
      code: 0,
      stdout: '"turtle"\n',
      stderr: "",
    });
    expect(await noros(["params", "get", ...url])).toEqual({
      code: 0,
      stdout: '{"/max_speed":0.5,"/robot_name":"turtle","/tags":["a","b"]}\n',
      stderr: "",
    });
    expect(await noros(["params", "get", "/missing", ...url])).toEqual({
      code: 1,
      stdout: "",
      stderr: "noros params: no parameter /missing on the server\n",
    });
    expect((await noros(["params", "set", "/x", ...url])).stderr).toBe(
      "noros params: params set takes NAME VALUE, got 1 argument(s)\n",
    );
  });

  it("play: serves a file until Ctrl-C", async () => {
    const ctrlC = new AbortController();
    let stderr = "";
    const run = main(["play", rec.files.bz2, "--port", "0", "--rate", "0"], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      signal: ctrlC.signal,
      env: {},
    });
    while (!/at (ws:\S+)/.test(stderr)) await new Promise((r) => setTimeout(r, 10));
    const url = /at (ws:\S+)/.exec(stderr)![1]!;
    expect(lines(stderr)[0]).toBe(
      `noros play: serving recording-bz2.bag (5 topics, 81 messages over 1.0 s) at ${url}`,
    );
    const probe = await ProbeClient.connect(url);
    probe.subscribe("/chatter");
    await probe.until(() => probe.received.length === 20);
    ctrlC.abort();
    expect(await run).toBe(0);
    expect(lines(stderr).at(-1)).toMatch(/^noros play: (finished|stopped): 81 messages played$/);
    await probe.close();
  });
});

describe("noros call against a foxglove_bridge-like server", () => {
  it("calls with a zero-filled request and prints the decoded response; failures are one line", async () => {
    const bridge = await startBridgeLikeServer();
    try {
      const id = bridge.server.addService({
        name: "/set_bool",
        type: "std_srvs/SetBool",
        requestSchema: "bool data\n",
        responseSchema: "bool success\nstring message\n",
      });
      bridge.server.on("serviceCallRequest", (request, connection) => {
        const data = new Uint8Array(
          request.data.buffer,
          request.data.byteOffset,
          request.data.byteLength,
        );
        if (data.length !== 1) {
          bridge.server.sendServiceCallFailure(
            {
              op: "serviceCallFailure",
              serviceId: id,
              callId: request.callId,
              message: "bad request",
            },
            connection,
          );
          return;
        }
        const text = Buffer.from(`set to ${data[0] === 1}`);
        const response = Buffer.alloc(1 + 4 + text.length);
        response[0] = 1;
        response.writeUInt32LE(text.length, 1);
        text.copy(response, 5);
        bridge.server.sendServiceCallResponse(
          { serviceId: id, callId: request.callId, encoding: "ros1", data: response },
          connection,
        );
      });
      const url = ["--url", bridge.url];
      expect(await noros(["call", "/set_bool", "{data: true}", ...url])).toEqual({
        code: 0,
        stdout: '{"success":true,"message":"set to true"}\n',
        stderr: "",
      });
      expect((await noros(["call", "/set_bool", ...url])).stdout).toBe(
        '{"success":true,"message":"set to false"}\n',
      );
      expect((await noros(["call", "/set_bool", "{data: 3}", ...url])).stderr).toBe(
        "noros call: std_srvs/SetBoolRequest: data: expected true or false, got number 3\n",
      );
      expect(
        (await noros(["call", "/set_bool", "--type", "std_srvs/Trigger", ...url])).stderr,
      ).toBe(
        "noros call: /set_bool has type std_srvs/SetBool on the bridge, not std_srvs/Trigger\n",
      );
      const unknown = await noros(["call", "/nope", "--timeout", "0.2", ...url]);
      expect(unknown.stderr).toBe(
        "noros call: unknown service /nope: the bridge does not advertise it (waited 200 ms); advertised: /set_bool\n",
      );
      bridge.server.sendStatus({ level: StatusLevel.INFO, message: "unrelated" });
    } finally {
      await bridge.close();
    }
  });
});
