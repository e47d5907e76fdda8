/**
 * Schema drift and reconnecting on a ROS 2 bridge (test/helpers/ros2-bridge-server.ts, a real
 * FoxgloveServer over real sockets). Drift is handled as for ROS 1: when the server's definition
 * differs from the generated codec (compared by RIHS01 type hash, or by text for a codec that has
 * none), data is decoded with the server's definition and a `schema-mismatch` warning says so.
 */
import "../../generated-ros2/register.js";
import { LaserScanCodec } from "../../generated-ros2/sensor_msgs.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { runtimeType, type RosClient } from "../../runtime/client/index.js";
import {
  referenceCdrReader,
  referenceCdrWriter,
  ros2Definition,
  Ros2BridgeServer,
} from "../helpers/ros2-bridge-server.js";
import { newClient, until, type Recorded } from "./helpers/harness.js";

const SCAN_TYPE = "sensor_msgs/msg/LaserScan";
/** LaserScan as a newer (or patched) distro might define it: one more field at the end. */
const DRIFTED_SCAN = ros2Definition(SCAN_TYPE).replace(
  "float32[] intensities",
  "float32[] intensities\nuint16 rings",
);
const SCAN = {
  header: { stamp: { sec: 1, nanosec: 2 }, frame_id: "laser" },
  angle_min: -1,
  angle_max: 1,
  angle_increment: 0.5,
  time_increment: 0,
  scan_time: 0.125,
  range_min: 0.25,
  range_max: 8,
  ranges: [1, 2, 3, 4, 5],
  intensities: [],
};

let server: Ros2BridgeServer;
let client: RosClient;
let events: Recorded;

afterEach(async () => {
  await client.close();
  await server.close();
});

describe("schema drift on a ROS 2 bridge", () => {
  it("decodes with the advertised definition and reports the type hashes", async () => {
    expect(DRIFTED_SCAN).not.toBe(ros2Definition(SCAN_TYPE));
    server = await Ros2BridgeServer.start();
    ({ client, events } = newClient(server.url));
    const channel = server.addTopic("/scan", SCAN_TYPE, { definition: DRIFTED_SCAN });
    const received: Record<string, unknown>[] = [];
    client.subscribe("/scan", SCAN_TYPE, (msg) => received.push(msg as never));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    const bytes = server.publishMessage(channel, { ...SCAN, rings: 16 });
    await until(() => received.length === 1, "message");
    expect(received[0]!.rings).toBe(16);
    expect(referenceCdrReader(DRIFTED_SCAN)(bytes)).toMatchObject({ rings: 16 });
    const advertisedHash = compileCodec(SCAN_TYPE, DRIFTED_SCAN, { encoding: "cdr" }).typeHash;
    expect(advertisedHash).toMatch(/^RIHS01_/);
    expect(events.warnings).toEqual([
      expect.objectContaining({
        kind: "schema-mismatch",
        topic: "/scan",
        datatype: SCAN_TYPE,
        generatedTypeHash: LaserScanCodec.typeHash,
        advertisedTypeHash: advertisedHash,
      }),
    ]);
    expect(events.warnings[0]!.message).toContain(
      `/scan: the server's definition of ${SCAN_TYPE} (type hash ${advertisedHash}) differs from ` +
        `the generated one (type hash ${LaserScanCodec.typeHash})`,
    );
    expect(events.errors).toEqual([]);
  });

  it("uses the generated codec without a warning when the type hashes agree", async () => {
    server = await Ros2BridgeServer.start();
    ({ client, events } = newClient(server.url));
    // Comments and spacing differ from the generated text; the type hash does not.
    const reworded = ros2Definition(SCAN_TYPE).replace(/#.*$/gm, "").replace(/ +/g, " ");
    const channel = server.addTopic("/scan", SCAN_TYPE, { definition: reworded });
    const received: unknown[] = [];
    client.subscribe("/scan", SCAN_TYPE, (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publishMessage(channel, SCAN);
    await until(() => received.length === 1, "message");
    expect(events.warnings).toEqual([]);
  });

  it("compares definition texts for a given codec without a type hash", async () => {
    const text = "int32 count\n";
    const compiled = compileCodec("my_robot/msg/Counter", text, { encoding: "cdr" });
    // A hand-made codec (e.g. from another tool) that carries no type hash.
    const { typeHash: _drop, ...rest } = compiled;
    const handMade = rest as Codec;
    server = await Ros2BridgeServer.start();
    ({ client, events } = newClient(server.url, { codecs: [handMade] }));
    const same = server.addTopic("/same", "my_robot/msg/Counter", { definition: text });
    const drifted = server.addTopic("/drifted", "my_robot/msg/Counter", {
      definition: "int64 count\n",
    });
    const got: unknown[] = [];
    client.subscribe("/same", runtimeType("my_robot/msg/Counter"), (m) => got.push(m));
    client.subscribe("/drifted", runtimeType("my_robot/msg/Counter"), (m) => got.push(m));
    await server.waitFor(
      () => server.subscribed.has(same) && server.subscribed.has(drifted),
      "subscriptions",
    );
    server.publishMessage(drifted, { count: 5n });
    await until(() => got.length === 1, "message");
    expect(got[0]).toEqual({ count: 5n });
    expect(events.warnings.map((w) => [w.kind, w.topic])).toEqual([
      ["schema-mismatch", "/drifted"],
    ]);
  });

  it("uses the server's service definitions when they drifted, with a warning", async () => {
    server = await Ros2BridgeServer.start({ flavor: "sdk" });
    ({ client, events } = newClient(server.url));
    const response = "bool success\nstring message\nuint32 code\n";
    server.addService(
      "/enable",
      "std_srvs/srv/SetBool",
      () => referenceCdrWriter(response)({ success: true, message: "ok", code: 7 }),
      { responseDefinition: response },
    );
    const answer = await client.callService("/enable", "std_srvs/srv/SetBool", { data: true });
    expect(answer).toEqual({ success: true, message: "ok", code: 7 });
    expect(events.warnings).toEqual([
      expect.objectContaining({
        kind: "schema-mismatch",
        service: "/enable",
        datatype: "std_srvs/srv/SetBool_Response",
      }),
    ]);
    expect(events.warnings[0]!.message).toContain("type hash RIHS01_");
  });
});

describe("reconnecting to a ROS 2 bridge", () => {
  it("subscribes and advertises again after the bridge restarts on the same port", async () => {
    server = await Ros2BridgeServer.start({ sessionId: "first" });
    const port = server.port;
    ({ client, events } = newClient(server.url));
    const received: number[] = [];
    client.subscribe("/scan", SCAN_TYPE, (msg) => received.push(msg.range_max));
    const pub = await client.advertise("/cmd", "std_msgs/msg/String");
    let channel = server.addTopic("/scan", SCAN_TYPE);
    await server.waitFor(() => server.subscribed.has(channel), "first subscription");
    server.publishMessage(channel, SCAN);
    await until(() => received.length === 1, "first message");

    await server.close();
    await until(() => events.disconnects.length === 1, "disconnect");
    server = await Ros2BridgeServer.start({ port, sessionId: "second" });
    channel = server.addTopic("/scan", SCAN_TYPE);
    await server.waitFor(
      () => server.subscribed.has(channel),
      "subscription after restart",
      10_000,
    );
    server.publishMessage(channel, { ...SCAN, range_max: 9 });
    await until(() => received.length === 2, "message after restart");
    expect(received).toEqual([8, 9]);
    await server.waitFor(() => server.clientChannels.size === 1, "advertise after restart");
    expect([...server.clientChannels.values()][0]).toMatchObject({
      topic: "/cmd",
      encoding: "cdr",
      schemaName: "std_msgs/msg/String",
    });
    pub.publish({ data: "again" });
    await server.waitFor(() => server.published.length === 1, "publish after restart");
    expect(
      referenceCdrReader(ros2Definition("std_msgs/msg/String"))(server.published[0]!.data),
    ).toEqual({
      data: "again",
    });
    expect(events.connects.at(-1)!.sessionChanged).toBe(true);
    expect(events.errors.filter((e) => e.kind !== "connection")).toEqual([]);
  });
});
