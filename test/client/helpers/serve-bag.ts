/**
 * Serves the messages of a bag through the bridge-like server, as foxglove_bridge relays a ROS
 * topic: one channel per connection with its definition as the schema, each message with its
 * record time as the receive time. Returns what a client subscribed to every topic decoded.
 */
import type { RosClient } from "../../../runtime/client/index.js";
import { expectMatchesGolden, type GoldenLine } from "../../helpers/golden.js";
import type { BagContents } from "./bags.js";
import { BridgeServer } from "./bridge-server.js";
import { newClient, until, type Recorded } from "./harness.js";

export interface Received {
  topic: string;
  msg: unknown;
  receiveTimeNs: bigint;
  datatype: string;
}

/**
 * `unservable`: topics the client is expected to refuse (it reports a schema error and does not
 * subscribe); their messages are not expected.
 */
export async function serveBag(
  bag: BagContents,
  unservable: ReadonlySet<string> = new Set(),
): Promise<{ received: Received[]; events: Recorded; expected: BagContents["messages"] }> {
  const server = await BridgeServer.start();
  let client: RosClient | undefined;
  try {
    const channels = new Map<string, number>();
    for (const t of bag.topics.values()) {
      channels.set(t.topic, server.addTopic(t.topic, t.datatype, t.definition));
    }
    const opened = newClient(server.url);
    client = opened.client;
    const received: Received[] = [];
    for (const topic of channels.keys()) {
      client.subscribe(topic, "*", (msg, receiveTimeNs, info) =>
        received.push({ topic, msg, receiveTimeNs, datatype: info.datatype }),
      );
    }
    const served = [...channels].filter(([topic]) => !unservable.has(topic));
    await server.waitFor(
      () => served.every(([, id]) => server.subscribed.has(id)),
      "the subscriptions",
    );
    const expected = bag.messages.filter((m) => !unservable.has(m.topic));
    for (const m of expected) server.publish(channels.get(m.topic)!, m.data, m.timeNs);
    await until(
      () => received.length + opened.events.errors.length >= expected.length + unservable.size,
      `${expected.length} messages`,
      20_000,
    );
    expect(server.subscribed.size).toBe(served.length);
    return { received, events: opened.events, expected };
  } finally {
    await client?.close();
    await server.close();
  }
}

/** Each received message equals its golden line (genpy's decoding), in order. */
export function expectLikeGolden(received: Received[], golden: GoldenLine[], file: string): void {
  expect(received).toHaveLength(golden.length);
  received.forEach((r, i) => {
    const line = golden[i]!;
    const where = `${file}, message ${i} (${line.topic})`;
    expect(`${where}: ${r.topic} ${r.datatype}`).toBe(`${where}: ${line.topic} ${line.type}`);
    expect(r.receiveTimeNs).toBe(BigInt(line.time.sec) * 1_000_000_000n + BigInt(line.time.nsec));
    try {
      expectMatchesGolden(r.msg, line.value);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  });
}
