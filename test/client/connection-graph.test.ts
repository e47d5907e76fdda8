/**
 * The connection graph as foxglove_bridge 0.8.5 sends it (../shared/bridge-captures): an empty
 * first reply, the whole graph on the next discovery cycle, then differences. `RosClient` merges
 * them; `noros play` sends its graph the same way, with every publisher of a topic.
 */
import * as path from "node:path";

import { RosClient, type ConnectionGraph } from "../../runtime/client/index.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { bridgeCapturesDir, describeIf, sharedBagsDir } from "../helpers/env.js";
import { capturedBridge, type CapturedBridge } from "./helpers/captured-bridge.js";
import { until } from "./helpers/harness.js";

const captures = bridgeCapturesDir();
const bags = sharedBagsDir();

describeIf(captures !== undefined, "needs ../shared/bridge-captures")(
  "connection graph from the real bridge's frames",
  () => {
    let client: RosClient | undefined;
    let bridge: CapturedBridge | undefined;
    afterEach(async () => {
      await client?.close();
      await bridge?.close();
    });

    it("connectionGraph() waits through the empty first reply for the whole graph", async () => {
      bridge = await capturedBridge(300);
      client = new RosClient(bridge.url);
      const graph = await client.connectionGraph();
      expect(graph.updates).toBe(2);
      expect(graph.publishers.get("/chatter")).toEqual(["/demo_publishers"]);
      expect(graph.publishers.get("/rosout")).toEqual(["/demo_publishers", "/foxglove_bridge"]);
      expect(graph.subscribers.get("/rosout")).toEqual(["/rosout"]);
      expect(graph.services.get("/rosout/get_loggers")).toEqual(["/rosout"]);
      expect(graph.publishers.get("/appearing")).toEqual(["/rostopic_23639_1795988961857"]);
      // Done with it: the server subscription ends.
      await until(() => bridge!.requests.includes("unsubscribeConnectionGraph"), "unsubscribe");
    });

    it("watchConnectionGraph() merges the differences the bridge sends", async () => {
      bridge = await capturedBridge(100);
      client = new RosClient(bridge.url);
      const graphs: ConnectionGraph[] = [];
      const watch = client.watchConnectionGraph((g) => graphs.push(g));
      await until(() => graphs.length === 3, "three updates");
      expect(graphs.map((g) => g.publishers.size)).toEqual([0, 6, 5]);
      const last = graphs[2]!;
      expect(last.publishers.has("/appearing")).toBe(false);
      expect(last.publishers.get("/image_raw")).toEqual(["/demo_publishers"]);
      expect(last.services.has("/rostopic_23639_1795988961857/get_loggers")).toBe(false);
      expect(last.services.size).toBe(6);
      watch.unsubscribe();
      await until(() => bridge!.requests.includes("unsubscribeConnectionGraph"), "unsubscribe");
    });
  },
);

describeIf(bags !== undefined, "needs ../shared/bags")("connection graph of noros play", () => {
  let server: PlayServer | undefined;
  const clients: RosClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.close();
  });

  it("lists every recorded publisher of a topic, sent as the bridge sends it", async () => {
    // /tf of this bag has 6 connections from 6 nodes, with two definition texts.
    server = await startPlayServer({
      file: path.join(bags ?? "", "jsk_recognition__watercan.bag"),
      port: 0,
      start: "manual",
      graphDiscoveryMs: 200,
    });
    const first = new RosClient(server.url);
    clients.push(first);
    const graphs: ConnectionGraph[] = [];
    first.watchConnectionGraph((g) => graphs.push(g));
    await until(() => graphs.length === 2, "the empty reply and the discovered graph");
    expect(graphs[0]!.publishers.size).toBe(0);
    const tf = [
      "/HrpsysSeqStateROSBridge",
      "/footcoords",
      "/hrpsys_state_publisher",
      "/multisense/multisense_driver",
      "/multisense_laser",
      "/odom_tf_broadcaster",
    ];
    expect([...(graphs[1]!.publishers.get("/tf") ?? [])].sort()).toEqual(tf);
    // A later client gets the whole graph in its first reply.
    const second = new RosClient(server.url);
    clients.push(second);
    const graph = await second.connectionGraph({ timeoutMs: 5000 });
    expect(graph.updates).toBe(1);
    expect([...(graph.publishers.get("/tf") ?? [])].sort()).toEqual(tf);
  });
});
