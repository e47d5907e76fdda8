/**
 * The ROS graph as a Foxglove server reports it (`connectionGraph` capability): which nodes
 * publish and subscribe each topic and provide each service.
 *
 * foxglove_bridge sends differences: each `connectionGraphUpdate` lists the topics and services
 * whose node lists changed (with the whole new list) and the names that are gone. Its first reply
 * after start-up is empty: it fills its graph on its next discovery cycle (`max_update_ms`,
 * 5 s by default) while someone is subscribed, and then sends the whole graph as one update
 * (see ../shared/bridge-captures). `GraphState` merges the updates into the current graph.
 */
import type { ClientContext } from "./context.js";
import { RosClientError, describeError } from "./errors.js";

/** Node names per topic (publishers, subscribers) and per service (providers). */
export interface ConnectionGraph {
  readonly publishers: ReadonlyMap<string, readonly string[]>;
  readonly subscribers: ReadonlyMap<string, readonly string[]>;
  readonly services: ReadonlyMap<string, readonly string[]>;
  /** Updates merged so far on this connection (0: no reply yet). */
  readonly updates: number;
}

/** One `connectionGraphUpdate`, as parsed by protocol.ts (missing lists read as empty). */
export interface ConnectionGraphUpdate {
  publishedTopics: { name: string; ids: string[] }[];
  subscribedTopics: { name: string; ids: string[] }[];
  advertisedServices: { name: string; ids: string[] }[];
  removedTopics: string[];
  removedServices: string[];
}

export class GraphState {
  #publishers = new Map<string, readonly string[]>();
  #subscribers = new Map<string, readonly string[]>();
  #services = new Map<string, readonly string[]>();
  #updates = 0;

  apply(update: ConnectionGraphUpdate): void {
    this.#updates++;
    for (const { name, ids } of update.publishedTopics) this.#publishers.set(name, ids);
    for (const { name, ids } of update.subscribedTopics) this.#subscribers.set(name, ids);
    for (const { name, ids } of update.advertisedServices) this.#services.set(name, ids);
    for (const name of update.removedTopics) {
      this.#publishers.delete(name);
      this.#subscribers.delete(name);
    }
    for (const name of update.removedServices) this.#services.delete(name);
  }

  /** A new connection: what the previous server said no longer holds. */
  reset(): void {
    this.#publishers = new Map();
    this.#subscribers = new Map();
    this.#services = new Map();
    this.#updates = 0;
  }

  /** True once the graph names any topic or service (a just-started bridge's first reply does not). */
  get known(): boolean {
    return this.#publishers.size + this.#subscribers.size + this.#services.size > 0;
  }

  snapshot(): ConnectionGraph {
    return {
      publishers: new Map(this.#publishers),
      subscribers: new Map(this.#subscribers),
      services: new Map(this.#services),
      updates: this.#updates,
    };
  }
}

/**
 * The client's part: one server subscription to the graph while anyone watches it, sent again on
 * every new connection (whose graph starts empty), and the merged graph handed to the watchers
 * after each update.
 */
export class GraphWatchers {
  readonly #state = new GraphState();
  readonly #watchers = new Set<(graph: ConnectionGraph) => void>();
  /** The current socket has our `subscribeConnectionGraph`. */
  #subscribed = false;

  constructor(
    private readonly ctx: ClientContext,
    /** Whether the current server offers the `connectionGraph` capability. */
    private readonly offered: () => boolean,
  ) {}

  get state(): GraphState {
    return this.#state;
  }

  add(watcher: (graph: ConnectionGraph) => void): () => void {
    this.#watchers.add(watcher);
    this.#sync();
    return () => {
      this.#watchers.delete(watcher);
      this.#sync();
    };
  }

  /** The socket is gone (or a new server session began): its graph and subscription with it. */
  resetSocket(): void {
    this.#state.reset();
    this.#subscribed = false;
  }

  /** The server introduced itself: subscribe again if anyone watches. */
  onReady(): void {
    this.#sync();
  }

  onUpdate(update: ConnectionGraphUpdate): void {
    this.#state.apply(update);
    const graph = this.#state.snapshot();
    for (const watcher of [...this.#watchers]) {
      try {
        watcher(graph);
      } catch (error) {
        this.ctx.report(
          new RosClientError(
            "callback",
            `connection graph watcher threw: ${describeError(error)}`,
            {
              cause: error,
            },
          ),
        );
      }
    }
  }

  #sync(): void {
    if (!this.ctx.ready || !this.offered()) return;
    const wanted = this.#watchers.size > 0;
    if (wanted === this.#subscribed) return;
    const op = wanted ? "subscribeConnectionGraph" : "unsubscribeConnectionGraph";
    if (this.ctx.send(JSON.stringify({ op }))) this.#subscribed = wanted;
    if (!wanted) this.#state.reset();
  }
}
