/**
 * Messages of a rosbag2 SQLite (`.db3`) file, read with sql.js (SQLite compiled to WebAssembly:
 * no native add-on to build). Definitions come from the `message_definitions` table where the
 * file has one (schema v4 and later); older files have none.
 */
import { readFileSync } from "node:fs";
import initSqlJs from "sql.js";

export interface Db3Topic {
  topic: string;
  type: string;
  serializationFormat: string;
  /** `encoded_message_definition` for the topic's type, if the file has one. */
  definition: string | undefined;
  messages: Uint8Array[];
}

export async function readRos2Db3(file: string): Promise<Db3Topic[]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(file));
  try {
    const tables = new Set(
      db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]!.values.flat(),
    );
    const definitions = new Map<string, string>();
    if (tables.has("message_definitions")) {
      for (const [type, text] of db.exec(
        "SELECT topic_type, encoded_message_definition FROM message_definitions",
      )[0]?.values ?? []) {
        definitions.set(String(type), String(text));
      }
    }
    const topics: Db3Topic[] = [];
    for (const [id, name, type, format] of db.exec(
      "SELECT id, name, type, serialization_format FROM topics ORDER BY id",
    )[0]!.values) {
      const rows = db.exec(`SELECT data FROM messages WHERE topic_id = ${Number(id)} ORDER BY id`);
      const typeName = String(type);
      // rosbag2 keys a service-event topic's definition by the service (`pkg/srv/X`).
      const definition =
        definitions.get(typeName) ?? definitions.get(typeName.replace(/_Event$/, ""));
      topics.push({
        topic: String(name),
        type: typeName,
        serializationFormat: String(format),
        definition,
        messages: (rows[0]?.values ?? []).map(([data]) => data as Uint8Array),
      });
    }
    return topics;
  } finally {
    db.close();
  }
}
