/**
 * `record` against `noros play` over real sockets: the MCAP it writes holds every received
 * message byte-exact with its schema (ros1 profile), finishes atomically from `.part`, survives
 * the bridge going away, and plays back the same messages.
 */
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import * as path from "node:path";

import { UserError } from "../../tools/errors.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { record, type RecordOptions } from "../../tools/record/recorder.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf } from "../helpers/env.js";
import {
  ProbeClient,
  canMakeRecordings,
  makeRecordings,
  sha1,
  tempDir,
  type Recordings,
} from "./helpers.js";

describeIf(canMakeRecordings, "needs Debian python3-rosbag")("noros record", () => {
  let rec: Recordings;
  let tmp: { dir: string; remove(): void };
  const servers: PlayServer[] = [];
  beforeAll(() => {
    rec = makeRecordings();
    tmp = tempDir();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    rec.remove();
    tmp.remove();
  });

  async function serve(file = rec.files.bz2, options: { loop?: boolean } = {}) {
    const server = await startPlayServer({
      file,
      port: 0,
      rate: Infinity,
      start: "manual",
      ...options,
    });
    servers.push(server);
    return server;
  }

  /** Starts recording and playback once the recorder subscribed to `topics`. */
  async function recordPlayback(
    server: PlayServer,
    options: Omit<RecordOptions, "url">,
    topics: string[],
  ) {
    const recording = record({ url: server.url, ...options });
    await Promise.all(topics.map((t) => server.subscribed(t)));
    server.start();
    return recording;
  }

  async function fileMessages(file: string) {
    const source = await openMessageSource(file);
    try {
      const out: [string, string, string][] = [];
      for await (const m of source.messages())
        out.push([m.topic, m.receiveTime.toString(), sha1(m.data)]);
      return { out, channels: source.channels };
    } finally {
      await source.close();
    }
  }

  const allTopics = ["/camera/image_raw", "/chatter", "/counter", "/imu", "/tf_static"];

  it("records every message with its schema to a ros1 MCAP, finished and renamed from .part", async () => {
    const server = await serve();
    const out = path.join(tmp.dir, "all.mcap");
    const progress: number[] = [];
    const result = await recordPlayback(
      server,
      {
        out,
        limit: rec.messages.length,
        onProgress: (p) => progress.push(p.messages),
        progressIntervalMs: 1,
      },
      allTopics,
    );
    expect(result).toMatchObject({
      path: out,
      messages: rec.messages.length,
      endedBy: "limit",
      missingTopics: [],
    });
    expect(result.messagesByTopic.get("/imu")).toBe(50);
    expect(existsSync(`${out}.part`)).toBe(false);

    const { out: messages, channels } = await fileMessages(out);
    expect(messages).toEqual(rec.messages);
    for (const channel of server.channels) {
      expect(channels.find((c) => c.topic === channel.topic)).toMatchObject({
        schemaName: channel.schemaName,
        schema: channel.schema,
      });
    }

    // The MCAP itself: ros1 profile, ros1msg schemas, ros1 messages, CRCs valid, statistics.
    const handle = await open(out, "r");
    try {
      const reader = await McapIndexedReader.Initialize({
        readable: new FileHandleReadable(handle),
      });
      expect(reader.header.profile).toBe("ros1");
      expect([...reader.schemasById.values()].every((s) => s.encoding === "ros1msg")).toBe(true);
      expect([...reader.channelsById.values()].every((c) => c.messageEncoding === "ros1")).toBe(
        true,
      );
      expect(reader.statistics?.messageCount).toBe(BigInt(rec.messages.length));
      let n = 0;
      for await (const _ of reader.readMessages({ validateCrcs: true })) n++;
      expect(n).toBe(rec.messages.length);
    } finally {
      await handle.close();
    }
  });

  it("plays the recorded MCAP back as the same messages (record -> file -> play)", async () => {
    const first = await serve();
    const out = path.join(tmp.dir, "roundtrip.mcap");
    await recordPlayback(first, { out, limit: rec.messages.length }, allTopics);

    const second = await serve(out);
    expect(second.channels.find((c) => c.topic === "/imu")?.schemaName).toBe("sensor_msgs/Imu");
    const client = await ProbeClient.connect(second.url);
    try {
      for (const topic of allTopics) client.subscribe(topic);
      await Promise.all(allTopics.map((t) => second.subscribed(t)));
      second.start();
      await client.until(() => client.received.length === rec.messages.length);
      expect(client.received.map((m) => [m.topic, m.receiveTime.toString(), sha1(m.data)])).toEqual(
        rec.messages,
      );
      // The recording has no latching flags; /tf_static is latched by convention all the same.
      const late = await ProbeClient.connect(second.url);
      try {
        late.subscribe("/tf_static");
        await late.until(() => late.received.length === 1);
      } finally {
        await late.close();
      }
    } finally {
      await client.close();
    }
  });

  it("on abort writes every message received so far and finishes the file", async () => {
    const server = await serve(rec.files.none, { loop: true });
    const out = path.join(tmp.dir, "aborted.mcap");
    const abort = new AbortController();
    const recording = recordPlayback(
      server,
      {
        out,
        topics: ["/imu", "/chatter"],
        signal: abort.signal,
        progressIntervalMs: 5,
        onProgress: (p) => {
          if (p.messages > 500) abort.abort();
        },
      },
      ["/imu", "/chatter"],
    );
    const result = await recording;
    expect(result.endedBy).toBe("signal");
    expect(result.messages).toBeGreaterThan(500);
    const { out: messages } = await fileMessages(out);
    expect(messages).toHaveLength(result.messages);
    expect(new Set(messages.map(([t]) => t))).toEqual(new Set(["/imu", "/chatter"]));
  });

  it("without reconnect, keeps what it got when the bridge goes away", async () => {
    const server = await serve(rec.files.none, { loop: true });
    const out = path.join(tmp.dir, "lost.mcap");
    let closing: Promise<void> | undefined;
    const result = await recordPlayback(
      server,
      {
        out,
        topics: ["/imu"],
        reconnect: false,
        progressIntervalMs: 5,
        onProgress: (p) => {
          if (p.messages > 200) closing ??= server.close();
        },
      },
      ["/imu"],
    );
    await closing;
    expect(result.endedBy).toBe("disconnect");
    expect(result.disconnect?.code).toBe(1001);
    const { out: messages } = await fileMessages(out);
    expect(messages).toHaveLength(result.messages);
  });

  it("goes on recording across a bridge restart", async () => {
    const first = await serve(rec.files.none);
    const port = first.port;
    const out = path.join(tmp.dir, "restart.mcap");
    const warnings: string[] = [];
    let recorded = 0;
    const abort = new AbortController();
    const recording = recordPlayback(
      first,
      {
        out,
        topics: ["/chatter"],
        signal: abort.signal,
        onWarning: (w) => warnings.push(w),
        progressIntervalMs: 5,
        onProgress: (p) => (recorded = p.messages),
      },
      ["/chatter"],
    );
    await first.finished;
    while (recorded < 20) await new Promise((r) => setTimeout(r, 5));
    await first.close();
    // The same address comes back (new channel ids, new session): the client subscribes again.
    const second = await startPlayServer({
      file: rec.files.lz4,
      port,
      rate: Infinity,
      start: "manual",
    });
    servers.push(second);
    await second.subscribed("/chatter");
    second.start();
    while (recorded < 40) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    const result = await recording;
    expect(warnings[0]).toMatch(
      /^connection to ws:\/\/127\.0\.0\.1:\d+ lost \(code 1001\); reconnecting$/,
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(/^reconnected to .* \(a new bridge session\)$/),
    );
    expect(result).toMatchObject({ endedBy: "signal", messages: 40 });
    const { out: messages } = await fileMessages(out);
    const chatter = rec.messages.filter(([t]) => t === "/chatter");
    // Both passes have the same receive times: compare as sorted lists.
    expect([...messages].sort()).toEqual([...chatter, ...chatter].sort());
  });

  it("reports requested topics that never appeared", async () => {
    const server = await serve();
    const out = path.join(tmp.dir, "missing.mcap");
    const result = await recordPlayback(server, { out, topics: ["/chatter", "/nope"], limit: 20 }, [
      "/chatter",
    ]);
    expect(result.missingTopics).toEqual(["/nope"]);
    expect((await fileMessages(out)).out).toEqual(rec.messages.filter(([t]) => t === "/chatter"));
  });

  it("fails clearly, creating no file, when the bridge is unreachable", async () => {
    const server = await serve();
    const port = server.port;
    await server.close();
    const out = path.join(tmp.dir, "never.mcap");
    const error = await record({ url: `ws://127.0.0.1:${port}`, out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `cannot reach bridge at ws://127.0.0.1:${port}: connection refused; is foxglove_bridge (or \`noros play\`) running there?`,
    );
    expect(existsSync(out) || existsSync(`${out}.part`)).toBe(false);
  });
});
