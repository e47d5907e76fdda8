/**
 * Publishing, service calls, parameters and the connection graph on a ROS 2 bridge: a real
 * FoxgloveServer configured like the ROS 2 foxglove_bridge (test/helpers/ros2-bridge-server.ts,
 * 0.8 line and SDK-based flavor), over real sockets. Bytes the client sends are checked with the
 * reference CDR reader, bytes it receives are made by the reference CDR writer.
 */
import "../../generated-ros2/register.js";
import { SetBoolService } from "../../generated-ros2/std_srvs.js";
import { runtimeType, type ConnectionGraph, type RosClient } from "../../runtime/client/index.js";
import {
  referenceCdrReader,
  referenceCdrWriter,
  ros2Definition,
  Ros2BridgeServer,
  type Ros2BridgeFlavor,
} from "../helpers/ros2-bridge-server.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { newClient, until, type Recorded } from "./helpers/harness.js";

const TWIST_TYPE = "geometry_msgs/msg/Twist";
const TWIST = { linear: { x: 0.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: -1.25 } };
const SET_BOOL_REQ = ros2Definition("std_srvs/srv/SetBool_Request");
const SET_BOOL_RES = ros2Definition("std_srvs/srv/SetBool_Response");
const CUSTOM_TYPE = "my_robot/msg/Goal";
const CUSTOM_DEF = "string<=32 name\nfloat64[3] position\nint32 priority 5\n";

describe.each<Ros2BridgeFlavor>(["0.8", "sdk"])("ROS 2 bridge (%s)", (flavor) => {
  let server: Ros2BridgeServer;
  let client: RosClient;
  let events: Recorded;

  beforeEach(async () => {
    server = await Ros2BridgeServer.start({
      flavor,
      parameters: {
        "/talker.gain": 0.5,
        "/talker.rate": 10,
        "/talker.weights": { value: [0.5, 1.5], type: "float64_array" },
        "/listener.topic": "chatter",
      },
      graph: {
        publishers: { "/chatter": ["/talker"] },
        subscribers: { "/chatter": ["/listener", "/foxglove_bridge"] },
        services: { "/talker/get_parameters": ["/talker"] },
      },
    });
    ({ client, events } = newClient(server.url));
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  describe("publish", () => {
    it("advertises cdr + ros2msg with the full text, and sends the reference bytes", async () => {
      const pub = await client.advertise("/cmd_vel", TWIST_TYPE);
      await server.waitFor(() => server.clientChannels.size === 1, "client advertise");
      expect([...server.clientChannels.values()]).toEqual([
        {
          topic: "/cmd_vel",
          schemaName: TWIST_TYPE,
          encoding: "cdr",
          schema: ros2Definition(TWIST_TYPE),
          schemaEncoding: "ros2msg",
        },
      ]);
      pub.publish(TWIST);
      await server.waitFor(() => server.published.length === 1, "message");
      const data = server.published[0]!.data;
      expect(referenceCdrReader(ros2Definition(TWIST_TYPE))(data)).toEqual(TWIST);
      expect(data).toEqual(referenceCdrWriter(ros2Definition(TWIST_TYPE))(TWIST));
      expect(server.statusSent).toEqual([]);
      pub.unadvertise();
      await server.waitFor(() => server.clientChannels.size === 0, "unadvertise");
    });

    it("publishes a type known only at run time from { definition }", async () => {
      const pub = await client.advertise("/goal", runtimeType(CUSTOM_TYPE), {
        definition: CUSTOM_DEF,
      });
      const goal = { name: "dock", position: new Float64Array([1, 2, 3]), priority: 7 };
      pub.publish(goal);
      await server.waitFor(() => server.published.length === 1, "message");
      expect(server.published[0]!.encoding).toBe("cdr");
      const read = referenceCdrReader(CUSTOM_DEF)(server.published[0]!.data) as typeof goal;
      expect({ ...read, position: Array.from(read.position) }).toEqual({
        ...goal,
        position: [1, 2, 3],
      });
    });

    it("refuses a ROS 1 type name, naming the ROS 2 one", async () => {
      await expect(client.advertise("/cmd_vel", "geometry_msgs/Twist" as never)).rejects.toThrow(
        'cannot advertise /cmd_vel: the server is a ROS 2 bridge, which names types pkg/msg/Type; geometry_msgs/Twist is a ROS 1 name (e.g. "geometry_msgs/msg/Twist")',
      );
      expect(server.clientChannels.size).toBe(0);
    });
  });

  describe("services", () => {
    it("calls with a cdr request and decodes the cdr response", async () => {
      server.addService("/enable", "std_srvs/srv/SetBool", (request, call) => {
        expect(call.encoding).toBe("cdr");
        const { data } = referenceCdrReader(SET_BOOL_REQ)(request) as { data: boolean };
        return referenceCdrWriter(SET_BOOL_RES)({ success: data, message: `set to ${data}` });
      });
      const typed = await client.callService("/enable", "std_srvs/srv/SetBool", { data: true });
      expect(typed).toEqual({ success: true, message: "set to true" });
      const viaDescriptor = await client.callService("/enable", SetBoolService, { data: false });
      expect(viaDescriptor).toEqual({ success: false, message: "set to false" });
      expect(server.serviceRequests.map((r) => r.encoding)).toEqual(["cdr", "cdr"]);
      expect(client.services()).toEqual([
        {
          name: "/enable",
          datatype: "std_srvs/srv/SetBool",
          requestDefinition: SET_BOOL_REQ,
          responseDefinition: SET_BOOL_RES,
        },
      ]);
      expect(events.errors).toEqual([]);
      expect(events.warnings).toEqual([]);
    });

    it("calls a run-time type whose request has no fields (schema text empty)", async () => {
      server.addService(
        "/my/reset",
        "my_robot/srv/Reset",
        () => referenceCdrWriter("bool ok\n")({ ok: true }),
        {
          requestDefinition: "",
          responseDefinition: "bool ok\n",
        },
      );
      const response = await client.callService("/my/reset", runtimeType("my_robot/srv/Reset"), {});
      expect(response).toEqual({ ok: true });
      // CDR header and the one byte rosidl gives a struct without members.
      expect(server.serviceRequests[0]!.data.byteLength).toBe(5);
    });

    it("reports the bridge's failure message", async () => {
      server.addService("/enable", "std_srvs/srv/SetBool", () => ({
        fail: "Service /enable is not available",
      }));
      await expect(
        client.callService("/enable", "std_srvs/srv/SetBool", { data: true }),
      ).rejects.toThrow(
        "service /enable (std_srvs/srv/SetBool) failed: Service /enable is not available",
      );
    });

    it("refuses a ROS 1 service type name, naming the ROS 2 one", async () => {
      server.addService("/enable", "std_srvs/srv/SetBool", () => undefined);
      await expect(
        client.callService("/enable", "std_srvs/SetBool" as never, { data: true } as never),
      ).rejects.toThrow(
        'service /enable has type std_srvs/srv/SetBool on the server, called as std_srvs/SetBool (the server is a ROS 2 bridge: name the type "std_srvs/srv/SetBool"',
      );
      expect(server.serviceRequests).toHaveLength(0);
    });
  });

  describe("parameters", () => {
    it("gets parameters by their /node.param names", async () => {
      const values = await client.getParameters(["/talker.gain", "/talker.rate", "/nope.x"]);
      expect(values).toEqual({ "/talker.gain": 0.5, "/talker.rate": 10 });
    });

    it("keeps a double a double when set from an integral number", async () => {
      const set = await client.setParameters({
        "/talker.gain": 2,
        "/talker.rate": 5,
        "/talker.weights": [1, 2],
      });
      expect(set).toEqual({ "/talker.gain": 2, "/talker.rate": 5, "/talker.weights": [1, 2] });
      // Sent as the bridge's from_json reads a double from an integral JSON number.
      expect(server.setParameterRequests.at(-1)).toEqual([
        { name: "/talker.gain", value: 2, type: "float64" },
        { name: "/talker.rate", value: 5 },
        { name: "/talker.weights", value: [1, 2], type: "float64_array" },
      ]);
      expect(server.parameters.get("/talker.gain")).toEqual({ value: 2, type: "float64" });
      expect(server.parameters.get("/talker.rate")).toEqual({ value: 5 });
      expect(server.statusSent).toEqual([]);
    });
  });

  describe("connection graph", () => {
    it("connectionGraph() returns the nodes per topic and service", async () => {
      const graph = await client.connectionGraph();
      expect(graph.publishers.get("/chatter")).toEqual(["/talker"]);
      expect(graph.subscribers.get("/chatter")).toEqual(["/listener", "/foxglove_bridge"]);
      expect(graph.services.get("/talker/get_parameters")).toEqual(["/talker"]);
    });

    it("watchConnectionGraph() merges later differences", async () => {
      const graphs: ConnectionGraph[] = [];
      const watch = client.watchConnectionGraph((g) => graphs.push(g));
      await until(() => graphs.length === 1, "first graph");
      server.setGraph({
        publishers: { "/chatter": ["/talker", "/talker2"], "/odom": ["/base"] },
        subscribers: { "/chatter": ["/listener", "/foxglove_bridge"] },
        services: {},
      });
      await until(() => graphs.length === 2, "update");
      const last = graphs[1]!;
      expect(last.publishers.get("/chatter")).toEqual(["/talker", "/talker2"]);
      expect(last.publishers.get("/odom")).toEqual(["/base"]);
      expect(last.services.size).toBe(0);
      watch.unsubscribe();
    });
  });
});

describe("a ROS 2 type on a ROS 1 bridge", () => {
  it("advertise refuses it, naming the ROS 1 type", async () => {
    const ros1 = await BridgeServer.start();
    const { client } = newClient(ros1.url);
    try {
      await expect(client.advertise("/cmd_vel", TWIST_TYPE)).rejects.toThrow(
        'cannot advertise /cmd_vel: the server is a ROS 1 bridge, which names types pkg/Type; geometry_msgs/msg/Twist is a ROS 2 name (e.g. "geometry_msgs/Twist")',
      );
      expect(ros1.clientChannels.size).toBe(0);
    } finally {
      await client.close();
      await ros1.close();
    }
  });
});
