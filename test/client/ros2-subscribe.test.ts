/**
 * Subscribing on a ROS 2 bridge: a real FoxgloveServer configured like the ROS 2 foxglove_bridge
 * (test/helpers/ros2-bridge-server.ts, both the 0.8 line and the SDK-based flavor), over real
 * sockets. Bytes are made by the reference CDR writer (@foxglove/rosmsg2-serialization) and what
 * the client decodes must equal what the reference reader reads.
 */
import "../../generated-ros2/register.js";
import { LaserScanCodec } from "../../generated-ros2/sensor_msgs.js";
import { runtimeType, type RosClient } from "../../runtime/client/index.js";
import {
  referenceCdrReader,
  referenceCdrWriter,
  ros2Definition,
  Ros2BridgeServer,
  type Ros2BridgeFlavor,
} from "../helpers/ros2-bridge-server.js";
import { newClient, until, type Recorded } from "./helpers/harness.js";

const SCAN_TYPE = "sensor_msgs/msg/LaserScan";
const SCAN = {
  header: { stamp: { sec: 1700000000, nanosec: 123456789 }, frame_id: "laser" },
  angle_min: -1.5,
  angle_max: 1.5,
  angle_increment: 0.75,
  time_increment: 0,
  scan_time: 0.125,
  range_min: 0.0625,
  range_max: 30,
  ranges: new Float32Array([1, 2.5, Infinity, 4, 0.25]),
  intensities: new Float32Array([100, 200, 0, 50, 7]),
};
/** A type no generated set has: decoded with the codec compiled from the advertised text. */
const CUSTOM_TYPE = "my_robot/msg/Status";
const CUSTOM_DEF = [
  "uint8 IDLE=0",
  "uint8 mode",
  "string<=16 name",
  "int64[] counters",
  "geometry_msgs/Point[2] corners",
  "",
  "================================================================================",
  "MSG: geometry_msgs/Point",
  "float64 x",
  "float64 y",
  "float64 z",
].join("\n");
const CUSTOM = {
  mode: 3,
  name: "rover",
  counters: [1n, -2n, 9007199254740993n],
  corners: [
    { x: 1, y: 2, z: 3 },
    { x: -1, y: -2, z: -3 },
  ],
};

/** Comparable form: typed arrays as plain arrays, bigints spelled out. */
function normal(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    return Array.from(value as unknown as ArrayLike<unknown>).map(normal);
  }
  if (Array.isArray(value)) return value.map(normal);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  }
  return value;
}

describe.each<Ros2BridgeFlavor>(["0.8", "sdk"])("ROS 2 bridge (%s): subscribe", (flavor) => {
  let server: Ros2BridgeServer;
  let client: RosClient;
  let events: Recorded;

  beforeEach(async () => {
    server = await Ros2BridgeServer.start({ flavor });
    ({ client, events } = newClient(server.url));
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it("connects and reads the ROS 2 bridge's serverInfo", async () => {
    const info = await client.connected();
    expect(info.supportedEncodings).toEqual(["cdr", "json"]);
    expect(events.connects[0]!.protocol).toBe(
      flavor === "sdk" ? "foxglove.sdk.v1" : "foxglove.websocket.v1",
    );
    expect(events.errors).toEqual([]);
  });

  it("decodes a typed subscription on a cdr/ros2msg channel equal to the reference reader", async () => {
    const channel = server.addTopic("/scan", SCAN_TYPE);
    const received: { msg: unknown; datatype: string; time: bigint }[] = [];
    client.subscribe("/scan", SCAN_TYPE, (msg, receiveTimeNs, info) => {
      // Typed by the name: a ROS 2 LaserScan (nanosec, Float32Array ranges).
      const nanosec: number = msg.header.stamp.nanosec;
      expect(typeof nanosec).toBe("number");
      received.push({ msg, datatype: info.datatype, time: receiveTimeNs });
    });
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    const bytes = server.publishMessage(channel, SCAN, 42n);
    await until(() => received.length === 1, "message");
    expect(received[0]!.datatype).toBe(SCAN_TYPE);
    expect(received[0]!.time).toBe(42n);
    const reference = referenceCdrReader(ros2Definition(SCAN_TYPE))(bytes);
    expect(normal(received[0]!.msg)).toEqual(normal(reference));
    expect(normal(received[0]!.msg)).toEqual(normal(SCAN));
    expect(events.errors).toEqual([]);
    expect(events.warnings).toEqual([]);
  });

  it("messages() yields decoded ROS 2 messages", async () => {
    const channel = server.addTopic("/scan", SCAN_TYPE);
    const stream = client.messages("/scan", LaserScanCodec);
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publishMessage(channel, SCAN);
    server.publishMessage(channel, { ...SCAN, range_max: 12 });
    const got: number[] = [];
    for await (const { msg, info } of stream) {
      expect(info.topic).toBe("/scan");
      got.push(msg.range_max);
      if (got.length === 2) break;
    }
    expect(got).toEqual([30, 12]);
  });

  it("decodes a type known only at run time with the advertised definition", async () => {
    const channel = server.addTopic("/status", CUSTOM_TYPE, { definition: CUSTOM_DEF });
    const received: unknown[] = [];
    client.subscribe("/status", runtimeType(CUSTOM_TYPE), (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    const bytes = server.publishMessage(channel, CUSTOM);
    await until(() => received.length === 1, "message");
    expect(normal(received[0])).toEqual(normal(referenceCdrReader(CUSTOM_DEF)(bytes)));
    expect(normal(received[0])).toEqual(normal(CUSTOM));
  });

  it("hands raw subscribers the CDR bytes as sent", async () => {
    const channel = server.addTopic("/status", CUSTOM_TYPE, { definition: CUSTOM_DEF });
    const raw: Uint8Array[] = [];
    client.subscribeRaw("/status", CUSTOM_TYPE, (bytes) => raw.push(bytes.slice()));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    const bytes = server.publishMessage(channel, CUSTOM);
    await until(() => raw.length === 1, "message");
    expect(raw[0]).toEqual(bytes);
  });

  it("refuses a ROS 1 type name for a ROS 2 topic, naming the ROS 2 one", async () => {
    const channel = server.addTopic("/scan", SCAN_TYPE);
    client.subscribe("/scan", "sensor_msgs/LaserScan" as never, () => undefined);
    await until(() => events.errors.length === 1, "type error");
    expect(events.errors[0]!.kind).toBe("request");
    expect(events.errors[0]!.message).toContain(
      "topic /scan has type sensor_msgs/msg/LaserScan on the server, but was subscribed as sensor_msgs/LaserScan",
    );
    expect(events.errors[0]!.message).toContain('name the type "sensor_msgs/msg/LaserScan"');
    expect(server.subscribed.has(channel)).toBe(false);
  });
});

describe("ROS 2 bridge: channels without a usable definition", () => {
  let server: Ros2BridgeServer;
  let client: RosClient;
  let events: Recorded;

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it("decodes with the generated codec where the 0.8 bridge found no definition", async () => {
    server = await Ros2BridgeServer.start();
    ({ client, events } = newClient(server.url));
    const channel = server.addTopic("/scan", SCAN_TYPE, { definition: "" });
    const received: unknown[] = [];
    client.subscribe("/scan", SCAN_TYPE, (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, referenceCdrWriter(ros2Definition(SCAN_TYPE))(SCAN));
    await until(() => received.length === 1, "message");
    expect(normal(received[0])).toEqual(normal(SCAN));
    expect(events.errors).toEqual([]);
  });

  it("reports a type without definition nor generated codec, naming noros/ros2/msgs", async () => {
    server = await Ros2BridgeServer.start();
    ({ client, events } = newClient(server.url));
    const channel = server.addTopic("/status", CUSTOM_TYPE, { definition: "" });
    client.subscribe("/status", runtimeType(CUSTOM_TYPE), () => undefined);
    await until(() => events.errors.length === 1, "schema error");
    expect(events.errors[0]!.kind).toBe("schema");
    expect(events.errors[0]!.message).toContain("/status");
    expect(events.errors[0]!.message).toContain("no definition for my_robot/msg/Status");
    expect(events.errors[0]!.message).toContain("noros/ros2/msgs");
    expect(server.subscribed.has(channel)).toBe(false);
  });

  it("uses the generated codec, with a warning, for an IDL definition", async () => {
    server = await Ros2BridgeServer.start();
    ({ client, events } = newClient(server.url));
    const idl =
      "================================================================================\nIDL: sensor_msgs/msg/LaserScan\nmodule sensor_msgs { module msg { struct LaserScan { float angle_min; }; }; };\n";
    const channel = server.addTopic("/scan", SCAN_TYPE, {
      definition: idl,
      schemaEncoding: "ros2idl",
    });
    const custom = server.addTopic("/status", CUSTOM_TYPE, {
      definition: idl.replace(/LaserScan/g, "Status"),
      schemaEncoding: "ros2idl",
    });
    const received: unknown[] = [];
    client.subscribe("/scan", SCAN_TYPE, (msg) => received.push(msg));
    client.subscribe("/status", runtimeType(CUSTOM_TYPE), () => undefined);
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, referenceCdrWriter(ros2Definition(SCAN_TYPE))(SCAN));
    await until(() => received.length === 1 && events.errors.length === 1, "message and error");
    expect(normal(received[0])).toEqual(normal(SCAN));
    expect(events.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining(
        "/scan: the server sent the definition of sensor_msgs/msg/LaserScan as IDL (ros2idl)",
      ),
    ]);
    expect(events.errors[0]!.message).toContain("/status");
    expect(events.errors[0]!.message).toContain("IDL (ros2idl)");
    expect(server.subscribed.has(custom)).toBe(false);
  });
});
