/**
 * What clients send through `noros bridge` into a real ROS system: client publishing seen by
 * `rostopic echo` (latched when asked), calls of a rospy service, parameters on the master
 * (get, set, updates from `rosparam set`) and the connection graph.
 */
import { RosClient } from "../../runtime/client/index.js";
import type { Bridge } from "../../tools/ros-bridge/server.js";
import { describeIf } from "../helpers/env.js";
import { ProbeClient } from "../tools/helpers.js";
import { start } from "../docker/processes.js";
import {
  ROS_BASE_ENV,
  SKIP_REASON,
  bridgeFor,
  canRunBridgeTests,
  ros,
  startRoscore,
  startRosNodes,
  stopProcess,
  stopRoscore,
  waitFor,
  type Roscore,
  type Started,
} from "./helpers.js";

const STRING_DEFINITION = "string data\n";

/** A std_msgs/String payload. */
function stringPayload(text: string): Uint8Array {
  const bytes = Buffer.from(text, "utf8");
  const out = Buffer.alloc(4 + bytes.length);
  out.writeUInt32LE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}

describeIf(canRunBridgeTests, SKIP_REASON)("noros bridge: publish, services, parameters", () => {
  let roscore: Roscore;
  let nodes: Started | undefined;
  let bridge: Bridge | undefined;
  const clients: RosClient[] = [];
  const probes: ProbeClient[] = [];
  const processes: Started[] = [];

  beforeAll(async () => {
    roscore = await startRoscore(ROS_BASE_ENV);
    nodes = await startRosNodes(roscore);
    // A short service time limit: the truncated-request case waits for it.
    bridge = await bridgeFor(roscore, { serviceTimeoutMs: 3000 });
    await waitFor(
      "the bridge to discover /chatter and /noros_test/set_flag",
      () =>
        bridge!.channels().some((c) => c.topic === "/chatter") &&
        bridge!.services().some((s) => s.name === "/noros_test/set_flag"),
      30000,
    );
  }, 120000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(probes.map((p) => p.close()));
    for (const p of processes) await stopProcess(p);
    await bridge?.close();
    await stopProcess(nodes);
    await stopRoscore(roscore);
  }, 60000);

  function client(): RosClient {
    const c = new RosClient(bridge!.url);
    clients.push(c);
    return c;
  }
  async function probe(): Promise<ProbeClient> {
    const p = await ProbeClient.connect(bridge!.url);
    probes.push(p);
    return p;
  }
  function echo(topic: string): Started {
    const started = start("rostopic", ["echo", "-n", "1", topic], { env: roscore.env });
    processes.push(started);
    return started;
  }

  it("publishes what a RosClient publishes as a real ROS publisher (rostopic echo sees it)", async () => {
    const c = client();
    const pub = await c.advertise("/from_client", "std_msgs/String", {
      definition: STRING_DEFINITION,
    });
    const echoing = echo("/from_client");
    // The first messages can be lost while ROS connects: publish until rostopic has one.
    await waitFor(
      "rostopic echo to print the message",
      () => {
        pub.publish({ data: "from noros" });
        return echoing.stdout.includes('data: "from noros"');
      },
      60000,
      200,
    );
    const info = await ros(roscore, "rosnode", ["info", "/noros_bridge"]);
    expect(info).toMatch(/Publications:[\s\S]*\/from_client \[std_msgs\/String\]/);
    pub.unadvertise();
    await waitFor(
      "the publisher to be unregistered",
      async () =>
        !(await ros(roscore, "rosnode", ["info", "/noros_bridge"])).includes("/from_client"),
      30000,
      200,
    );
  });

  it("latches when the client's advertisement asks for it, with the type's standard definition", async () => {
    const p = await probe();
    // No schema sent: the bridge uses the standard definition noros ships.
    const id = p.client.advertise({
      topic: "/latched",
      encoding: "ros1",
      schemaName: "std_msgs/String",
      latching: true,
    } as unknown as Parameters<typeof p.client.advertise>[0]);
    await waitFor(
      "the bridge to register /latched",
      async () => (await ros(roscore, "rostopic", ["list"])).includes("/latched"),
      30000,
      200,
    );
    p.client.sendMessage(id, stringPayload("kept"));
    // A subscriber arriving afterwards still gets the message.
    const echoing = echo("/latched");
    await waitFor("the latched message", () => echoing.stdout.includes('data: "kept"'), 60000);
    const type = await ros(roscore, "rostopic", ["type", "/latched"]);
    expect(type.trim()).toBe("std_msgs/String");
  });

  it("calls a rospy service with the type and definitions the bridge found", async () => {
    const c = client();
    const services = c.services();
    await waitFor(
      "the service",
      () => c.services().some((s) => s.name === "/noros_test/set_flag"),
      30000,
    );
    expect(services).toBeDefined();
    await expect(
      c.callService("/noros_test/set_flag", "std_srvs/SetBool", { data: true }),
    ).resolves.toEqual({ success: true, message: "flag is True" });
    // A type without message files on this host (roscpp's logger services of a rospy node).
    await waitFor(
      "the logger service",
      () => c.services().some((s) => s.name === "/noros_test_nodes/get_loggers"),
      30000,
    );
    const loggers = (await c.callService("/noros_test_nodes/get_loggers", "*", {})) as {
      loggers: { name: string; level: string }[];
    };
    expect(loggers.loggers.length).toBeGreaterThan(0);
    expect(loggers.loggers[0]).toEqual({ name: expect.any(String), level: expect.any(String) });
    await expect(c.callService("/noros_test/set_flag", "*", { data: false })).resolves.toEqual({
      success: false,
      message: "flag is False",
    });
  });

  it("advertises services with legacy schemas and answers bad calls with serviceCallFailure", async () => {
    const p = await probe();
    await p.until(() => p.texts.some((t) => t.op === "advertiseServices"), 30000);
    const all = p.texts
      .filter((t) => t.op === "advertiseServices")
      .flatMap((t) => t.services as Record<string, unknown>[]);
    const flag = all.find((s) => s.name === "/noros_test/set_flag")!;
    expect(flag).toEqual({
      id: expect.any(Number) as number,
      name: "/noros_test/set_flag",
      type: "std_srvs/SetBool",
      requestSchema: "bool data # e.g. for hardware enabling / disabling\n",
      responseSchema: expect.stringMatching(/^bool success\s+# indicate/) as string,
    });

    // Unknown service id: a failure naming it (foxglove_bridge's wording).
    p.client.sendServiceCallRequest({
      serviceId: 424242,
      callId: 1,
      encoding: "ros1",
      data: new Uint8Array(),
    });
    await p.until(() => p.texts.some((t) => t.op === "serviceCallFailure"), 30000);
    expect(p.texts.find((t) => t.op === "serviceCallFailure")).toEqual({
      op: "serviceCallFailure",
      serviceId: 424242,
      callId: 1,
      message: "Service 424242 is not advertised",
    });

    // A truncated request (foxglove_bridge hangs on this): a failure, and the bridge carries on.
    p.client.sendServiceCallRequest({
      serviceId: flag.id as number,
      callId: 2,
      encoding: "ros1",
      data: new Uint8Array(),
    });
    await p.until(
      () => p.texts.some((t) => t.op === "serviceCallFailure" && t.callId === 2),
      30000,
    );
    p.subscribe("/chatter");
    await p.until(() => p.received.some((r) => r.topic === "/chatter"), 30000);
  });

  it("gets, sets and deletes parameters on the master", async () => {
    const c = client();
    await expect(
      c.setParameters({
        "/noros_test/x": 3,
        "/noros_test/list": [1, 2, 3],
        "/noros_test/s": "str",
      }),
    ).resolves.toEqual({
      "/noros_test/x": 3,
      "/noros_test/list": [1, 2, 3],
      "/noros_test/s": "str",
    });
    expect((await ros(roscore, "rosparam", ["get", "/noros_test/x"])).trim()).toBe("3");
    await ros(roscore, "rosparam", ["set", "/noros_test/f", "2.5"]);
    await expect(
      c.getParameters(["/noros_test/x", "/noros_test/f", "/does_not_exist"]),
    ).resolves.toEqual({ "/noros_test/x": 3, "/noros_test/f": 2.5 });
    const all = await c.getParameters([]);
    expect(all["/noros_test/s"]).toBe("str");
    expect(all["/run_id"]).toEqual(expect.any(String));
  });

  it("reports missing parameters and relays parameter updates made with rosparam", async () => {
    const p = await probe();
    p.client.getParameters(["/does_not_exist"], "get1");
    await p.until(() => p.texts.some((t) => t.op === "status"), 30000);
    expect(p.texts.find((t) => t.op === "status")).toMatchObject({
      level: 2,
      message: "Failed to retrieve the following parameters: /does_not_exist (op: getParameters)",
    });
    p.client.subscribeParameterUpdates(["/noros_test/watched"]);
    // Subscription on the master is asynchronous: set until an update arrives.
    let value = 0;
    await waitFor(
      "a parameter update from rosparam set",
      async () => {
        await ros(roscore, "rosparam", ["set", "/noros_test/watched", String(++value)]);
        return p.texts.some(
          (t) =>
            t.op === "parameterValues" &&
            t.id === undefined &&
            (t.parameters as { name: string }[]).some((q) => q.name === "/noros_test/watched"),
        );
      },
      60000,
      300,
    );
    // A change made through the bridge: the master does not call back its own caller, so the
    // bridge informs subscribers itself (as foxglove_bridge does).
    const updates = () =>
      p.texts.filter(
        (t) =>
          t.op === "parameterValues" &&
          t.id === undefined &&
          (t.parameters as { name: string; value: unknown }[]).some(
            (q) => q.name === "/noros_test/watched" && q.value === 1000,
          ),
      ).length;
    p.client.setParameters([{ name: "/noros_test/watched", value: 1000 }], "set1");
    await p.until(() => updates() === 1, 30000);
    expect(p.texts.find((t) => t.op === "parameterValues" && t.id === "set1")).toEqual({
      op: "parameterValues",
      id: "set1",
      parameters: [{ name: "/noros_test/watched", value: 1000 }],
    });
  });

  it("serves the connection graph: the whole graph at once, then changes", async () => {
    const p = await probe();
    p.client.subscribeConnectionGraph();
    await p.until(() => p.texts.some((t) => t.op === "connectionGraphUpdate"), 30000);
    const first = p.texts.find((t) => t.op === "connectionGraphUpdate") as unknown as {
      publishedTopics: { name: string; publisherIds: string[] }[];
      advertisedServices: { name: string; providerIds: string[] }[];
    };
    expect(first.publishedTopics).toContainEqual({
      name: "/chatter",
      publisherIds: ["/noros_test_nodes"],
    });
    expect(first.advertisedServices).toContainEqual({
      name: "/noros_test/set_flag",
      providerIds: ["/noros_test_nodes"],
    });
    const pub = start("rostopic", ["pub", "/appearing", "std_msgs/Int32", "7"], {
      env: roscore.env,
    });
    processes.push(pub);
    const appeared = (t: { op: string; [k: string]: unknown }) =>
      t.op === "connectionGraphUpdate" &&
      (t.publishedTopics as { name: string }[]).some((x) => x.name === "/appearing");
    await p.until(() => p.texts.some(appeared), 60000);
    await stopProcess(pub);
    await p.until(
      () =>
        p.texts.some(
          (t) =>
            t.op === "connectionGraphUpdate" &&
            (t.removedTopics as string[]).includes("/appearing"),
        ),
      60000,
    );
  });
});
