/**
 * `noros play` of the committed golden bags (test/fixtures/golden, written by python3-rosbag with
 * genpy's decoded values beside them) and of the shared real-world bags, end to end over real
 * sockets:
 * - the project's RosClient decodes what play serves into exactly genpy's values;
 * - `noros echo` prints exactly genpy's values in its JSON convention;
 * - `record` of what play serves gives back every message byte-exact (real-world bags), and the
 *   RosClient strictly decodes every message of every channel.
 */
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";

// Registers the generated standard codecs, as `import "noros/msgs"` does for users: a bag holds
// an empty definition for fieldless types (std_srvs/EmptyRequest), which, like foxglove_bridge's
// "" schema, a client can only decode with a generated codec.
import "../../generated/index.js";
import { RosClient } from "../../runtime/client/index.js";
import { main } from "../../tools/cli.js";
import { formatJson } from "../../tools/format/json.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { record } from "../../tools/record/recorder.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";
import {
  GOLDEN_DIR,
  expectMessagesMatchGolden,
  fromGoldenJson,
  readJsonl,
  type ReadMessage,
} from "../helpers/golden.js";
import { sha1, tempDir } from "./helpers.js";

const goldenBags = ["std", "edge"].filter((name) =>
  existsSync(path.join(GOLDEN_DIR, `${name}.bag`)),
);

/** `promise`, or a rejection naming `what` after 30 s (a hang fails instead of stalling jest). */
function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 30000);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function toTime(ns: bigint): { sec: number; nsec: number } {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

/**
 * Subscribes a RosClient to every topic of `server`, plays once when `clients` clients (this one
 * and others) are subscribed to every topic, returns what it decoded.
 */
async function decodeAll(server: PlayServer, clients = 1) {
  const client = new RosClient(server.url, { reconnect: false, messageBufferSize: 1 });
  const errors: string[] = [];
  client.on("error", (e) => errors.push(e.message));
  // Old bags carry older definitions of standard types than the generated ones: decoding with
  // the recorded definition is the right thing, and the client says so in a warning.
  client.on("warning", () => undefined);
  const messages: ReadMessage[] = [];
  try {
    await client.connected();
    const topics = [...new Set(server.channels.map((c) => c.topic))];
    for (const topic of topics) {
      client.subscribe(topic, "*", (value, receiveTimeNs, info) =>
        messages.push({ topic: info.topic, time: toTime(receiveTimeNs), value }),
      );
    }
    await withDeadline(
      Promise.all(topics.map((t) => server.subscribed(t, clients))),
      "subscriptions",
    );
    server.start();
    const { messages: played } = await server.finished;
    const deadline = Date.now() + 60000;
    while (messages.length + errors.length < played && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return { messages, errors, played };
  } finally {
    await client.close();
  }
}

describeIf(goldenBags.length > 0, "needs test/fixtures/golden/*.bag")(
  "play of the golden bags",
  () => {
    it.each(goldenBags)("%s.bag: the RosClient decodes exactly genpy's values", async (name) => {
      const server = await startPlayServer({
        file: path.join(GOLDEN_DIR, `${name}.bag`),
        port: 0,
        rate: 0,
        start: "manual",
      });
      try {
        const { messages, errors } = await decodeAll(server);
        expect(errors).toEqual([]);
        expectMessagesMatchGolden(messages, readJsonl(path.join(GOLDEN_DIR, `${name}.jsonl`)));
      } finally {
        await server.close();
      }
    });

    it.each(goldenBags)(
      "%s.bag: noros echo prints genpy's values, topic by topic",
      async (name) => {
        const lines = readJsonl(path.join(GOLDEN_DIR, `${name}.jsonl`));
        const server = await startPlayServer({
          file: path.join(GOLDEN_DIR, `${name}.bag`),
          port: 0,
          rate: 0,
          start: "manual",
        });
        try {
          const byTopic = new Map<string, string[]>();
          for (const line of lines) {
            const expected = byTopic.get(line.topic) ?? [];
            expected.push(formatJson(fromGoldenJson(line.value), { full: true }));
            byTopic.set(line.topic, expected);
          }
          // One echo per topic, all subscribed before the single playback starts.
          const runs = [...byTopic].map(([topic, expected]) => {
            let stdout = "";
            let stderr = "";
            const args = [
              "echo",
              topic,
              "-n",
              String(expected.length),
              "--full",
              "--url",
              server.url,
            ];
            const done = main(args, {
              stdout: { write: (t: string) => (stdout += t) },
              stderr: { write: (t: string) => (stderr += t) },
              signal: new AbortController().signal,
              env: {},
            }).then((code) => ({ topic, code, stdout, stderr, expected }));
            return done;
          });
          await withDeadline(
            Promise.all([...byTopic.keys()].map((t) => server.subscribed(t))),
            "echo subscriptions",
          );
          server.start();
          for (const run of await Promise.all(runs)) {
            expect([run.topic, run.code, run.stderr]).toEqual([run.topic, 0, ""]);
            // Equal record times may come in either order: compare as sorted lists.
            const got = run.stdout.split("\n").filter((l) => l !== "");
            expect([run.topic, [...got].sort()]).toEqual([run.topic, [...run.expected].sort()]);
          }
        } finally {
          await server.close();
        }
      },
    );
  },
);

const bagsDir = sharedBagsDir();
describeIf(bagsDir !== undefined, "needs ../shared/bags")(
  "play of the shared real-world bags",
  () => {
    const names =
      bagsDir !== undefined ? readdirSync(bagsDir).filter((f) => f.endsWith(".bag")) : [];
    let tmp: { dir: string; remove(): void };
    beforeAll(() => {
      tmp = tempDir();
    });
    afterAll(() => tmp.remove());

    it.each(names)("%s: recorded byte-exact from play, and every message decodes", async (name) => {
      const file = path.join(bagsDir ?? "", name);
      const out = path.join(tmp.dir, `${name}.mcap`);
      const server = await startPlayServer({ file, port: 0, rate: 0, start: "manual" });
      try {
        const total = server.source.messageCount ?? 0;
        const recording = record({ url: server.url, out, limit: total });
        // Playback starts once both the recorder and the decoding client subscribed everything.
        const decoding = decodeAll(server, 2);
        const [recorded, decoded] = await withDeadline(
          Promise.all([recording, decoding]),
          "playback",
        );
        expect(decoded.errors).toEqual([]);
        expect(decoded.messages).toHaveLength(total);
        expect(recorded.messages).toBe(total);

        const fingerprints = async (f: string) => {
          const source = await openMessageSource(f);
          const list: string[] = [];
          try {
            for await (const m of source.messages())
              list.push(`${m.topic} ${m.receiveTime} ${sha1(m.data)}`);
          } finally {
            await source.close();
          }
          // Equal receive times may be ordered differently: compare sorted.
          return list.sort();
        };
        expect(await fingerprints(out)).toEqual(await fingerprints(file));
      } finally {
        await server.close();
      }
    });
  },
);
