/**
 * `noros play` of real bags where ROS behaviour matters (issue 16): one channel per topic and
 * type when a bag has several connections per topic, relative names served as global ones,
 * receive times scaled by `--rate`, client publishes stamped with the replay clock, and no
 * replaying for nobody when looping.
 */
import * as path from "node:path";

import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";
import { ProbeClient } from "./helpers.js";

const bagsDir = sharedBagsDir() ?? "";

function stringMessage(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, true);
  out.set(bytes, 4);
  return out;
}

describeIf(sharedBagsDir() !== undefined, "needs ../shared/bags")(
  "noros play as ROS serves",
  () => {
    const servers: PlayServer[] = [];
    const clients: ProbeClient[] = [];
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    async function serve(
      bag: string,
      options: Partial<Parameters<typeof startPlayServer>[0]> = {},
    ) {
      const server = await startPlayServer({
        file: path.join(bagsDir, bag),
        port: 0,
        rate: 0,
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

    it("advertises one /tf channel for 6 connections with two types of the same md5", async () => {
      // jsk watercan: /tf from 6 publishers, tf2_msgs/TFMessage and the legacy tf/tfMessage.
      const server = await serve("jsk_recognition__watercan.bag");
      const sourceTf = server.source.channels.filter((c) => c.topic === "/tf");
      expect(sourceTf).toHaveLength(6);
      expect(new Set(sourceTf.map((c) => c.schemaName)).size).toBe(2);

      const client = await connect(server);
      const tf = [...client.channels.values()].filter((c) => c.topic === "/tf");
      expect(tf).toHaveLength(1);
      expect(tf[0]!.schemaName).toBe(sourceTf[0]!.schemaName);
      const info = server.channels.find((c) => c.topic === "/tf")!;
      expect([...info.publishers].sort()).toEqual(sourceTf.map((c) => c.callerid).sort());

      client.subscribe("/tf");
      await server.subscribed("/tf");
      server.start();
      await server.finished;
      let expected = 0;
      for await (const m of server.source.messages({ topics: ["/tf"] })) expected += m.data.length;
      await client.until(() => client.received.length === 3532, 30000);
      expect(client.received.reduce((n, m) => n + m.data.length, 0)).toBe(expected);
    });

    it("serves relative bag names as global ones and accepts either in --topics", async () => {
      // cartographer's b0-short.bag was recorded with `imu`, `horizontal_laser_2d`, ...
      const server = await serve("cartographer_ros__b0-short.bag", { topics: ["imu"] });
      expect(server.source.channels.map((c) => c.topic)).toContain("imu");
      const client = await connect(server);
      expect([...client.channels.values()].map((c) => c.topic)).toEqual(["/imu"]);
      client.subscribe("/imu");
      await server.subscribed("/imu");
      server.start();
      await client.until(() => client.received.length >= 10);
      expect(client.received[0]!.topic).toBe("/imu");

      const both = await serve("cartographer_ros__b0-short.bag", {
        topics: ["/imu", "vertical_laser_2d"],
      });
      expect(both.channels.map((c) => c.topic).sort()).toEqual(["/imu", "/vertical_laser_2d"]);
    });

    it("scales receive times by --rate, so their gaps match the arrival rate", async () => {
      const bag = "jsk_recognition__bunny_marker_array.bag"; // 17 messages over 1.6 s
      const server = await serve(bag, { rate: 4 });
      const client = await connect(server);
      const topic = server.channels[0]!.topic;
      client.subscribe(topic);
      await server.subscribed(topic);
      server.start();
      await server.finished;
      await client.until(() => client.received.length === 17);
      const recorded: bigint[] = [];
      for await (const m of server.source.messages()) recorded.push(m.receiveTime);
      const first = recorded[0]!;
      const expected = recorded.map((t) => first + BigInt(Math.round(Number(t - first) / 4)));
      expect(client.received.map((m) => m.receiveTime)).toEqual(expected);
    });

    it("stamps what clients publish with the replay clock, not the wall clock", async () => {
      const bag = "jsk_recognition__wrench_sensing_drill_vibration.bag"; // 10.9 s, 2017
      const server = await serve(bag, { rate: 1 });
      const publisher = await connect(server);
      const listener = await connect(server);
      const channel = publisher.client.advertise({
        topic: "/note",
        encoding: "ros1",
        schemaName: "std_msgs/String",
        schema: "string data\n",
        schemaEncoding: "ros1msg",
      });
      await listener.until(() => [...listener.channels.values()].some((c) => c.topic === "/note"));
      listener.subscribe("/note");
      const recordedTopic = server.channels[0]!.topic;
      listener.subscribe(recordedTopic);
      await server.subscribed("/note");
      server.start();
      await listener.until(() => listener.received.some((m) => m.topic === recordedTopic));
      publisher.client.sendMessage(channel, stringMessage("hello"));
      await listener.until(() => listener.received.some((m) => m.topic === "/note"));
      const note = listener.received.find((m) => m.topic === "/note")!;
      const played = listener.received.filter((m) => m.topic === recordedTopic);
      const start = server.source.startTime!;
      const end = server.source.endTime!;
      expect(note.receiveTime).toBeGreaterThanOrEqual(played[0]!.receiveTime);
      expect(note.receiveTime).toBeGreaterThanOrEqual(start);
      expect(note.receiveTime).toBeLessThanOrEqual(end);
    });

    it("loops only while someone is subscribed", async () => {
      const server = await serve("webviz__only-a-cube.bag", { loop: true, start: "now" });
      // Two messages over 1 ms: without a subscriber the first pass ends at once, then it waits.
      await new Promise<void>((resolve) => {
        const check = () => (server.stats().passes >= 1 ? resolve() : setTimeout(check, 5));
        check();
      });
      // Give a busy loop every chance to show itself.
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 200));
      expect(server.stats().passes).toBe(1);

      const client = await connect(server);
      const topic = server.channels.find((c) => c.topic !== "/tf")!.topic;
      client.subscribe(topic);
      await client.until(() => client.received.length >= 3);
      expect(server.stats().passes).toBeGreaterThanOrEqual(3);
    });

    it("keeps serving while looping a one-message bag to a subscriber", async () => {
      // One latched message, no duration: back-to-back passes would starve the event loop.
      const server = await serve("matlab_rosbag__constants.bag", { loop: true, rate: 1 });
      const client = await connect(server);
      client.subscribe("/constants");
      await server.subscribed("/constants");
      server.start();
      await client.until(() => client.received.length >= 3);
      client.client.getParameters([], "alive");
      await client.until(() =>
        client.texts.some((t) => t.op === "parameterValues" && t.id === "alive"),
      );
      const times = new Set(client.received.map((m) => m.receiveTime));
      expect(times.size).toBe(1); // every pass replays the recorded time
    });
  },
);
