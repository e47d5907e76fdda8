/**
 * In-process use: `new RosClient("ros://localhost:PORT", { WebSocket: rosWebSocket() })` runs
 * the bridge core in the test's own process over in-memory sockets, against a real roscore and
 * rospy node: subscriptions, a service call, publishing seen by `rostopic echo`, and the node
 * leaving the master when the last client closes.
 */
import { RosClient } from "../../runtime/client/index.js";
import { rosWebSocket } from "../../tools/ros-bridge/in-process.js";
import { start } from "../docker/processes.js";
import { describeIf } from "../helpers/env.js";
import {
  ROS_BASE_ENV,
  SKIP_REASON,
  canRunBridgeTests,
  rosnodeList,
  startRoscore,
  startRosNodes,
  stopProcess,
  stopRoscore,
  waitFor,
  type Roscore,
  type Started,
} from "./helpers.js";

describeIf(canRunBridgeTests, SKIP_REASON)("noros bridge in process (ros://)", () => {
  let roscore: Roscore;
  const processes: Started[] = [];
  let client: RosClient | undefined;

  beforeAll(async () => {
    roscore = await startRoscore(ROS_BASE_ENV);
    processes.push(await startRosNodes(roscore));
  }, 120000);

  afterAll(async () => {
    await client?.close();
    for (const p of processes) await stopProcess(p);
    await stopRoscore(roscore);
  }, 60000);

  it("subscribes, calls a service and publishes without a WebSocket listener", async () => {
    const WebSocket = rosWebSocket({
      env: { ...roscore.env },
      name: "/noros_in_process",
      discoveryIntervalMs: 300,
    });
    client = new RosClient(`ros://localhost:${roscore.port}`, { WebSocket });
    const info = await client.connected({ timeoutMs: 30000 });
    expect(info.capabilities).toContain("services");

    const strings: string[] = [];
    const images: { width: number; data: Uint8Array }[] = [];
    client.subscribe("/chatter", "std_msgs/String", (m) =>
      strings.push((m as { data: string }).data),
    );
    client.subscribe("/image_raw", "sensor_msgs/Image", (m) => images.push(m as never));
    await waitFor("messages", () => strings.length > 0 && images.length > 0, 60000);
    expect(strings[0]).toBe("hello");
    expect(images[0]!.width).toBe(4);
    expect([...images[0]!.data]).toEqual([...Array(36).keys()]);

    await expect(
      client.callService(
        "/noros_test/set_flag",
        "std_srvs/SetBool",
        { data: true },
        { timeoutMs: 30000 },
      ),
    ).resolves.toEqual({ success: true, message: "flag is True" });

    const pub = await client.advertise("/in_process", "std_msgs/String", {
      definition: "string data\n",
    });
    const echo = start("rostopic", ["echo", "-n", "1", "/in_process"], { env: roscore.env });
    processes.push(echo);
    await waitFor(
      "rostopic echo to print the message",
      () => {
        pub.publish({ data: "no socket" });
        return echo.stdout.includes('data: "no socket"');
      },
      60000,
      200,
    );
    expect(await rosnodeList(roscore)).toContain("/noros_in_process");

    await client.close();
    client = undefined;
    await waitFor(
      "the in-process node to leave the master",
      async () => !(await rosnodeList(roscore)).includes("/noros_in_process"),
      30000,
      300,
    );
  }, 180000);

  it("rejects a URL that is not ros://host:port", () => {
    const WebSocket = rosWebSocket();
    expect(() => new WebSocket("ws://localhost:8765", ["foxglove.websocket.v1"])).toThrow(
      "not a ros:// URL: ws://localhost:8765 (expected ros://host:port)",
    );
  });
});
