/**
 * The connection graph of `noros play`, sent as foxglove_bridge 0.8.5 sends it (see
 * ../shared/bridge-captures): the first `subscribeConnectionGraph` after start-up gets an empty
 * graph, and the whole graph follows as one update after a discovery delay (the bridge's next
 * discovery cycle); later subscribers get the whole graph at once; afterwards each update holds
 * only the topics whose publishers changed and the topics that are gone. Every publisher of a
 * topic is listed (all the callerids of a recorded topic, plus the clients publishing it).
 */
import type { WebSocket } from "ws";

/** Publishers per topic, as the recording and the publishing clients make them now. */
export type PublisherLists = Map<string, string[]>;

function updateFrame(published: PublisherLists, removedTopics: string[]): string {
  return JSON.stringify({
    op: "connectionGraphUpdate",
    publishedTopics: [...published].map(([name, publisherIds]) => ({ name, publisherIds })),
    subscribedTopics: [],
    advertisedServices: [],
    removedTopics,
    removedServices: [],
  });
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export class PlayGraph {
  readonly #subscribers = new Set<WebSocket>();
  /** What subscribers were told so far; undefined until the first discovery. */
  #told: PublisherLists | undefined = undefined;
  #discovery: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly current: () => PublisherLists,
    private readonly discoveryMs: number,
  ) {}

  subscribe(ws: WebSocket): void {
    this.#subscribers.add(ws);
    if (this.#told !== undefined) {
      ws.send(updateFrame(this.#told, []));
      return;
    }
    ws.send(updateFrame(new Map(), []));
    this.#discovery ??= setTimeout(() => this.#discover(), this.discoveryMs);
  }

  unsubscribe(ws: WebSocket): void {
    this.#subscribers.delete(ws);
  }

  /** Publishers changed (a client advertised or stopped): tell the subscribers what changed. */
  changed(): void {
    if (this.#told !== undefined) this.#discover();
  }

  close(): void {
    clearTimeout(this.#discovery);
  }

  #discover(): void {
    const now = this.current();
    const before = this.#told ?? new Map<string, string[]>();
    const changed: PublisherLists = new Map();
    for (const [topic, ids] of now) {
      const old = before.get(topic);
      if (old === undefined || !sameList(old, ids)) changed.set(topic, ids);
    }
    const removed = [...before.keys()].filter((topic) => !now.has(topic));
    this.#told = now;
    if (changed.size === 0 && removed.length === 0) return;
    const frame = updateFrame(changed, removed);
    for (const ws of this.#subscribers) if (ws.readyState === ws.OPEN) ws.send(frame);
  }
}
