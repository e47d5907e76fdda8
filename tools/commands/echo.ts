/** `noros echo TOPIC`: decoded messages as JSON lines. */
import type { Argv } from "yargs";

import { Session } from "../bridge/session.js";
import { UserError } from "../errors.js";
import { checkFieldPath, parseFieldPath, selectField, type FieldPath } from "../format/fields.js";
import { formatJson } from "../format/json.js";
import { isRos2TypeName, schemaFromDefinition } from "../format/message-input.js";
import { line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";
import { loadGeneratedCodecs } from "./definitions.js";

interface EchoArgs extends BridgeArgs {
  topic: string;
  count: number | undefined;
  fields: string[] | undefined;
  full: boolean;
  meta: boolean;
}

export const echoCommand = {
  command: "echo <topic>",
  describe: "print the messages of a topic as JSON lines",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .positional("topic", { type: "string", describe: "topic name, e.g. /imu" })
      .option("count", { alias: "n", type: "number", describe: "exit after this many messages" })
      .option("fields", {
        alias: "f",
        type: "string",
        array: true,
        describe: "print only these fields (a.b, points[0].x; comma-separated or repeated)",
      })
      .option("full", { type: "boolean", default: false, describe: "print long arrays in full" })
      .option("meta", {
        type: "boolean",
        default: false,
        describe: 'wrap each message as {"topic", "receiveTime", "message"}',
      })
      .example("$0 echo /imu -n 1", "one message of /imu, then exit")
      .example("$0 echo /odom --fields pose.pose.position", "only the position")
      .example("$0 echo /scan --full | jq .ranges", "with the arrays in full")
      .epilog(
        "int64 values print as numbers when exact, else as strings; NaN and infinities as strings; " +
          'typed arrays longer than 64 elements as a summary such as "<Uint8Array 921600 bytes>" ' +
          "unless --full; time as {sec, nsec}. With one --fields path the value itself is printed, " +
          "with several an object keyed by path.",
      ),
  async run(args: EchoArgs, io: CliIO): Promise<number> {
    if (args.count !== undefined && !(Number.isInteger(args.count) && args.count > 0)) {
      throw new UserError(`-n must be a positive integer, got ${args.count}`);
    }
    const paths: FieldPath[] = (args.fields ?? [])
      .flatMap((f) => f.split(","))
      .filter((f) => f.trim() !== "")
      .map((f) => parseFieldPath(f.trim()));
    let problems = 0;
    let fatal: Error | undefined;
    let wake = () => {};
    const session = await Session.open(args.url, {
      connectTimeoutMs: args.timeout * 1000,
      onError: (error) => {
        line(io.stderr, `noros echo: ${error.message}`);
        problems++;
        // Without a codec nothing on the topic can be decoded: stop instead of repeating it.
        if (error.kind === "schema") {
          fatal = new UserError(error.message);
          wake();
        }
      },
    });
    try {
      const topic = await session.topic(args.topic, args.timeout * 1000);
      // No advertised definition (the bridge lacks the type, or it has no fields, e.g.
      // std_msgs/Empty): decoding needs the generated codec.
      if (topic.schema === "")
        await loadGeneratedCodecs(isRos2TypeName(topic.schemaName) ? "ros2" : "ros1");
      if (paths.length > 0 && topic.schema !== "") {
        const schema = schemaFromDefinition(topic.schemaName, topic.schema);
        for (const path of paths) checkFieldPath(path, schema.root, schema.resolve);
      }
      let received = 0;
      const done = new Promise<void>((resolve) => {
        wake = resolve;
        if (fatal !== undefined) resolve();
        io.signal.addEventListener("abort", () => resolve(), { once: true });
        session.onLost((error) => {
          fatal = error;
          resolve();
        });
      });
      const options = { full: args.full };
      const subscription = session.client.subscribe(
        args.topic,
        "*",
        (message, receiveTimeNs, info) => {
          if (args.count !== undefined && received >= args.count) return;
          received++;
          let value: unknown = message;
          try {
            if (paths.length === 1) value = selectField(message, paths[0]!);
            else if (paths.length > 1) {
              value = Object.fromEntries(paths.map((p) => [p.text, selectField(message, p)]));
            }
          } catch (error) {
            if (!(error instanceof UserError)) throw error;
            line(io.stderr, `noros echo: ${error.message}`);
            problems++;
            if (args.count !== undefined && received >= args.count) wake();
            return;
          }
          if (args.meta) {
            const sec = receiveTimeNs / 1_000_000_000n;
            const receiveTime = {
              sec: Number(sec),
              nsec: Number(receiveTimeNs - sec * 1_000_000_000n),
            };
            value = { topic: info.topic, receiveTime, message: value };
          }
          line(io.stdout, formatJson(value, options));
          if (args.count !== undefined && received >= args.count) wake();
        },
      );
      await done;
      subscription.unsubscribe();
      if (fatal !== undefined) throw fatal;
      return problems > 0 ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};
