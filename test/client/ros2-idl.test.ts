/**
 * `ros2idl` channels on a ROS 2 bridge (a real FoxgloveServer configured like the ROS 2
 * foxglove_bridge, both flavors, over real sockets): the IDL text is what the bridge sends for
 * types that have only `.idl` files (fixtures written as rosidl writes .idl files, concatenated
 * as its definition cache does). A client given `schemaReaders: [ros2idl]` decodes them as
 * @foxglove/rosmsg2-serialization reads them from the same IDL; without it, the error says how to
 * enable it.
 */
import { NavSatFixCodec } from "../../generated-ros2/sensor_msgs.js";
import { runtimeType, type RosClient } from "../../runtime/client/index.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import { ros2idl, ros2msgFromIdl } from "../../runtime/ros2idl/index.js";
import {
  readIdlFixture,
  referenceIdlReader,
  referenceIdlWriter,
  ros2IdlDefinition,
  Ros2BridgeServer,
  type Ros2BridgeFlavor,
} from "../helpers/ros2-bridge-server.js";
import { newClient, until, type Recorded } from "./helpers/harness.js";

const STATUS_TYPE = "my_robot/msg/Status";
const STATUS_IDL = ros2IdlDefinition(STATUS_TYPE, readIdlFixture);
const STATUS = {
  header: { stamp: { sec: 1700000001, nanosec: 999999999 }, frame_id: "base" },
  mode: 1,
  name: "rover",
  counters: [1n, -2n, 9007199254740993n],
  samples: [3, 1, 4, 1, 5],
  tags: ["a", "bc", "def"],
  corners: [
    { x: 1.5, y: -2, label: "front" },
    { x: -1.5, y: 2, label: "back" },
  ],
  extra_corners: [{ x: 0.25, y: 0.5, label: "" }],
  position: [1, 2, 3],
  ok: true,
  payload: new Uint8Array([0, 255, 7]),
  ratio: 0.75,
};
const FIX_TYPE = "sensor_msgs/msg/NavSatFix";
const FIX_IDL = ros2IdlDefinition(FIX_TYPE, readIdlFixture);
const FIX = {
  header: { stamp: { sec: 12, nanosec: 34 }, frame_id: "gps" },
  status: { status: 0, service: 1 },
  latitude: 48.1,
  longitude: 11.5,
  altitude: 520.25,
  position_covariance: [1, 0, 0, 0, 1, 0, 0, 0, 4],
  position_covariance_type: 2,
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

describe.each<Ros2BridgeFlavor>(["0.8", "sdk"])("ROS 2 bridge (%s): ros2idl channels", (flavor) => {
  let server: Ros2BridgeServer;
  let client: RosClient;
  let events: Recorded;

  beforeEach(async () => {
    server = await Ros2BridgeServer.start({ flavor });
    ({ client, events } = newClient(server.url, { schemaReaders: [ros2idl] }));
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  it("decodes an IDL-only type as the reference reads it from the same IDL", async () => {
    const channel = server.addTopic("/status", STATUS_TYPE, {
      definition: STATUS_IDL,
      schemaEncoding: "ros2idl",
    });
    const received: unknown[] = [];
    client.subscribe("/status", runtimeType(STATUS_TYPE), (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    const bytes = referenceIdlWriter(STATUS_IDL)(STATUS);
    server.publish(channel, bytes);
    await until(() => received.length === 1, "message");
    expect(normal(received[0])).toEqual(normal(referenceIdlReader(STATUS_IDL)(bytes)));
    expect(normal(received[0])).toEqual(normal(STATUS));
    expect(events.errors).toEqual([]);
    expect(events.warnings).toEqual([]);
  });

  it("checks a generated codec by type hash: equal passes silently, a drift is a schema-mismatch", async () => {
    await client.close();
    ({ client, events } = newClient(server.url, {
      schemaReaders: [ros2idl],
      codecs: [NavSatFixCodec],
    }));
    const drifted = FIX_IDL.replace("double altitude;", "float altitude;");
    const same = server.addTopic("/fix", FIX_TYPE, {
      definition: FIX_IDL,
      schemaEncoding: "ros2idl",
    });
    const other = server.addTopic("/fix_old", FIX_TYPE, {
      definition: drifted,
      schemaEncoding: "ros2idl",
    });
    const fixes: unknown[] = [];
    const old: unknown[] = [];
    client.subscribe("/fix", NavSatFixCodec, (msg) => fixes.push(msg));
    client.subscribe("/fix_old", NavSatFixCodec, (msg) => old.push(msg));
    await server.waitFor(() => server.subscribed.has(same) && server.subscribed.has(other), "subs");
    server.publish(same, referenceIdlWriter(FIX_IDL)(FIX));
    server.publish(other, referenceIdlWriter(drifted)({ ...FIX, altitude: 0.5 }));
    await until(() => fixes.length === 1 && old.length === 1, "messages");
    expect(normal(fixes[0])).toEqual(normal(FIX));
    // Decoded with the server's (drifted) definition: a float32 altitude.
    expect((old[0] as { altitude: number }).altitude).toBe(0.5);
    expect((old[0] as { latitude: number }).latitude).toBe(48.1);
    expect(events.warnings).toHaveLength(1);
    expect(events.warnings[0]).toMatchObject({
      kind: "schema-mismatch",
      topic: "/fix_old",
      generatedTypeHash: NavSatFixCodec.typeHash,
      advertisedTypeHash: expect.stringMatching(/^RIHS01_[0-9a-f]{64}$/),
    });
    expect(events.warnings[0]!.advertisedTypeHash).not.toBe(NavSatFixCodec.typeHash);
  });

  it("decodes with the IDL when its type hash is unknown (octet), saying the codec was not checked", async () => {
    await client.close();
    // A codec for the type with a hash of its own (as a generated one has).
    const given = compileCodec(STATUS_TYPE, ros2msgFromIdl(STATUS_TYPE, STATUS_IDL).definition, {
      encoding: "cdr",
    });
    expect(given.typeHash).toMatch(/^RIHS01_/);
    ({ client, events } = newClient(server.url, { schemaReaders: [ros2idl], codecs: [given] }));
    const channel = server.addTopic("/status", STATUS_TYPE, {
      definition: STATUS_IDL,
      schemaEncoding: "ros2idl",
    });
    const received: unknown[] = [];
    client.subscribe("/status", runtimeType(STATUS_TYPE), (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, referenceIdlWriter(STATUS_IDL)(STATUS));
    await until(() => received.length === 1, "message");
    expect(normal(received[0])).toEqual(normal(STATUS));
    expect(events.warnings.map((w) => [w.kind, w.message])).toEqual([
      [
        "schema",
        "/status: the type hash of the IDL definition of my_robot/msg/Status cannot be computed " +
          "(it uses octet, char or wchar), so the generated codec could not be checked against " +
          "it; decoding with the server's definition",
      ],
    ]);
  });

  it("reads IDL text that comes as ros2msg (the bridge's cache answers a type's second topic so)", async () => {
    const first = server.addTopic("/status", STATUS_TYPE, {
      definition: STATUS_IDL,
      schemaEncoding: "ros2idl",
    });
    const second = server.addTopic("/status2", STATUS_TYPE, {
      definition: STATUS_IDL,
      schemaEncoding: "ros2msg",
    });
    const received: unknown[] = [];
    client.subscribe("/status2", runtimeType(STATUS_TYPE), (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(second), "subscription");
    expect(server.subscribed.has(first)).toBe(false);
    server.publish(second, referenceIdlWriter(STATUS_IDL)(STATUS));
    await until(() => received.length === 1, "message");
    expect(normal(received[0])).toEqual(normal(STATUS));
    expect(events.errors).toEqual([]);
  });

  it("publishes a type the server advertises only as IDL", async () => {
    server.addTopic("/status", STATUS_TYPE, { definition: STATUS_IDL, schemaEncoding: "ros2idl" });
    await until(() => client.topics().some((t) => t.topic === "/status"), "advertisement");
    const pub = await client.advertise("/status_cmd", runtimeType(STATUS_TYPE));
    pub.publish(STATUS);
    await server.waitFor(() => server.published.length === 1, "published message");
    expect(server.published[0]!.schemaName).toBe(STATUS_TYPE);
    expect(normal(referenceIdlReader(STATUS_IDL)(server.published[0]!.data))).toEqual(
      normal(STATUS),
    );
  });

  it("reports bad IDL as an error naming the topic, in one line", async () => {
    const bad = STATUS_IDL.replace("float ratio;", "float ratio");
    const channel = server.addTopic("/status", STATUS_TYPE, {
      definition: bad,
      schemaEncoding: "ros2idl",
    });
    client.subscribe("/status", runtimeType(STATUS_TYPE), () => undefined);
    await until(() => events.errors.length === 1, "schema error");
    const error = events.errors[0]!;
    expect(error.kind).toBe("schema");
    expect(error.message).toMatch(
      /^cannot decode \/status: the IDL definition of my_robot\/msg\/Status does not parse: /,
    );
    expect(error.message.split("\n")).toHaveLength(1);
    expect(server.subscribed.has(channel)).toBe(false);
  });
});

describe("ROS 2 bridge: ros2idl without noros/ros2idl", () => {
  it("is an error that says how to enable it", async () => {
    const server = await Ros2BridgeServer.start();
    const { client, events } = newClient(server.url);
    try {
      const channel = server.addTopic("/status", STATUS_TYPE, {
        definition: STATUS_IDL,
        schemaEncoding: "ros2idl",
      });
      client.subscribe("/status", runtimeType(STATUS_TYPE), () => undefined);
      await until(() => events.errors.length === 1, "schema error");
      expect(events.errors[0]!.message).toBe(
        "cannot decode /status: the server sent the definition of my_robot/msg/Status as IDL " +
          "(ros2idl), which this client does not read (enable IDL with new RosClient(url, " +
          '{ schemaReaders: [ros2idl] }) and import { ros2idl } from "noros/ros2idl"), or pass ' +
          "its generated codec (noros-gen from its .msg file)",
      );
      expect(server.subscribed.has(channel)).toBe(false);
      // Publishing a type the server has only as IDL needs the reader too.
      await expect(client.advertise("/status_cmd", runtimeType(STATUS_TYPE))).rejects.toThrow(
        "cannot publish /status_cmd: no codec for my_robot/msg/Status: the server has its " +
          "definition as IDL only (enable IDL with new RosClient(url, { schemaReaders: " +
          '[ros2idl] }) and import { ros2idl } from "noros/ros2idl"), or pass its generated codec',
      );
    } finally {
      await client.close();
      await server.close();
    }
  });
});
