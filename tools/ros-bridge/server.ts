/**
 * `startBridge`: a ROS 1 node in plain Node that serves the Foxglove WebSocket protocol the way
 * foxglove_bridge 0.8.5 does, so every Foxglove-protocol client reaches a ROS master without
 * Docker or C++.
 *
 * - Discovery polls the master (`getSystemState`, `getTopicTypes`) every `discoveryIntervalMs`:
 *   one channel per (topic, type) with publishers, `encoding: "ros1"`, the publisher's full
 *   definition read from its TCPROS connection header, no `schemaEncoding`; services with the
 *   legacy `requestSchema`/`responseSchema`, type and md5 from a TCPROS probe of the provider.
 * - The first client subscription to a channel subscribes on ROS; the last unsubscription
 *   drops it. Payloads are relayed as received (never decoded), stamped with the receive time.
 *   A client with more than 10 MB queued misses messages and gets one warning status.
 * - Client publishing creates a real ROS publisher (latched when the advertisement says
 *   `latching: true`); service calls go to the provider over TCPROS; parameters and parameter
 *   subscriptions go to the master; the connection graph mirrors the master's system state.
 * - The master restarting (a new `/run_id`) makes the node register everything again; an
 *   unreachable master is reported once (log line and status) and retried with backoff while
 *   the WebSocket side stays up.
 */
import { StatusLevel } from "@foxglove/ws-protocol";
import { randomUUID } from "node:crypto";
import * as os from "node:os";
import type { WebSocket } from "ws";

import { compileCodec } from "../../runtime/codec/compile.js";
import { UserError, errorMessage } from "../errors.js";
import { ClientTracker, type AdvertisedChannel, type PlayClient } from "../play/clients.js";
import { FoxgloveServer } from "../ws-protocol.js";
import { listen } from "../listen.js";
import { asProtocolSocket, sendToSubscriber } from "../message-data.js";
import { nowNs } from "./clock.js";
import type { ServerEnd } from "./in-process.js";
import { DefinitionLibrary, hasDefinitions, installedShareDirs } from "./definitions.js";
import { ConnectionGraph } from "./graph.js";
import { MasterRefused } from "./master.js";
import { RosNode } from "./node.js";
import { ParameterBridge } from "./parameters.js";
import type { Publication } from "./publisher.js";
import { ServiceCallFailed, callService, probeService } from "./services.js";
import { TopicProber } from "./topics.js";

export interface BridgeOptions {
  /** Default `$ROS_MASTER_URI`, then http://localhost:11311. */
  readonly masterUri?: string;
  /** WebSocket port; 0 picks a free one. Default 8765. */
  readonly port?: number;
  /** WebSocket listen address. Default 127.0.0.1. */
  readonly host?: string;
  /** ROS node name. Default /noros_bridge. */
  readonly name?: string;
  /** Host other ROS nodes use to reach this node. Default `$ROS_HOSTNAME`, `$ROS_IP`, hostname. */
  readonly advertiseHost?: string;
  /** Only topics, services, parameters whose names match. */
  readonly topics?: RegExp;
  readonly services?: RegExp;
  readonly params?: RegExp;
  /** Folders with message packages, for client publishing and service definitions. */
  readonly msgs?: readonly string[];
  /** How often the master is polled. Default 2000 ms. */
  readonly discoveryIntervalMs?: number;
  /** Time limit of one service call. Default 10 s. */
  readonly serviceTimeoutMs?: number;
  /** Listen for WebSocket clients (default true); false serves in-process clients only. */
  readonly listen?: boolean;
  /** Environment for the defaults (tests pass their own). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where warnings and state changes go (one line each). Default: nowhere. */
  readonly log?: (line: string) => void;
}

export interface BridgeChannel {
  readonly id: number;
  readonly topic: string;
  readonly schemaName: string;
  readonly schema: string;
}

export interface BridgeService {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly md5sum: string;
}

export interface Bridge {
  /** ws://host:port ("" with `listen: false`) */
  readonly url: string;
  readonly port: number;
  readonly masterUri: string;
  /** The ROS node's name and XML-RPC URI. */
  readonly nodeName: string;
  readonly nodeApi: string;
  channels(): BridgeChannel[];
  services(): BridgeService[];
  /** Resolves after the next complete discovery cycle (master reachable or not). */
  discovered(): Promise<void>;
  /** True while the master answers. */
  readonly masterReachable: boolean;
  /** Resolves with the reason when the bridge stopped (close(), `rosnode kill`). */
  readonly closed: Promise<string>;
  /** Unregisters from the master, closes every client connection and the listeners. */
  close(reason?: string): Promise<void>;
  /** Serves one in-memory connection (see in-process.ts: `rosWebSocket`). */
  acceptInProcess(end: ServerEnd, name: string): void;
}

const CLOSE_GRACE_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

/** ROS's rules for the host other nodes connect back to. */
export function rosAdvertiseHost(env: Readonly<Record<string, string | undefined>>): string {
  return env.ROS_HOSTNAME || env.ROS_IP || os.hostname();
}

export async function startBridge(options: BridgeOptions = {}): Promise<Bridge> {
  const env = options.env ?? process.env;
  const masterUri = options.masterUri ?? (env.ROS_MASTER_URI || "http://localhost:11311");
  if (!/^https?:\/\/[^/]+/.test(masterUri)) {
    throw new UserError(`--master must be an http:// URI, got ${JSON.stringify(masterUri)}`, 2);
  }
  const name = options.name ?? "/noros_bridge";
  if (!/^\/?[A-Za-z][\w/]*$/.test(name)) {
    throw new UserError(`--name must be a ROS node name such as /noros_bridge, got "${name}"`, 2);
  }
  const nodeName = name.startsWith("/") ? name : `/${name}`;
  const advertiseHost = options.advertiseHost ?? rosAdvertiseHost(env);
  const userLog = options.log ?? (() => undefined);
  const interval = options.discoveryIntervalMs ?? 2000;
  const wantTopic = (t: string) => options.topics?.test(t) ?? true;
  const wantService = (s: string) => options.services?.test(s) ?? true;
  const wantParam = (p: string) => options.params?.test(p) ?? true;

  for (const dir of options.msgs ?? []) {
    if (!hasDefinitions(dir)) {
      throw new UserError(`--msgs ${dir}: no msg/ or srv/ folders there (or in its subfolders)`);
    }
  }
  const library = new DefinitionLibrary([...(options.msgs ?? []), ...installedShareDirs(env)]);
  await library.load();

  // Like every ROS node, the bridge publishes what it logs on /rosout (rosgraph_msgs/Log).
  let rosout: Publication | undefined;
  let rosoutSeq = 0;
  const encodeLog = library.encoder("rosgraph_msgs/Log");
  const toRosout = (level: number, text: string) => {
    if (rosout === undefined || encodeLog === undefined) return;
    const now = Date.now();
    const stamp = { sec: Math.floor(now / 1000), nsec: (now % 1000) * 1_000_000 };
    rosout.publish(
      encodeLog({
        header: { seq: ++rosoutSeq, stamp, frame_id: "" },
        level,
        name: nodeName,
        msg: text,
        file: "",
        function: "",
        line: 0,
        topics: node.publications().map((p) => p.info.topic),
      }),
    );
  };
  const log = (text: string) => {
    userLog(text);
    toRosout(2, text); // INFO
  };
  // Warnings repeat every discovery cycle while their cause lasts: say each once a minute.
  const lastSaid = new Map<string, number>();
  const warn = (text: string) => {
    const now = Date.now();
    if ((lastSaid.get(text) ?? -Infinity) > now - 60_000) return;
    lastSaid.set(text, now);
    userLog(`warning: ${text}`);
    toRosout(4, text); // WARN
  };

  let requestClose: (reason: string) => void = () => undefined;
  const node = new RosNode(
    {
      name: nodeName,
      masterUri,
      advertiseHost,
      // Listen where other nodes can reach us: everywhere unless we advertise loopback only.
      listenHost: /^(localhost|127\.|::1$)/.test(advertiseHost) ? "127.0.0.1" : "0.0.0.0",
    },
    {
      message: (topic, bytes, connection) => {
        if (simTime && topic === "/clock" && bytes.length >= 8) {
          // rosgraph_msgs/Clock: u32 sec, u32 nsec. Clients with the `time` capability follow it.
          server.broadcastTime(
            BigInt(bytes.readUInt32LE(0)) * 1_000_000_000n + BigInt(bytes.readUInt32LE(4)),
          );
        }
        deliverRos(topic, connection.header?.type ?? "", bytes);
      },
      paramUpdate: (key, value) => parameters.updated(key, value),
      shutdownRequested: (reason) => requestClose(`shutdown requested by the master: ${reason}`),
      warning: warn,
    },
  );
  await node.start();
  const logType = library.message("rosgraph_msgs/Log");
  if (logType !== undefined) {
    // Also what makes the node appear in `rosnode list` before any client subscribes.
    rosout = await node.advertise({ topic: "/rosout", ...logType, latching: false });
  }

  // What the master says before we serve: its run id (our session id) and the ROS distro.
  let runId: string | undefined;
  let distro = env.ROS_DISTRO;
  try {
    runId = String(await node.master.getParam("/run_id"));
    distro ??= String(await node.master.getParam("/rosdistro")).trim();
  } catch {
    // The master is down or has no such parameters: discovery reports and retries.
  }
  // With /use_sim_time, foxglove_bridge offers the `time` capability and broadcasts /clock.
  const simTime = await node.master.getParam("/use_sim_time").then(
    (value) => value === true,
    () => false,
  );

  const server = new FoxgloveServer({
    name: "noros bridge",
    capabilities: [
      "clientPublish",
      "connectionGraph",
      "parametersSubscribe",
      "parameters",
      "services",
      ...(simTime ? ["time"] : []),
    ],
    supportedEncodings: ["ros1"],
    metadata: distro !== undefined ? { ROS_DISTRO: distro } : {},
    sessionId: runId ?? randomUUID(),
  });
  server.on("error", () => {
    // Malformed client requests: FoxgloveServer drops them; nothing to add.
  });

  // -------------------------------------------------------------------------- channels
  const channels = new Map<string, BridgeChannel>(); // `topic\ntype`
  const channelById = new Map<number, BridgeChannel>();
  const key = (topic: string, type: string) => `${topic}\n${type}`;

  function deliverRos(topic: string, type: string, bytes: Buffer) {
    const channel = channels.get(key(topic, type));
    if (channel === undefined) return;
    const time = nowNs();
    for (const [client, subscriptionId] of tracker.subscribers(channel.id)) {
      sendToSubscriber(server, client, subscriptionId, time, bytes, "noros bridge");
    }
  }

  function addChannel(topic: string, type: string, definition: string) {
    const id = server.addChannel({ topic, encoding: "ros1", schemaName: type, schema: definition });
    const channel = { id, topic, schemaName: type, schema: definition };
    channels.set(key(topic, type), channel);
    channelById.set(id, channel);
  }

  function removeChannel(channel: BridgeChannel) {
    channels.delete(key(channel.topic, channel.schemaName));
    channelById.delete(channel.id);
    tracker.channelRemoved(channel.id);
    server.removeChannel(channel.id);
    if (![...channels.values()].some((c) => c.topic === channel.topic)) {
      release(channel.topic);
    }
  }

  /** Drops the ROS subscription of `topic` (kept for /clock while it drives the time). */
  function release(topic: string) {
    if (!(simTime && topic === "/clock")) node.unsubscribe(topic);
  }
  if (simTime) node.subscribe("/clock", "rosgraph_msgs/Clock");

  server.on("subscribe", (channelId) => {
    const channel = channelById.get(channelId);
    if (channel !== undefined) node.subscribe(channel.topic, channel.schemaName);
  });
  server.on("unsubscribe", (channelId) => {
    const channel = channelById.get(channelId);
    if (channel === undefined) return;
    const stillWanted = [...channels.values()].some(
      (c) =>
        c.topic === channel.topic &&
        c.id !== channelId &&
        tracker.subscribers(c.id).next().done === false,
    );
    if (!stillWanted) release(channel.topic);
  });

  // -------------------------------------------------------------------------- client publishing
  interface Route {
    topic: string;
    publication: Publication;
  }
  const routes = new Map<WebSocket, Map<number, Route>>();
  const publishers = new Map<string, number>(); // topic -> client advertisements feeding it

  async function clientAdvertised(client: PlayClient, id: number, advertised: AdvertisedChannel) {
    const fail = (message: string) =>
      server.sendStatus(
        { level: StatusLevel.ERROR, message: `noros bridge: ${message}` },
        asProtocolSocket(client.ws),
      );
    const { topic, schemaName: type } = advertised;
    if (advertised.encoding !== "ros1") {
      return fail(`cannot publish ${topic}: encoding "${advertised.encoding}" is not ros1`);
    }
    const existing = node.publications().find((p) => p.info.topic === topic);
    if (existing !== undefined && existing.info.type !== type) {
      return fail(
        `cannot publish ${type} on ${topic}: the bridge publishes it as ${existing.info.type}`,
      );
    }
    let publication = existing;
    if (publication === undefined) {
      const definition =
        advertised.schema !== undefined && advertised.schema !== ""
          ? advertised.schema
          : (library.message(type)?.definition ??
            [...channels.values()].find((c) => c.schemaName === type && c.schema !== "")?.schema);
      if (definition === undefined) {
        return fail(
          `cannot publish ${topic}: no definition of ${type} (send the schema when advertising, or pass --msgs)`,
        );
      }
      let md5sum: string;
      try {
        md5sum = compileCodec(type, definition, { allowEmpty: true }).md5sum;
      } catch (error) {
        return fail(`cannot publish ${topic}: bad definition of ${type}: ${errorMessage(error)}`);
      }
      const latching = (advertised as { latching?: unknown }).latching === true;
      publication = await node.advertise({ topic, type, md5sum, definition, latching });
    }
    let byClient = routes.get(client.ws);
    if (byClient === undefined) routes.set(client.ws, (byClient = new Map()));
    byClient.set(id, { topic, publication });
    publishers.set(topic, (publishers.get(topic) ?? 0) + 1);
  }

  function clientUnadvertised(client: PlayClient, id: number) {
    const byClient = routes.get(client.ws);
    const route = byClient?.get(id);
    if (byClient === undefined || route === undefined) return;
    byClient.delete(id);
    if (byClient.size === 0) routes.delete(client.ws);
    const left = (publishers.get(route.topic) ?? 1) - 1;
    if (left > 0) {
      publishers.set(route.topic, left);
      return;
    }
    publishers.delete(route.topic);
    node.unadvertise(route.topic);
  }

  server.on("message", ({ client, channel, data }) => {
    const route = routes.get(client.connection as unknown as WebSocket)?.get(channel.id);
    route?.publication.publish(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });

  // -------------------------------------------------------------------------- services
  const services = new Map<string, BridgeService>(); // by name
  const serviceById = new Map<number, BridgeService>();
  const probingServices = new Set<string>();

  async function discoverService(service: string) {
    probingServices.add(service);
    try {
      const uri = await node.master.lookupService(service);
      const probed = await probeService(uri, service, nodeName);
      const definition = library.service(probed.type);
      if (definition === undefined) {
        warn(`no definition of service type ${probed.type} (${service}); pass --msgs`);
      }
      if (services.has(service)) return;
      const id = server.addService({
        name: service,
        type: probed.type,
        requestSchema: definition?.request ?? "",
        responseSchema: definition?.response ?? "",
      });
      const entry = { id, name: service, type: probed.type, md5sum: probed.md5sum };
      services.set(service, entry);
      serviceById.set(id, entry);
    } catch (error) {
      warn(`cannot probe service ${service}: ${errorMessage(error)}`);
    } finally {
      probingServices.delete(service);
    }
  }

  function removeService(service: BridgeService) {
    services.delete(service.name);
    serviceById.delete(service.id);
    server.removeService(service.id);
  }

  server.on("serviceCallRequest", (request, connection) => {
    const service = serviceById.get(request.serviceId);
    if (service === undefined) return;
    const fail = (message: string) =>
      server.sendServiceCallFailure(
        { op: "serviceCallFailure", serviceId: request.serviceId, callId: request.callId, message },
        connection,
      );
    if (request.encoding !== "ros1") {
      fail(`encoding "${request.encoding}" is not supported (ros1 only)`);
      return;
    }
    const data = new Uint8Array(
      request.data.buffer,
      request.data.byteOffset,
      request.data.byteLength,
    );
    void (async () => {
      try {
        const uri = await node.master.lookupService(service.name);
        const response = await callService(
          uri,
          service.name,
          service.md5sum,
          nodeName,
          data,
          options.serviceTimeoutMs ?? 10_000,
        );
        server.sendServiceCallResponse(
          { serviceId: service.id, callId: request.callId, encoding: "ros1", data: response },
          connection,
        );
      } catch (error) {
        const text = error instanceof ServiceCallFailed ? error.message : errorMessage(error);
        fail(`service ${service.name} failed: ${text}`);
      }
    })();
  });

  /** Answers calls to unknown service ids (FoxgloveServer would only throw). */
  function interceptUnknownServiceCalls(ws: WebSocket) {
    const inner = ws.onmessage;
    ws.onmessage = (event) => {
      const raw = event.data;
      if (typeof raw !== "string") {
        const bytes = toBuffer(raw);
        if (bytes.length >= 9 && bytes[0] === 0x02) {
          const serviceId = bytes.readUInt32LE(1);
          if (!serviceById.has(serviceId)) {
            server.sendServiceCallFailure(
              {
                op: "serviceCallFailure",
                serviceId,
                callId: bytes.readUInt32LE(5),
                message: `Service ${serviceId} is not advertised`,
              },
              asProtocolSocket(ws),
            );
            return;
          }
        }
      }
      inner?.call(ws, event);
    };
  }

  // -------------------------------------------------------------------------- parameters, graph
  const parameters = new ParameterBridge(server, node, wantParam, warn);
  parameters.attach();
  const graph = new ConnectionGraph();
  const graphSubscribers = new Set<PlayClient>();

  const tracker = new ClientTracker((channelId) => channelById.has(channelId), {
    subscribed: () => undefined,
    advertised: (client, id, channel) => {
      void clientAdvertised(client, id, channel);
    },
    unadvertised: (client, id) => clientUnadvertised(client, id),
    extraRequest(client, op) {
      if (op === "subscribeConnectionGraph") {
        graphSubscribers.add(client);
        client.ws.send(JSON.stringify(graph.full()));
      } else {
        graphSubscribers.delete(client);
      }
    },
  });

  // -------------------------------------------------------------------------- discovery
  const prober = new TopicProber(
    node.master,
    nodeName,
    (topic, type) =>
      node.publications().find((p) => p.info.topic === topic && p.info.type === type)?.info
        .definition,
    warn,
  );
  let reachable = false;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let cycleWaiters: (() => void)[] = [];

  async function discover(): Promise<void> {
    try {
      const [system, types] = await Promise.all([
        node.master.systemState(),
        node.master.topicTypes(),
      ]);
      const currentRunId = String(await node.master.getParam("/run_id").catch(() => ""));
      if (!reachable) {
        if (failures > 0) log(`the ROS master at ${masterUri} answers again`);
        reachable = true;
        failures = 0;
        server.sendStatus({
          level: StatusLevel.INFO,
          message: `ROS master at ${masterUri} reachable`,
        });
      }
      if (runId !== undefined && currentRunId !== "" && currentRunId !== runId) {
        log(`the ROS master restarted (run id ${currentRunId}): registering again`);
        await node.reregister(true);
      } else {
        await node.reregister(false);
      }
      if (currentRunId !== "") runId = currentRunId;

      // Topics.
      const live = prober.known(system.publishers, types, wantTopic);
      const liveKeys = new Set(live.map((t) => key(t.topic, t.type)));
      for (const channel of [...channels.values()]) {
        if (!liveKeys.has(key(channel.topic, channel.schemaName))) removeChannel(channel);
      }
      for (const topic of live) {
        if (!channels.has(key(topic.topic, topic.type))) {
          addChannel(topic.topic, topic.type, topic.definition);
        }
      }

      // Services.
      for (const service of [...services.values()]) {
        if (!(system.services.get(service.name)?.length ?? 0)) removeService(service);
      }
      for (const [service, providers] of system.services) {
        if (providers.length === 0 || !wantService(service)) continue;
        if (services.has(service) || probingServices.has(service)) continue;
        void discoverService(service);
      }

      // Connection graph.
      const update = graph.update(system, wantTopic, wantService);
      if (update !== undefined) {
        const text = JSON.stringify(update);
        for (const client of graphSubscribers) {
          if (client.ws.readyState === client.ws.OPEN) client.ws.send(text);
        }
      }
    } catch (error) {
      if (error instanceof MasterRefused) {
        warn(`the ROS master refused a request: ${error.message}`);
      } else {
        failures++;
        if (reachable || failures === 1) {
          const text = `cannot reach the ROS master at ${masterUri}: ${describeNetworkError(error)}; retrying`;
          log(text);
          server.sendStatus({ level: StatusLevel.WARNING, message: `noros bridge: ${text}` });
        }
        reachable = false;
      }
    }
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    await discover();
    // Probes started in this cycle are used on the next: come back soon while they run.
    const waiters = cycleWaiters;
    cycleWaiters = [];
    for (const wake of waiters) wake();
    if (stopped) return;
    const delay = reachable
      ? prober.busy || probingServices.size > 0
        ? Math.min(interval, 200)
        : interval
      : Math.min(interval * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS);
    timer = setTimeout(() => void loop(), delay);
  }

  // -------------------------------------------------------------------------- WebSocket side
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 8765;
  const inProcess = new Set<WebSocket>();
  function accept(ws: WebSocket, clientName: string) {
    server.handleConnection(asProtocolSocket(ws), clientName);
    tracker.track(ws, clientName);
    interceptUnknownServiceCalls(ws);
    if (!reachable && failures > 0) {
      server.sendStatus(
        {
          level: StatusLevel.WARNING,
          message: `noros bridge: cannot reach the ROS master at ${masterUri}; retrying`,
        },
        asProtocolSocket(ws),
      );
    }
    ws.on("close", () => {
      for (const client of graphSubscribers) if (client.ws === ws) graphSubscribers.delete(client);
    });
  }
  const wss =
    options.listen === false
      ? undefined
      : await listen(host, port, server).catch(async (error: unknown) => {
          await node.shutdown();
          throw error;
        });
  wss?.on("connection", (ws, request) => {
    accept(ws, `${request.socket.remoteAddress ?? "?"}:${request.socket.remotePort ?? "?"}`);
  });

  void loop();

  let resolveClosed!: (reason: string) => void;
  const closedPromise = new Promise<string>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  async function close(reason = "closed"): Promise<void> {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const wake of cycleWaiters.splice(0)) wake();
    await node.shutdown();
    await Promise.all(
      [...(wss?.clients ?? []), ...inProcess].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            const t = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
            ws.once("close", () => {
              clearTimeout(t);
              resolve();
            });
            ws.close(1001, "noros bridge is shutting down");
          }),
      ),
    );
    if (wss !== undefined) await new Promise<void>((resolve) => wss.close(() => resolve()));
    resolveClosed(reason);
  }
  requestClose = (reason) => {
    log(reason);
    void closeOnce(reason);
  };

  const address = wss?.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : 0;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const closeOnce = (reason?: string) => (closing ??= close(reason));
  return {
    url:
      wss === undefined
        ? ""
        : `ws://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${boundPort}`,
    port: boundPort,
    masterUri,
    nodeName,
    nodeApi: node.api,
    channels: () => [...channels.values()],
    services: () => [...services.values()],
    discovered: () =>
      stopped ? Promise.resolve() : new Promise<void>((resolve) => cycleWaiters.push(resolve)),
    get masterReachable() {
      return reachable;
    },
    closed: closedPromise,
    close: closeOnce,
    acceptInProcess(end, name) {
      const ws = end as unknown as WebSocket;
      inProcess.add(ws);
      ws.on("close", () => inProcess.delete(ws));
      accept(ws, name);
    },
  };
}

function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ECONNREFUSED") return "connection refused (is roscore running there?)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  return errorMessage(error);
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  const view = data as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
