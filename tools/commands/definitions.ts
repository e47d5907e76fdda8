/**
 * Where `pub` finds the definition of the type it publishes: the bridge (the topic's own
 * advertisement, else any topic of that type: what the robot really uses), else the generated
 * standard messages shipped with noros.
 */
import { findCodec } from "../../runtime/codec/registry.js";
import type { Session } from "../bridge/session.js";
import { UserError } from "../errors.js";

let generatedLoaded = false;

/** Registers the generated standard message codecs (loaded only when a command needs them). */
export function loadGeneratedCodecs(): void {
  if (generatedLoaded) return;
  generatedLoaded = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily: it is large
  require("../../generated/index.js");
}

export interface FoundDefinition {
  readonly definition: string;
  readonly from: "bridge" | "generated";
}

/** How long to wait for the topic's advertisement before looking elsewhere. */
const ADVERTISE_WAIT_MS = 500;

export async function definitionForPublishing(
  session: Session,
  topic: string,
  type: string,
): Promise<FoundDefinition> {
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
  loadGeneratedCodecs();
  const generated = findCodec(type);
  if (generated !== undefined) return { definition: generated.definition, from: "generated" };
  throw new UserError(
    `no definition of ${type}: the bridge advertises no topic of that type and it is not one of ` +
      "the standard messages noros ships; check the type name, or publish while a node that " +
      "uses the type is running",
  );
}
