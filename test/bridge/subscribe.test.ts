/**
 * `startBridge` against Debian's roscore and a rospy node: discovery, channels as foxglove_bridge
 * 0.8.5 advertises them (definitions read from the publishers' TCPROS headers), and RosClient
 * subscriptions relayed byte for byte, which register and unregister the bridge on the master.
 */
import { execFileSync } from "node:child_process";

import { RosClient } from "../../runtime/client/index.js";
import type { Bridge } from "../../tools/ros-bridge/server.js";
import { ROS_PYTHON, describeIf } from "../helpers/env.js";
import { ProbeClient } from "../tools/helpers.js";
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

function genpyFullText(roscore: Roscore, module: string, type: string): string {
  return execFileSync(
    ROS_PYTHON,
    ["-c", `import sys; from ${module} import ${type}; sys.stdout.write(${type}._full_text)`],
    { env: roscore.env, encoding: "utf8" },
  );
}

describeIf(canRunBridgeTests, SKIP_REASON)("noros bridge: topics", () => {
  let roscore: Roscore;
  let nodes: Started | undefined;
  let bridge: Bridge | undefined;
  const clients: RosClient[] = [];
  const probes: ProbeClient[] = [];

  beforeAll(async () => {
    roscore = await startRoscore(ROS_BASE_ENV);
    nodes = await startRosNodes(roscore);
    bridge = await bridgeFor(roscore);
  }, 120000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(probes.map((p) => p.close()));
    await bridge?.close();
    await stopProcess(nodes);
    await stopRoscore(roscore);
  }, 60000);

  async function channelsReady(topics: string[]) {
    await waitFor(
      `channels ${topics.join(", ")}`,
      () => topics.every((t) => bridge!.channels().some((c) => c.topic === t)),
      30000,
    );
  }

  it("advertises one ros1 channel per published topic with the publisher's full definition", async () => {
    await channelsReady(["/chatter", "/image_raw", "/image_raw/compressed", "/rosout"]);
    const probe = await ProbeClient.connect(bridge!.url);
    probes.push(probe);
    expect(probe.serverInfo).toMatchObject({
      op: "serverInfo",
      supportedEncodings: ["ros1"],
      capabilities: [
        "clientPublish",
        "connectionGraph",
        "parametersSubscribe",
        "parameters",
        "services",
      ],
      metadata: { ROS_DISTRO: expect.any(String) as string },
    });
    // The session id is the master's run id, as with foxglove_bridge.
    const runId = (await ros(roscore, "rosparam", ["get", "/run_id"])).trim();
    expect(probe.serverInfo?.sessionId).toBe(runId);

    const advertise = probe.texts.find((t) => t.op === "advertise") as unknown as {
      channels: Record<string, unknown>[];
    };
    const image = advertise.channels.find((c) => c.topic === "/image_raw")!;
    expect(Object.keys(image).sort()).toEqual(["encoding", "id", "schema", "schemaName", "topic"]);
    expect(image).toMatchObject({ encoding: "ros1", schemaName: "sensor_msgs/Image" });
    expect(image.schema).toBe(genpyFullText(roscore, "sensor_msgs.msg", "Image"));
    expect(probe.channel("/chatter").schema).toBe(genpyFullText(roscore, "std_msgs.msg", "String"));
    expect(probe.channel("/image_raw/compressed").schemaName).toBe("sensor_msgs/CompressedImage");
  });

  it("serves only the topics, services and parameters matching --topics/--services/--params", async () => {
    const filtered = await bridgeFor(roscore, {
      name: "/noros_filtered",
      topics: /^\/image_raw/,
      services: /set_flag$/,
      params: /^\/rosdistro$/,
    });
    try {
      await waitFor(
        "the filtered channels and service",
        () => filtered.channels().length === 2 && filtered.services().length === 1,
        30000,
      );
      await filtered.discovered();
      expect(
        filtered
          .channels()
          .map((c) => c.topic)
          .sort(),
      ).toEqual(["/image_raw", "/image_raw/compressed"]);
      expect(filtered.services().map((x) => x.name)).toEqual(["/noros_test/set_flag"]);
      const client = new RosClient(filtered.url);
      clients.push(client);
      const all = await client.getParameters([], { timeoutMs: 30000 });
      expect(Object.keys(all)).toEqual(["/rosdistro"]);
    } finally {
      await filtered.close();
    }
  });

  it("relays String, Image and CompressedImage to RosClient and registers only while subscribed", async () => {
    await channelsReady(["/chatter", "/image_raw", "/image_raw/compressed"]);
    const client = new RosClient(bridge!.url);
    clients.push(client);
    const before = BigInt(Date.now()) * 1_000_000n;
    const strings: { data: string; time: bigint }[] = [];
    const images: { width: number; height: number; encoding: string; data: Uint8Array }[] = [];
    const compressed: { format: string; data: Uint8Array }[] = [];
    const subs = [
      client.subscribe("/chatter", "std_msgs/String", (m, time) =>
        strings.push({ data: (m as { data: string }).data, time }),
      ),
      client.subscribe("/image_raw", "sensor_msgs/Image", (m) => images.push(m as never)),
      client.subscribe("/image_raw/compressed", "sensor_msgs/CompressedImage", (m) =>
        compressed.push(m as never),
      ),
    ];
    await waitFor(
      "a message on each topic",
      () => strings.length > 0 && images.length > 0 && compressed.length > 0,
      30000,
    );
    expect(strings[0]!.data).toBe("hello");
    // Receive-time stamps: not before the test started, not in the future.
    expect(strings[0]!.time).toBeGreaterThanOrEqual(before);
    expect(strings[0]!.time).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n);
    expect(images[0]).toMatchObject({ width: 4, height: 3, encoding: "rgb8" });
    expect([...images[0]!.data]).toEqual([...Array(36).keys()]);
    expect(compressed[0]!.format).toBe("png");
    expect(Buffer.from(compressed[0]!.data).subarray(1, 4).toString()).toBe("PNG");

    const info = await ros(roscore, "rosnode", ["info", "/noros_bridge"]);
    expect(info).toMatch(/Subscriptions:[\s\S]*\/chatter \[std_msgs\/String\]/);
    expect(info).toMatch(/\/image_raw \[sensor_msgs\/Image\]/);

    subs.forEach((s) => s.unsubscribe());
    await waitFor(
      "the bridge to unsubscribe on the master",
      async () =>
        !/\/noros_bridge/.test(
          await ros(roscore, "rostopic", ["info", "/chatter"]).then(
            (t) => t.split("Subscribers:")[1] ?? "",
          ),
        ),
      30000,
      200,
    );
  });
});
