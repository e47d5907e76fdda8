/**
 * Publishing, service calls and parameters against a real FoxgloveServer behaving like
 * foxglove_bridge 0.8.5 (legacy service schemas, parameters answered by request id), over real
 * sockets. Bytes the client sends are checked with the reference ROS 1 decoder, bytes it receives
 * are made by the reference encoder.
 */
import type { RosClient } from "../../runtime/client/index.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { DEFINITIONS } from "./helpers/definitions.js";
import {
  newClient,
  referenceReader,
  referenceWriter,
  until,
  type Recorded,
} from "./helpers/harness.js";

const TWIST = DEFINITIONS["geometry_msgs/Twist"];
const STRING = DEFINITIONS["std_msgs/String"];
const SET_BOOL_REQ = DEFINITIONS["std_srvs/SetBoolRequest"];
const SET_BOOL_RES = DEFINITIONS["std_srvs/SetBoolResponse"];

let server: BridgeServer;
let client: RosClient;
let events: Recorded;

beforeEach(async () => {
  server = await BridgeServer.start({
    parameters: { "/rosdistro": "noetic\n", "/rate": 10, "/gain": 0.5 },
  });
  ({ client, events } = newClient(server.url));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe("publish", () => {
  it("advertises with ros1 encoding and sends bytes the reference decoder reads back", async () => {
    const pub = await client.advertise("/cmd_vel", "geometry_msgs/Twist", {
      definition: TWIST.text,
    });
    await server.waitFor(() => server.clientChannels.size === 1, "client advertise");
    expect([...server.clientChannels.values()]).toEqual([
      { topic: "/cmd_vel", schemaName: "geometry_msgs/Twist", encoding: "ros1" },
    ]);
    const twist = { linear: { x: 0.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: -1.25 } };
    pub.publish(twist);
    pub.publish({ linear: { x: 1, y: 2, z: 3 }, angular: { x: 4, y: 5, z: 6 } });
    await server.waitFor(() => server.published.length === 2, "two messages");
    const read = referenceReader(TWIST);
    expect(read(server.published[0]!.data)).toEqual(twist);
    expect(server.published[0]!.data).toEqual(referenceWriter(TWIST)(twist));
    expect(server.published[1]!.topic).toBe("/cmd_vel");
    pub.unadvertise();
    await server.waitFor(() => server.clientChannels.size === 0, "unadvertise");
    expect(() => pub.publish(twist)).toThrow(/no longer advertised/);
  });

  it("throws an EncodeError naming the field for a bad message, and publishes nothing", async () => {
    const pub = await client.advertise("/cmd_vel", "geometry_msgs/Twist", {
      definition: TWIST.text,
    });
    expect(() =>
      pub.publish({ linear: { x: "fast", y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } as never),
    ).toThrow(/linear\.x/);
    expect(server.published).toHaveLength(0);
  });

  it("compiles the codec from a definition the server advertises for the type", async () => {
    server.addTopic("/chatter", STRING.datatype, STRING.text);
    await client.connected();
    await until(() => client.topics().length === 1, "advertise");
    const pub = await client.advertise("/from_ws", "std_msgs/String");
    pub.publish({ data: "hi" });
    await server.waitFor(() => server.published.length === 1, "message");
    expect(referenceReader(STRING)(server.published[0]!.data)).toEqual({ data: "hi" });
  });

  it("rejects a type without any codec, and a topic the server has with another type", async () => {
    await expect(client.advertise("/x", "custom_msgs/Nothing")).rejects.toThrow(
      /cannot publish \/x: no codec for custom_msgs\/Nothing/,
    );
    server.addTopic("/chatter", STRING.datatype, STRING.text);
    await until(() => client.topics().length === 1, "advertise");
    await expect(
      client.advertise("/chatter", "geometry_msgs/Twist", { definition: TWIST.text }),
    ).rejects.toThrow(/server has it as std_msgs\/String/);
  });

  it("rejects when the server does not accept client publishing", async () => {
    const limited = await BridgeServer.start({ capabilities: ["parameters"] });
    const other = newClient(limited.url);
    try {
      await expect(
        other.client.advertise("/chatter", "std_msgs/String", { definition: STRING.text }),
      ).rejects.toMatchObject({ kind: "unsupported" });
    } finally {
      await other.client.close();
      await limited.close();
    }
  });
});

describe("services", () => {
  const readRequest = referenceReader(SET_BOOL_REQ);
  const writeResponse = referenceWriter(SET_BOOL_RES);

  it("calls a service advertised with legacy schemas and decodes the response", async () => {
    server.addService(
      "/set_flag",
      "std_srvs/SetBool",
      SET_BOOL_REQ.text,
      SET_BOOL_RES.text,
      (request) => {
        const { data } = readRequest(request) as { data: boolean };
        return writeResponse({ success: data, message: data ? "enabled" : "disabled" });
      },
    );
    await expect(
      client.callService("/set_flag", "std_srvs/SetBool", { data: true }),
    ).resolves.toEqual({
      success: true,
      message: "enabled",
    });
    await expect(client.callService("/set_flag", "*", { data: false })).resolves.toEqual({
      success: false,
      message: "disabled",
    });
    expect(server.serviceRequests.map((r) => r.encoding)).toEqual(["ros1", "ros1"]);
    expect(new Set(server.serviceRequests.map((r) => r.callId)).size).toBe(2);
  });

  it("reads the newer request/response schema objects", async () => {
    const id = server.server.addService({
      name: "/set_flag",
      type: "std_srvs/SetBool",
      request: {
        encoding: "ros1",
        schemaName: "std_srvs/SetBoolRequest",
        schemaEncoding: "ros1msg",
        schema: SET_BOOL_REQ.text,
      },
      response: {
        encoding: "ros1",
        schemaName: "std_srvs/SetBoolResponse",
        schemaEncoding: "ros1msg",
        schema: SET_BOOL_RES.text,
      },
    });
    server.server.on("serviceCallRequest", (request, connection) => {
      if (request.serviceId !== id) return;
      server.server.sendServiceCallResponse(
        {
          serviceId: id,
          callId: request.callId,
          encoding: "ros1",
          data: writeResponse({ success: true, message: "new form" }),
        },
        connection,
      );
    });
    await expect(
      client.callService("/set_flag", "std_srvs/SetBool", { data: true }),
    ).resolves.toEqual({
      success: true,
      message: "new form",
    });
  });

  it("calls a service with an empty request (legacy schema \\n)", async () => {
    const writeLoggers = referenceWriter(DEFINITIONS["roscpp/GetLoggersResponse"]);
    const reply = {
      loggers: [
        { name: "ros", level: "info" },
        { name: "ros.roscpp", level: "debug" },
      ],
    };
    server.addService(
      "/node/get_loggers",
      "roscpp/GetLoggers",
      "\n",
      DEFINITIONS["roscpp/GetLoggersResponse"].text,
      (request) => {
        expect(request.byteLength).toBe(0);
        return writeLoggers(reply);
      },
    );
    await expect(client.callService("/node/get_loggers", "roscpp/GetLoggers", {})).resolves.toEqual(
      reply,
    );
  });

  it("rejects with the server's serviceCallFailure message", async () => {
    server.addService(
      "/set_flag",
      "std_srvs/SetBool",
      SET_BOOL_REQ.text,
      SET_BOOL_RES.text,
      () => ({
        fail: "service handler crashed",
      }),
    );
    const error = await client
      .callService("/set_flag", "std_srvs/SetBool", { data: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "service-failure", context: { service: "/set_flag" } });
    expect((error as Error).message).toBe(
      "service /set_flag (std_srvs/SetBool) failed: service handler crashed",
    );
  });

  it("times out when the service does not answer, and ignores the late answer", async () => {
    server.addService(
      "/slow",
      "std_srvs/SetBool",
      SET_BOOL_REQ.text,
      SET_BOOL_RES.text,
      () => undefined,
    );
    await expect(
      client.callService("/slow", "std_srvs/SetBool", { data: true }, { timeoutMs: 100 }),
    ).rejects.toMatchObject({
      kind: "timeout",
      message: "service /slow did not answer within 100 ms",
    });
    // The answer arriving after the timeout is dropped quietly.
    const request = server.serviceRequests[0]!;
    server.sendRaw(
      lateResponse(
        request.serviceId,
        request.callId,
        writeResponse({ success: true, message: "late" }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.errors).toEqual([]);
  });

  it("waits for a service advertised later, and times out for one never advertised", async () => {
    const call = client.callService(
      "/later",
      "std_srvs/SetBool",
      { data: true },
      { timeoutMs: 3000 },
    );
    await client.connected();
    server.addService("/later", "std_srvs/SetBool", SET_BOOL_REQ.text, SET_BOOL_RES.text, () =>
      writeResponse({ success: true, message: "" }),
    );
    await expect(call).resolves.toEqual({ success: true, message: "" });
    await expect(
      client.callService("/never", "std_srvs/SetBool", { data: true }, { timeoutMs: 50 }),
    ).rejects.toThrow("service /never is not advertised by the server (waited 50 ms)");
  });

  it("rejects a call made with the wrong service type or a bad request", async () => {
    server.addService("/set_flag", "std_srvs/SetBool", SET_BOOL_REQ.text, SET_BOOL_RES.text, () =>
      writeResponse({ success: true, message: "" }),
    );
    await expect(client.callService("/set_flag", "std_srvs/Trigger", {})).rejects.toThrow(
      "service /set_flag has type std_srvs/SetBool on the server, called as std_srvs/Trigger",
    );
    await expect(
      client.callService("/set_flag", "std_srvs/SetBool", { data: "yes" } as never),
    ).rejects.toMatchObject({
      kind: "request",
    });
    expect(server.serviceRequests).toHaveLength(0);
  });

  it("rejects a response that does not decode", async () => {
    server.addService("/set_flag", "std_srvs/SetBool", SET_BOOL_REQ.text, SET_BOOL_RES.text, () =>
      Uint8Array.from([1, 200, 0, 0, 0]),
    );
    await expect(
      client.callService("/set_flag", "std_srvs/SetBool", { data: true }),
    ).rejects.toMatchObject({
      kind: "decode",
      context: { service: "/set_flag" },
    });
  });

  it("rejects pending calls when the service goes away", async () => {
    const id = server.addService(
      "/gone",
      "std_srvs/SetBool",
      SET_BOOL_REQ.text,
      SET_BOOL_RES.text,
      () => undefined,
    );
    const call = client.callService("/gone", "std_srvs/SetBool", { data: true });
    await server.waitFor(() => server.serviceRequests.length === 1, "request");
    server.server.removeService(id);
    await expect(call).rejects.toThrow("service /gone went away during the call");
  });

  it("lists advertised services", async () => {
    server.addService(
      "/a",
      "std_srvs/SetBool",
      SET_BOOL_REQ.text,
      SET_BOOL_RES.text,
      () => undefined,
    );
    await client.connected();
    await until(() => client.services().length === 1, "service list");
    expect(client.services()).toEqual([
      {
        name: "/a",
        datatype: "std_srvs/SetBool",
        requestDefinition: expect.stringMatching(/^bool data/),
        responseDefinition: expect.stringMatching(/^bool success/),
      },
    ]);
  });
});

describe("parameters", () => {
  it("gets parameters, leaving out those that do not exist", async () => {
    await expect(
      client.getParameters(["/rosdistro", "/rate", "/gain", "/missing"]),
    ).resolves.toEqual({
      "/rosdistro": "noetic\n",
      "/rate": 10,
      "/gain": 0.5,
    });
  });

  it("sets parameters, sending non-integers as float64, and returns the values now set", async () => {
    await expect(
      client.setParameters({
        "/x": 1,
        "/y": 2.5,
        "/list": [1, 1.5],
        "/name": "robot",
        "/on": true,
      }),
    ).resolves.toEqual({ "/x": 1, "/y": 2.5, "/list": [1, 1.5], "/name": "robot", "/on": true });
    expect(server.lastSetParameters).toEqual([
      { name: "/x", value: 1 },
      { name: "/y", value: 2.5, type: "float64" },
      { name: "/list", value: [1, 1.5], type: "float64_array" },
      { name: "/name", value: "robot" },
      { name: "/on", value: true },
    ]);
    expect(server.parameters.get("/y")).toBe(2.5);
  });

  it("rejects when the server has no parameters capability", async () => {
    const limited = await BridgeServer.start({ capabilities: [] });
    const other = newClient(limited.url);
    try {
      await expect(other.client.getParameters(["/x"])).rejects.toMatchObject({
        kind: "unsupported",
      });
    } finally {
      await other.client.close();
      await limited.close();
    }
  });
});

/** A ServiceCallResponse frame built by hand (op 3, ids, encoding, payload). */
function lateResponse(serviceId: number, callId: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(13 + 4 + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, 3);
  view.setUint32(1, serviceId, true);
  view.setUint32(5, callId, true);
  view.setUint32(9, 4, true);
  frame.set(new TextEncoder().encode("ros1"), 13);
  frame.set(payload, 17);
  return frame;
}
