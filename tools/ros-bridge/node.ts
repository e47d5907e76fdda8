/**
 * The bridge as a ROS 1 node: its XML-RPC slave API (what the master, `rosnode` and other nodes
 * call), its TCPROS publisher socket, its subscriptions, publications and parameter
 * subscriptions, with registration on the master that can be replayed after the master
 * restarts, and unregistration of everything on shutdown.
 */
import { MasterClient, MasterRefused } from "./master.js";
import { Publication, TcprosServer, type PublicationInfo } from "./publisher.js";
import { TopicSubscriber, type PublisherConnection } from "./subscriber.js";
import { XmlRpcHttpServer, type XmlRpcValue } from "./xmlrpc.js";

export interface RosNodeOptions {
  readonly name: string;
  readonly masterUri: string;
  /** Host name or address other nodes use to reach us (ROS_HOSTNAME / ROS_IP rules). */
  readonly advertiseHost: string;
  /** Address the XML-RPC and TCPROS sockets listen on. */
  readonly listenHost: string;
}

export interface RosNodeEvents {
  message(topic: string, bytes: Buffer, connection: PublisherConnection): void;
  paramUpdate(key: string, value: XmlRpcValue): void;
  /** `rosnode kill` or the master asked us to stop. */
  shutdownRequested(reason: string): void;
  warning(text: string): void;
}

interface Subscribed {
  subscriber: TopicSubscriber;
  registered: boolean;
}

export class RosNode {
  readonly master: MasterClient;
  readonly #xmlrpc = new XmlRpcHttpServer();
  readonly #tcpros: TcprosServer;
  readonly #subscriptions = new Map<string, Subscribed>();
  readonly #paramKeys = new Set<string>();
  /** Publications the master has not accepted yet (unreachable when advertised). */
  readonly #unregisteredTopics = new Set<string>();
  #api = "";
  #tcpPort = 0;
  #closed = false;

  constructor(
    readonly options: RosNodeOptions,
    private readonly events: RosNodeEvents,
  ) {
    this.master = new MasterClient(options.masterUri, options.name);
    this.#tcpros = new TcprosServer(options.name, (text) => events.warning(text));
    this.#serveSlaveApi();
  }

  get name(): string {
    return this.options.name;
  }

  /** Our XML-RPC URI, as registered on the master. */
  get api(): string {
    return this.#api;
  }

  async start(): Promise<void> {
    const port = await this.#xmlrpc.listen(this.options.listenHost);
    this.#tcpPort = await this.#tcpros.listen(this.options.listenHost);
    this.#api = `http://${hostForUri(this.options.advertiseHost)}:${port}/`;
  }

  // ------------------------------------------------------------------ subscriptions

  subscribe(topic: string, type: string): void {
    if (this.#subscriptions.has(topic)) return;
    const subscriber = new TopicSubscriber(topic, type, this.name, {
      message: (bytes, connection) => this.events.message(topic, bytes, connection),
      warning: (text) => this.events.warning(text),
    });
    const entry = { subscriber, registered: false };
    this.#subscriptions.set(topic, entry);
    void this.#registerSubscriber(topic, entry);
  }

  async #registerSubscriber(topic: string, entry: Subscribed): Promise<void> {
    try {
      const publishers = await this.master.registerSubscriber(
        topic,
        entry.subscriber.type,
        this.#api,
      );
      if (this.#subscriptions.get(topic) !== entry) {
        // Unsubscribed while registering: undo.
        await this.master.unregisterSubscriber(topic, this.#api).catch(() => undefined);
        return;
      }
      entry.registered = true;
      entry.subscriber.update(publishers);
    } catch (error) {
      // Retried by `reregister()` on the next discovery cycle.
      this.#masterProblem(`cannot register as a subscriber of ${topic}`, error);
    }
  }

  unsubscribe(topic: string): void {
    const entry = this.#subscriptions.get(topic);
    if (entry === undefined) return;
    this.#subscriptions.delete(topic);
    entry.subscriber.close();
    if (entry.registered) {
      this.master.unregisterSubscriber(topic, this.#api).catch((error: unknown) => {
        this.events.warning(`cannot unregister the subscriber of ${topic}: ${String(error)}`);
      });
    }
  }

  subscriber(topic: string): TopicSubscriber | undefined {
    return this.#subscriptions.get(topic)?.subscriber;
  }

  /** Feeds the master's current publisher lists (from discovery) to our subscriptions. */
  updatePublishers(publishers: ReadonlyMap<string, readonly string[]>, apis: Map<string, string>) {
    for (const [topic, entry] of this.#subscriptions) {
      if (!entry.registered) continue;
      const nodes = publishers.get(topic) ?? [];
      const uris = nodes.flatMap((n) => apis.get(n) ?? []);
      if (uris.length === nodes.length) entry.subscriber.update(uris);
    }
  }

  // ------------------------------------------------------------------ publications

  async advertise(info: PublicationInfo): Promise<Publication> {
    let publication = this.#tcpros.publications.get(info.topic);
    if (publication !== undefined) return publication;
    publication = new Publication(info);
    this.#tcpros.publications.set(info.topic, publication);
    try {
      await this.master.registerPublisher(info.topic, info.type, this.#api);
    } catch (error) {
      // Retried by `reregister()` on the next discovery cycle.
      this.#unregisteredTopics.add(info.topic);
      this.#masterProblem(`cannot register as a publisher of ${info.topic}`, error);
    }
    return publication;
  }

  unadvertise(topic: string): void {
    const publication = this.#tcpros.publications.get(topic);
    if (publication === undefined) return;
    this.#tcpros.publications.delete(topic);
    this.#unregisteredTopics.delete(topic);
    publication.close();
    this.master.unregisterPublisher(topic, this.#api).catch((error: unknown) => {
      this.events.warning(`cannot unregister the publisher of ${topic}: ${String(error)}`);
    });
  }

  publications(): Publication[] {
    return [...this.#tcpros.publications.values()];
  }

  // ------------------------------------------------------------------ parameters

  async subscribeParam(key: string): Promise<XmlRpcValue> {
    this.#paramKeys.add(key);
    return this.master.subscribeParam(this.#api, key);
  }

  async unsubscribeParam(key: string): Promise<void> {
    this.#paramKeys.delete(key);
    await this.master.unsubscribeParam(this.#api, key);
  }

  // ------------------------------------------------------------------ master restarts

  /**
   * Registers everything again (after the master restarted and forgot us, or after earlier
   * registrations failed): subscriptions, publications and parameter subscriptions.
   */
  async reregister(all: boolean): Promise<void> {
    const jobs: Promise<unknown>[] = [];
    for (const [topic, entry] of this.#subscriptions) {
      if (all || !entry.registered) jobs.push(this.#registerSubscriber(topic, entry));
    }
    for (const { info } of this.#tcpros.publications.values()) {
      if (!all && !this.#unregisteredTopics.has(info.topic)) continue;
      jobs.push(
        this.master.registerPublisher(info.topic, info.type, this.#api).then(() => {
          this.#unregisteredTopics.delete(info.topic);
        }),
      );
    }
    if (all) {
      for (const key of this.#paramKeys) jobs.push(this.master.subscribeParam(this.#api, key));
    }
    const results = await Promise.allSettled(jobs);
    for (const result of results) {
      if (result.status === "rejected") {
        this.#masterProblem("re-registering on the master failed", result.reason);
      }
    }
  }

  /**
   * A master call failed: said when the master refused; network failures are left to discovery,
   * which reports an unreachable master once and retries.
   */
  #masterProblem(what: string, error: unknown): void {
    if (error instanceof MasterRefused) this.events.warning(`${what}: ${error.message}`);
  }

  // ------------------------------------------------------------------ shutdown

  /** Unregisters everything from the master (best effort, bounded) and closes the sockets. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const jobs: Promise<unknown>[] = [];
    for (const [topic, entry] of this.#subscriptions) {
      entry.subscriber.close();
      jobs.push(this.master.unregisterSubscriber(topic, this.#api));
    }
    this.#subscriptions.clear();
    for (const topic of this.#tcpros.publications.keys()) {
      jobs.push(this.master.unregisterPublisher(topic, this.#api));
    }
    for (const key of this.#paramKeys) jobs.push(this.master.unsubscribeParam(this.#api, key));
    await Promise.allSettled(jobs);
    await this.#tcpros.close();
    await this.#xmlrpc.close();
  }

  // ------------------------------------------------------------------ slave API

  #serveSlaveApi(): void {
    const ok = (value: XmlRpcValue): XmlRpcValue => [1, "", value];
    const x = this.#xmlrpc;
    x.on("getPid", () => ok(process.pid));
    x.on("getMasterUri", () => ok(this.options.masterUri));
    x.on("getSubscriptions", () =>
      ok([...this.#subscriptions].map(([topic, e]) => [topic, e.subscriber.type])),
    );
    x.on("getPublications", () => ok(this.publications().map((p) => [p.info.topic, p.info.type])));
    x.on("getBusStats", () => ok([[], [], []]));
    x.on("getBusInfo", () => ok(this.#busInfo()));
    x.on("shutdown", (args) => {
      const reason = typeof args[1] === "string" ? args[1] : "shutdown requested";
      setImmediate(() => this.events.shutdownRequested(reason));
      return ok(0);
    });
    x.on("paramUpdate", (args) => {
      const key = String(args[1]).replace(/\/$/, "");
      this.events.paramUpdate(key, args[2]);
      return ok(0);
    });
    x.on("publisherUpdate", (args) => {
      const topic = String(args[1]);
      const entry = this.#subscriptions.get(topic);
      if (entry !== undefined && Array.isArray(args[2])) {
        entry.subscriber.update(args[2] as string[]);
      }
      return ok(0);
    });
    x.on("requestTopic", (args) => {
      const topic = String(args[1]);
      if (!this.#tcpros.publications.has(topic)) {
        return [0, `${this.name} does not publish ${topic}`, []];
      }
      const protocols = Array.isArray(args[2]) ? args[2] : [];
      if (!protocols.some((p) => Array.isArray(p) && p[0] === "TCPROS")) {
        return [0, "only TCPROS is supported", []];
      }
      return ok(["TCPROS", this.options.advertiseHost, this.#tcpPort]);
    });
  }

  /** `[connectionId, destinationId, direction, transport, topic, connected, info]` rows. */
  #busInfo(): XmlRpcValue[] {
    const rows: XmlRpcValue[] = [];
    let id = 0;
    for (const [topic, { subscriber }] of this.#subscriptions) {
      for (const connection of subscriber.connections()) {
        if (connection.header === undefined) continue; // still connecting
        const peer = connection.header?.callerid ?? connection.publisherApi;
        rows.push([++id, peer, "i", "TCPROS", topic, true, `TCPROS connection to ${peer}`]);
      }
    }
    for (const publication of this.publications()) {
      for (const { callerId, socket } of publication.subscribers) {
        const info = `TCPROS connection to [${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}]`;
        rows.push([++id, callerId, "o", "TCPROS", publication.info.topic, true, info]);
      }
    }
    return rows;
  }
}

function hostForUri(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
