/** `noros params get [names..]` / `noros params set NAME VALUE`: ROS parameters via the bridge. */
import type { Argv } from "yargs";
import { parse as parseYaml } from "yaml";

import type { ParameterValue } from "../../runtime/client/index.js";
import { Session, globalName, requestProblem, ros2ParameterName } from "../bridge/session.js";
import { UserError, errorMessage } from "../errors.js";
import { formatJson } from "../format/json.js";
import { line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";

interface ParamsArgs extends BridgeArgs {
  action: "get" | "set";
  names: string[] | undefined;
}

function parseValue(text: string): ParameterValue {
  try {
    return parseYaml(text) as ParameterValue;
  } catch (error) {
    throw new UserError(
      `the value is not valid YAML or JSON: ${errorMessage(error).split("\n")[0] ?? ""}`,
    );
  }
}

export const paramsCommand = {
  command: "params <action> [names..]",
  describe: "get or set parameters (get [NAME...] | set NAME VALUE)",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .positional("action", { choices: ["get", "set"] as const, describe: "get or set" })
      .positional("names", {
        type: "string",
        array: true,
        describe: "get: parameter names (none: all); set: NAME VALUE",
      })
      .example("$0 params get", "every parameter, as one JSON object")
      .example("$0 params get /rosdistro", "one value")
      .example("$0 params set /max_speed 0.5", "VALUE is YAML: 0.5, true, hello, [1, 2], {a: 1}")
      .example("$0 params get /talker.use_sim_time", "on a ROS 2 bridge: /node.parameter")
      .epilog(
        "get prints the value of a single name, otherwise an object keyed by name; a name the " +
          "server does not have is an error. set prints the value the server reports back.",
      ),
  async run(args: ParamsArgs, io: CliIO): Promise<number> {
    const given = args.names ?? [];
    if (args.action === "set" && given.length !== 2) {
      throw new UserError(`params set takes NAME VALUE, got ${given.length} argument(s)`);
    }
    const session = await Session.open(args.url, { connectTimeoutMs: args.timeout * 1000 });
    // Names resolve as rosparam resolves them (`rosdistro` is `/rosdistro`); a ROS 2 bridge names
    // parameters /node.param (`talker.x` is `/talker.x`).
    const resolve = session.ros2 ? ros2ParameterName : globalName;
    let names: string[];
    try {
      names = given.map((n, i) => (args.action === "set" && i === 1 ? n : resolve(n)));
    } catch (error) {
      await session.close();
      throw error;
    }
    const options = { timeoutMs: args.timeout * 1000 };
    try {
      if (args.action === "set") {
        const [name, text] = names as [string, string];
        // ROS 2 parameters are typed: reading the current value first lets the client send a
        // double as a double even when it is typed as an integer (`set /n.speed 1`).
        if (session.ros2) {
          await session.client.getParameters([name], options).catch((e: unknown) => {
            throw requestProblem(e);
          });
        }
        const values = await session.client
          .setParameters({ [name]: parseValue(text) }, options)
          .catch((e: unknown) => {
            throw requestProblem(e);
          });
        if (!(name in values)) throw new UserError(`the server did not confirm ${name}`);
        line(io.stdout, formatJson(values[name]));
        return 0;
      }
      const values = await session.client.getParameters(names, options).catch((e: unknown) => {
        throw requestProblem(e);
      });
      const missing = names.filter((n) => !(n in values));
      if (names.length === 1 && missing.length === 0) {
        line(io.stdout, formatJson(values[names[0]!]));
      } else if (missing.length < names.length || names.length === 0) {
        const sorted = Object.fromEntries(
          Object.entries(values).sort(([a], [b]) => a.localeCompare(b)),
        );
        line(io.stdout, formatJson(sorted));
      }
      if (missing.length > 0)
        throw new UserError(`no parameter ${missing.join(", ")} on the server`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
