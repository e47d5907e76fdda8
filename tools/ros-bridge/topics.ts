/**
 * Topic discovery for the bridge: which (topic, type) pairs have publishers on the master, and
 * each one's full definition, read from the TCPROS connection header of one of its publishers
 * (so any type works, installed or not). A probe that fails is retried on the next cycle.
 */
import type { MasterClient } from "./master.js";
import { probePublisher } from "./subscriber.js";

export interface DiscoveredTopic {
  readonly topic: string;
  readonly type: string;
  readonly definition: string;
  readonly publishers: readonly string[];
}

export class TopicProber {
  /** `topic\ntype` -> definition text, once known. */
  readonly #definitions = new Map<string, string>();
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly master: MasterClient,
    private readonly callerId: string,
    /** Definitions we know without a probe (topics the bridge itself publishes). */
    private readonly ownDefinition: (topic: string, type: string) => string | undefined,
    private readonly warn: (text: string) => void,
  ) {}

  /**
   * Topics with publishers whose definition is known now; starts probes for the others (their
   * result is used on a later call).
   */
  known(
    publishers: ReadonlyMap<string, readonly string[]>,
    types: ReadonlyMap<string, string>,
    wanted: (topic: string) => boolean,
  ): DiscoveredTopic[] {
    const out: DiscoveredTopic[] = [];
    for (const [topic, nodes] of publishers) {
      const type = types.get(topic);
      if (type === undefined || nodes.length === 0 || !wanted(topic)) continue;
      const key = `${topic}\n${type}`;
      const definition = this.ownDefinition(topic, type) ?? this.#definitions.get(key);
      if (definition !== undefined) {
        out.push({ topic, type, definition, publishers: nodes });
      } else if (!this.#inFlight.has(key)) {
        void this.#probe(topic, type, nodes, key);
      }
    }
    return out;
  }

  /** Resolves when no probe is running (tests and the first discovery cycle wait for it). */
  get busy(): boolean {
    return this.#inFlight.size > 0;
  }

  async #probe(topic: string, type: string, nodes: readonly string[], key: string) {
    this.#inFlight.add(key);
    try {
      for (const node of nodes) {
        try {
          const api = await this.master.lookupNode(node);
          const header = await probePublisher(api, { topic, type, callerId: this.callerId });
          if (header.type !== type && type !== "*") continue;
          this.#definitions.set(key, header.definition);
          return;
        } catch (error) {
          this.warn(`cannot read the definition of ${topic} from ${node}: ${String(error)}`);
        }
      }
    } finally {
      this.#inFlight.delete(key);
    }
  }
}
