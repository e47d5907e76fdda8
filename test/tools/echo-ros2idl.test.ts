/**
 * The `noros` command reads IDL definitions without being asked: `noros echo` on a ROS 2 bridge
 * (a real FoxgloveServer configured like it) prints a topic whose type the bridge sends as
 * `ros2idl` (fixtures written as rosidl writes .idl files).
 */
import { main } from "../../tools/cli.js";
import {
  readIdlFixture,
  referenceIdlReader,
  referenceIdlWriter,
  ros2IdlDefinition,
  Ros2BridgeServer,
} from "../helpers/ros2-bridge-server.js";

const TYPE = "my_robot/msg/Status";
const IDL = ros2IdlDefinition(TYPE, readIdlFixture);

function noros(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  return main(args, {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    signal: new AbortController().signal,
    env: {},
  }).then((code) => ({ code, ...out }));
}

it("noros echo prints a topic whose definition comes as ros2idl", async () => {
  const server = await Ros2BridgeServer.start();
  try {
    const channel = server.addTopic("/status", TYPE, {
      definition: IDL,
      schemaEncoding: "ros2idl",
    });
    const echo = noros(["echo", "/status", "-n", "1", "--url", server.url]);
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(
      channel,
      referenceIdlWriter(IDL)({
        header: { stamp: { sec: 3, nanosec: 4 }, frame_id: "base" },
        mode: 1,
        name: "rover",
        counters: [9007199254740993n],
        samples: [1, 2],
        tags: ["abc"],
        corners: [
          { x: 1, y: 2, label: "front" },
          { x: 3, y: 4, label: "back" },
        ],
        extra_corners: [],
        position: [1, 2, 3],
        ok: true,
        payload: new Uint8Array([7]),
        ratio: 0.5,
      }),
    );
    const run = await echo;
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(JSON.parse(run.stdout)).toMatchObject({
      header: { stamp: { sec: 3, nanosec: 4 }, frame_id: "base" },
      name: "rover",
      counters: ["9007199254740993"],
      tags: ["abc"],
      corners: [{ label: "front" }, { label: "back" }],
      ratio: 0.5,
    });
  } finally {
    await server.close();
  }
});

it("noros echo --fields checks and selects paths of a ros2idl type", async () => {
  const server = await Ros2BridgeServer.start();
  try {
    const channel = server.addTopic("/status", TYPE, {
      definition: IDL,
      schemaEncoding: "ros2idl",
    });
    // A path the IDL type does not have is a usage problem named before anything is received.
    const bad = await noros([
      "echo",
      "/status",
      "-n",
      "1",
      "-f",
      "corners[0].nope",
      "--url",
      server.url,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nope/);
    const echo = noros([
      "echo",
      "/status",
      "-n",
      "1",
      "-f",
      "corners[1].label",
      "--url",
      server.url,
    ]);
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(
      channel,
      referenceIdlWriter(IDL)({
        header: { stamp: { sec: 3, nanosec: 4 }, frame_id: "base" },
        mode: 1,
        name: "rover",
        counters: [],
        samples: [],
        tags: [],
        corners: [
          { x: 1, y: 2, label: "front" },
          { x: 3, y: 4, label: "back" },
        ],
        extra_corners: [],
        position: [1, 2, 3],
        ok: true,
        payload: new Uint8Array([7]),
        ratio: 0.5,
      }),
    );
    const run = await echo;
    expect([run.code, run.stderr, run.stdout.trim()]).toEqual([0, "", '"back"']);
  } finally {
    await server.close();
  }
});

it("noros pub publishes a ros2idl type, typed in as ros2 topic pub takes it", async () => {
  const server = await Ros2BridgeServer.start();
  try {
    server.addTopic("/status", TYPE, { definition: IDL, schemaEncoding: "ros2idl" });
    const run = await noros([
      "pub",
      "/status",
      TYPE,
      "{name: rover, corners: [{x: 1, y: 2, label: front}, {label: back}], position: [1, 2, 3]}",
      "--once",
      "--url",
      server.url,
    ]);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    const sent = server.published.find((p) => p.topic === "/status");
    expect(sent?.encoding).toBe("cdr");
    expect(referenceIdlReader(IDL)(sent!.data)).toMatchObject({
      name: "rover",
      corners: [
        { x: 1, y: 2, label: "front" },
        { x: 0, y: 0, label: "back" },
      ],
      position: Float64Array.from([1, 2, 3]),
    });
  } finally {
    await server.close();
  }
});
