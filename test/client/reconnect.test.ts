/**
 * Connection lifecycle against real servers on real ports: the bridge restarting on the same port
 * with a new session and new channel ids mid-stream, network drops, bridges that are not up yet,
 * and clients without reconnect.
 */
import type { RosClient } from "../../runtime/client/index.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { DEFINITIONS } from "./helpers/definitions.js";
import { newClient, referenceReader, referenceWriter, sleep, until } from "./helpers/harness.js";

const STRING = DEFINITIONS["std_msgs/String"];
const writeString = referenceWriter(STRING);
const readString = referenceReader(STRING);

/** A free port: taken by a server that is closed again. */
async function freePort(): Promise<number> {
  const probe = await BridgeServer.start();
  const port = probe.port;
  await probe.close();
  return port;
}

/**
 * Publishes a counter on `/counter` every few ms, recording which values went out while the
 * client was subscribed (the server only sends to subscribers): that is what must arrive.
 */
class CounterFeed {
  readonly delivered: string[] = [];
  #next = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  start(server: BridgeServer, channel: number): void {
    this.#timer = setInterval(() => {
      const value = `n${this.#next++}`;
      if (server.subscribed.has(channel)) this.delivered.push(value);
      server.publish(channel, writeString({ data: value }));
    }, 2);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

describe("reconnect", () => {
  let clients: RosClient[] = [];
  let servers: BridgeServer[] = [];
  let feed: CounterFeed | undefined;

  afterEach(async () => {
    feed?.stop();
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.close()));
    clients = [];
    servers = [];
  });

  it("survives a bridge restart on the same port: new session, new channel ids, nothing lost", async () => {
    const first = await BridgeServer.start({ sessionId: "run-1" });
    servers.push(first);
    for (const name of ["a", "b", "c", "d"])
      first.addTopic(`/first_${name}`, STRING.datatype, STRING.text);
    const firstChannel = first.addTopic("/counter", STRING.datatype, STRING.text);
    const { client, events } = newClient(first.url, { publishQueueSize: 5 });
    clients.push(client);
    const received: string[] = [];
    const channelIds = new Set<number>();
    client.subscribe("/counter", "std_msgs/String", (msg, _t, info) => {
      received.push((msg as { data: string }).data);
      channelIds.add(info.channelId);
    });
    const pub = await client.advertise("/cmd", "std_msgs/String", { definition: STRING.text });
    pub.publish({ data: "before" });
    await first.waitFor(() => first.published.length === 1, "publish before the restart");

    feed = new CounterFeed();
    feed.start(first, firstChannel);
    await until(() => received.length >= 30, "30 messages from the first run");

    // The bridge goes down.
    feed.stop();
    await first.close({ graceful: true });
    servers = [];
    await until(() => client.state === "reconnecting", "client noticing");
    // Published while down: queued up to 5, the oldest 3 dropped with events.
    for (let i = 0; i < 8; i++) pub.publish({ data: `queued${i}` });
    expect(pub.queued).toBe(5);
    expect(pub.dropped).toBe(3);
    expect(events.drops).toEqual(
      [1, 2, 3].map((dropped) => ({ kind: "publish-queue", topic: "/cmd", dropped })),
    );
    await sleep(50); // a few failed attempts while nothing listens

    // It comes back on the same port, as a new session whose channel ids differ.
    const second = await BridgeServer.start({ port: first.port, sessionId: "run-2" });
    servers.push(second);
    second.addTopic("/other_a", STRING.datatype, STRING.text);
    second.addTopic("/other_b", STRING.datatype, STRING.text);
    const secondChannel = second.addTopic("/counter", STRING.datatype, STRING.text);
    expect(secondChannel).not.toBe(firstChannel);
    const countBefore = received.length;
    feed.start(second, secondChannel);
    await until(() => received.length >= countBefore + 30, "30 messages from the second run");
    feed.stop();
    await until(() => received.length === feed!.delivered.length, "everything sent to arrive");

    expect(received).toEqual(feed.delivered);
    // Only the new run's channels are known: nothing stale from the first run.
    expect(client.topics().map((t) => t.topic)).toEqual(["/other_a", "/other_b", "/counter"]);
    expect(channelIds).toEqual(new Set([firstChannel, secondChannel]));
    const reconnects = events.connects.filter((c) => c.reconnected);
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]!.sessionChanged).toBe(true);
    expect(reconnects[0]!.serverInfo.sessionId).toBe("run-2");
    expect(events.disconnects).toHaveLength(1);
    expect(events.disconnects[0]!.retryInMs).toEqual(expect.any(Number));
    // The queued publishes reached the new bridge, in order, after the publisher re-advertised.
    await second.waitFor(() => second.published.length === 5, "queued publishes");
    expect(second.published.map((p) => (readString(p.data) as { data: string }).data)).toEqual([
      "queued3",
      "queued4",
      "queued5",
      "queued6",
      "queued7",
    ]);
    expect([...second.clientChannels.values()]).toEqual([
      { topic: "/cmd", schemaName: "std_msgs/String", encoding: "ros1" },
    ]);
    expect(pub.queued).toBe(0);
    // While it was down, failed attempts were reported as connection errors, and nothing else.
    expect(events.errors.every((e) => e.kind === "connection")).toBe(true);
    expect(second.errors).toEqual([]);
  });

  it("resubscribes after a network drop to the same bridge session", async () => {
    const server = await BridgeServer.start({ sessionId: "steady" });
    servers.push(server);
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const { client, events } = newClient(server.url);
    clients.push(client);
    const received: string[] = [];
    client.subscribe("/chatter", "std_msgs/String", (msg) =>
      received.push((msg as { data: string }).data),
    );
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, writeString({ data: "a" }));
    await until(() => received.length === 1, "first message");

    server.dropConnections();
    await until(() => events.connects.length === 2, "reconnection");
    await server.waitFor(
      () => server.subscribed.has(channel) && server.connectionCount === 1,
      "resubscription",
    );
    server.publish(channel, writeString({ data: "b" }));
    await until(() => received.length === 2, "message after the drop");
    expect(received).toEqual(["a", "b"]);
    expect(events.connects[1]).toMatchObject({ reconnected: true, sessionChanged: false });
    expect(events.disconnects[0]!.code).toBe(1006);
  });

  it("rejects requests in flight when the connection drops", async () => {
    const server = await BridgeServer.start();
    servers.push(server);
    const req = DEFINITIONS["std_srvs/SetBoolRequest"];
    const res = DEFINITIONS["std_srvs/SetBoolResponse"];
    server.addService("/hang", "std_srvs/SetBool", req.text, res.text, () => undefined);
    const { client } = newClient(server.url);
    clients.push(client);
    const call = client.callService("/hang", "std_srvs/SetBool", { data: true });
    await server.waitFor(() => server.serviceRequests.length === 1, "request");
    server.dropConnections();
    await expect(call).rejects.toMatchObject({
      kind: "connection",
      message: expect.stringContaining("lost"),
    });
  });

  it("waits for a bridge that is not up yet, and names the last error on timeout", async () => {
    const port = await freePort();
    const { client, events } = newClient(`ws://127.0.0.1:${port}`);
    clients.push(client);
    const error = (await client.connected({ timeoutMs: 200 }).then(
      () => new Error("connected unexpectedly"),
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^could not connect to ws://127.0.0.1:${port} within 200 ms \\(\\d+ failed attempts; last error: could not connect to ws://127.0.0.1:${port}: connect ECONNREFUSED`,
      ),
    );
    // Retries continue; one error event for the streak of identical failures.
    expect(events.errors.filter((e) => e.kind === "connection")).toHaveLength(1);
    const server = await BridgeServer.start({ port });
    servers.push(server);
    await expect(client.connected({ timeoutMs: 3000 })).resolves.toMatchObject({
      name: "foxglove_bridge",
    });
  });

  it("without reconnect, rejects connected() at once and fails later calls clearly", async () => {
    const port = await freePort();
    const { client } = newClient(`ws://127.0.0.1:${port}`, { reconnect: false });
    clients.push(client);
    await expect(client.connected()).rejects.toThrow(
      `could not connect to ws://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(client.state).toBe("closed");
    expect(() => client.subscribe("/x", "*", () => undefined)).toThrow(/ECONNREFUSED/);
  });

  it("without reconnect, a lost connection ends the client and publishing throws", async () => {
    const server = await BridgeServer.start();
    servers.push(server);
    const { client, events } = newClient(server.url, { reconnect: false });
    clients.push(client);
    const pub = await client.advertise("/cmd", "std_msgs/String", { definition: STRING.text });
    await server.close({ graceful: true });
    servers = [];
    await until(() => client.state === "closed", "client closed");
    expect(events.disconnects).toHaveLength(1);
    expect(events.disconnects[0]!.retryInMs).toBeUndefined();
    expect(() => pub.publish({ data: "x" })).toThrow(/not connected/);
    await expect(client.getParameters(["/x"])).rejects.toThrow(/closed \(code 1001\)/);
  });

  it("starts over when the server announces a new session on the same socket", async () => {
    const server = await BridgeServer.start({ sessionId: "one" });
    servers.push(server);
    server.addTopic("/chatter", STRING.datatype, STRING.text);
    const { client, events } = newClient(server.url);
    clients.push(client);
    await until(() => client.topics().length === 1, "topic");
    server.sendRaw(
      JSON.stringify({
        op: "serverInfo",
        name: "foxglove_bridge",
        capabilities: [],
        sessionId: "two",
      }),
    );
    await until(() => events.connects.length === 2, "second serverInfo");
    expect(events.connects[1]).toMatchObject({ sessionChanged: true });
    expect(client.topics()).toEqual([]);
  });

  it("reports a URL that cannot be opened at once, without retrying", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { client } = newClient("not a url");
      clients.push(client);
      await expect(client.connected()).rejects.toThrow(/^cannot open not a url: Invalid URL/);
      expect(client.state).toBe("closed");
      // Reported before any listener could be attached: printed instead of lost.
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^noros: cannot open not a url/));
    } finally {
      warn.mockRestore();
    }
  });

  it("close() stops reconnecting and leaves no timers behind", async () => {
    const port = await freePort();
    const { client } = newClient(`ws://127.0.0.1:${port}`);
    await sleep(60);
    await client.close();
    expect(client.state).toBe("closed");
    await expect(client.connected()).rejects.toMatchObject({ kind: "closed" });
  });
});
