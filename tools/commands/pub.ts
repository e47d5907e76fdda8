/** `noros pub TOPIC TYPE MESSAGE`: publish a message given as YAML or JSON. */
import type { Argv } from "yargs";

import { runtimeType } from "../../runtime/client/type-refs.js";
import { EncodeError } from "../../runtime/codec/types.js";
import { Session, requestProblem, ros2MessageTypeName } from "../bridge/session.js";
import { UserError } from "../errors.js";
import {
  buildMessage,
  parseMessageText,
  ros2msgText,
  schemaFromDefinition,
} from "../format/message-input.js";
import { aborted, delay, line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";
import { checkTopicName } from "../topic-name.js";
import { definitionForPublishing } from "./definitions.js";

interface PubArgs extends BridgeArgs {
  topic: string;
  type: string;
  message: string | undefined;
  rate: number | undefined;
  once: boolean;
  count: number | undefined;
  delay: number;
}

export const pubCommand = {
  command: "pub <topic> <type> [message]",
  describe: "publish a message (YAML or JSON) once or at a rate",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .positional("topic", { type: "string", describe: "topic name" })
      .positional("type", {
        type: "string",
        describe: "message type, e.g. geometry_msgs/Twist (ROS 2: geometry_msgs/msg/Twist)",
      })
      .positional("message", {
        type: "string",
        describe: "the message as YAML or JSON; fields left out are zero (default: all zero)",
      })
      .option("rate", {
        alias: "r",
        type: "number",
        describe: "publish repeatedly at this rate (Hz) until Ctrl-C",
      })
      .option("once", { type: "boolean", default: false, describe: "publish once and exit" })
      .option("count", {
        alias: "n",
        type: "number",
        describe: "with --rate: exit after this many messages",
      })
      .option("delay", {
        type: "number",
        default: 1,
        describe:
          "seconds to wait after advertising before the first message (the bridge may drop earlier ones while ROS connects)",
      })
      .example(
        "$0 pub /chatter std_msgs/String 'data: hello' --once",
        "publish one string and exit",
      )
      .example(
        "$0 pub /cmd_vel geometry_msgs/Twist '{angular: {z: 0.5}}' -r 10",
        "turn at 10 Hz until Ctrl-C",
      )
      .example(
        "$0 pub /stamp std_msgs/Header '{stamp: now, frame_id: map}' --once",
        '"now" fills a time with the current time',
      )
      .example(
        "$0 pub /chatter std_msgs/msg/String '{data: hi}' --once",
        "on a ROS 2 bridge: ROS 2 type names and YAML as ros2 topic pub takes it",
      )
      .epilog(
        "The message has the shape rostopic pub takes: nested mappings by field name. As with " +
          'rostopic, fields left out are zero (0, false, "", empty arrays, zero time). Times are ' +
          '{sec, nsec}, seconds, or "now"; int64 beyond 2^53 as digits; NaN/Infinity as strings. ' +
          "Without --once or --rate the message is published once and the topic stays advertised " +
          "until Ctrl-C. On a ROS 2 bridge the message is what ros2 topic pub takes: fields left out " +
          "get their default value, else zero; builtin_interfaces/Time is {sec, nanosec} or " +
          '"now", a std_msgs/Header may be "auto" (stamp now); with --rate each message is stamped ' +
          "when it is sent, as ros2 topic pub does.",
      ),
  async run(args: PubArgs, io: CliIO): Promise<number> {
    checkTopicName(args.topic);
    if (args.rate !== undefined && !(args.rate > 0))
      throw new UserError(`--rate must be > 0, got ${args.rate}`);
    if (args.count !== undefined && !(Number.isInteger(args.count) && args.count > 0)) {
      throw new UserError(`--count must be a positive integer, got ${args.count}`);
    }
    if (args.count !== undefined && args.rate === undefined)
      throw new UserError("--count needs --rate");
    if (!(args.delay >= 0)) throw new UserError(`--delay must be >= 0, got ${args.delay}`);
    const input = parseMessageText(args.message ?? "{}");

    const session = await Session.open(args.url, { connectTimeoutMs: args.timeout * 1000 });
    try {
      // A ROS 2 bridge names types pkg/msg/Type; ros2 topic pub also takes pkg/Type.
      const type = session.ros2 ? ros2MessageTypeName(args.type) : args.type;
      const advertised = await definitionForPublishing(session, args.topic, type);
      // A type the bridge describes in IDL is published with its ros2msg text.
      const definition = session.ros2
        ? ros2msgText(type, advertised.definition)
        : advertised.definition;
      const schema = schemaFromDefinition(type, definition);
      const message = buildMessage(input, schema);
      const publisher = await session.client
        .advertise(args.topic, runtimeType(type), { definition })
        .catch((e: unknown) => {
          throw requestProblem(e);
        });
      const publish = () => {
        try {
          // ros2 topic pub stamps "now" and "auto" anew for each message it publishes.
          publisher.publish(session.ros2 ? buildMessage(input, schema) : message);
        } catch (error) {
          if (error instanceof EncodeError) throw new UserError(error.message);
          throw requestProblem(error);
        }
      };
      let lost: UserError | undefined;
      const stop = new AbortController();
      io.signal.addEventListener("abort", () => stop.abort(), { once: true });
      session.onLost((error) => {
        lost = error;
        stop.abort();
      });
      await delay(args.delay * 1000, stop.signal);
      if (!stop.signal.aborted) {
        if (args.rate !== undefined) {
          line(io.stderr, `noros pub: publishing ${type} on ${args.topic} at ${args.rate} Hz`);
          const period = 1000 / args.rate;
          const start = performance.now();
          for (
            let sent = 0;
            !stop.signal.aborted && (args.count === undefined || sent < args.count);
          ) {
            publish();
            sent++;
            if (args.count !== undefined && sent >= args.count) break;
            await delay(Math.max(0, start + sent * period - performance.now()), stop.signal);
          }
        } else {
          publish();
          if (!args.once) {
            line(
              io.stderr,
              `noros pub: published once; keeping ${args.topic} advertised until Ctrl-C`,
            );
            await aborted(stop.signal);
          }
        }
      }
      if (lost !== undefined) throw lost;
      publisher.unadvertise();
      return 0;
    } finally {
      await session.close();
    }
  },
};
