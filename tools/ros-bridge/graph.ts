/**
 * The connection graph in foxglove_bridge's form: the first message to a subscriber holds the
 * whole graph, later ones only what changed (entries whose node lists changed, and the names of
 * topics and services that are gone).
 */
import type { SystemState } from "./master.js";

interface GraphState {
  published: Map<string, string[]>;
  subscribed: Map<string, string[]>;
  services: Map<string, string[]>;
}

export interface GraphUpdate {
  op: "connectionGraphUpdate";
  publishedTopics: { name: string; publisherIds: string[] }[];
  subscribedTopics: { name: string; subscriberIds: string[] }[];
  advertisedServices: { name: string; providerIds: string[] }[];
  removedTopics: string[];
  removedServices: string[];
}

function same(a: string[] | undefined, b: string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

export class ConnectionGraph {
  #state: GraphState = { published: new Map(), subscribed: new Map(), services: new Map() };

  /** The whole graph, for a new subscriber. */
  full(): GraphUpdate {
    return this.#message(this.#state, undefined);
  }

  /** Applies a new system state; returns the update to send, or undefined when nothing changed. */
  update(
    system: SystemState,
    wantedTopic: (name: string) => boolean,
    wantedService: (name: string) => boolean,
  ): GraphUpdate | undefined {
    const pick = (m: Map<string, string[]>) =>
      new Map(
        [...m]
          .filter(([name, nodes]) => wantedTopic(name) && nodes.length > 0)
          .map(([n, nodes]) => [n, [...nodes].sort()]),
      );
    const next: GraphState = {
      published: pick(system.publishers),
      subscribed: pick(system.subscribers),
      services: new Map(
        [...system.services]
          .filter(([name]) => wantedService(name))
          .map(([n, nodes]) => [n, [...nodes].sort()]),
      ),
    };
    const message = this.#message(next, this.#state);
    this.#state = next;
    const empty =
      message.publishedTopics.length === 0 &&
      message.subscribedTopics.length === 0 &&
      message.advertisedServices.length === 0 &&
      message.removedTopics.length === 0 &&
      message.removedServices.length === 0;
    return empty ? undefined : message;
  }

  #message(next: GraphState, previous: GraphState | undefined): GraphUpdate {
    const changed = (now: Map<string, string[]>, before: Map<string, string[]> | undefined) =>
      [...now].filter(([name, nodes]) => before === undefined || !same(before.get(name), nodes));
    const topicsBefore = new Set([
      ...(previous?.published.keys() ?? []),
      ...(previous?.subscribed.keys() ?? []),
    ]);
    const topicsNow = new Set([...next.published.keys(), ...next.subscribed.keys()]);
    return {
      op: "connectionGraphUpdate",
      publishedTopics: changed(next.published, previous?.published).map(([name, ids]) => ({
        name,
        publisherIds: ids,
      })),
      subscribedTopics: changed(next.subscribed, previous?.subscribed).map(([name, ids]) => ({
        name,
        subscriberIds: ids,
      })),
      advertisedServices: changed(next.services, previous?.services).map(([name, ids]) => ({
        name,
        providerIds: ids,
      })),
      removedTopics: [...topicsBefore].filter((t) => !topicsNow.has(t)),
      removedServices: [...(previous?.services.keys() ?? [])].filter((s) => !next.services.has(s)),
    };
  }
}
