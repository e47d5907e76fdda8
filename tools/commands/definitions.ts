/**
 * Where `pub` finds the definition of the type it publishes: the bridge (the topic's own
 * advertisement, else any topic of that type: what the robot really uses), else the generated
 * standard messages shipped with noros.
 */
import { findCodec, registerCodecs } from "../../runtime/codec/registry.js";
import { globalName, type Session } from "../bridge/session.js";
import { UserError } from "../errors.js";

import { isRos2TypeName } from "../format/message-input.js";

const generatedLoaded: { ros1?: Promise<void>; ros2?: Promise<void> } = {};

/**
 * Registers the generated standard message codecs (ROS 1, or ROS 2 ones named `pkg/msg/Type`)
 * for lookup by name. Imported only when a command needs them: the standard sets are large.
 */
export function loadGeneratedCodecs(kind: "ros1" | "ros2" = "ros1"): Promise<void> {
  if (kind === "ros2") {
    generatedLoaded.ros2 ??= import("../../generated-ros2/index.js").then(({ codecs }) =>
      registerCodecs(codecs),
    );
    return generatedLoaded.ros2;
  }
  generatedLoaded.ros1 ??= import("../../generated/index.js").then(({ codecs }) =>
    registerCodecs(codecs),
  );
  return generatedLoaded.ros1;
}

export interface FoundDefinition {
  readonly definition: string;
  readonly from: "bridge" | "generated";
}

/** How long to wait for the topic's advertisement before looking elsewhere. */
const ADVERTISE_WAIT_MS = 500;

export async function definitionForPublishing(
  session: Session,
  topicName: string,
  type: string,
): Promise<FoundDefinition> {
  const topic = globalName(topicName);
  const advertised = await session.waitFor(
    () => session.topics().find((t) => t.topic === topic),
    ADVERTISE_WAIT_MS,
  );
  if (advertised !== undefined && advertised.schemaName !== type) {
    throw new UserError(`${topic} has type ${advertised.schemaName} on the bridge, not ${type}`);
  }
  const fromBridge = advertised?.schema || session.schemaFor(type);
  if (fromBridge !== undefined && fromBridge !== "")
    return { definition: fromBridge, from: "bridge" };
  await loadGeneratedCodecs(isRos2TypeName(type) ? "ros2" : "ros1");
  const generated = findCodec(type);
  if (generated !== undefined) return { definition: generated.definition, from: "generated" };
  throw new UserError(
    `no definition of ${type}: the bridge advertises no topic of that type and it is not one of ` +
      "the standard messages noros ships; check the type name, or publish while a node that " +
      "uses the type is running",
  );
}
