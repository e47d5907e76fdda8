/**
 * The frames captured from a real foxglove_bridge 0.8.5 (../shared/bridge-captures): its
 * serverInfo, channel and service advertisements, and binary frames, to replay from the test
 * bridge server. Absent captures give `undefined`; tests using them skip.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Channel, Parameter, ServerInfo, Service } from "@foxglove/ws-protocol";
import { bridgeCapturesDir } from "../../helpers/env.js";

export interface Captures {
  serverInfo: ServerInfo;
  channels: Channel[];
  services: Service[];
  parameterValues: { id: string; parameters: Parameter[] };
  /** Binary MessageData frames (opcode, u32 subscription id, u64 receive time, payload) by topic. */
  messageFrames: Map<string, Uint8Array>;
  /** A ServiceCallResponse frame of /rosout/get_loggers (roscpp/GetLoggers). */
  serviceCallResponse: Uint8Array;
}

function readJson<T>(dir: string, prefix: string): T[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as T);
}

export function loadCaptures(): Captures | undefined {
  const dir = bridgeCapturesDir();
  if (dir === undefined) return undefined;
  const [serverInfo] = readJson<ServerInfo>(dir, "text_serverInfo_");
  const [parameterValues] = readJson<{ id: string; parameters: Parameter[] }>(
    dir,
    "text_parameterValues_",
  );
  if (serverInfo === undefined || parameterValues === undefined) return undefined;
  const channels = readJson<{ channels: Channel[] }>(dir, "text_advertise_").flatMap(
    (m) => m.channels,
  );
  const services = readJson<{ services: Service[] }>(dir, "text_advertiseServices_").flatMap(
    (m) => m.services,
  );
  const messageFrames = new Map<string, Uint8Array>();
  for (const channel of channels) {
    const file = path.join(dir, `bin_message_${channel.topic.replace(/\//g, "_")}.bin`);
    try {
      messageFrames.set(channel.topic, new Uint8Array(readFileSync(file)));
    } catch {
      // not every channel has a captured frame
    }
  }
  const responseFile = path.join(dir, "bin_serviceCallResponse.bin");
  if (!existsSync(responseFile)) return undefined;
  const serviceCallResponse = new Uint8Array(readFileSync(responseFile));
  return { serverInfo, channels, services, parameterValues, messageFrames, serviceCallResponse };
}

/** A captured frame with its u32 at `offset` (subscription/service/call id) set to `id`. */
export function withId(frame: Uint8Array, offset: number, id: number): Uint8Array {
  const copy = frame.slice();
  new DataView(copy.buffer).setUint32(offset, id, true);
  return copy;
}
