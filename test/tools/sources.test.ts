/**
 * `openMessageSource`: bags written by python3-rosbag (plain, bz2, lz4) read back byte-exact
 * against what python3-rosbag itself reads, the shared real-world bags, MCAP files, and clear
 * errors for missing, foreign, truncated and corrupt files.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

import { McapRecordingWriter } from "../../tools/record/mcap-writer.js";
import { SourceError, openMessageSource, type MessageSource } from "../../tools/sources/index.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";
import { canMakeRecordings, makeRecordings, sha1, tempDir, type Recordings } from "./helpers.js";

async function readAll(source: MessageSource, topics?: string[]) {
  const out: [string, string, string][] = [];
  for await (const m of source.messages(topics !== undefined ? { topics } : {})) {
    out.push([m.topic, m.receiveTime.toString(), sha1(m.data)]);
  }
  return out;
}

async function withSource<T>(file: string, fn: (s: MessageSource) => Promise<T>): Promise<T> {
  const source = await openMessageSource(file);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}

describeIf(canMakeRecordings, "needs Debian python3-rosbag")("bags from python3-rosbag", () => {
  let rec: Recordings;
  beforeAll(() => {
    rec = makeRecordings();
  });
  afterAll(() => rec.remove());

  it.each(["none", "bz2", "lz4"] as const)("reads every message of the %s bag byte-exact", (kind) =>
    withSource(rec.files[kind], async (source) => {
      expect(source.format).toBe("bag");
      expect(source.messageCount).toBe(rec.messages.length);
      expect(await readAll(source)).toEqual(rec.messages);
      // A second pass (looping playback) gives the same again.
      expect(await readAll(source)).toEqual(rec.messages);
    }),
  );

  it("describes channels with full schemas, md5, callerid and latching", () =>
    withSource(rec.files.none, async (source) => {
      const byTopic = new Map(source.channels.map((c) => [c.topic, c]));
      expect([...byTopic.keys()].sort()).toEqual(
        ["/camera/image_raw", "/chatter", "/counter", "/imu", "/tf_static"].sort(),
      );
      const chatter = byTopic.get("/chatter");
      expect(chatter).toMatchObject({
        schemaName: "std_msgs/String",
        md5sum: "992ce8a1687cec8c8bd883ec73ca41d1",
        callerid: "/talker",
        latching: false,
      });
      expect(byTopic.get("/tf_static")).toMatchObject({
        schemaName: "tf2_msgs/TFMessage",
        latching: true,
      });
      const imu = byTopic.get("/imu");
      expect(imu?.schema).toContain("\nMSG: std_msgs/Header\n");
      expect(imu?.schema).toContain("\nMSG: geometry_msgs/Quaternion\n");
      expect(source.startTime).toBe(1700000000000000000n);
    }));

  it("filters by topic", () =>
    withSource(rec.files.lz4, async (source) => {
      const wanted = rec.messages.filter(([t]) => t === "/imu" || t === "/counter");
      expect(await readAll(source, ["/imu", "/counter"])).toEqual(wanted);
    }));

  it("reads a truncated bag front to back up to the cut, and says what is missing", async () => {
    const { dir, remove } = tempDir();
    try {
      for (const file of [rec.files.none, rec.files.bz2]) {
        const bytes = readFileSync(file);
        const cut = path.join(dir, "cut.bag");
        writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
        await withSource(cut, async (source) => {
          expect(source.damage).toMatch(
            /^its index is missing \(\d+ bytes; cut short\?\); read front to back: \d+ messages up to where the file ends inside a record at byte \d+ of \d+$/,
          );
          const read = await readAll(source);
          expect(read.length).toBe(source.messageCount);
          expect(read.length).toBeGreaterThan(rec.messages.length / 4);
          // The complete chunks before the cut: the first messages of the recording.
          expect(read).toEqual(rec.messages.slice(0, read.length));
          expect(source.channels.find((c) => c.topic === "/tf_static")).toMatchObject({
            latching: true,
            callerid: "/static_tf",
          });
        });
      }
      const empty = path.join(dir, "header-only.bag");
      writeFileSync(empty, readFileSync(rec.files.none).subarray(0, 4200));
      const error = await openMessageSource(empty).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toMatch(
        /header-only\.bag: cannot read the bag: its index is missing .*, and no chunk before that is readable/,
      );
    } finally {
      remove();
    }
  });

  it("reports corrupt compressed chunk data while reading, naming the file", async () => {
    const { dir, remove } = tempDir();
    try {
      const bytes = Buffer.from(readFileSync(rec.files.bz2));
      // Damage the middle of the first bz2 chunk (after the 4 KB bag header record).
      const start = bytes.indexOf(Buffer.from("BZh"), 4096);
      expect(start).toBeGreaterThan(0);
      for (let i = start + 200; i < start + 300; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
      const bad = path.join(dir, "bad.bag");
      writeFileSync(bad, bytes);
      const error = await withSource(bad, (s) => readAll(s)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toMatch(/bad\.bag: corrupt bag after 0 messages: /);
    } finally {
      remove();
    }
  });
});

describe("errors for files that are not recordings", () => {
  let tmp: { dir: string; remove(): void };
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.remove());

  it("names a missing file", async () => {
    const missing = path.join(tmp.dir, "nope.bag");
    await expect(openMessageSource(missing)).rejects.toThrow(`${missing}: no such file`);
  });

  it("rejects a directory, an empty file and a text file", async () => {
    await expect(openMessageSource(tmp.dir)).rejects.toThrow(
      `${tmp.dir}: a folder without metadata.yaml: not a rosbag2 bag folder`,
    );
    const empty = path.join(tmp.dir, "empty.bag");
    writeFileSync(empty, "");
    await expect(openMessageSource(empty)).rejects.toThrow(`${empty}: file is empty`);
    const text = path.join(tmp.dir, "notes.mcap");
    writeFileSync(text, "just some notes\n");
    await expect(openMessageSource(text)).rejects.toThrow(
      `${text}: not a ROS bag (v2.0), MCAP, rosbag2 SQLite file or bag folder`,
    );
  });

  it("rejects old bag versions by name", async () => {
    const old = path.join(tmp.dir, "old.bag");
    writeFileSync(old, "#ROSBAG V1.2\n" + "x".repeat(100));
    await expect(openMessageSource(old)).rejects.toThrow("ROS bag version 1.2 is not supported");
  });
});

describe("MCAP files", () => {
  let tmp: { dir: string; remove(): void };
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.remove());

  const schema = "string data\n";
  async function writeMcap(file: string, count: number): Promise<McapRecordingWriter> {
    const writer = await McapRecordingWriter.create(file);
    const chatter = writer.addChannel({ topic: "/chatter", schemaName: "std_msgs/String", schema });
    const other = writer.addChannel({
      topic: "/count",
      schemaName: "std_msgs/UInt32",
      schema: "uint32 data\n",
      metadata: { latching: "1", callerid: "/counter" },
    });
    for (let i = 0; i < count; i++) {
      const text = Buffer.from(`message ${i} ${"x".repeat(i % 50)}`);
      const data = Buffer.alloc(4 + text.length);
      data.writeUInt32LE(text.length, 0);
      text.copy(data, 4);
      writer.addMessage(chatter, 1_000_000_000n + BigInt(i) * 1000n, data);
      if (i % 10 === 0)
        writer.addMessage(other, 1_000_000_000n + BigInt(i) * 1000n + 1n, Buffer.alloc(4, i));
    }
    return writer;
  }

  it("reads an MCAP written by the recorder's writer, in time order, with channel metadata", async () => {
    const file = path.join(tmp.dir, "a.mcap");
    await (await writeMcap(file, 100)).finish();
    await withSource(file, async (source) => {
      expect(source.format).toBe("mcap");
      expect(source.messageCount).toBe(110);
      const all = [];
      for await (const m of source.messages()) all.push(m);
      expect(all).toHaveLength(110);
      expect(all.map((m) => m.receiveTime)).toEqual(
        [...all.map((m) => m.receiveTime)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      expect(
        Buffer.from(all[0]?.data ?? [])
          .subarray(4)
          .toString(),
      ).toBe("message 0 ");
      const count = source.channels.find((c) => c.topic === "/count");
      expect(count).toMatchObject({
        schemaName: "std_msgs/UInt32",
        latching: true,
        callerid: "/counter",
      });
      expect(source.channels.find((c) => c.topic === "/chatter")?.schema).toBe(schema);
    });
  });

  it("reads an unfinished recording (.part) up to its last complete chunk, then names the damage", async () => {
    const file = path.join(tmp.dir, "b.mcap");
    // Enough data for several 1 MB chunks, then the process "dies": no finish().
    const writer = await McapRecordingWriter.create(file);
    const channel = writer.addChannel({ topic: "/blob", schemaName: "std_msgs/String", schema });
    const payload = Buffer.alloc(4 + 100_000, 7);
    payload.writeUInt32LE(100_000, 0);
    for (let i = 0; i < 40; i++) writer.addMessage(channel, BigInt(i + 1), payload);
    // Wait until the queued writes reached the file (stats() reports the file position).
    while (writer.stats().bytes < 3_000_000) await new Promise((r) => setTimeout(r, 10));
    const part = readFileSync(writer.partPath);
    const cut = path.join(tmp.dir, "cut.mcap");
    writeFileSync(cut, part.subarray(0, part.length - 1000));
    await withSource(cut, async (source) => {
      expect(source.channels.map((c) => c.topic)).toEqual(["/blob"]);
      let n = 0;
      for await (const m of source.messages()) {
        expect(m.data.length).toBe(100_004);
        n++;
      }
      expect(n).toBeGreaterThan(0);
      // Counted when opened (the banner of `play`): the messages that can be read; the damage is
      // announced then, and reading ends quietly there.
      expect(source.messageCount).toBe(n);
      expect(source.damage).toMatch(new RegExp(`^after ${n} messages: file ends inside a record`));
    });
    await writer.finish();
  });
});

const bagsDir = sharedBagsDir();
describeIf(bagsDir !== undefined, "needs ../shared/bags")("the shared real-world bags", () => {
  it("reads all 111,370 messages of the 30 bags, as many as their indexes announce", async () => {
    const dir = bagsDir ?? "";
    let total = 0;
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".bag"))) {
      await withSource(path.join(dir, name), async (source) => {
        let n = 0;
        let previous = 0n;
        let ordered = true;
        for await (const m of source.messages()) {
          ordered &&= m.receiveTime >= previous;
          previous = m.receiveTime;
          n++;
        }
        expect([name, n, ordered]).toEqual([name, source.messageCount, true]);
        total += n;
      });
    }
    expect(total).toBe(111370);
  });
});
