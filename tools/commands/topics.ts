/** `noros topics`: the topics a bridge advertises, their types and (where it tells) publishers. */
import type { Argv } from "yargs";

import { GraphState, type ConnectionGraphUpdate } from "../../runtime/client/graph.js";
import { connectBridge } from "../bridge/connection.js";
import { delay, line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";

interface TopicsArgs extends BridgeArgs {
  json: boolean;
  services: boolean;
}

/** A `connectionGraphUpdate` as @foxglove/ws-protocol hands it over. */
interface GraphUpdate {
  publishedTopics?: { name: string; publisherIds: string[] }[];
  subscribedTopics?: { name: string; subscriberIds: string[] }[];
  advertisedServices?: { name: string; providerIds: string[] }[];
  removedTopics?: string[];
  removedServices?: string[];
}

function toGraphUpdate(update: GraphUpdate): ConnectionGraphUpdate {
  return {
    publishedTopics: (update.publishedTopics ?? []).map((t) => ({
      name: t.name,
      ids: t.publisherIds,
    })),
    subscribedTopics: (update.subscribedTopics ?? []).map((t) => ({
      name: t.name,
      ids: t.subscriberIds,
    })),
    advertisedServices: (update.advertisedServices ?? []).map((s) => ({
      name: s.name,
      ids: s.providerIds,
    })),
    removedTopics: update.removedTopics ?? [],
    removedServices: update.removedServices ?? [],
  };
}

/** How long to wait for the advertisement after `serverInfo`. */
const ADVERTISE_WAIT_MS = 1000;
/**
 * How long to wait for a connection graph that names anything: a just-started foxglove_bridge
 * first replies with an empty graph and sends the whole one on its next discovery cycle (5 s).
 */
const GRAPH_WAIT_MS = 6000;
const SETTLE_MS = 100;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "),
  );
}

export const topicsCommand = {
  command: "topics",
  describe: "list the topics the bridge advertises: name, type, publishers",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .option("json", { type: "boolean", default: false, describe: "one JSON object per line" })
      .option("services", {
        alias: "s",
        type: "boolean",
        default: false,
        describe: "list services instead",
      })
      .example("$0 topics", "topics of the bridge at ws://localhost:8765")
      .example("$0 topics --url ws://robot:8765 --json", "as JSON lines")
      .example("$0 topics --services", "the advertised services and their types")
      .epilog(
        "Publishers are shown when the bridge offers the connectionGraph capability. A bridge " +
          "that just started reports its graph on its next discovery cycle: up to 6 s.",
      ),
  async run(args: TopicsArgs, io: CliIO): Promise<number> {
    const connection = await connectBridge(args.url, { timeoutMs: args.timeout * 1000 });
    try {
      const state = new GraphState();
      const wantsGraph =
        !args.services && connection.serverInfo.capabilities.includes("connectionGraph");
      if (wantsGraph) {
        connection.client.on("connectionGraphUpdate", (update: GraphUpdate) =>
          state.apply(toGraphUpdate(update)),
        );
        connection.client.subscribeConnectionGraph();
      }
      // foxglove_bridge advertises right after serverInfo; wait for that, and for the graph.
      const started = Date.now();
      const advertised = () =>
        (args.services ? connection.services.size : connection.channels.size) > 0;
      while (!advertised() && Date.now() - started < ADVERTISE_WAIT_MS) {
        await delay(10, io.signal);
      }
      while (wantsGraph && !state.known && Date.now() - started < GRAPH_WAIT_MS) {
        await delay(10, io.signal);
      }
      await delay(SETTLE_MS, io.signal);
      if (wantsGraph) connection.client.unsubscribeConnectionGraph();
      const snapshot = state.snapshot();
      // Publishers are shown when the server answered at all (an empty graph shows "-").
      const graph = snapshot.updates > 0;
      const publishers = snapshot.publishers;

      if (args.services) {
        const services = [...connection.services.values()].sort((a, b) =>
          a.name.localeCompare(b.name),
        );
        if (args.json)
          for (const s of services) line(io.stdout, JSON.stringify({ name: s.name, type: s.type }));
        else if (services.length === 0)
          line(io.stderr, `noros topics: ${connection.url} advertises no services`);
        else
          for (const row of table([["SERVICE", "TYPE"], ...services.map((s) => [s.name, s.type])]))
            line(io.stdout, row);
        return 0;
      }
      // One row per topic and type, as rostopic lists them: a server may advertise a channel per
      // definition text (publishers whose definitions differ only in comments).
      const unique = new Map(
        [...connection.channels.values()].map((c) => [`${c.topic}\n${c.schemaName}`, c]),
      );
      const channels = [...unique.values()].sort(
        (a, b) => a.topic.localeCompare(b.topic) || a.schemaName.localeCompare(b.schemaName),
      );
      if (args.json) {
        for (const c of channels) {
          const entry: Record<string, unknown> = { topic: c.topic, type: c.schemaName };
          if (graph) entry.publishers = [...(publishers.get(c.topic) ?? [])];
          line(io.stdout, JSON.stringify(entry));
        }
      } else if (channels.length === 0) {
        line(io.stderr, `noros topics: ${connection.url} advertises no topics`);
      } else {
        const header = graph ? ["TOPIC", "TYPE", "PUBLISHERS"] : ["TOPIC", "TYPE"];
        const rows = channels.map((c) => {
          const row = [c.topic, c.schemaName];
          if (graph) row.push((publishers.get(c.topic) ?? []).join(", ") || "-");
          return row;
        });
        for (const row of table([header, ...rows])) line(io.stdout, row);
      }
      return 0;
    } finally {
      await connection.close();
    }
  },
};
