/**
 * Shared pieces of the `noros` tool tests: bags written by Debian's python3-rosbag, and a plain
 * Foxglove WebSocket client (from @foxglove/ws-protocol) to look at what a server sends.
 */
import {
  FoxgloveClient,
  FoxgloveServer,
  type Channel,
  type IWebSocket,
  type ServerInfo,
} from "@foxglove/ws-protocol";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import WebSocket, { WebSocketServer } from "ws";

import { main } from "../../tools/cli.js";
import { ROS_PYTHON, canRunPython, rosEnv } from "../helpers/env.js";

/** `noros ...args` in-process, with what it writes captured. */
export async function runNoros(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const code = await main(args, {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    signal: new AbortController().signal,
    env: {},
  });
  return { code, ...out };
}

/** A child process whose output is collected; `exited` resolves with its exit code. */
export function spawnCollecting(command: string, args: string[], cwd: string) {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => resolve(code)),
  );
  return { child, out, exited };
}

export const canMakeRecordings = canRunPython(path.join(__dirname, "make-recordings.py"), "roslz4");

export interface Recordings {
  dir: string;
  files: { none: string; bz2: string; lz4: string };
  /** [topic, receive time ns, sha1 of the raw bytes], as python3-rosbag reads them back. */
  messages: [string, string, string][];
  remove(): void;
}

/** Writes the test bags (plain, bz2, lz4; same content) into a fresh temporary folder. */
export function makeRecordings(): Recordings {
  const dir = mkdtempSync(path.join(tmpdir(), "noros-tools-"));
  const out = execFileSync(ROS_PYTHON, [path.join(__dirname, "make-recordings.py"), dir], {
    env: rosEnv,
    encoding: "utf8",
  });
  const parsed = JSON.parse(out) as Omit<Recordings, "dir" | "remove">;
  return { ...parsed, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sha1(bytes: Uint8Array): string {
  return createHash("sha1").update(bytes).digest("hex");
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "noros-tools-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Received {
  topic: string;
  receiveTime: bigint;
  data: Uint8Array;
}

/** A raw protocol client that records everything the server sends. */
export class ProbeClient {
  readonly channels = new Map<number, Channel>();
  readonly received: Received[] = [];
  readonly texts: { op: string; [key: string]: unknown }[] = [];
  readonly #bySubscription = new Map<number, Channel>();
  #waiters: (() => void)[] = [];

  serverInfo!: ServerInfo;

  private constructor(
    readonly ws: WebSocket,
    readonly client: FoxgloveClient,
  ) {
    client.on("serverInfo", (info) => (this.serverInfo = info));
    client.on("advertise", (channels) => channels.forEach((c) => this.channels.set(c.id, c)));
    client.on("message", ({ subscriptionId, timestamp, data }) => {
      const channel = this.#bySubscription.get(subscriptionId);
      this.received.push({
        topic: channel?.topic ?? `?${subscriptionId}`,
        receiveTime: timestamp,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
      });
      this.#wake();
    });
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.texts.push(JSON.parse(String(data)) as { op: string });
      this.#wake();
    });
  }

  static async connect(url: string): Promise<ProbeClient> {
    const ws = new WebSocket(url, ["foxglove.websocket.v1", "foxglove.sdk.v1"]);
    const probe = new ProbeClient(ws, new FoxgloveClient({ ws: ws as unknown as IWebSocket }));
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    // serverInfo, then the advertisement of the channels.
    await probe.until(() => probe.texts.some((t) => t.op === "advertise"));
    return probe;
  }

  channel(topic: string): Channel {
    const channel = [...this.channels.values()].find((c) => c.topic === topic);
    if (channel === undefined) throw new Error(`no channel ${topic}`);
    return channel;
  }

  subscribe(topic: string): number {
    const channel = this.channel(topic);
    const id = this.client.subscribe(channel.id);
    this.#bySubscription.set(id, channel);
    return id;
  }

  /** Resolves when `condition` holds (checked on every frame), rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 10000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== check);
        resolve();
      };
      this.#waiters.push(check);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }
}

/**
 * A real `FoxgloveServer` on an ephemeral port, set up like foxglove_bridge 0.8.5 (ros1, the
 * bridge's capabilities), for what `noros play` does not offer (services).
 */
export async function startBridgeLikeServer(): Promise<{
  server: FoxgloveServer;
  url: string;
  close(): Promise<void>;
}> {
  const server = new FoxgloveServer({
    name: "foxglove_bridge",
    capabilities: [
      "clientPublish",
      "connectionGraph",
      "parametersSubscribe",
      "parameters",
      "services",
      "assets",
    ],
    supportedEncodings: ["ros1"],
    metadata: { ROS_DISTRO: "noetic" },
  });
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (protocols) => server.handleProtocols(protocols),
  });
  await new Promise((resolve) => wss.once("listening", resolve));
  wss.on("connection", (ws, req) =>
    server.handleConnection(ws as unknown as IWebSocket, `${req.socket.remotePort}`),
  );
  const address = wss.address() as { port: number };
  return {
    server,
    url: `ws://127.0.0.1:${address.port}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}
