/**
 * TransformListener on a ROS 2 bridge agrees with the ROS 1 path: the same transform stream
 * (the committed synthetic tree, 1,131 transforms: statics, a loop, old and repeated data, two
 * unconnected trees) is served once by a ROS 1 bridge-like server as `tf2_msgs/TFMessage`
 * (stamps `{ sec, nsec }` with `seq`) and once by a ROS 2 bridge-like server as
 * `tf2_msgs/msg/TFMessage` (CDR, stamps `{ sec, nanosec }`, no `seq`), each encoded by an
 * independent reference writer; two RosClients over real sockets feed two listeners with default
 * options, and every lookup (results and tf2 errors) of the two buffers must be identical.
 * /tf_static is sent to each subscriber when it subscribes: latched in ROS 1, transient-local in
 * ROS 2, which the bridge hands to a late subscriber the same way.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { codecs as ros1Codecs } from "../../generated/index.js";
import type { RosClient } from "../../runtime/client/index.js";
import {
  TfBuffer,
  TransformError,
  TransformListener,
  toRos2TransformStamped,
  type TfClient,
  type TfWarning,
} from "../../runtime/tf/index.js";
import { BridgeServer } from "../client/helpers/bridge-server.js";
import { newClient, referenceWriter, until } from "../client/helpers/harness.js";
import { Ros2BridgeServer } from "../helpers/ros2-bridge-server.js";

type Row = [number, string, string, number, number, ...number[]];
// Non-finite numbers are written `{ "$float": "NaN" }` in the fixture.
const fixture = JSON.parse(
  readFileSync(path.join(__dirname, "..", "fixtures", "tf", "synthetic.json"), "utf8"),
  (_key, value: unknown) =>
    typeof value === "object" && value !== null && "$float" in value
      ? Number((value as { $float: string }).$float)
      : value,
) as { cacheTimeSec: number; transforms: Row[] };

interface Tree {
  statics: unknown[];
  dynamic: unknown[];
}

/** The fixture as TFMessages of up to 7 transforms, in ROS 1 or ROS 2 form. */
function messages(ros: 1 | 2): Tree {
  const tree: Tree = { statics: [], dynamic: [] };
  let batch: unknown[] = [];
  let batchStatic = false;
  const flush = () => {
    if (batch.length > 0) (batchStatic ? tree.statics : tree.dynamic).push({ transforms: batch });
    batch = [];
  };
  for (const [
    isStatic,
    parent,
    child,
    sec,
    nsec,
    tx,
    ty,
    tz,
    qx,
    qy,
    qz,
    qw,
  ] of fixture.transforms) {
    if (Boolean(isStatic) !== batchStatic || batch.length === 7) flush();
    batchStatic = Boolean(isStatic);
    const stamp = ros === 1 ? { sec, nsec } : { sec, nanosec: nsec };
    batch.push({
      header: ros === 1 ? { seq: 0, stamp, frame_id: parent } : { stamp, frame_id: parent },
      child_frame_id: child,
      transform: {
        translation: { x: tx, y: ty, z: tz },
        rotation: { x: qx, y: qy, z: qz, w: qw },
      },
    });
  }
  flush();
  return tree;
}

function answer(buffer: TfBuffer, target: string, source: string, sec: number, nsec: number) {
  try {
    return buffer.lookupTransform(target, source, { sec, nsec });
  } catch (e) {
    if (e instanceof TransformError) return `${e.tf2Name}: ${e.message}`;
    throw e;
  }
}

/** A listener on `client` whose buffer's warnings are kept (tf2's reasons for ignoring data). */
function listen(client: TfClient, options: ConstructorParameters<typeof TransformListener>[2]) {
  const warnings: TfWarning[] = [];
  const buffer = new TfBuffer({
    cacheTimeSec: fixture.cacheTimeSec,
    onWarning: (w) => warnings.push(w),
  });
  const listener = new TransformListener(client, buffer, options);
  return { buffer, listener, warnings };
}

/** Messages a client delivered on /tf, counted by an extra subscription. */
function countTf(client: RosClient): { readonly n: number } {
  const count = { n: 0 };
  client.subscribe("/tf", "*", () => (count.n += 1));
  return count;
}

describe("TransformListener on a ROS 2 bridge", () => {
  const clients: RosClient[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const close of closers.splice(0)) await close();
  });

  it("gives the same lookups as the ROS 1 path for the same transforms", async () => {
    const ros1 = messages(1);
    const ros2 = messages(2);
    expect(ros1.statics.length).toBeGreaterThan(0);
    expect(ros1.dynamic.length).toBeGreaterThan(100);

    // ROS 1: foxglove_bridge 0.8.5's form, bytes from the reference ROS 1 writer.
    const ros1Server = await BridgeServer.start();
    closers.push(() => ros1Server.close());
    const definition = ros1Codecs["tf2_msgs/TFMessage"].definition;
    const write1 = referenceWriter(definition);
    const tf1 = ros1Server.addTopic("/tf", "tf2_msgs/TFMessage", definition);
    const static1 = ros1Server.addTopic("/tf_static", "tf2_msgs/TFMessage", definition);
    ros1Server.server.on("subscribe", (id) => {
      if (id === static1) for (const m of ros1.statics) ros1Server.publish(id, write1(m));
    });

    // ROS 2: the ROS 2 bridge's form (cdr, ros2msg), bytes from the reference CDR writer.
    const ros2Server = await Ros2BridgeServer.start();
    closers.push(() => ros2Server.close());
    const tf2 = ros2Server.addTopic("/tf", "tf2_msgs/msg/TFMessage");
    const static2 = ros2Server.addTopic("/tf_static", "tf2_msgs/msg/TFMessage");
    ros2Server.server.on("subscribe", (id) => {
      if (id === static2) for (const m of ros2.statics) ros2Server.publishMessage(id, m);
    });

    const one = newClient(ros1Server.url);
    const two = newClient(ros2Server.url);
    clients.push(one.client, two.client);
    const a = listen(one.client, {});
    const b = listen(two.client, {});
    // The same client without what it says about the channel: the stamps' shape decides.
    const full: TfClient = two.client;
    const bare: TfClient = {
      subscribe: (topic, datatype, callback) =>
        full.subscribe(topic, datatype, (m, receiveTimeNs) => callback(m, receiveTimeNs)),
    };
    const c = listen(bare, {});
    // Or the option says so.
    const d = listen(bare, { rosVersion: 2 });
    // Told it is ROS 1 when it is not: every ROS 2 stamp is refused, naming the field.
    const wrong = listen(two.client, { rosVersion: 1 });
    const count1 = countTf(one.client);
    const count2 = countTf(two.client);
    await ros1Server.waitFor(() => ros1Server.subscribed.has(tf1), "ROS 1 /tf subscribed");
    await ros2Server.waitFor(() => ros2Server.subscribed.has(tf2), "ROS 2 /tf subscribed");

    let timeNs = 1_000_000_000n;
    for (let i = 0; i < ros1.dynamic.length; i++) {
      timeNs += 1_000_000n;
      ros1Server.publish(tf1, write1(ros1.dynamic[i]), timeNs);
      ros2Server.publishMessage(tf2, ros2.dynamic[i], timeNs);
    }
    const n = ros1.dynamic.length;
    await until(() => count1.n === n && count2.n === n, `${n} /tf messages on both`, 30_000);
    await until(
      () => a.buffer.getFrameIds().length > 0 && b.buffer.getFrameIds().length > 0,
      "the statics",
    );

    const frames = [...a.buffer.getFrameIds(), "no_such_frame"].sort();
    expect(b.buffer.getFrameIds().sort()).toEqual(a.buffer.getFrameIds().sort());
    expect(frames.length).toBeGreaterThan(10);
    let compared = 0;
    let succeeded = 0;
    for (const target of frames) {
      for (const source of frames) {
        for (let k = 0; k <= 12; k++) {
          // Time zero, then times across the data (1699999993..1700000012) and beyond.
          const sec = k === 0 ? 0 : 1_699_999_990 + 2 * k;
          const nsec = k === 0 ? 0 : (k * 987_654_321) % 1_000_000_000;
          const want = answer(a.buffer, target, source, sec, nsec);
          expect(answer(b.buffer, target, source, sec, nsec)).toEqual(want);
          expect(answer(c.buffer, target, source, sec, nsec)).toEqual(want);
          expect(answer(d.buffer, target, source, sec, nsec)).toEqual(want);
          compared += 1;
          if (typeof want !== "string") succeeded += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(succeeded).toBeGreaterThan(100);
    // tf2 refused the same transforms for the same reasons on both sides.
    expect(b.warnings.map((w) => w.message)).toEqual(a.warnings.map((w) => w.message));
    expect(a.warnings.length).toBeGreaterThan(0);
    expect(wrong.buffer.getFrameIds()).toEqual([]);
    expect(wrong.warnings[0]?.message).toMatch(/header\.stamp: nsec undefined is not an integer/);

    // A looked-up transform goes back to ROS 2 as geometry_msgs/msg/TransformStamped.
    const t = b.buffer.lookupTransform("map", "base_link");
    const back = toRos2TransformStamped(t);
    expect(back.header).toEqual({
      stamp: { sec: t.header.stamp.sec, nanosec: t.header.stamp.nsec },
      frame_id: "map",
    });
    for (const l of [a, b, c, d, wrong]) l.listener.close();
    expect(one.events.errors).toEqual([]);
    expect(two.events.errors).toEqual([]);
  }, 60_000);
});
