/**
 * rosbag2 SQLite files (`.db3`, storage `sqlite3`) through sql.js: SQLite compiled to
 * WebAssembly, so `npm install` needs no compiler and downloads no prebuilt binary (a native
 * add-on such as better-sqlite3 needs one or the other, and `node:sqlite` is not in every Node
 * that noros supports). sql.js works on a copy of the file in memory: the whole file is read at
 * open (fine for the recordings play serves; a multi-gigabyte .db3 needs that much memory).
 *
 * Tables: `topics` (name, type, serialization_format, offered_qos_profiles, and from schema v4
 * type_description_hash), `messages` (topic_id, timestamp, data), and from schema v4
 * `message_definitions` (topic_type, encoding, encoded_message_definition, type_description_hash)
 * and `schema` (schema_version, ros_distro). Older files have no definitions at all.
 */
import { readFile } from "node:fs/promises";
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from "sql.js";

import { errorMessage } from "../errors.js";
import { SourceError } from "./errors.js";
import { ros2Latching, ros2SourceChannels, type PendingRos2Channel } from "./ros2-channels.js";
import type { MessageSource, MessageSourceReadOptions, SourceMessage } from "./types.js";

let sqlJs: Promise<SqlJsStatic> | undefined;

function rows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}

function columns(db: Database, table: string): Set<string> {
  return new Set(rows(db, `PRAGMA table_info(${table})`).map((row) => String(row[1])));
}

export async function openDb3(path: string): Promise<MessageSource> {
  const bytes = await readFile(path);
  const SQL = await (sqlJs ??= initSqlJs());
  let db: Database;
  try {
    db = new SQL.Database(bytes);
  } catch (error) {
    throw new SourceError(path, `not a readable SQLite file (${errorMessage(error)})`);
  }
  try {
    return await open(path, db);
  } catch (error) {
    db.close();
    if (error instanceof SourceError) throw error;
    throw new SourceError(path, `not a readable rosbag2 SQLite file (${errorMessage(error)})`);
  }
}

async function open(path: string, db: Database): Promise<MessageSource> {
  const tables = new Set(
    rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r[0])),
  );
  for (const table of ["topics", "messages"]) {
    if (!tables.has(table)) {
      throw new SourceError(path, `not a rosbag2 SQLite file (no table "${table}")`);
    }
  }
  const definitions = new Map<string, { encoding: string; text: string; hash: string }>();
  if (tables.has("message_definitions")) {
    for (const [type, encoding, text, hash] of rows(
      db,
      "SELECT topic_type, encoding, encoded_message_definition, type_description_hash FROM message_definitions",
    )) {
      definitions.set(String(type), {
        encoding: String(encoding ?? ""),
        text: String(text ?? ""),
        hash: String(hash ?? ""),
      });
    }
  }
  let distro: string | undefined;
  if (tables.has("schema") && columns(db, "schema").has("ros_distro")) {
    const value = rows(db, "SELECT ros_distro FROM schema LIMIT 1")[0]?.[0];
    if (typeof value === "string" && value !== "") distro = value;
  }

  const topicColumns = columns(db, "topics");
  const qos = topicColumns.has("offered_qos_profiles") ? "offered_qos_profiles" : "''";
  const hash = topicColumns.has("type_description_hash") ? "type_description_hash" : "''";
  const pending: PendingRos2Channel[] = [];
  const skipped: { topic: string; reason: string }[] = [];
  for (const [id, name, type, format, offered, topicHash] of rows(
    db,
    `SELECT id, name, type, serialization_format, ${qos}, ${hash} FROM topics ORDER BY id`,
  )) {
    const topic = String(name);
    if (format !== "cdr") {
      skipped.push({ topic, reason: `serialization format "${String(format)}" is not cdr` });
      continue;
    }
    const typeName = String(type);
    // rosbag2 keys a service-event topic's definition by the service (`pkg/srv/X`).
    const definition =
      definitions.get(typeName) ?? definitions.get(typeName.replace(/_Event$/, ""));
    pending.push({
      id: Number(id),
      topic,
      type: typeName,
      text: definition?.text,
      encoding: definition?.encoding ?? "",
      hash: definition?.hash || String(topicHash ?? "") || undefined,
      latching: ros2Latching(typeof offered === "string" ? offered : undefined),
    });
  }
  const settled = await ros2SourceChannels(pending, (channelId) => {
    const data = rows(
      db,
      "SELECT data FROM messages WHERE topic_id = ? ORDER BY timestamp, id LIMIT 1",
      [channelId],
    )[0]?.[0];
    return Promise.resolve(data instanceof Uint8Array ? data : undefined);
  });
  const byId = new Map(settled.channels.map((c) => [c.id, c]));

  // Timestamps are nanoseconds since the epoch: past 2^53, so they are read as text.
  let messageCount = 0;
  let startTime: bigint | undefined;
  let endTime: bigint | undefined;
  for (const [id, count, first, last] of rows(
    db,
    "SELECT topic_id, COUNT(*), CAST(MIN(timestamp) AS TEXT), CAST(MAX(timestamp) AS TEXT) FROM messages GROUP BY topic_id",
  )) {
    if (!byId.has(Number(id))) continue;
    messageCount += Number(count);
    const from = BigInt(String(first));
    const to = BigInt(String(last));
    if (startTime === undefined || from < startTime) startTime = from;
    if (endTime === undefined || to > endTime) endTime = to;
  }

  let closed = false;
  async function* messages(options?: MessageSourceReadOptions): AsyncGenerator<SourceMessage> {
    const wanted = options?.topics !== undefined ? new Set(options.topics) : undefined;
    const ids = [...byId.values()].filter((c) => wanted?.has(c.topic) ?? true).map((c) => c.id);
    if (ids.length === 0) return;
    const statement = db.prepare(
      `SELECT topic_id, CAST(timestamp AS TEXT), data FROM messages WHERE topic_id IN (${ids.join(",")}) ORDER BY timestamp, id`,
    );
    let count = 0;
    try {
      for (;;) {
        if (closed) throw new SourceError(path, "read after the file was closed");
        let row: SqlValue[];
        try {
          if (!statement.step()) break;
          row = statement.get();
        } catch (error) {
          throw new SourceError(
            path,
            `corrupt SQLite after ${count} messages: ${errorMessage(error)}`,
          );
        }
        const channel = byId.get(Number(row[0]))!;
        const data = row[2];
        count++;
        yield {
          channelId: channel.id,
          topic: channel.topic,
          schemaName: channel.schemaName,
          schema: channel.schema,
          receiveTime: BigInt(String(row[1])),
          // An empty BLOB reads back as null... or as an empty array.
          data: data instanceof Uint8Array ? data : new Uint8Array(0),
        };
      }
    } finally {
      if (!closed) statement.free();
    }
  }

  return {
    path,
    format: "db3",
    profile: "ros2",
    ...(distro !== undefined ? { distro } : {}),
    channels: settled.channels,
    skippedChannels: [...skipped, ...settled.skipped],
    notices: settled.notices,
    messageCount,
    startTime,
    endTime,
    messages,
    close: () => {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}
