/**
 * The codecs against real ROS: bags written by Debian's python3-rosbag/genpy
 * (test/fixtures/golden, from scripts/make_golden.py) and, when ../shared/bags exists, the 30
 * real-world bags with genpy's values dumped live by scripts/dump_bag.py. Every message is
 * decoded by the codec compiled from the bag's own definition (and by the generated codec when
 * the standard set has the type), compared with genpy's values, and re-encoded to the identical
 * bytes.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { codecs } from "../../generated/index.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf, hasPython, sharedBagsDir } from "../helpers/env.js";
import {
  GOLDEN_DIR,
  type GoldenLine,
  type ReadMessage,
  dumpBagsLive,
  expectMessagesMatchGolden,
  readJsonl,
} from "../helpers/golden.js";

interface BagReport {
  messages: number;
  types: Set<string>;
  identical: number;
  /** Messages whose bytes cannot round-trip: a string held invalid UTF-8. */
  invalidUtf8: number;
}

/** Decodes and re-encodes every message of `bag`; returns the decoded messages and counts. */
async function checkBag(bag: string, golden: readonly GoldenLine[]): Promise<BagReport> {
  const source = await openMessageSource(bag);
  const report: BagReport = { messages: 0, types: new Set(), identical: 0, invalidUtf8: 0 };
  const invalid = new Set(
    golden
      .filter((l) => l.invalidUtf8 === true)
      .map((l) => `${l.topic}@${l.time.sec}.${l.time.nsec}`),
  );
  const read: ReadMessage[] = [];
  try {
    const compiled = new Map<number, Codec>();
    for (const channel of source.channels) {
      const codec = compileCodec(channel.schemaName, channel.schema, {
        ...(channel.md5sum !== undefined ? { md5sum: channel.md5sum } : {}),
      });
      if (channel.md5sum !== undefined && channel.md5sum !== "*") {
        expect({ topic: channel.topic, md5: codec.md5sum }).toEqual({
          topic: channel.topic,
          md5: channel.md5sum,
        });
      }
      compiled.set(channel.id, codec);
    }
    for await (const message of source.messages()) {
      const codec = compiled.get(message.channelId)!;
      const generated = (codecs as Record<string, Codec>)[message.schemaName];
      const value = codec.decode(message.data, { strict: true });
      const time = {
        sec: Number(message.receiveTime / 1_000_000_000n),
        nsec: Number(message.receiveTime % 1_000_000_000n),
      };
      read.push({ topic: message.topic, time, value });
      report.messages++;
      report.types.add(message.schemaName);
      const where = `${message.topic} message ${report.messages}`;
      const identical = Buffer.compare(codec.encode(value), message.data) === 0;
      if (invalid.has(`${message.topic}@${time.sec}.${time.nsec}`)) {
        // U+FFFD replaced the invalid bytes (as in genpy): the original bytes cannot come back.
        report.invalidUtf8++;
        if (identical) throw new Error(`${where}: invalid UTF-8 re-encoded identically?`);
        continue;
      }
      // Plain checks per message (expect() per message would dominate the run time).
      if (!identical) throw new Error(`${where}: re-encoded bytes differ from the recording`);
      if (codec.encodedSize(value) !== message.data.byteLength) {
        throw new Error(
          `${where}: encodedSize ${codec.encodedSize(value)} != ${message.data.byteLength}`,
        );
      }
      if (generated !== undefined && generated.md5sum === codec.md5sum) {
        const viaGenerated = generated.decode(message.data, { strict: true });
        if (Buffer.compare(generated.encode(viaGenerated as never), message.data) !== 0) {
          throw new Error(`${where}: generated codec re-encodes differently`);
        }
      }
      report.identical++;
    }
  } finally {
    await source.close();
  }
  expectMessagesMatchGolden(read, golden);
  return report;
}

describe("golden bags written by ROS (committed)", () => {
  const bags = readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith(".bag"))
    .sort();

  it("has the golden bags", () =>
    expect(bags).toEqual(expect.arrayContaining(["edge.bag", "std.bag"])));

  it.each(bags)(
    "%s: every message decodes to genpy's values and re-encodes to the same bytes",
    async (bag) => {
      const golden = readJsonl(path.join(GOLDEN_DIR, bag.replace(/\.bag$/, ".jsonl")));
      const report = await checkBag(path.join(GOLDEN_DIR, bag), golden);
      expect(report.messages).toBe(golden.length);
      expect(report.identical + report.invalidUtf8).toBe(report.messages);
    },
  );
});

const shared = sharedBagsDir();
const canDump = hasPython("rosbag", "genpy");
describeIf(
  shared !== undefined && canDump,
  shared === undefined ? "../shared/bags is absent" : "Debian's python3-rosbag is not installed",
)("real-world bags (../shared/bags) against python3-rosbag", () => {
  let dumps: string;
  const bags =
    shared === undefined
      ? []
      : readdirSync(shared)
          .filter((f) => f.endsWith(".bag"))
          .sort();
  const totals = { messages: 0, identical: 0, invalidUtf8: 0, types: new Set<string>() };

  beforeAll(() => {
    dumps = mkdtempSync(path.join(tmpdir(), "noros-golden-"));
    dumpBagsLive(
      bags.map((b) => path.join(shared!, b)),
      dumps,
    );
  }, 180000);
  afterAll(() => {
    rmSync(dumps, { recursive: true, force: true });
    process.stderr.write(
      `real-world bags: ${totals.messages} messages, ${totals.types.size} types, ${totals.identical} re-encoded byte-identical, ${totals.invalidUtf8} with invalid UTF-8 strings\n`,
    );
  });

  it("has the 30 bags", () => expect(bags.length).toBe(30));

  it.each(bags)(
    "%s",
    async (bag) => {
      const golden = readJsonl(path.join(dumps, bag.replace(/\.bag$/, ".jsonl")));
      const report = await checkBag(path.join(shared!, bag), golden);
      expect(report.messages).toBe(golden.length);
      totals.messages += report.messages;
      totals.identical += report.identical;
      totals.invalidUtf8 += report.invalidUtf8;
      for (const t of report.types) totals.types.add(t);
    },
    120000,
  );
});
