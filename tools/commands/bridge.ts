/** `noros bridge`: a ROS 1 node in Node that serves the Foxglove WebSocket protocol. */
import type { Argv } from "yargs";

import { startBridge } from "../ros-bridge/server.js";
import { UserError } from "../errors.js";
import { aborted, line, type CliIO } from "./common.js";

interface BridgeArgs {
  master: string | undefined;
  port: number;
  host: string;
  name: string;
  msgs: string[] | undefined;
  topics: string | undefined;
  services: string | undefined;
  params: string | undefined;
  "advertise-host": string | undefined;
}

function pattern(option: string, text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (error) {
    throw new UserError(`--${option}: not a regular expression: ${(error as Error).message}`, 2);
  }
}

export const bridgeCommand = {
  command: "bridge",
  describe: "be a ROS 1 node that serves the Foxglove protocol (foxglove_bridge without ROS)",
  builder: (yargs: Argv) =>
    yargs
      .option("master", {
        type: "string",
        describe: "ROS master URI",
        defaultDescription: "$ROS_MASTER_URI or http://localhost:11311",
      })
      .option("port", {
        alias: "p",
        type: "number",
        default: 8765,
        describe: "WebSocket port (0: any free port)",
      })
      .option("host", {
        type: "string",
        default: "127.0.0.1",
        describe: "WebSocket address to listen on (0.0.0.0: every interface)",
      })
      .option("name", { type: "string", default: "/noros_bridge", describe: "ROS node name" })
      .option("msgs", {
        type: "array",
        string: true,
        describe: "folders with message packages (for publishing types and service definitions)",
      })
      .option("topics", { type: "string", describe: "serve only topics matching this regex" })
      .option("services", { type: "string", describe: "serve only services matching this regex" })
      .option("params", { type: "string", describe: "serve only parameters matching this regex" })
      .option("advertise-host", {
        type: "string",
        describe: "host name or IP other ROS nodes use to connect back to this node",
        defaultDescription: "$ROS_HOSTNAME, $ROS_IP, else the host name",
      })
      .example("$0 bridge", "serve the master of $ROS_MASTER_URI on ws://127.0.0.1:8765")
      .example(
        "$0 bridge --master http://robot:11311 --advertise-host 192.168.1.20",
        "serve a robot's master; the robot connects back to 192.168.1.20",
      )
      .epilog(
        "Registers as a ROS node: topics appear as ros1 channels with the publishers' full " +
          "definitions, client publishing creates ROS publishers, services and parameters go to " +
          "ROS. Stops (and unregisters) on Ctrl-C, SIGTERM or `rosnode kill`.",
      ),
  async run(args: BridgeArgs, io: CliIO): Promise<number> {
    const bridge = await startBridge({
      ...(args.master !== undefined ? { masterUri: args.master } : {}),
      port: args.port,
      host: args.host,
      name: args.name,
      ...(args.msgs !== undefined ? { msgs: args.msgs } : {}),
      ...optional("topics", pattern("topics", args.topics)),
      ...optional("services", pattern("services", args.services)),
      ...optional("params", pattern("params", args.params)),
      ...(args["advertise-host"] !== undefined ? { advertiseHost: args["advertise-host"] } : {}),
      env: io.env,
      log: (text) => line(io.stderr, `noros bridge: ${text}`),
    });
    line(
      io.stderr,
      `noros bridge: serving ${bridge.url} for the ROS master at ${bridge.masterUri} as ${bridge.nodeName} (${bridge.nodeApi}); Ctrl-C to stop`,
    );
    try {
      const reason = await Promise.race([bridge.closed, aborted(io.signal).then(() => "stopped")]);
      line(io.stderr, `noros bridge: ${reason}; unregistered from the master`);
      return 0;
    } finally {
      await bridge.close("stopped");
    }
  },
};

function optional<K extends string>(key: K, value: RegExp | undefined): { [P in K]?: RegExp } {
  return (value !== undefined ? { [key]: value } : {}) as { [P in K]?: RegExp };
}
