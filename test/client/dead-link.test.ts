/**
 * Links that die without a word (cable pulled, Wi-Fi roam, frozen server: no FIN, no RST), shown
 * by a TCP proxy that stops forwarding while keeping both sockets open; and frames over the
 * client's size limit.
 */
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocket as NodeWebSocket } from "ws";

import type { RosClient, WebSocketConstructor } from "../../runtime/client/index.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { DEFINITIONS } from "./helpers/definitions.js";
import { newClient, referenceReader, referenceWriter, until } from "./helpers/harness.js";

const STRING = DEFINITIONS["std_msgs/String"];
const writeString = referenceWriter(STRING);
const readString = referenceReader(STRING);

/** Forwards TCP to `target`; `freeze()` stops the current connections dead, new ones still pass. */
class FreezableProxy {
  readonly #server: net.Server;
  /** Open pairs [client side, upstream side]; frozen ones stay here until `close()`. */
  readonly #pairs = new Set<[net.Socket, net.Socket]>();

  constructor(
    server: net.Server,
    readonly url: string,
  ) {
    this.#server = server;
  }

  /**
   * `downstreamBytesPerTick`: server-to-client bytes passed every 10 ms (a slow link), or
   * undefined for full speed.
   */
  static async start(targetPort: number, downstreamBytesPerTick?: number): Promise<FreezableProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new FreezableProxy(
      server,
      `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    server.on("connection", (client) => {
      const upstream = net.connect(targetPort, "127.0.0.1");
      const pair: [net.Socket, net.Socket] = [client, upstream];
      proxy.#pairs.add(pair);
      client.pipe(upstream);
      if (downstreamBytesPerTick === undefined) upstream.pipe(client);
      else throttle(upstream, client, downstreamBytesPerTick);
      const end = () => {
        proxy.#pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on("error", end).on("close", end);
      upstream.on("error", end).on("close", end);
    });
    return proxy;
  }

  /** Nothing passes any more on the open connections, and nothing closes them. */
  freeze(): void {
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Copies `from` to `to` at `bytesPerTick` bytes every 10 ms. */
function throttle(from: net.Socket, to: net.Socket, bytesPerTick: number): void {
  let pending = Buffer.alloc(0);
  from.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
  });
  const timer = setInterval(() => {
    if (pending.length === 0 || to.destroyed) return;
    to.write(pending.subarray(0, bytesPerTick));
    pending = pending.subarray(bytesPerTick);
  }, 10);
  from.on("close", () => clearInterval(timer));
  to.on("close", () => clearInterval(timer));
}

describe("dead links", () => {
  const clients: RosClient[] = [];
  const servers: BridgeServer[] = [];
  const proxies: FreezableProxy[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function setup(options: Parameters<typeof newClient>[1], bytesPerTick?: number) {
    const server = await BridgeServer.start();
    servers.push(server);
    const proxy = await FreezableProxy.start(server.port, bytesPerTick);
    proxies.push(proxy);
    const { client, events } = newClient(proxy.url, options);
    clients.push(client);
    await client.connected();
    return { server, proxy, client, events };
  }

  it("notices a link that went silent, drops it and reconnects, with the default heartbeat", async () => {
    const { server, proxy, client, events } = await setup({});
    const channel = server.addTopic("/chatter", "std_msgs/String", STRING.text);
    const got: string[] = [];
    client.subscribe("/chatter", "std_msgs/String", (m) => got.push(m.data));
    await server.waitFor(() => server.subscribed.has(channel), "the subscription");
    server.publish(channel, writeString({ data: "before" }));
    await until(() => got.length === 1, "the first message");

    proxy.freeze();
    const frozenAt = Date.now();
    // Default: dead after 5 s without anything (a ping every second gets no pong).
    await until(() => events.disconnects.length === 1, "the dead link to be noticed", 30000);
    const noticedAfterMs = Date.now() - frozenAt;
    expect(noticedAfterMs).toBeGreaterThanOrEqual(4900);
    expect(events.disconnects[0]).toMatchObject({ code: 4001, reason: "dead link" });
    expect(events.disconnects[0]?.error?.message).toMatch(
      /^connection to ws:\/\/127\.0\.0\.1:\d+: no data from the server for \d+ ms \(dead link\)$/,
    );
    // A new connection (through the proxy, which passes new ones) and the subscription again.
    await until(() => events.connects.length === 2, "the reconnection", 10000);
    await server.waitFor(() => server.connectionCount === 2, "the new socket", 10000);
    // The frozen socket's subscription still counts on the server: publish until one arrives.
    const feed = setInterval(() => server.publish(channel, writeString({ data: "after" })), 50);
    try {
      await until(() => got.includes("after"), "a message on the new socket", 10000);
    } finally {
      clearInterval(feed);
    }
    expect(events.errors).toEqual([]);
  }, 60000);

  it("keeps a quiet but live link: pings are answered", async () => {
    const { events } = await setup({ heartbeat: { intervalMs: 50, timeoutMs: 300 } });
    // Nothing is published, only pongs come back: five timeouts' worth of silence is no drop.
    const started = Date.now();
    await until(() => Date.now() - started > 1500, "time to pass", 5000);
    expect(events.disconnects).toEqual([]);
  });

  it("keeps a slow link that is busy with a big message (its pong queues behind it)", async () => {
    // 1.6 MB/s: the 4 MB message takes about 2.5 s, five times the dead-link timeout.
    const { server, client, events } = await setup(
      { heartbeat: { intervalMs: 100, timeoutMs: 500 } },
      16 * 1024,
    );
    const channel = server.addTopic("/cloud", "std_msgs/String", STRING.text);
    const sizes: number[] = [];
    client.subscribeRaw("/cloud", "std_msgs/String", (bytes) => sizes.push(bytes.byteLength));
    await server.waitFor(() => server.subscribed.has(channel), "the subscription");
    server.publish(channel, writeString({ data: "x".repeat(4_000_000) }));
    await until(() => sizes.length === 1, "the big message", 30000);
    expect(events.disconnects).toEqual([]);
  }, 60000);

  it("in a browser (no ping), takes silence for a dead link only when asked to", async () => {
    // The standard WebSocket API: no ping, no pong event, no terminate.
    class BrowserLike {
      readonly #ws: NodeWebSocket;
      constructor(url: string, protocols: string[]) {
        this.#ws = new NodeWebSocket(url, protocols);
      }
      get readyState() {
        return this.#ws.readyState;
      }
      get protocol() {
        return this.#ws.protocol;
      }
      get bufferedAmount() {
        return this.#ws.bufferedAmount;
      }
      set binaryType(type: string) {
        this.#ws.binaryType = type as "arraybuffer";
      }
      set onopen(f: never) {
        this.#ws.onopen = f;
      }
      set onclose(f: never) {
        this.#ws.onclose = f;
      }
      set onerror(f: never) {
        this.#ws.onerror = f;
      }
      set onmessage(f: never) {
        this.#ws.onmessage = f;
      }
      send(data: never) {
        this.#ws.send(data);
      }
      close(code?: number, reason?: string) {
        this.#ws.close(code, reason);
      }
    }
    const { proxy, events } = await setup({
      WebSocket: BrowserLike as unknown as WebSocketConstructor,
      heartbeat: { silenceTimeoutMs: 400 },
    });
    proxy.freeze();
    await until(() => events.disconnects.length === 1, "silence to count as a dead link", 10000);
    expect(events.disconnects[0]).toMatchObject({ code: 4001 });
  });
});

describe("frames over maxPayloadBytes", () => {
  const clients: RosClient[] = [];
  const servers: BridgeServer[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("are dropped with an error naming topic and size; the connection and delivery go on", async () => {
    const server = await BridgeServer.start();
    servers.push(server);
    const { client, events } = newClient(server.url, { maxPayloadBytes: 10_000 });
    clients.push(client);
    const channel = server.addTopic("/big", "std_msgs/String", STRING.text);
    const got: string[] = [];
    client.subscribe("/big", "std_msgs/String", (m) => got.push(m.data));
    await server.waitFor(() => server.subscribed.has(channel), "the subscription");
    const big = "x".repeat(20_000);
    server.publish(channel, writeString({ data: big }));
    server.publish(channel, writeString({ data: "small" }));
    await until(() => got.includes("small"), "the next message");
    expect(got).toEqual(["small"]);
    expect(events.errors.map((e) => [e.kind, e.message, e.context.topic])).toEqual([
      ["limit", "dropped a message on /big of 20017 bytes: over maxPayloadBytes (10000)", "/big"],
    ]);
    expect(events.disconnects).toEqual([]);
    expect(readString(writeString({ data: "small" }))).toEqual({ data: "small" });
  });

  it("passes frames over ws's 100 MiB default when the limit is raised", async () => {
    const server = await BridgeServer.start();
    servers.push(server);
    const { client, events } = newClient(server.url, { maxPayloadBytes: 120 * 1024 * 1024 });
    clients.push(client);
    const channel = server.addTopic("/cloud", "std_msgs/String", STRING.text);
    const sizes: number[] = [];
    client.subscribeRaw("/cloud", "std_msgs/String", (bytes) => sizes.push(bytes.byteLength));
    await server.waitFor(() => server.subscribed.has(channel), "the subscription");
    const payload = new Uint8Array(101 * 1024 * 1024 + 4);
    new DataView(payload.buffer).setUint32(0, payload.byteLength - 4, true);
    server.publish(channel, payload);
    await until(() => sizes.length === 1, "the big message", 30000);
    expect(sizes).toEqual([payload.byteLength]);
    expect(events.disconnects).toEqual([]);
    expect(events.errors).toEqual([]);
  }, 60000);
});
