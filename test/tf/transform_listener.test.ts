/**
 * TransformListener against a small in-process client that behaves like noros' RosClient over
 * foxglove_bridge in the ways that matter here: `subscribe(topic, datatype, cb)`, a "reconnect"
 * event, and /tf_static latched (delivered to each new subscriber). This is the one place a fake
 * stands in for the client: the lead's live test runs the listener through a real bridge.
 */
import {
  TfBuffer,
  TransformListener,
  type TfClient,
  type TfWarning,
  type TransformStampedInput,
} from "../../runtime/tf/index.js";

const T0 = 1_700_000_000;

function tf(parent: string, child: string, sec: number, x: number): TransformStampedInput {
  return {
    header: { seq: 0, stamp: { sec, nsec: 0 }, frame_id: parent },
    child_frame_id: child,
    transform: { translation: { x, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
  };
}

interface Sub {
  topic: string;
  datatype: string;
  cb: (msg: unknown, receiveTimeNs: bigint) => void;
}

class FakeBridgeClient implements TfClient {
  readonly subs = new Map<number, Sub>();
  /** The type each topic is advertised with; like RosClient, only that type or "*" is served. */
  readonly advertised = new Map<string, string>([
    ["/tf", "tf2_msgs/TFMessage"],
    ["/tf_static", "tf2_msgs/TFMessage"],
  ]);
  readonly subscribeCalls: { topic: string; datatype: string }[] = [];
  private nextId = 1;
  private readonly latched = new Map<string, unknown>();
  private readonly reconnectListeners = new Set<() => void>();

  subscribe(topic: string, datatype: string, cb: Sub["cb"]): { unsubscribe(): void } {
    const id = this.nextId++;
    this.subs.set(id, { topic, datatype, cb });
    this.subscribeCalls.push({ topic, datatype });
    const latched = this.latched.get(topic);
    // The bridge hands a new subscriber the latched message.
    if (latched !== undefined && this.serves(topic, datatype)) cb(latched, 0n);
    return { unsubscribe: () => void this.subs.delete(id) };
  }

  on(event: "reconnect", listener: () => void): this {
    if (event === "reconnect") this.reconnectListeners.add(listener);
    return this;
  }

  off(event: "reconnect", listener: () => void): this {
    if (event === "reconnect") this.reconnectListeners.delete(listener);
    return this;
  }

  /** Publish on a topic; `latch` keeps it for later subscribers (as /tf_static is). */
  publish(topic: string, msg: unknown, latch = false): void {
    if (latch) this.latched.set(topic, msg);
    for (const s of [...this.subs.values()]) {
      if (s.topic === topic && this.serves(topic, s.datatype)) s.cb(msg, 123n);
    }
  }

  private serves(topic: string, datatype: string): boolean {
    return datatype === "*" || datatype === this.advertised.get(topic);
  }

  /** The connection dropped and came back (possibly to a restarted ROS). */
  reconnect(restartedLatched?: Map<string, unknown>): void {
    if (restartedLatched) {
      this.latched.clear();
      for (const [k, v] of restartedLatched) this.latched.set(k, v);
    }
    for (const l of [...this.reconnectListeners]) l();
  }

  get listenerCount(): number {
    return this.reconnectListeners.size;
  }
}

function setup(options: ConstructorParameters<typeof TransformListener>[2] = {}) {
  const warnings: TfWarning[] = [];
  const client = new FakeBridgeClient();
  const buffer = new TfBuffer({ onWarning: (w) => warnings.push(w) });
  client.publish("/tf_static", { transforms: [tf("base_link", "laser", 0, 0.25)] }, true);
  const listener = new TransformListener(client, buffer, options);
  return { client, buffer, listener, warnings };
}

describe("TransformListener", () => {
  test("subscribes /tf and /tf_static and fills the buffer (statics hold at every time)", () => {
    const { client, buffer } = setup();
    expect(client.subscribeCalls).toEqual([
      { topic: "/tf", datatype: "*" },
      { topic: "/tf_static", datatype: "*" },
    ]);
    client.publish("/tf", {
      transforms: [tf("odom", "base_link", T0, 1), tf("map", "odom", T0, 10)],
    });
    client.publish("/tf", {
      transforms: [tf("odom", "base_link", T0 + 1, 3), tf("map", "odom", T0 + 1, 10)],
    });
    const t = buffer.lookupTransform("map", "laser", { sec: T0, nsec: 500_000_000 });
    expect(t.transform.translation.x).toBe(10 + 2 + 0.25);
    expect(
      buffer.lookupTransform("base_link", "laser", { sec: 5, nsec: 0 }).transform.translation.x,
    ).toBe(0.25);
  });

  test("reads the legacy tf/tfMessage (same fields) as well as tf2_msgs/TFMessage", () => {
    const { client, buffer } = setup();
    client.advertised.set("/tf", "tf/tfMessage"); // an old system, or an old bag played back
    client.publish("/tf", { transforms: [tf("/odom", "/base_link", T0, 1)] });
    expect(buffer.canTransform("odom", "laser")).toBe(true);
  });

  test("a datatype option narrows what is accepted", () => {
    const { client, buffer } = setup({ datatype: "tf2_msgs/TFMessage" });
    expect(client.subscribeCalls.every((c) => c.datatype === "tf2_msgs/TFMessage")).toBe(true);
    client.advertised.set("/tf", "tf/tfMessage");
    client.publish("/tf", { transforms: [tf("odom", "base_link", T0, 1)] });
    expect(buffer.frameExists("odom")).toBe(false);
  });

  test("after a reconnect: fresh subscriptions, statics read again, dynamic data from before dropped", () => {
    const { client, buffer } = setup();
    client.publish("/tf", { transforms: [tf("odom", "base_link", T0 + 100, 1)] });
    // ROS restarted on the other side: its clock is behind the data we hold, and a static changed.
    client.reconnect(new Map([["/tf_static", { transforms: [tf("base_link", "laser", 0, 0.5)] }]]));
    expect([...client.subs.values()].map((s) => s.topic).sort()).toEqual(["/tf", "/tf_static"]);
    expect(client.subscribeCalls).toHaveLength(4);
    expect(buffer.lookupTransform("base_link", "laser").transform.translation.x).toBe(0.5);
    expect(buffer.canTransform("odom", "base_link", { sec: T0 + 100, nsec: 0 })).toBe(false);
    client.publish("/tf", { transforms: [tf("odom", "base_link", T0, 2)] });
    expect(buffer.lookupTransform("odom", "laser").transform.translation.x).toBe(2.5);
  });

  test("without clearOnReconnect, data older than what is held is ignored (why the default clears)", () => {
    const { client, buffer, warnings } = setup({ clearOnReconnect: false });
    client.publish("/tf", { transforms: [tf("odom", "base_link", T0 + 100, 1)] });
    client.reconnect();
    client.publish("/tf", { transforms: [tf("odom", "base_link", T0, 2)] });
    expect(buffer.lookupTransform("odom", "base_link").transform.translation.x).toBe(1);
    expect(warnings.map((w) => w.code)).toEqual(["TF_OLD_DATA"]);
  });

  test("a message that is not a TFMessage is reported, naming the topic, and does not throw", () => {
    const { client, warnings } = setup();
    client.publish("/tf", { data: "oops" });
    client.publish("/tf", { transforms: [{ child_frame_id: "x" }] });
    expect(warnings.map((w) => [w.code, w.authority])).toEqual([
      ["TF_INVALID_INPUT", "/tf"],
      ["TF_INVALID_INPUT", "/tf"],
    ]);
  });

  test("close() unsubscribes, stops listening for reconnects and leaves the buffer as it is", () => {
    const { client, buffer, listener } = setup();
    client.publish("/tf", { transforms: [tf("odom", "base_link", T0, 1)] });
    expect(client.listenerCount).toBe(1);
    listener.close();
    expect(client.subs.size).toBe(0);
    expect(client.listenerCount).toBe(0);
    client.reconnect();
    expect(client.subs.size).toBe(0);
    expect(buffer.canTransform("odom", "laser")).toBe(true);
    listener.close(); // idempotent
  });

  test("works with a client that has no reconnect event", () => {
    const subs: string[] = [];
    const client: TfClient = {
      subscribe(topic, _datatype, cb) {
        subs.push(topic);
        if (topic === "/robot/tf") cb({ transforms: [tf("a", "b", T0, 1)] }, 0n);
        return { unsubscribe() {} };
      },
    };
    const buffer = new TfBuffer({ onWarning: () => {} });
    const listener = new TransformListener(client, buffer, { tfTopic: "/robot/tf" });
    expect(subs).toEqual(["/robot/tf", "/tf_static"]);
    listener.close();
    expect(buffer.frameExists("b")).toBe(true);
  });
});
