/** `noros play FILE`: serve a recording over the Foxglove WebSocket protocol. */
import * as path from "node:path";
import type { Argv } from "yargs";

import { globalName } from "../bridge/session.js";
import { startPlayServer, type PlayStart } from "../play/server.js";
import { aborted, line, type CliIO } from "./common.js";

interface PlayArgs {
  file: string;
  port: number;
  host: string;
  loop: boolean;
  rate: number;
  now: boolean;
  topics: string[] | undefined;
  msgs: string[] | undefined;
}

export const playCommand = {
  command: "play <file>",
  describe:
    "serve a recording (ROS 1 .bag/.mcap, ROS 2 .mcap/.db3/rosbag2 folder) like foxglove_bridge serves a live robot",
  builder: (yargs: Argv) =>
    yargs
      .positional("file", {
        type: "string",
        describe:
          "ROS 1: .bag (plain, bz2, lz4) or .mcap; ROS 2: .mcap (plain, zstd, lz4), .db3, or a rosbag2 folder (metadata.yaml)",
      })
      .option("port", {
        alias: "p",
        type: "number",
        default: 8765,
        describe: "TCP port (0: any free port)",
      })
      .option("host", {
        type: "string",
        default: "127.0.0.1",
        describe: "address to listen on (0.0.0.0: every interface)",
      })
      .option("loop", {
        alias: "l",
        type: "boolean",
        default: false,
        describe: "start over at the end",
      })
      .option("rate", {
        alias: "r",
        type: "number",
        default: 1,
        describe: "speed factor; 0 = as fast as the subscribed clients take",
      })
      .option("now", {
        type: "boolean",
        default: false,
        describe: "start playing at once instead of at the first subscription",
      })
      .option("topics", { type: "array", string: true, describe: "serve only these topics" })
      .option("msgs", {
        type: "array",
        string: true,
        describe:
          "folders with ROS 2 message packages (msg/srv/action), for types a ROS 2 recording lacks or stores as placeholders",
      })
      .example(
        "$0 play run.bag",
        "serve run.bag on ws://127.0.0.1:8765, starting when a client subscribes",
      )
      .example("$0 play run.mcap --loop --rate 2", "replay forever at twice the recorded speed")
      .example(
        "$0 play old_bag.db3 --msgs ~/ws/src",
        "a ROS 2 recording without definitions, with a workspace's",
      )
      .example(
        "$0 play run.bag --port 0 --rate 0",
        "as fast as clients take, on a free port (tests)",
      )
      .epilog(
        "Clients see what foxglove_bridge sends: one channel per topic and type with full " +
          "schemas (ROS 1: ros1 channels; ROS 2: cdr channels with ros2msg schemas named " +
          "pkg/msg/Type, as the ROS 2 bridge sends them), relative names in the recording served " +
          "as global ones, receive time = recorded " +
          "time with offsets divided by --rate. A client subscribing mid-playback gets the messages played from then on, " +
          "plus the last message of latched topics (e.g. /tf_static). Client publishing is relayed " +
          "to subscribers (stamped with the replay clock) and parameters are kept in memory. " +
          "With --loop, time jumps back at each pass, and a pass waits for a subscriber.",
      ),
  async run(args: PlayArgs, io: CliIO): Promise<number> {
    if (!Number.isFinite(args.rate) || args.rate < 0) {
      line(io.stderr, `noros play: --rate must be a number >= 0, got ${args.rate}`);
      return 2;
    }
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
      line(io.stderr, `noros play: --port must be a TCP port, 0 to 65535, got ${args.port}`);
      return 2;
    }
    const start: PlayStart = args.now ? "now" : "on-subscribe";
    const server = await startPlayServer({
      file: args.file,
      port: args.port,
      host: args.host,
      loop: args.loop,
      rate: args.rate,
      start,
      ...(args.topics !== undefined ? { topics: args.topics.map(globalName) } : {}),
      ...(args.msgs !== undefined ? { msgs: args.msgs } : {}),
    });
    const source = server.source;
    const seconds =
      source.startTime !== undefined && source.endTime !== undefined
        ? ` over ${(Number(source.endTime - source.startTime) / 1e9).toFixed(1)} s`
        : "";
    const count =
      source.messageCount !== undefined ? `${source.messageCount} messages` : "messages";
    line(
      io.stderr,
      `noros play: serving ${path.basename(source.path)} (${server.channels.length} topics, ${count}${seconds}) at ${server.url}`,
    );
    if (source.damage !== undefined) {
      line(
        io.stderr,
        `noros play: warning: ${path.basename(source.path)}: ${source.damage}; serving what could be read`,
      );
    }
    if (args.msgs !== undefined && source.profile === "ros1") {
      line(
        io.stderr,
        `noros play: --msgs is not used: ${path.basename(source.path)} is a ROS 1 recording, which carries its definitions`,
      );
    }
    for (const skipped of source.skippedChannels) {
      line(io.stderr, `noros play: not serving ${skipped.topic}: ${skipped.reason}`);
    }
    for (const notice of source.notices) {
      line(io.stderr, `noros play: ${notice.topic}: ${notice.message}`);
    }
    if (server.channels.length === 0 && source.skippedChannels.length > 0) {
      await server.close();
      line(io.stderr, `noros play: ${path.basename(source.path)}: no topic can be served`);
      return 1;
    }
    if (!args.now)
      line(io.stderr, "noros play: playback starts when a client subscribes (Ctrl-C to stop)");
    try {
      const outcome = await Promise.race([
        server.finished.then(() => "finished" as const),
        aborted(io.signal).then(() => "stopped" as const),
      ]);
      const { messages, passes } = server.stats();
      line(
        io.stderr,
        `noros play: ${outcome}: ${messages} messages played${passes > 1 ? ` in ${passes} passes` : ""}`,
      );
      return 0;
    } finally {
      await server.close();
    }
  },
};
