/**
 * The golden std.bag (every standard message type, written by python3-rosbag) played into a
 * real roscore by Debian's `rosbag play` (a roscpp node), relayed by `noros bridge` and decoded
 * by RosClient: every message must equal what genpy decoded (std.jsonl), in order per topic.
 * Playback starts paused and is resumed by calling rosbag's own `pause_playback` service
 * through the bridge (a service on a roscpp node).
 */
import * as path from "node:path";

import { RosClient, type RosClientError } from "../../runtime/client/index.js";
import type { Bridge } from "../../tools/ros-bridge/server.js";
import { readBag, topicsWithoutDefinition } from "../client/helpers/bags.js";
import { start } from "../docker/processes.js";
import { describeIf, hasCommand } from "../helpers/env.js";
import { GOLDEN_DIR, expectMatchesGolden, readJsonl } from "../helpers/golden.js";
import { xmlRpcCall } from "../../tools/ros-bridge/xmlrpc.js";
import {
  ROS_BASE_ENV,
  SKIP_REASON,
  bridgeFor,
  canRunBridgeTests,
  startRoscore,
  stopProcess,
  stopRoscore,
  waitFor,
  type Roscore,
  type Started,
} from "./helpers.js";

describeIf(canRunBridgeTests && hasCommand("rosbag"), `${SKIP_REASON}, rosbag`)(
  "noros bridge: rosbag play of the golden std.bag",
  () => {
    let roscore: Roscore;
    let player: Started | undefined;
    let bridge: Bridge | undefined;
    let client: RosClient | undefined;

    afterAll(async () => {
      await client?.close();
      await bridge?.close();
      await stopProcess(player);
      await stopRoscore(roscore);
    }, 60000);

    it("relays every message byte-exact: decoded values equal genpy's", async () => {
      roscore = await startRoscore(ROS_BASE_ENV);
      const file = path.join(GOLDEN_DIR, "std.bag");
      const bag = await readBag(file);
      const golden = readJsonl(path.join(GOLDEN_DIR, "std.jsonl"));
      const empty = topicsWithoutDefinition(bag);
      player = start("rosbag", ["play", "--pause", file, "__name:=player"], { env: roscore.env });
      bridge = await bridgeFor(roscore);
      const topics = [...bag.topics.keys()];
      await waitFor(
        `channels for the ${topics.length} topics of std.bag`,
        () => topics.every((t) => bridge!.channels().some((c) => c.topic === t)),
        120000,
        200,
      );
      client = new RosClient(bridge.url);
      const errors: RosClientError[] = [];
      client.on("error", (e) => errors.push(e));
      const received = new Map<string, unknown[]>();
      for (const topic of topics) {
        received.set(topic, []);
        client.subscribe(topic, "*", (msg) => received.get(topic)!.push(msg));
      }
      // Every servable topic connected to rosbag's publisher before playback starts.
      const servable = topics.filter((t) => !empty.has(t));
      await waitFor(
        "the bridge to connect to every publisher",
        async () => {
          const [, , rows] = (await xmlRpcCall(bridge!.nodeApi, "getBusInfo", ["/test"])) as [
            number,
            string,
            [number, string, string, string, string][],
          ];
          const connected = new Set(rows.filter((r) => r[2] === "i").map((r) => r[4]));
          return servable.every((t) => connected.has(t));
        },
        120000,
        300,
      );
      await expect(
        client.callService("/player/pause_playback", "std_srvs/SetBool", { data: false }),
      ).resolves.toMatchObject({ success: true });

      const expected = golden.filter((line) => !empty.has(line.topic));
      await waitFor(
        `${expected.length} messages`,
        () => [...received.values()].reduce((n, list) => n + list.length, 0) >= expected.length,
        120000,
        200,
      );
      // Topics without a definition (std_msgs/Empty and empty service halves) are refused by a
      // client without generated codecs, as with foxglove_bridge.
      expect(errors.map((e) => `${e.kind} ${e.context.topic}`).sort()).toEqual(
        [...empty].map((t) => `schema ${t}`).sort(),
      );
      const next = new Map<string, number>();
      for (const line of expected) {
        const index = next.get(line.topic) ?? 0;
        next.set(line.topic, index + 1);
        const msg = received.get(line.topic)![index];
        try {
          expectMatchesGolden(msg, line.value);
        } catch (error) {
          throw new Error(`${line.topic} message ${index}: ${(error as Error).message}`);
        }
      }
      for (const topic of servable) {
        expect([topic, received.get(topic)!.length]).toEqual([topic, next.get(topic) ?? 0]);
      }
    }, 300000);
  },
);
