/**
 * TransformListener on noros' RosClient, over real sockets, fed by a real Foxglove WebSocket
 * server that behaves like foxglove_bridge (test/client/helpers/bridge-server.ts) and serves the
 * /tf (legacy tf/tfMessage) and /tf_static of a real bag, with /tf_static latched (sent again to
 * each new subscription, as the bridge relays a latched topic).
 *
 * - The buffer the listener fills must answer every lookup exactly as a buffer fed the same bag
 *   directly (decoded by the independent reference decoder): nothing is lost or altered on the
 *   way through the protocol, the client's decoding and the listener.
 * - After a dropped connection the client reconnects; the listener starts afresh: the statics
 *   are read again from the latched topic, the dynamic data from before is gone, new data flows.
 */
import * as path from "node:path";
import type { RosClient } from "../../runtime/client/index.js";
import {
  TfBuffer,
  TransformError,
  TransformListener,
  type TFMessageInput,
  type TransformStamped,
} from "../../runtime/tf/index.js";
import { readBag, type BagContents } from "../client/helpers/bags.js";
import { BridgeServer } from "../client/helpers/bridge-server.js";
import { newClient, referenceReader, referenceWriter, until } from "../client/helpers/harness.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";

const bagsDir = sharedBagsDir();
const BAG = "rosbagjs__example-bz2.bag"; // /tf as tf/tfMessage, /tf_static latched

function answer(buffer: TfBuffer, target: string, source: string, sec: number, nsec: number) {
  try {
    return buffer.lookupTransform(target, source, { sec, nsec });
  } catch (e) {
    if (e instanceof TransformError) return `${e.tf2Name}: ${e.message}`;
    throw e;
  }
}

describeIf(bagsDir !== undefined, "needs ../shared/bags")(
  "TransformListener through RosClient and a bridge-like server",
  () => {
    let bag: BagContents;
    let server: BridgeServer | undefined;
    let client: RosClient | undefined;

    beforeAll(async () => {
      bag = await readBag(path.join(bagsDir!, BAG), ["/tf", "/tf_static"]);
    });

    afterEach(async () => {
      await client?.close();
      await server?.close();
      client = undefined;
      server = undefined;
    });

    test("fills the buffer exactly as the bag read directly, and recovers after a reconnect", async () => {
      // The reference: the bag decoded by @foxglove/rosmsg-serialization, fed straight in.
      const direct = new TfBuffer({ onWarning: () => {} });
      const decoders = new Map(
        [...bag.topics.values()].map((t) => [t.topic, referenceReader(t.definition)]),
      );
      for (const m of bag.messages) {
        const msg = decoders.get(m.topic)!(m.data) as TFMessageInput;
        direct.setTransforms(msg, m.topic, m.topic === "/tf_static");
      }

      server = await BridgeServer.start();
      const channels = new Map<string, number>();
      for (const t of bag.topics.values()) {
        channels.set(t.topic, server.addTopic(t.topic, t.datatype, t.definition));
      }
      expect(bag.topics.get("/tf")!.datatype).toBe("tf/tfMessage");
      const staticChannel = channels.get("/tf_static")!;
      let latched = bag.messages.filter((m) => m.topic === "/tf_static").map((m) => m.data);
      const srv = server;
      srv.server.on("subscribe", (channelId) => {
        if (channelId === staticChannel) for (const data of latched) srv.publish(channelId, data);
      });

      const opened = newClient(server.url);
      client = opened.client;
      const buffer = new TfBuffer({ onWarning: () => {} });
      const listener = new TransformListener(client, buffer);
      let tfReceived = 0;
      client.subscribe("/tf", "*", () => {
        tfReceived += 1;
      });
      await server.waitFor(
        () => [...channels.values()].every((id) => server!.subscribed.has(id)),
        "the listener's subscriptions",
      );
      const dynamic = bag.messages.filter((m) => m.topic === "/tf");
      for (const m of dynamic) server.publish(channels.get("/tf")!, m.data, m.timeNs);
      await until(() => tfReceived === dynamic.length, `${dynamic.length} /tf messages`, 20_000);

      // Every frame pair, at time zero and at times across (and beyond) the data.
      const frames = direct.getFrameIds();
      expect(buffer.getFrameIds().sort()).toEqual([...frames].sort());
      const latest = direct.lookupTransform("world", "turtle1").header.stamp;
      let compared = 0;
      let succeeded = 0;
      for (const target of frames) {
        for (const source of frames) {
          for (let k = 0; k <= 40; k++) {
            const sec = k === 0 ? 0 : latest.sec - 12 + Math.floor(k / 3);
            const nsec = k === 0 ? 0 : (k * 123_456_789) % 1_000_000_000;
            const want = answer(direct, target, source, sec, nsec);
            expect(answer(buffer, target, source, sec, nsec)).toEqual(want);
            compared += 1;
            if (typeof want !== "string") succeeded += 1;
          }
        }
      }
      expect(compared).toBeGreaterThan(300);
      expect(succeeded).toBeGreaterThan(100);
      expect(opened.events.errors).toEqual([]);

      // The connection drops and ROS restarts with another static carrot; the client reconnects
      // and the listener starts afresh.
      const staticDefinition = bag.topics.get("/tf_static")!.definition;
      const carrot = referenceReader(staticDefinition)(latched[0]!) as {
        transforms: TransformStamped[];
      };
      carrot.transforms[0]!.transform.translation.x += 1;
      latched = [referenceWriter(staticDefinition)(carrot)];
      const moved = carrot.transforms[0]!.transform.translation;
      const connectsBefore = opened.events.connects.length;
      server.dropConnections();
      await until(() => opened.events.connects.length > connectsBefore, "the reconnect");
      await until(
        () => buffer.lookupTransform("turtle1", "carrot").transform.translation.x === moved.x,
        "the new latched static",
      );
      expect(buffer.canTransform("world", "turtle1")).toBe(false); // dynamic data was dropped
      await server.waitFor(() => server!.subscribed.has(channels.get("/tf")!), "/tf again");
      const decodeTf = decoders.get("/tf")!;
      const last = [...dynamic]
        .reverse()
        .find(
          (m) => (decodeTf(m.data) as TFMessageInput).transforms[0]?.child_frame_id === "turtle1",
        )!;
      server.publish(channels.get("/tf")!, last.data, last.timeNs);
      await until(() => buffer.canTransform("world", "carrot"), "new /tf data");
      const viaBridge: TransformStamped = buffer.lookupTransform("world", "carrot");
      direct.setTransform(carrot.transforms[0]!, "/tf_static", true); // the restarted side's static
      expect(viaBridge.transform.translation).toEqual(
        direct.lookupTransform("world", "carrot", viaBridge.header.stamp).transform.translation,
      );
      listener.close();
    });
  },
);
