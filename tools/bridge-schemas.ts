/**
 * `collectBridgeSchemas`: the message and service definitions a running bridge advertises, for
 * generating live bindings (`noros-gen --bridge`). foxglove_bridge discovers ROS topics and
 * services periodically, so the collection listens for `waitMs` rather than taking the first
 * advertisement.
 *
 * A bridge is ROS 1 (channels encoded `ros1`, `ros1msg` schemas named `pkg/Type`) or ROS 2
 * (`cdr`, `ros2msg` schemas named `pkg/msg/Type`); one foxglove_bridge is never both. The
 * collection says which it saw (`ros`); should a server mix them anyway, the ROS 1 ones are kept
 * and the others skipped, so that a ROS 1 bridge's bindings never change.
 */
import type { Service } from "@foxglove/ws-protocol";

import { ros2msgFromIdl } from "../runtime/ros2idl/convert.js";
import { connectBridge } from "./bridge/connection.js";
import { UserError } from "./errors.js";

export interface BridgeChannelSchema {
  readonly topic: string;
  /** `pkg/Type` (ROS 2: `pkg/msg/Type`). */
  readonly schemaName: string;
  /** Full definition text (`gendeps --cat` form; ROS 2: the root text then `MSG:` blocks). */
  readonly schema: string;
}

export interface BridgeServiceSchema {
  readonly name: string;
  /** `pkg/Service` (ROS 2: `pkg/srv/Service`). */
  readonly type: string;
  /** Request definition text (full, with `MSG:` blocks for nested types). */
  readonly requestSchema: string;
  readonly responseSchema: string;
}

/** Something advertised that cannot be generated from, and why. */
export interface SkippedSchema {
  readonly name: string;
  readonly type: string;
  readonly reason: string;
}

export interface BridgeSchemas {
  /** One entry per (topic, type), sorted by topic. */
  readonly channels: BridgeChannelSchema[];
  /** Sorted by name. */
  readonly services: BridgeServiceSchema[];
  /** Channels or services left out (another encoding, or no definition on the bridge host). */
  readonly skipped: SkippedSchema[];
  /** Which ROS the bridge serves: 1 (`ros1` channels) or 2 (`cdr` channels, `pkg/msg/Type`). */
  readonly ros: 1 | 2;
}

export interface CollectOptions {
  /** How long to listen for advertisements after connecting. Default 2000 ms. */
  readonly waitMs?: number;
  /** Only channels whose topic matches (services are not filtered). */
  readonly topics?: RegExp;
  readonly connectTimeoutMs?: number;
}

const IDL_REASON =
  "the bridge sent an IDL (ros2idl) definition; noros-gen reads .msg (ros2msg) definitions only";
const IDL_BLOCK = /^IDL: /m;
/** A `ros2idl` text (the bridge after 0.8.5 may label a cached IDL text `ros2msg`). */
const IDL_TEXT = /^=+\nIDL: /;

/**
 * The `ros2msg` text of an IDL definition, or why it cannot be used. A definition whose RIHS01
 * hash noros cannot reproduce (it uses `octet`/`char`, which the IDL parser folds into `uint8`)
 * is refused: generated bindings would carry a type hash that is not rosidl's.
 */
function idlToRos2msg(type: string, idl: string): { text: string } | { reason: string } {
  try {
    const { definition, hashExact } = ros2msgFromIdl(type, idl);
    if (!hashExact) {
      return {
        reason:
          "its IDL definition uses octet/char/wchar, whose rosidl type hash noros cannot compute " +
          "from IDL (generate from the type's .msg/.idl package instead)",
      };
    }
    return { text: definition };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

function hasDefinition(text: string): boolean {
  return text.split("\n").some((line) => line.replace(/#.*/, "").trim() !== "");
}

/**
 * Service definitions from either form a server may send: the legacy `requestSchema` /
 * `responseSchema` strings (foxglove_bridge 0.8.5) or `request` / `response` objects (newer
 * servers). Undefined when neither is present.
 */
export function serviceDefinitions(
  service: Service,
): { request: string; response: string; encoding: string | undefined } | undefined {
  const legacy = { request: service.requestSchema, response: service.responseSchema };
  const request = service.request?.schema ?? legacy.request;
  const response = service.response?.schema ?? legacy.response;
  if (request === undefined || response === undefined) return undefined;
  return { request, response, encoding: service.request?.encoding ?? service.response?.encoding };
}

export async function collectBridgeSchemas(
  url: string,
  options: CollectOptions = {},
): Promise<BridgeSchemas> {
  const waitMs = options.waitMs ?? 2000;
  const connection = await connectBridge(
    url,
    options.connectTimeoutMs !== undefined ? { timeoutMs: options.connectTimeoutMs } : {},
  );
  const skipped = new Map<string, SkippedSchema>();
  const skip = (name: string, type: string, reason: string) =>
    skipped.set(`${name}\n${type}`, { name, type, reason });

  // Channels and services by the ROS they belong to; which one the bridge serves is decided
  // once everything is in (a ROS 2 bridge advertises no ros1 channel at all).
  const candidates = {
    1: new Map<string, BridgeChannelSchema>(),
    2: new Map<string, BridgeChannelSchema>(),
  };
  const serviceCandidates = {
    1: new Map<string, BridgeServiceSchema>(),
    2: new Map<string, BridgeServiceSchema>(),
  };

  connection.watchChannels((channel) => {
    if (options.topics !== undefined && !options.topics.test(channel.topic)) return;
    const key = `${channel.topic}\n${channel.schemaName}`;
    const ros = channel.encoding === "ros1" ? 1 : channel.encoding === "cdr" ? 2 : undefined;
    if (channel.encoding === "" && !hasDefinition(channel.schema)) {
      // The ROS 2 bridge's way of advertising a type it has no definition for.
      skip(
        channel.topic,
        channel.schemaName,
        "the bridge sent no definition (type not installed on the bridge host)",
      );
    } else if (ros === undefined) {
      skip(channel.topic, channel.schemaName, `encoding "${channel.encoding}" is not ros1`);
    } else if (
      ros === 2 &&
      channel.schemaEncoding !== undefined &&
      channel.schemaEncoding !== "ros2msg" &&
      channel.schemaEncoding !== "ros2idl"
    ) {
      skip(
        channel.topic,
        channel.schemaName,
        `schema encoding "${channel.schemaEncoding}" is not ros2msg`,
      );
    } else if (
      ros === 2 &&
      (channel.schemaEncoding === "ros2idl" || IDL_TEXT.test(channel.schema))
    ) {
      // Types that have only an .idl file: read through the same parser RosClient's opt-in
      // reader (noros/ros2idl) uses, into the ros2msg text the generator reads.
      const converted = idlToRos2msg(channel.schemaName, channel.schema);
      if ("reason" in converted) {
        skip(channel.topic, channel.schemaName, converted.reason);
      } else {
        candidates[2].set(key, {
          topic: channel.topic,
          schemaName: channel.schemaName,
          schema: converted.text,
        });
      }
    } else if (!hasDefinition(channel.schema)) {
      skip(
        channel.topic,
        channel.schemaName,
        "the bridge sent no definition (type not installed on the bridge host)",
      );
    } else {
      candidates[ros].set(key, {
        topic: channel.topic,
        schemaName: channel.schemaName,
        schema: channel.schema,
      });
    }
  });
  const collectServices = () => {
    for (const service of connection.services.values()) {
      const definitions = serviceDefinitions(service);
      // Legacy service fields carry no encoding: a ROS 2 service type is `pkg/srv/Type`.
      const ros =
        definitions?.encoding === "cdr" ||
        (definitions?.encoding === undefined && service.type.split("/").length === 3)
          ? 2
          : 1;
      if (definitions === undefined) {
        skip(service.name, service.type, "advertised without request/response definitions");
      } else if (
        ros === 2 &&
        (service.request?.schemaEncoding === "ros2idl" ||
          service.response?.schemaEncoding === "ros2idl" ||
          // The 0.8 ROS 2 bridge sends IDL texts in the legacy strings too (`IDL:` blocks).
          IDL_BLOCK.test(definitions.request) ||
          IDL_BLOCK.test(definitions.response))
      ) {
        skip(service.name, service.type, IDL_REASON);
      } else if (
        definitions.encoding !== undefined &&
        definitions.encoding !== "ros1" &&
        definitions.encoding !== "cdr"
      ) {
        skip(service.name, service.type, `encoding "${definitions.encoding}" is not ros1`);
      } else {
        serviceCandidates[ros].set(service.name, {
          name: service.name,
          type: service.type,
          requestSchema: definitions.request,
          responseSchema: definitions.response,
        });
      }
    }
  };
  connection.client.on("advertiseServices", collectServices);

  let lost = false;
  void connection.closed.then((info) => (lost = !info.byUs));
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  collectServices();
  await connection.close();
  if (lost) {
    throw new UserError(`bridge at ${connection.url} closed the connection while listening`);
  }
  const ros: 1 | 2 =
    candidates[1].size === 0 &&
    serviceCandidates[1].size === 0 &&
    (candidates[2].size > 0 || serviceCandidates[2].size > 0)
      ? 2
      : 1;
  const other = ros === 1 ? 2 : 1;
  const otherReason = ros === 1 ? 'encoding "cdr" is not ros1' : 'encoding "ros1" is not cdr';
  for (const c of candidates[other].values()) skip(c.topic, c.schemaName, otherReason);
  for (const s of serviceCandidates[other].values()) skip(s.name, s.type, otherReason);
  const channels = candidates[ros];
  const services = serviceCandidates[ros];

  if (channels.size === 0 && services.size === 0) {
    const filter = options.topics !== undefined ? ` matching ${String(options.topics)}` : "";
    const skippedNote =
      skipped.size > 0
        ? ` (${skipped.size} advertised but unusable: ${[...skipped.values()]
            .slice(0, 3)
            .map((s) => `${s.name}: ${s.reason}`)
            .join("; ")})`
        : "";
    throw new UserError(
      `bridge at ${connection.url} advertised no usable topics${filter} or services within ${waitMs} ms${skippedNote}; is anything publishing? a longer wait may help`,
    );
  }
  const byName =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  return {
    channels: [...channels.values()].sort(byName((c) => `${c.topic}\n${c.schemaName}`)),
    services: [...services.values()].sort(byName((s) => s.name)),
    skipped: [...skipped.values()].sort(byName((s) => s.name)),
    ros,
  };
}
