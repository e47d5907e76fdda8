/** `noros call SERVICE [REQUEST]`: call a service with a request given as YAML or JSON. */
import type { Argv } from "yargs";

import { EncodeError } from "../../runtime/codec/types.js";
import { Session, requestProblem } from "../bridge/session.js";
import { UserError } from "../errors.js";
import { formatJson } from "../format/json.js";
import {
  buildMessage,
  isRos2TypeName,
  parseMessageText,
  schemaFromDefinition,
} from "../format/message-input.js";
import { line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";

interface CallArgs extends BridgeArgs {
  service: string;
  request: string | undefined;
  type: string | undefined;
  full: boolean;
}

export const callCommand = {
  command: "call <service> [request]",
  describe: "call a service and print the response as JSON",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .positional("service", { type: "string", describe: "service name" })
      .positional("request", {
        type: "string",
        describe: "the request as YAML or JSON; fields left out are zero (default: all zero)",
      })
      .option("type", {
        type: "string",
        describe: "expected service type; the call fails if it differs",
      })
      .option("full", { type: "boolean", default: false, describe: "print long arrays in full" })
      .example("$0 call /set_bool '{data: true}'", "call a std_srvs/SetBool service")
      .example("$0 call /rosout/get_loggers", "a service with an empty request")
      .epilog(
        "The request is checked and zero-filled like `noros pub` messages. --timeout also limits the call.",
      ),
  async run(args: CallArgs, io: CliIO): Promise<number> {
    const input = parseMessageText(args.request ?? "{}", "request");
    const session = await Session.open(args.url, { connectTimeoutMs: args.timeout * 1000 });
    try {
      const service = await session.service(args.service, args.timeout * 1000);
      if (args.type !== undefined && args.type !== service.type) {
        throw new UserError(
          `${args.service} has type ${service.type} on the bridge, not ${args.type}`,
        );
      }
      if (service.request === undefined) {
        throw new UserError(`the bridge advertises ${args.service} without a request definition`);
      }
      // ROS 1 names the request type pkg/SrvRequest, ROS 2 pkg/srv/Srv_Request.
      const requestType = isRos2TypeName(service.type)
        ? `${service.type}_Request`
        : `${service.type}Request`;
      const request = buildMessage(input, schemaFromDefinition(requestType, service.request));
      let response: unknown;
      try {
        response = await session.client.callService(args.service, "*", request, {
          timeoutMs: args.timeout * 1000,
        });
      } catch (error) {
        if (error instanceof EncodeError) throw new UserError(error.message);
        throw requestProblem(error);
      }
      line(io.stdout, formatJson(response, { full: args.full }));
      return 0;
    } finally {
      await session.close();
    }
  },
};
