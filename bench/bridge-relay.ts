/**
 * `noros bridge` relay cost, part of `npm run bench` (alone: `node dist/bench/bridge-relay.js
 * [--quick]` after `npm run build`; needs Debian's roscore): what
 * `noros bridge` costs to relay, measured on the bridge process alone. A publisher node (this
 * process, TCPROS from tools/ros-bridge) sends an Imu-sized message at 2 kHz and a 1080p rgb8
 * image (6.2 MB) at 30 Hz; the built `noros bridge` runs as a child process and relays to a
 * WebSocket client in this process that counts frames without decoding. The bridge's CPU time
 * comes from /proc/<pid>/stat, so the publisher and client do not count. Also: the bridge's
 * memory while a client stops reading the image topic.
 * Not part of `npm test`: performance is measured here, never asserted.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import WebSocket from "ws";

import { RosClient } from "../runtime/client/index.js";
import { rosWebSocket } from "../tools/ros-bridge/in-process.js";
import { RosNode } from "../tools/ros-bridge/node.js";
import { xmlRpcCall } from "../tools/ros-bridge/xmlrpc.js";

const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const PAGE_KB = 4;

interface Case {
  name: string;
  topic: string;
  type: string;
  md5sum: string;
  definition: string;
  bytes: number;
  rateHz: number;
  seconds: number;
}

/** `--quick`: 2 s per case and 3 s of slow client (CI smoke runs). */
const QUICK = process.argv.includes("--quick");
const SECONDS = QUICK ? 2 : 5;
const SLOW_SECONDS = QUICK ? 3 : 10;

const CASES: Case[] = [
  {
    name: "Imu at 2 kHz",
    topic: "/bench/imu",
    type: "sensor_msgs/Imu",
    md5sum: "",
    definition: "",
    bytes: 320, // sensor_msgs/Imu with an 8-character frame id
    rateHz: 2000,
    seconds: SECONDS,
  },
  {
    name: "1080p rgb8 at 30 Hz",
    topic: "/bench/image",
    type: "sensor_msgs/Image",
    md5sum: "",
    definition: "",
    bytes: 1920 * 1080 * 3 + 60,
    rateHz: 30,
    seconds: SECONDS,
  },
];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** utime + stime of a process, in seconds, and its resident memory in MB. */
function usage(pid: number): { cpu: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  const rssMb = (Number(fields[21]) * PAGE_KB) / 1024;
  return { cpu, rssMb };
}

async function main(): Promise<void> {
  const port = await freePort();
  const masterUri = `http://localhost:${port}`;
  const rosHome = mkdtempSync(path.join(os.tmpdir(), "noros-bench-"));
  const env = {
    PATH: "/usr/bin:/bin",
    LANG: "C.UTF-8",
    ROS_MASTER_URI: masterUri,
    ROS_HOSTNAME: "localhost",
    ROS_HOME: rosHome,
  };
  const children: ChildProcess[] = [];
  const roscore = spawn("roscore", ["-p", String(port)], { env, stdio: "ignore" });
  children.push(roscore);
  let publisher: RosNode | undefined;
  try {
    await until("roscore", () =>
      xmlRpcCall(masterUri, "getPid", ["/bench"], 1000).then(
        () => true,
        () => false,
      ),
    );
    const generated = await import("../generated/index.js");
    const codecs = generated.codecs as unknown as Record<
      string,
      { definition: string; md5sum: string }
    >;
    for (const c of CASES) {
      c.definition = codecs[c.type]!.definition;
      c.md5sum = codecs[c.type]!.md5sum;
    }

    publisher = new RosNode(
      { name: "/bench_publisher", masterUri, advertiseHost: "localhost", listenHost: "127.0.0.1" },
      {
        message: () => undefined,
        paramUpdate: () => undefined,
        shutdownRequested: () => undefined,
        warning: (text) => console.error(`publisher: ${text}`),
      },
    );
    await publisher.start();
    const publications = new Map<string, Awaited<ReturnType<RosNode["advertise"]>>>();
    for (const c of CASES) {
      publications.set(c.topic, await publisher.advertise({ ...c, latching: false }));
    }

    const wsPort = await freePort();
    const bridge = spawn(
      process.execPath,
      [path.join(REPO_ROOT, "bin", "noros.js"), "bridge", "--port", String(wsPort)],
      { env, stdio: ["ignore", "ignore", "pipe"] },
    );
    children.push(bridge);
    let bridgeLog = "";
    bridge.stderr!.on("data", (d: Buffer) => (bridgeLog += d.toString()));
    await until("the bridge", () => bridgeLog.includes("serving"));

    const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, ["foxglove.websocket.v1"]);
    const channels = new Map<string, number>();
    const received = new Map<number, number>();
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        const message = JSON.parse(data.toString()) as {
          op: string;
          channels?: { id: number; topic: string }[];
        };
        for (const c of message.channels ?? []) channels.set(c.topic, c.id);
        return;
      }
      const subscription = data.readUInt32LE(1);
      received.set(subscription, (received.get(subscription) ?? 0) + 1);
    });
    await until("channels", () => CASES.every((c) => channels.has(c.topic)));

    console.log(`noros bridge relay cost (bridge process CPU), ${os.cpus()[0]?.model.trim()}`);
    console.log(
      "| case | sent | relayed | bridge CPU per message | bridge CPU per MB | bridge RSS |",
    );
    console.log("|---|---|---|---|---|---|");
    for (const [index, c] of CASES.entries()) {
      const subscriptionId = index + 1;
      ws.send(
        JSON.stringify({
          op: "subscribe",
          subscriptions: [{ id: subscriptionId, channelId: channels.get(c.topic) }],
        }),
      );
      const publication = publications.get(c.topic)!;
      await until("the bridge to connect", () => publication.subscribers.size > 0);
      await sleep(500);
      const payload = new Uint8Array(c.bytes);
      const before = usage(bridge.pid!);
      const total = c.rateHz * c.seconds;
      const start = performance.now();
      for (let i = 0; i < total; i++) {
        publication.publish(payload);
        const due = start + ((i + 1) * 1000) / c.rateHz;
        const wait = due - performance.now();
        if (wait >= 1) await sleep(wait);
        else if (i % 64 === 0) await new Promise((r) => setImmediate(r));
      }
      await until(
        "the last messages",
        () => (received.get(subscriptionId) ?? 0) >= total,
        30000,
      ).catch(() => undefined);
      const after = usage(bridge.pid!);
      const relayed = received.get(subscriptionId) ?? 0;
      const cpu = after.cpu - before.cpu;
      const mb = (relayed * c.bytes) / 1e6;
      console.log(
        `| ${c.name} | ${total} | ${relayed} | ${((cpu / Math.max(relayed, 1)) * 1e6).toFixed(1)} µs | ${((cpu / Math.max(mb, 1e-9)) * 1e3).toFixed(2)} ms | ${after.rssMb.toFixed(0)} MB |`,
      );
      ws.send(JSON.stringify({ op: "unsubscribe", subscriptionIds: [subscriptionId] }));
    }

    // Side by side: the whole pipeline (publisher, bridge, RosClient raw subscription) over a
    // WebSocket to the bridge process, and with the bridge core in this process (ros://).
    console.log(
      "\nwhole pipeline CPU (publisher + bridge + RosClient subscribeRaw), socket vs in process",
    );
    console.log("| case | path | relayed | CPU per message | CPU per MB |");
    console.log("|---|---|---|---|---|");
    const paths: [string, () => RosClient, boolean][] = [
      ["ws:// to `noros bridge`", () => new RosClient(`ws://127.0.0.1:${wsPort}`), true],
      [
        "ros:// in process",
        () =>
          new RosClient(`ros://localhost:${port}`, {
            WebSocket: rosWebSocket({ env, name: "/bench_in_process", discoveryIntervalMs: 500 }),
          }),
        false,
      ],
    ];
    for (const [label, makeClient, external] of paths) {
      const client = makeClient();
      try {
        for (const c of CASES) {
          let count = 0;
          const subscription = client.subscribeRaw(c.topic, c.type, () => count++);
          const publication = publications.get(c.topic)!;
          const payload = new Uint8Array(c.bytes);
          // Warm up until messages flow through this path.
          await until(
            `${label} ${c.topic}`,
            async () => {
              publication.publish(payload);
              await sleep(50);
              return count > 0;
            },
            60000,
          );
          await sleep(300);
          count = 0;
          const total = c.rateHz * c.seconds;
          const cpuBefore = process.cpuUsage();
          const bridgeBefore = external ? usage(bridge.pid!).cpu : 0;
          const start = performance.now();
          for (let i = 0; i < total; i++) {
            publication.publish(payload);
            const wait = start + ((i + 1) * 1000) / c.rateHz - performance.now();
            if (wait >= 1) await sleep(wait);
            else if (i % 64 === 0) await new Promise((r) => setImmediate(r));
          }
          await until("the last messages", () => count >= total, 30000).catch(() => undefined);
          const own = process.cpuUsage(cpuBefore);
          const cpu =
            (own.user + own.system) / 1e6 + (external ? usage(bridge.pid!).cpu - bridgeBefore : 0);
          const mb = (count * c.bytes) / 1e6;
          console.log(
            `| ${c.name} | ${label} | ${count}/${total} | ${((cpu / Math.max(count, 1)) * 1e6).toFixed(1)} µs | ${((cpu / Math.max(mb, 1e-9)) * 1e3).toFixed(2)} ms |`,
          );
          subscription.unsubscribe();
          await sleep(300);
        }
      } finally {
        await client.close();
      }
    }

    // Memory under a client that stops reading: 10 s of the image topic into a paused socket.
    const slow = CASES[1]!;
    ws.send(
      JSON.stringify({
        op: "subscribe",
        subscriptions: [{ id: 99, channelId: channels.get(slow.topic) }],
      }),
    );
    await sleep(500);
    ws.pause();
    const publication = publications.get(slow.topic)!;
    const payload = new Uint8Array(slow.bytes);
    let peak = 0;
    for (let i = 0; i < slow.rateHz * SLOW_SECONDS; i++) {
      publication.publish(payload);
      peak = Math.max(peak, usage(bridge.pid!).rssMb);
      await sleep(1000 / slow.rateHz);
    }
    console.log(
      `\nslow client (stopped reading ${slow.name} for ${SLOW_SECONDS} s, ${((slow.bytes * slow.rateHz * SLOW_SECONDS) / 1e6).toFixed(0)} MB sent): bridge peak RSS ${peak.toFixed(0)} MB`,
    );
    ws.terminate();
  } finally {
    await publisher?.shutdown().catch(() => undefined);
    for (const child of children.reverse()) {
      child.kill("SIGINT");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    rmSync(rosHome, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
