/**
 * `startPlayServer` against a plain protocol client (FoxgloveClient from @foxglove/ws-protocol)
 * over real sockets: what foxglove_bridge-like clients see, byte-exact playback with recorded
 * receive times, pacing, latched topics for late subscribers, looping, client publishing,
 * parameters and the connection graph.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

import { UserError } from "../../tools/errors.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { SourceError } from "../../tools/sources/index.js";
import { bridgeCapturesDir, describeIf, sharedBagsDir } from "../helpers/env.js";
import {
  ProbeClient,
  canMakeRecordings,
  makeRecordings,
  sha1,
  type Recordings,
} from "./helpers.js";

describeIf(canMakeRecordings, "needs Debian python3-rosbag")("noros play", () => {
  let rec: Recordings;
  const servers: PlayServer[] = [];
  const clients: ProbeClient[] = [];
  beforeAll(() => {
    rec = makeRecordings();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => rec.remove());

  async function serve(options: Partial<Parameters<typeof startPlayServer>[0]> = {}) {
    const server = await startPlayServer({
      file: rec.files.lz4,
      port: 0,
      rate: Infinity,
      start: "manual",
      ...options,
    });
    servers.push(server);
    return server;
  }
  async function connect(server: PlayServer) {
    const client = await ProbeClient.connect(server.url);
    clients.push(client);
    return client;
  }
  const allTopics = ["/camera/image_raw", "/chatter", "/counter", "/imu", "/tf_static"];

  it("introduces itself and advertises channels the way foxglove_bridge 0.8.5 does", async () => {
    const server = await serve();
    const client = await connect(server);
    expect(client.serverInfo).toMatchObject({
      op: "serverInfo",
      name: "noros play",
      supportedEncodings: ["ros1"],
      capabilities: ["clientPublish", "connectionGraph", "parametersSubscribe", "parameters"],
    });
    expect(typeof client.serverInfo.sessionId).toBe("string");
    const advertise = client.texts.find((t) => t.op === "advertise") as unknown as {
      channels: Record<string, unknown>[];
    };
    expect(advertise.channels.map((c) => c.topic).sort()).toEqual(allTopics);
    for (const channel of advertise.channels) {
      expect(Object.keys(channel).sort()).toEqual([
        "encoding",
        "id",
        "schema",
        "schemaName",
        "topic",
      ]);
      expect(channel.encoding).toBe("ros1");
    }
    const image = advertise.channels.find((c) => c.topic === "/camera/image_raw");
    expect(image?.schemaName).toBe("sensor_msgs/Image");
    expect(image?.schema).toMatch(/^# This message contains an uncompressed image\n/);
    expect(image?.schema).toContain("\nMSG: std_msgs/Header\n");

    // Same keys as the real bridge's capture, where one is present.
    const captures = bridgeCapturesDir();
    if (captures !== undefined) {
      const real = JSON.parse(
        readFileSync(path.join(captures, "text_advertise_1795462855315.json"), "utf8"),
      ) as { channels: Record<string, unknown>[] };
      expect(Object.keys(real.channels[0] ?? {}).sort()).toEqual(
        Object.keys(advertise.channels[0] ?? {}).sort(),
      );
    }
  });

  it("plays every message byte-exact, in order, with the recorded receive times", async () => {
    const server = await serve();
    const client = await connect(server);
    for (const topic of allTopics) client.subscribe(topic);
    await Promise.all(allTopics.map((t) => server.subscribed(t)));
    server.start();
    await expect(server.finished).resolves.toEqual({ messages: rec.messages.length, passes: 1 });
    await client.until(() => client.received.length === rec.messages.length);
    expect(client.received.map((m) => [m.topic, m.receiveTime.toString(), sha1(m.data)])).toEqual(
      rec.messages,
    );
  });

  it("paces by the recorded times scaled by the rate", async () => {
    const server = await serve({ rate: 4 });
    const client = await connect(server);
    client.subscribe("/imu");
    await server.subscribed("/imu");
    const started = performance.now();
    server.start();
    await server.finished;
    const elapsed = performance.now() - started;
    const times = rec.messages.map(([, t]) => BigInt(t));
    const spanMs = Number(times[times.length - 1]! - times[0]!) / 1e6;
    // Never faster than the schedule (a lower bound only: no speed is asserted).
    expect(elapsed).toBeGreaterThanOrEqual(spanMs / 4 - 5);
    await client.until(() => client.received.length === 50);
  });

  it("gives a late subscriber the last message of a latched topic, and only new ones elsewhere", async () => {
    const server = await serve({ start: "now" });
    const early = await connect(server);
    await server.finished;
    const late = await connect(server);
    late.subscribe("/tf_static");
    late.subscribe("/chatter");
    // A parameter round trip after the subscriptions: anything sent for them came before it.
    late.client.getParameters([], "barrier");
    await late.until(() =>
      late.texts.some((t) => t.op === "parameterValues" && t.id === "barrier"),
    );
    expect(late.received.map((m) => m.topic)).toEqual(["/tf_static"]);
    const tfStatic = rec.messages.find(([t]) => t === "/tf_static");
    expect([
      late.received[0]?.receiveTime.toString(),
      sha1(late.received[0]?.data ?? new Uint8Array()),
    ]).toEqual([tfStatic?.[1], tfStatic?.[2]]);
    expect(early.received).toEqual([]);
  });

  it("loops, replaying the same messages and times", async () => {
    const server = await serve({ loop: true });
    const client = await connect(server);
    client.subscribe("/chatter");
    await server.subscribed("/chatter");
    server.start();
    await client.until(() => client.received.length >= 45);
    await server.close();
    const first = client.received.slice(0, 20).map((m) => [m.receiveTime, sha1(m.data)]);
    const second = client.received.slice(20, 40).map((m) => [m.receiveTime, sha1(m.data)]);
    expect(second).toEqual(first);
    expect(server.stats().passes).toBeGreaterThanOrEqual(2);
  });

  it("starts on the first subscription by default", async () => {
    const server = await startPlayServer({ file: rec.files.lz4, port: 0, rate: Infinity });
    servers.push(server);
    const client = await connect(server);
    client.subscribe("/counter");
    await client.until(() => client.received.length === 5);
    expect((await server.finished).passes).toBe(1);
  });

  it("relays client publications to subscribers, advertising new topics while they are published", async () => {
    const server = await serve();
    const listener = await connect(server);
    const publisher = await connect(server);
    // An existing topic: delivered on the recorded channel.
    listener.subscribe("/chatter");
    await server.subscribed("/chatter");
    const pub = publisher.client.advertise({
      topic: "/chatter",
      encoding: "ros1",
      schemaName: "std_msgs/String",
    });
    const hello = Uint8Array.of(5, 0, 0, 0, ...Buffer.from("hello"));
    // The advertisement is processed before the message (same socket, in order).
    publisher.client.sendMessage(pub, hello);
    await listener.until(() => listener.received.length === 1);
    expect(Buffer.from(listener.received[0]!.data)).toEqual(Buffer.from(hello));

    // A new topic: a channel appears with the schema the recording has for that type.
    const fresh = publisher.client.advertise({
      topic: "/from_ws",
      encoding: "ros1",
      schemaName: "std_msgs/String",
    });
    await listener.until(() => [...listener.channels.values()].some((c) => c.topic === "/from_ws"));
    expect(listener.channel("/from_ws")).toMatchObject({
      schemaName: "std_msgs/String",
      schema: "string data\n",
    });
    listener.subscribe("/from_ws");
    await server.subscribed("/from_ws");
    publisher.client.sendMessage(fresh, hello);
    await listener.until(() => listener.received.length === 2);
    expect(listener.received[1]?.topic).toBe("/from_ws");
    // Gone with its last publisher.
    publisher.client.unadvertise(fresh);
    await listener.until(() => listener.texts.some((t) => t.op === "unadvertise"));

    // A publication with the wrong type is refused with a status naming both types.
    publisher.client.advertise({
      topic: "/chatter",
      encoding: "ros1",
      schemaName: "std_msgs/Int64",
    });
    await publisher.until(() => publisher.texts.some((t) => t.op === "status"));
    expect(publisher.texts.find((t) => t.op === "status")?.message).toBe(
      "noros play: cannot publish std_msgs/Int64 on /chatter: the topic has type std_msgs/String",
    );
  });

  it("keeps parameters in memory: set, get, update subscribers, delete", async () => {
    const server = await serve({ parameters: [{ name: "/robot_name", value: "turtle" }] });
    const a = await connect(server);
    const b = await connect(server);
    b.client.subscribeParameterUpdates(["/rate"]);
    a.client.setParameters([{ name: "/rate", value: 2.5, type: "float64" }], "set1");
    await a.until(() => a.texts.some((t) => t.id === "set1"));
    expect(a.texts.find((t) => t.id === "set1")?.parameters).toEqual([
      { name: "/rate", value: 2.5, type: "float64" },
    ]);
    await b.until(() =>
      b.texts.some((t) => t.op === "parameterValues" && JSON.stringify(t).includes("2.5")),
    );
    a.client.getParameters(["/robot_name", "/missing"], "get1");
    await a.until(() => a.texts.some((t) => t.id === "get1"));
    expect(a.texts.find((t) => t.id === "get1")?.parameters).toEqual([
      { name: "/robot_name", value: "turtle" },
    ]);
    a.client.getParameters([], "all");
    await a.until(() => a.texts.some((t) => t.id === "all"));
    expect(
      (a.texts.find((t) => t.id === "all")?.parameters as { name: string }[])
        .map((p) => p.name)
        .sort(),
    ).toEqual(["/rate", "/robot_name"]);
  });

  it("reports recorded publishers in the connection graph, after an empty first reply as foxglove_bridge does", async () => {
    const server = await serve({ graphDiscoveryMs: 100 });
    const client = await connect(server);
    client.client.subscribeConnectionGraph();
    const updates = () => client.texts.filter((t) => t.op === "connectionGraphUpdate");
    await client.until(() => updates().length === 2);
    type Update = { publishedTopics: { name: string; publisherIds: string[] }[] };
    expect((updates()[0] as unknown as Update).publishedTopics).toEqual([]);
    const update = updates()[1] as unknown as Update;
    expect(update.publishedTopics).toContainEqual({ name: "/chatter", publisherIds: ["/talker"] });
    expect(update.publishedTopics).toContainEqual({
      name: "/tf_static",
      publisherIds: ["/static_tf"],
    });
  });

  it("serves only the topics asked for, and names unknown ones", async () => {
    const server = await serve({ topics: ["/imu"] });
    expect(server.channels.map((c) => c.topic)).toEqual(["/imu"]);
    await expect(serve({ topics: ["/imu", "/nope"] })).rejects.toThrow(
      /no topic \/nope in the recording/,
    );
  });

  it("fails clearly for a busy port and a missing file", async () => {
    const first = await serve();
    const error = await serve({ port: first.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `port ${first.port} on 127.0.0.1 is already in use (try --port 0 for a free one)`,
    );
    await expect(serve({ file: "/nonexistent/x.bag" })).rejects.toBeInstanceOf(SourceError);
  });
});

const bagsDir = sharedBagsDir();
describeIf(bagsDir !== undefined, "needs ../shared/bags")("noros play of real-world bags", () => {
  it.each([
    "rosbagjs__example-lz4.bag",
    "rosbagjs__example-bz2.bag",
    "bag_reader_java__PointCloud2.bag",
  ])("plays all of %s to a subscriber of every topic", async (name) => {
    const server = await startPlayServer({
      file: path.join(bagsDir ?? "", name),
      port: 0,
      rate: 0,
      start: "manual",
    });
    const client = await ProbeClient.connect(server.url);
    try {
      const topics = [...new Set(server.channels.map((c) => c.topic))];
      for (const topic of topics) client.subscribe(topic);
      await Promise.all(topics.map((t) => server.subscribed(t)));
      server.start();
      const { messages } = await server.finished;
      expect(messages).toBe(server.source.messageCount);
      await client.until(() => client.received.length === messages, 30000);
      const expected: string[] = [];
      for await (const m of server.source.messages())
        expected.push(`${m.topic} ${m.receiveTime} ${sha1(m.data)}`);
      expect(client.received.map((m) => `${m.topic} ${m.receiveTime} ${sha1(m.data)}`)).toEqual(
        expected,
      );
    } finally {
      await client.close();
      await server.close();
    }
  });
});
