/**
 * Who publishes each topic, for the `callerid` metadata of recorded MCAP channels (so `noros
 * play` of the recording lists the publishers again). The Foxglove protocol tells it only through
 * the connection graph, which `RosClient` does not follow; a second, raw connection subscribes to
 * it. Best effort: a server without the `connectionGraph` capability, or one whose graph names no
 * publisher within the wait (foxglove_bridge sends an empty graph to its very first subscriber
 * and the whole graph on its next discovery cycle, up to 5 s later), leaves channels recorded
 * before it without callerid.
 */
import { connectBridge, type BridgeConnection } from "../bridge/connection.js";

interface GraphUpdate {
  publishedTopics?: { name: string; publisherIds: string[] }[];
  removedTopics?: string[];
}

export class TopicPublishers {
  readonly #byTopic = new Map<string, string[]>();
  #connection: BridgeConnection | undefined;

  private constructor() {}

  /**
   * Connects and waits up to `waitMs` for a graph that names publishers (foxglove_bridge's first
   * reply after start-up is empty; the whole graph follows on its next discovery cycle), then
   * keeps following the updates, so that topics first seen later get theirs too. Never throws
   * (without a graph, channels are simply recorded without callerid).
   */
  static async watch(url: string, waitMs: number): Promise<TopicPublishers> {
    const publishers = new TopicPublishers();
    try {
      const connection = await connectBridge(url, { timeoutMs: waitMs });
      publishers.#connection = connection;
      if (!connection.serverInfo.capabilities.includes("connectionGraph")) return publishers;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        connection.client.on("connectionGraphUpdate", (update: GraphUpdate) => {
          for (const topic of update.publishedTopics ?? []) {
            publishers.#byTopic.set(topic.name, topic.publisherIds);
          }
          for (const topic of update.removedTopics ?? []) publishers.#byTopic.delete(topic);
          if (publishers.#byTopic.size > 0) {
            clearTimeout(timer);
            resolve();
          }
        });
        connection.client.subscribeConnectionGraph();
      });
    } catch {
      // No graph: recorded without callerid.
    }
    return publishers;
  }

  /** The publishers of `topic` as the graph lists them (empty when unknown). */
  of(topic: string): readonly string[] {
    return this.#byTopic.get(topic) ?? [];
  }

  async close(): Promise<void> {
    await this.#connection?.close();
  }
}
