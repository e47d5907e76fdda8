/**
 * play → record → play, byte-exact, on the real rosbag2 recordings of ../shared/ros2-bags (MCAP
 * and SQLite): `noros play` serves a recording as the ROS 2 bridge would, `record` writes what it
 * receives, and the recording holds every served message (topic, receive time, CDR bytes) of the
 * original; played again and recorded again, it gives the same messages, schemas and rosbag2
 * channel metadata.
 */
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { readdirSync } from "node:fs";
import { open } from "node:fs/promises";
import * as path from "node:path";

import { resolveName } from "../../runtime/client/names.js";
import { startPlayServer } from "../../tools/play/server.js";
import { record } from "../../tools/record/recorder.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { describeIf, sharedRos2BagsDir } from "../helpers/env.js";
import { sha1, tempDir } from "./helpers.js";

const dir = sharedRos2BagsDir();

/** `promise`, or a rejection naming `what` after 30 s (a hang fails instead of stalling jest). */
function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 30000);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** "topic receiveTime sha1" of every message a file serves, sorted (equal times may swap). */
async function fingerprints(file: string): Promise<string[]> {
  const source = await openMessageSource(file);
  const list: string[] = [];
  try {
    for await (const m of source.messages())
      // Relative names (rosbag2 allows them) are served, and so recorded, as global ones.
      list.push(`${resolveName(m.topic)} ${m.receiveTime} ${sha1(m.data)}`);
  } finally {
    await source.close();
  }
  return list.sort();
}

/** Plays `file` as fast as the recorder takes and records its `total` served messages to `out`. */
async function playAndRecord(file: string, out: string, total: number): Promise<void> {
  const server = await startPlayServer({ file, port: 0, rate: 0, start: "manual" });
  const stop = new AbortController();
  try {
    const recording = record({ url: server.url, out, limit: total, signal: stop.signal });
    await withDeadline(
      Promise.all(server.channels.map((c) => server.subscribed(c.topic))),
      "the recorder's subscriptions",
    );
    server.start();
    const result = await withDeadline(recording, "the recording");
    expect(result.messages).toBe(total);
  } finally {
    stop.abort(); // a recording that timed out ends too
    await server.close();
  }
}

/** What a recording says besides its messages: header, schemas, channels, rosbag2 distro. */
async function description(file: string) {
  const handle = await open(file);
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle) });
    const distros: string[] = [];
    for await (const m of reader.readMetadata({ name: "rosbag2" })) {
      distros.push(m.metadata.get("ROS_DISTRO") ?? "?");
    }
    const schemas = new Map([...reader.schemasById.values()].map((s) => [s.id, s]));
    return {
      profile: reader.header.profile,
      distros,
      channels: [...reader.channelsById.values()]
        .map((c) => ({
          topic: c.topic,
          messageEncoding: c.messageEncoding,
          schemaName: schemas.get(c.schemaId)!.name,
          schemaEncoding: schemas.get(c.schemaId)!.encoding,
          schema: new TextDecoder().decode(schemas.get(c.schemaId)!.data),
          metadata: Object.fromEntries(c.metadata),
        }))
        .sort((a, b) => a.topic.localeCompare(b.topic)),
    };
  } finally {
    await handle.close();
  }
}

describeIf(dir !== undefined, "../shared/ros2-bags is absent")(
  "ROS 2: play → record → play, byte-exact",
  () => {
    const files =
      dir !== undefined
        ? readdirSync(dir)
            // Play serves none of the channels of two files: wrong_rmw_test's are in an unknown
            // encoding, rewriter_b's have no definitions and types outside the standard set.
            .filter((f) => /\.(mcap|db3)$/.test(f) && !/wrong_rmw_test|rewriter_b_0/.test(f))
        : [];
    let tmp: { dir: string; remove(): void };
    beforeAll(() => (tmp = tempDir()));
    afterAll(() => tmp.remove());

    it.each(files)("%s", async (name) => {
      const original = path.join(dir!, name);
      const first = path.join(tmp.dir, `${name}.1.mcap`);
      const second = path.join(tmp.dir, `${name}.2.mcap`);
      // What play serves: every message of the channels it does not skip (wrong_rmw_test's).
      const served = await fingerprints(original);
      await playAndRecord(original, first, served.length);
      expect(await fingerprints(first)).toEqual(served);

      const recorded = await description(first);
      expect(recorded.profile).toBe("ros2");
      for (const channel of recorded.channels) {
        expect(channel).toMatchObject({ messageEncoding: "cdr", schemaEncoding: "ros2msg" });
        expect(Object.keys(channel.metadata)).toEqual(
          expect.arrayContaining(["offered_qos_profiles", "topic_type_hash"]),
        );
      }

      await playAndRecord(first, second, served.length);
      expect(await fingerprints(second)).toEqual(served);
      // Schemas, type hashes and latching (the transient-local offer) survive the second pass.
      expect(await description(second)).toEqual(recorded);
    });
  },
);
