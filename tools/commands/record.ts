/** `noros record -o out.mcap [topics...]`: record what the bridge sends to MCAP. */
import type { Argv } from "yargs";

import { record, type RecordProgress } from "../record/recorder.js";
import { recoverRecording } from "../record/recover.js";
import { formatBytes, line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";

interface RecordArgs extends BridgeArgs {
  output: string | undefined;
  topics: string[] | undefined;
  duration: number | undefined;
  limit: number | undefined;
  reconnect: boolean;
  force: boolean;
  latched: string[] | undefined;
  recover: string | undefined;
}

function defaultName(): string {
  const stamp = new Date().toISOString().replace(/\..*$/, "").replace(/[:T]/g, "-");
  return `noros_${stamp}.mcap`;
}

/** Progress: rewritten in place on a terminal, a line every 5 s otherwise (logs stay short). */
function progressWriter(io: CliIO): (p: RecordProgress) => void {
  let calls = 0;
  return (p) => {
    const text = `recording: ${p.messages} messages, ${formatBytes(p.bytes)}, ${p.rate.toFixed(1)} msg/s, ${p.topics} topics`;
    if (io.stderr.isTTY === true) io.stderr.write(`\r${text}\u001b[K`);
    else if (calls++ % 5 === 0) line(io.stderr, text);
  };
}

export const recordCommand = {
  command: "record [topics..]",
  describe: "record topics from the bridge to an MCAP file (Ctrl-C to finish)",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .positional("topics", {
        type: "string",
        array: true,
        describe: "topics to record (default: all, including new ones)",
      })
      .option("output", {
        alias: "o",
        type: "string",
        describe: "output file (default: noros_<date>-<time>.mcap)",
      })
      .option("force", {
        alias: "f",
        type: "boolean",
        default: false,
        describe: "overwrite the output file if it exists",
      })
      .option("latched", {
        type: "string",
        array: true,
        // One topic per --latched, so that the topics to record after it stay positional.
        nargs: 1,
        describe: "a topic to mark latched in the file (repeatable; /tf_static always is)",
      })
      .option("duration", { type: "number", describe: "stop after this many seconds" })
      .option("limit", { type: "number", describe: "stop after this many messages" })
      .option("reconnect", {
        type: "boolean",
        default: true,
        describe: "after a lost connection, reconnect and go on (--no-reconnect: finish the file)",
      })
      .option("recover", {
        type: "string",
        describe:
          "make a whole .mcap of the .part a killed recording left (to -o or the name without .part)",
      })
      .example("$0 record -o run.mcap", "record every topic until Ctrl-C")
      .example("$0 record --recover run.mcap.part", "after a crash: write run.mcap from the .part")
      .example("$0 record -o imu.mcap /imu /tf --duration 60", "record two topics for a minute")
      .example("$0 record -o map.mcap -f --latched /map", "overwrite map.mcap; /map is latched")
      .epilog(
        "The file is written as <output>.part and renamed when finished, so <output> is always " +
          "complete (ros1 profile from a ROS 1 bridge: readable by Foxglove, the mcap CLI and Python " +
          "readers; ros2 profile from a ROS 2 bridge, with rosbag2's metadata: readable by ros2 bag " +
          "and Foxglove; /tf_static and --latched topics as transient-local offers). Ctrl-C " +
          "finishes the file with every message received. A lost connection is retried and the " +
          "recording goes on after a bridge restart, unless --no-reconnect. An existing <output> is " +
          "never replaced without --force. Messages reach the disk within 1 s: a killed recording " +
          "keeps all but its last second in <output>.part (--recover makes it whole; `noros play` " +
          "also plays a .part). A failed write (full disk) stops the recording at once. Channels " +
          "carry the publishers (callerid, from the bridge's connection graph) and latching " +
          "(/tf_static and --latched topics), which noros play honours.",
      ),
  async run(args: RecordArgs, io: CliIO): Promise<number> {
    if (args.recover !== undefined) return recover(args, io);
    for (const [name, value] of [
      ["--duration", args.duration],
      ["--limit", args.limit],
    ] as const) {
      if (value !== undefined && !(value > 0)) {
        line(io.stderr, `noros record: ${name} must be a positive number, got ${value}`);
        return 2;
      }
    }
    const out = args.output ?? defaultName();
    const result = await record({
      url: args.url,
      out,
      connectTimeoutMs: args.timeout * 1000,
      signal: io.signal,
      ...(args.topics !== undefined ? { topics: args.topics } : {}),
      ...(args.duration !== undefined ? { durationSec: args.duration } : {}),
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      onProgress: progressWriter(io),
      reconnect: args.reconnect,
      force: args.force,
      ...(args.latched !== undefined ? { latched: args.latched } : {}),
      onWarning: (message) => {
        // On a terminal the progress line is rewritten in place: clear it first.
        if (io.stderr.isTTY === true) io.stderr.write("\r\u001b[K");
        line(io.stderr, `noros record: ${message}`);
      },
    });
    if (io.stderr.isTTY === true) io.stderr.write("\n");
    for (const topic of result.missingTopics) {
      line(
        io.stderr,
        `noros record: warning: ${topic} was never advertised; nothing recorded for it`,
      );
    }
    const topics = result.messagesByTopic.size;
    line(
      io.stderr,
      `noros record: wrote ${result.messages} messages on ${topics} topics (${formatBytes(result.bytes)}) to ${result.path}`,
    );
    if (result.endedBy === "disconnect") {
      const reason = result.disconnect?.reason ? `: ${result.disconnect.reason}` : "";
      line(
        io.stderr,
        `noros record: the bridge closed the connection (code ${result.disconnect?.code ?? "?"}${reason}); the recording ends there`,
      );
      return 1;
    }
    return 0;
  },
};

async function recover(args: RecordArgs, io: CliIO): Promise<number> {
  if (args.topics !== undefined && args.topics.length > 0) {
    line(io.stderr, "noros record: --recover takes no topics (it keeps every recorded one)");
    return 2;
  }
  const part = args.recover as string;
  const result = await recoverRecording(part, args.output);
  if (result.damage !== undefined) {
    line(io.stderr, `noros record: ${part}: dropped its unfinished end (${result.damage})`);
  }
  line(
    io.stderr,
    `noros record: recovered ${result.messages} messages on ${result.topics} topics to ${result.path} (${part} removed)`,
  );
  return 0;
}
