/**
 * The golden-file helpers (test/helpers/golden.ts) and the ground truth they read.
 *
 * - Synthetic cases: the conversion and comparison rules, including that every kind of
 *   difference is reported at the right path.
 * - The committed golden bags against an independent ROS decoder (@foxglove/rosbag +
 *   @foxglove/rosmsg-serialization): the JSON convention carries every value exactly.
 * - With Debian's ROS present: the scripts reproduce the committed fixtures byte for byte, and
 *   dump_bag.py flags the real smach bag's invalid UTF-8.
 */
import { Bag } from "@foxglove/rosbag";
import { FileReader } from "@foxglove/rosbag/node.js";
import { parse as parseDefinition } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg-serialization";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { describeIf, hasPython, ROS_PYTHON, rosEnv, sharedBagsDir } from "./helpers/env.js";
import {
  dumpBagsLive,
  expectMatchesGolden,
  expectMessagesMatchGolden,
  fromGoldenJson,
  GOLDEN_DIR,
  type GoldenLine,
  loadStdTypes,
  readJsonl,
  type ReadMessage,
  SCRIPTS_DIR,
  STD_TYPES_FILE,
} from "./helpers/golden.js";

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), "noros-golden-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Error message expectMatchesGolden throws, or undefined when the values match. */
function mismatchOf(decoded: unknown, golden: unknown): string | undefined {
  try {
    expectMatchesGolden(decoded, golden);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe("fromGoldenJson", () => {
  it("turns the tagged forms into bytes, bigints and special floats", () => {
    const value = fromGoldenJson({
      data: { $bytes: "AP+A" },
      big: { $int: "-9223372036854775808" },
      huge: { $int: "18446744073709551615" },
      nan: { $float: "NaN" },
      inf: { $float: "Infinity" },
      ninf: { $float: "-Infinity" },
      nzero: { $float: "-0" },
      list: [{ $int: "9007199254740993" }, 1.5, "s", true, null],
    }) as Record<string, unknown>;
    const data = value.data as Uint8Array;
    expect(data).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(data)).toBe(false);
    expect(Array.from(data)).toEqual([0, 255, 128]);
    expect(value.big).toBe(-9223372036854775808n);
    expect(value.huge).toBe(18446744073709551615n);
    expect(value.nan).toBeNaN();
    expect(value.inf).toBe(Infinity);
    expect(value.ninf).toBe(-Infinity);
    expect(Object.is(value.nzero, -0)).toBe(true);
    expect(value.list).toEqual([9007199254740993n, 1.5, "s", true, null]);
  });

  it("keeps plain objects (time, messages) and empty bytes", () => {
    expect(fromGoldenJson({ stamp: { sec: 4294967295, nsec: 0 }, b: { $bytes: "" } })).toEqual({
      stamp: { sec: 4294967295, nsec: 0 },
      b: new Uint8Array(0),
    });
  });

  it("rejects malformed tags, naming the path", () => {
    expect(() => fromGoldenJson({ a: [{ $float: "nan" }] })).toThrow('a[0]: invalid $float "nan"');
    expect(() => fromGoldenJson({ a: { b: { $int: "1.5" } } })).toThrow('a.b: invalid $int "1.5"');
    expect(() => fromGoldenJson({ x: { $bytes: "A$==" } })).toThrow("x: invalid base64");
    expect(() => fromGoldenJson({ $nope: "1" })).toThrow("<root>: unknown golden tag $nope");
    expect(() => fromGoldenJson({ x: { $int: 5 } })).toThrow("x: $int holds a non-string");
  });
});

describe("readJsonl", () => {
  const line = (extra: object) =>
    JSON.stringify({
      topic: "/a",
      type: "std_msgs/Int64",
      md5: "34add168574510e6e17f5d23ecc077ef",
      time: { sec: 1, nsec: 2 },
      size: 8,
      value: { data: { $int: "9223372036854775807" } },
      ...extra,
    });

  it("reads every line of a dump", () => {
    withTempDir((dir) => {
      const file = path.join(dir, "a.jsonl");
      writeFileSync(file, `${line({})}\n${line({ invalidUtf8: true, topic: "/b" })}\n`);
      const lines = readJsonl(file);
      expect(lines.map((l) => l.topic)).toEqual(["/a", "/b"]);
      expect(lines[1]!.invalidUtf8).toBe(true);
      expect(fromGoldenJson(lines[0]!.value)).toEqual({ data: 9223372036854775807n });
    });
  });

  it("names the file and line of bad input", () => {
    withTempDir((dir) => {
      const file = path.join(dir, "bad.jsonl");
      writeFileSync(file, `${line({})}\n{"topic": \n`);
      expect(() => readJsonl(file)).toThrow(`${file}:2: invalid JSON`);
      writeFileSync(file, `${line({})}\n${line({})}\n${line({ time: 5 })}\n`);
      expect(() => readJsonl(file)).toThrow(
        `${file}:3: not a dump line: "time" is not {sec, nsec}`,
      );
      writeFileSync(file, `[]\n`);
      expect(() => readJsonl(file)).toThrow(`${file}:1: not a dump line: not an object`);
    });
  });
});

describe("expectMatchesGolden", () => {
  it("accepts the TypeScript shapes of the golden values", () => {
    const golden = {
      header: { seq: 7, stamp: { sec: 4294967295, nsec: 999999999 }, frame_id: "日本" },
      data: { $bytes: "AQID" },
      i64: { $int: "-9223372036854775808" },
      small64: 42,
      u64s: [0, { $int: "18446744073709551615" }],
      f32s: [0.10000000149011612, { $float: "NaN" }, { $float: "-0" }],
      f64s: [0.1, { $float: "-Infinity" }],
      i8s: [-128, 127],
      bools: [true, false],
      span: { sec: -6, nsec: 999999997 },
      points: [{ x: 1, y: { $float: "NaN" }, z: { $float: "-0" } }],
      empty: {},
      flag: false,
    };
    const stamp = Object.assign(Object.create({ toSec: () => 0 }) as object, {
      sec: 4294967295,
      nsec: 999999999,
    });
    const decoded = {
      header: { seq: 7, stamp, frame_id: "日本" },
      data: Buffer.from([1, 2, 3]),
      i64: -9223372036854775808n,
      small64: 42n,
      u64s: new BigUint64Array([0n, 18446744073709551615n]),
      f32s: new Float32Array([0.1, NaN, -0]),
      f64s: new Float64Array([0.1, -Infinity]),
      i8s: new Int8Array([-128, 127]),
      bools: [true, false],
      span: { sec: -6, nsec: 999999997 },
      points: [{ x: 1, y: NaN, z: -0 }],
      empty: {},
      flag: false,
    };
    expect(mismatchOf(decoded, golden)).toBeUndefined();
    // Already converted golden values work the same.
    expect(mismatchOf(decoded, fromGoldenJson(golden))).toBeUndefined();
  });

  it("compares Float32Array elements with the float32 of the golden number", () => {
    expect(mismatchOf(new Float32Array([0.1]), [0.1])).toBeUndefined();
    // A plain number field is compared exactly: 0.1 is not the float32 nearest 0.1.
    expect(mismatchOf({ x: Math.fround(0.1) }, { x: 0.1 })).toMatch(/^golden mismatch at x:/);
    expect(mismatchOf(new Float64Array([Math.fround(0.1)]), [0.1])).toMatch(/at \[0\]/);
  });

  const cases: [string, unknown, unknown, string][] = [
    ["-0 is not 0", { data: 0 }, { data: { $float: "-0" } }, "at data: expected -0, got 0"],
    ["0 is not -0", { data: -0 }, { data: 0 }, "at data: expected 0, got -0"],
    [
      "NaN is not a number",
      { data: 1 },
      { data: { $float: "NaN" } },
      "at data: expected NaN, got 1",
    ],
    [
      "int64 beyond 2^53 must be a bigint",
      { data: 2 ** 63 },
      { data: { $int: "9223372036854775807" } },
      "int64/uint64 decode as bigint",
    ],
    ["bigint value differs", { data: 3n }, { data: 4 }, "at data: expected 4, got 3n"],
    [
      "bytes must be a Uint8Array",
      { data: [1, 2, 3] },
      { data: { $bytes: "AQID" } },
      "uint8[]/char[] decode as Uint8Array",
    ],
    [
      "byte differs",
      { data: new Uint8Array([1, 9, 3]) },
      { data: { $bytes: "AQID" } },
      "at data[1]: expected 2, got 9",
    ],
    [
      "bytes length",
      { data: new Uint8Array([1]) },
      { data: { $bytes: "AQID" } },
      "length 1 instead of 3",
    ],
    [
      "array length",
      { a: new Float64Array(2) },
      { a: [0, 0, 0] },
      "at a: expected array(3), got Float64Array(2)",
    ],
    [
      "signed vs unsigned",
      { a: new Uint8Array([255]) },
      { a: [-1] },
      "at a[0]: expected -1, got 255",
    ],
    [
      "deep path",
      { markers: [{ points: [] }, { points: [{ x: 1, y: 2 }] }] },
      { markers: [{ points: [] }, { points: [{ x: 1, y: 3 }] }] },
      "at markers[1].points[0].y: expected 3, got 2",
    ],
    [
      "missing field",
      { a: 1 },
      { a: 1, b: "x" },
      'at b: expected "x", got undefined (missing field)',
    ],
    [
      "inherited is not own",
      {},
      { constructor: 1 },
      "at constructor: expected 1, got undefined (missing field)",
    ],
    [
      "extra field",
      { a: 1, extra: 2 },
      { a: 1 },
      "at extra: expected undefined, got 2 (unexpected field)",
    ],
    [
      "time nsec",
      { t: { sec: 1, nsec: 2 } },
      { t: { sec: 1, nsec: 3 } },
      "at t.nsec: expected 3, got 2",
    ],
    ["string", { s: "bom" }, { s: "\ufeffbom" }, 'at s: expected "\ufeffbom", got "bom"'],
    ["bool vs number", { b: 1 }, { b: true }, "at b: expected true, got 1"],
    [
      "not an object",
      { m: null },
      { m: { x: 1 } },
      "at m: expected object {x}, got null (not an object)",
    ],
    ["not an array", { l: "abc" }, { l: ["a"] }, "(not an array)"],
    ["root", 5, 6, "golden mismatch at <root>: expected 6, got 5"],
  ];
  it.each(cases)("reports %s", (_name, decoded, golden, message) => {
    const error = mismatchOf(decoded, golden);
    expect(error).toBeDefined();
    expect(error).toContain(message);
  });

  it("starts paths from the given prefix", () => {
    expect(() => expectMatchesGolden({ x: 1 }, { x: 2 }, "msg[4]")).toThrow("at msg[4].x:");
  });
});

describe("expectMessagesMatchGolden", () => {
  const line = (topic: string, nsec: number, data: number): GoldenLine => ({
    topic,
    type: "std_msgs/Int32",
    md5: "da5909fbe378aeaf85e547e830cc1bb7",
    time: { sec: 5, nsec },
    size: 4,
    value: { data },
  });
  const read = (topic: string, nsec: number, data: number): ReadMessage => ({
    topic,
    time: { sec: 5, nsec },
    value: { data },
  });
  const lines = [line("/a", 1, 10), line("/a", 1, 11), line("/b", 1, 20), line("/a", 2, 12)];

  it("accepts any order of messages with equal topic and record time", () => {
    const messages = [read("/b", 1, 20), read("/a", 1, 11), read("/a", 1, 10), read("/a", 2, 12)];
    expect(() => expectMessagesMatchGolden(messages, lines)).not.toThrow();
  });

  it("names topic, time and index of a message that matches no line", () => {
    const messages = [read("/a", 1, 10), read("/a", 1, 99), read("/b", 1, 20), read("/a", 2, 12)];
    expect(() => expectMessagesMatchGolden(messages, lines)).toThrow(
      "/a at 5.000000001 (message 1): golden mismatch at data: expected 11, got 99",
    );
  });

  it("does not pair a message across record times or twice with one line", () => {
    const swapped = [read("/a", 2, 12), read("/a", 1, 10), read("/a", 1, 11), read("/b", 2, 20)];
    expect(() => expectMessagesMatchGolden(swapped, lines)).toThrow(
      "/b at 5.000000002 (message 3): no golden line left",
    );
    const twice = [read("/a", 1, 10), read("/a", 1, 10)];
    expect(() => expectMessagesMatchGolden(twice, lines)).toThrow(
      "/a at 5.000000001 (message 1): golden mismatch at data: expected 11, got 10",
    );
  });

  it("reports a count mismatch", () => {
    expect(() => expectMessagesMatchGolden([read("/a", 1, 10)], lines)).toThrow(
      "1 messages read, the dump has 4",
    );
  });
});

/** Every message of a bag, decoded by @foxglove's independent ROS 1 reader, in bag order. */
type FoxgloveMessage = ReadMessage & { data: Uint8Array };
async function readWithFoxglove(file: string): Promise<FoxgloveMessage[]> {
  const reader = new FileReader(file);
  try {
    const bag = new Bag(reader, { parse: false });
    await bag.open();
    const readers = new Map<number, MessageReader>();
    const out: FoxgloveMessage[] = [];
    for await (const event of bag.messageIterator()) {
      let msgReader = readers.get(event.connectionId);
      if (!msgReader) {
        const connection = bag.connections.get(event.connectionId)!;
        msgReader = new MessageReader(parseDefinition(connection.messageDefinition));
        readers.set(event.connectionId, msgReader);
      }
      out.push({
        topic: event.topic,
        time: event.timestamp,
        data: event.data,
        value: msgReader.readMessage(event.data),
      });
    }
    return out;
  } finally {
    await reader.close();
  }
}

/**
 * Compare a bag read by @foxglove with its dump, message by message in bag order (the golden
 * bags have no equal record times, so the order is the same for every reader); returns
 * "topic #index: error" per mismatch.
 */
async function compareBagWithDump(bagFile: string, lines: GoldenLine[]): Promise<string[]> {
  const messages = await readWithFoxglove(bagFile);
  expect(messages.length).toBe(lines.length);
  const problems: string[] = [];
  messages.forEach((msg, i) => {
    const line = lines[i]!;
    expect(msg.topic).toBe(line.topic);
    expect(msg.data.length).toBe(line.size);
    const error = mismatchOf(msg.value, line.value);
    if (error !== undefined) problems.push(`${line.topic} #${i}: ${error}`);
  });
  return problems;
}

describe("committed golden bags against an independent decoder (@foxglove/rosmsg-serialization)", () => {
  it("std.bag: every message matches its golden value", async () => {
    const lines = readJsonl(path.join(GOLDEN_DIR, "std.jsonl"));
    const types = loadStdTypes();
    // Every standard message type and service request/response appears, 2-3 times each.
    const topics = new Set(lines.map((l) => l.type));
    for (const name of Object.keys(types.messages)) expect(topics).toContain(name);
    for (const srv of Object.values(types.services)) {
      expect(topics).toContain(srv.request.type);
      expect(topics).toContain(srv.response.type);
    }
    for (const l of lines)
      expect(l.md5).toBe((types.messages[l.type] ?? findServicePart(l.type)).md5sum);
    const messages = await readWithFoxglove(path.join(GOLDEN_DIR, "std.bag"));
    expect(messages.map((m) => m.data.length)).toEqual(lines.map((l) => l.size));
    expectMessagesMatchGolden(messages, lines);
  });

  it("edge.bag: every message matches except where @foxglove's reader is known to differ", async () => {
    const lines = readJsonl(path.join(GOLDEN_DIR, "edge.jsonl"));
    expect(lines.filter((l) => l.invalidUtf8).map((l) => l.topic)).toEqual(
      Array(4).fill("/edge/string_invalid_utf8"),
    );
    const problems = await compareBagWithDump(path.join(GOLDEN_DIR, "edge.bag"), lines);
    // TextDecoder drops a leading BOM by default: @foxglove loses it, genpy keeps it. The
    // helper must catch exactly that, at the right fields, and nothing else.
    expect(problems).toEqual([
      expect.stringMatching(
        /^\/edge\/string #\d+: golden mismatch at data: expected "\ufeffbom", got "bom"$/,
      ),
      expect.stringMatching(
        /^\/custom\/Arrays\/extremes #\d+: golden mismatch at texts\[7\]: expected "\ufeffbom"/,
      ),
    ]);
  });
});

function findServicePart(type: string): { md5sum: string } {
  for (const srv of Object.values(loadStdTypes().services)) {
    if (srv.request.type === type) return srv.request;
    if (srv.response.type === type) return srv.response;
  }
  throw new Error(`no standard type ${type}`);
}

// std_srvs: python3-std-srvs is not pulled in by the other message packages (scripts/README.md).
const hasRos = hasPython("rosbag", "genpy", "genmsg", "std_srvs.srv");

describeIf(hasRos, "needs Debian's ROS Python packages listed in scripts/README.md")(
  "scripts reproduce the committed fixtures (Debian ROS)",
  () => {
    const runScript = (script: string, args: string[]) =>
      execFileSync(ROS_PYTHON, [path.join(SCRIPTS_DIR, script), ...args], {
        env: rosEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });

    it("make_golden.py writes byte-identical bags, dumps and .msg files", () => {
      withTempDir((dir) => {
        runScript("make_golden.py", ["--out-dir", dir]);
        for (const name of ["std.bag", "std.jsonl", "edge.bag", "edge.jsonl"]) {
          expect(
            readFileSync(path.join(dir, name)).equals(readFileSync(path.join(GOLDEN_DIR, name))),
          ).toBe(true);
        }
        const msgDir = path.join("noros_test", "msg");
        const files = readdirSync(path.join(GOLDEN_DIR, msgDir)).sort();
        expect(readdirSync(path.join(dir, msgDir)).sort()).toEqual(files);
        for (const f of files) {
          expect(readFileSync(path.join(dir, msgDir, f), "utf8")).toBe(
            readFileSync(path.join(GOLDEN_DIR, msgDir, f), "utf8"),
          );
        }
      });
    });

    it("std_types.py writes the committed std-types.json", () => {
      withTempDir((dir) => {
        const out = path.join(dir, "std-types.json");
        runScript("std_types.py", ["--out", out]);
        expect(readFileSync(out, "utf8")).toBe(readFileSync(STD_TYPES_FILE, "utf8"));
      });
    });

    it("dump_bag.py names a missing bag and fails", () => {
      expect(() => dumpBagsLive([path.join(GOLDEN_DIR, "no-such.bag")], tmpdir())).toThrow(
        /dump_bag.py failed: [\s\S]*no such bag: .*no-such\.bag/,
      );
    });
  },
);

const shared = sharedBagsDir();
describeIf(hasRos && shared !== undefined, "needs Debian's python3-rosbag and ../shared/bags")(
  "dump_bag.py on a real bag with non-UTF-8 strings",
  () => {
    it("flags every smach message and matches @foxglove's lenient decoding", async () => {
      const bag = path.join(shared!, "jsk_common__smach.bag");
      const dir = mkdtempSync(path.join(tmpdir(), "noros-golden-"));
      try {
        dumpBagsLive([bag], dir);
        const lines = readJsonl(path.join(dir, "jsk_common__smach.jsonl"));
        expect(lines).toHaveLength(7);
        for (const line of lines) {
          expect(line.invalidUtf8).toBe(true);
          expect(line.reserializeDiffers).toBe(true);
          expect(line.type).toBe("smach_msgs/SmachContainerStatus");
        }
        // TextDecoder's U+FFFD replacement is the same as Python's 'replace'.
        expectMessagesMatchGolden(await readWithFoxglove(bag), lines);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
