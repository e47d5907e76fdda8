/**
 * What `noros-gen --bridge` adds on a ROS 2 bridge: the types of the advertised `ros2msg`
 * schemas (`pkg/msg/Type`, the root text then `MSG:` blocks) and services (`pkg/srv/Type`, the
 * request and response texts). The standard ROS 2 set they refer to is already in the type set
 * (standard-ros2.ts), so that the output imports it instead of re-emitting it (as a ROS 1 run
 * does with `noros/msgs`).
 */
import { resolveName } from "../runtime/client/names.js";
import { DefinitionError, type DefinitionProblem } from "../runtime/schema/model.js";
import type { TypeSet } from "../runtime/schema/resolve.js";
import { parseRos2FullDefinition } from "../runtime/schema/ros2-full-text.js";
import { ros2TypeHash } from "../runtime/schema/ros2-hash.js";
import { ros2Key } from "../runtime/schema/ros2-parse.js";
import type { LiveSchemas } from "./generate.js";

export interface LiveRos2Target {
  types: TypeSet;
  own: Set<string>;
  fullNames: Map<string, string>;
  /** Service keys (`pkg/Type`) to emit descriptors for. */
  serviceKeys: string[];
  topics: Map<string, string>;
  warnings: string[];
  problems: DefinitionProblem[];
}

/**
 * Adds the bridge's types. Types already known (the inputs, the standard set) win; one whose
 * RIHS01 hash differs from the bridge's is reported. A channel with an empty schema is typed from
 * a known definition or reported.
 */
export function addLiveRos2Schemas(live: LiveSchemas, target: LiveRos2Target): void {
  const { types, own, fullNames, topics, warnings, problems } = target;
  const fullName = (key: string) => fullNames.get(key) ?? key.replace("/", "/msg/");
  const hashOf = (set: TypeSet, key: string, names: (k: string) => string) => {
    try {
      return ros2TypeHash(set, key, names);
    } catch {
      return undefined;
    }
  };
  /** Adds the types of one full text; the root's key, or undefined after a problem. */
  const addText = (typeName: string, text: string, what: string): string | undefined => {
    let parsed;
    try {
      parsed = parseRos2FullDefinition(typeName, text);
    } catch (error) {
      if (!(error instanceof DefinitionError)) throw error;
      problems.push(
        ...error.problems.map((p) => ({ ...p, file: `${live.source} ${what} (${typeName})` })),
      );
      return undefined;
    }
    const theirName = (k: string) => parsed.fullNames.get(k) ?? k.replace("/", "/msg/");
    for (const name of parsed.types.names()) {
      const spec = parsed.types.spec(name)!;
      const existing = types.spec(name);
      if (existing === undefined) {
        types.add({ ...spec, source: { file: `${live.source} ${what}`, firstLine: 1 } });
        own.add(name);
        fullNames.set(name, theirName(name));
        continue;
      }
      if (existing.text === spec.text) continue;
      const theirs = hashOf(parsed.types, name, theirName);
      const ours = hashOf(types, name, fullName);
      if (theirs !== ours) {
        warnings.push(
          `${what}: ${theirName(name)} from the bridge (${theirs ?? "?"}) differs from ${existing.source.file} (${ours ?? "?"}); using ${existing.source.file}`,
        );
      }
    }
    return parsed.root;
  };

  for (const channel of [...live.channels].sort((a, b) => (a.topic < b.topic ? -1 : 1))) {
    const what = `topic ${channel.topic}`;
    const topic = resolveName(channel.topic);
    if (channel.schema.trim() === "") {
      if (channel.schemaName === "") {
        warnings.push(
          `${what}: the bridge advertised it without a type (not installed on the bridge host); skipped`,
        );
        continue;
      }
      const key = ros2Key(channel.schemaName);
      if (key !== undefined && types.has(key)) {
        topics.set(topic, fullName(key));
        const local = types.spec(key)!;
        if (local.fields.length > 0 || local.constants.length > 0) {
          warnings.push(
            `${what}: the bridge sent an empty schema for ${channel.schemaName}; typed from ${local.source.file}`,
          );
        }
      } else {
        warnings.push(
          `${what}: the bridge sent an empty schema for ${channel.schemaName} (the type is not installed on the bridge host); skipped`,
        );
      }
      continue;
    }
    const root = addText(channel.schemaName, channel.schema, what);
    if (root !== undefined) topics.set(topic, fullName(root));
  }

  for (const service of [...live.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const what = `service ${service.name}`;
    // `pkg/srv/Type`; the request and response are `pkg/srv/Type_Request` / `_Response`.
    const key = ros2Key(service.type);
    if (key === undefined) {
      problems.push({
        file: `${live.source} ${what}`,
        line: 0,
        message: `"${service.type}" is not a ROS 2 service type (pkg/srv/Type)`,
      });
      continue;
    }
    if (service.requestSchema.trim() === "" && service.responseSchema.trim() === "") {
      if (!types.has(`${key}_Request`)) {
        warnings.push(`${what}: the bridge sent empty schemas for ${service.type}; skipped`);
      }
      continue;
    }
    const serviceName = service.type.includes("/srv/")
      ? service.type
      : `${key.slice(0, key.indexOf("/"))}/srv/${key.slice(key.indexOf("/") + 1)}`;
    const request = addText(`${serviceName}_Request`, service.requestSchema, what);
    const response = addText(`${serviceName}_Response`, service.responseSchema, what);
    if (request === undefined || response === undefined) continue;
    if (!own.has(request) || target.serviceKeys.includes(key)) continue;
    // The event type rosidl generates for every service (what `_service_event` topics carry).
    const eventText = [
      "service_msgs/ServiceEventInfo info",
      `${key}_Request[<=1] request`,
      `${key}_Response[<=1] response`,
    ].join("\n");
    const event = addText(`${serviceName}_Event`, eventText, what);
    if (event === undefined) continue;
    target.serviceKeys.push(key);
    fullNames.set(key, serviceName);
  }
}
