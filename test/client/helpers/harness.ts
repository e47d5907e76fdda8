/**
 * Test plumbing around a `RosClient`: collecting its events, waiting for conditions, and the
 * reference ROS 1 encoder/decoder (@foxglove/rosmsg-serialization) to make and check bytes.
 */
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg-serialization";
import { RosClient } from "../../../runtime/client/index.js";
import type { RosClientError } from "../../../runtime/client/index.js";
import type {
  ConnectEvent,
  DisconnectEvent,
  DropEvent,
  RosClientOptions,
  RosClientWarning,
  StatusEvent,
} from "../../../runtime/client/index.js";
import type { Definition } from "./definitions.js";

/** Fast retries so reconnect tests take milliseconds, not seconds. */
export const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 100 } as const;

export interface Recorded {
  errors: RosClientError[];
  warnings: RosClientWarning[];
  drops: DropEvent[];
  statuses: StatusEvent[];
  connects: ConnectEvent[];
  disconnects: DisconnectEvent[];
}

export function record(client: RosClient): Recorded {
  const r: Recorded = {
    errors: [],
    warnings: [],
    drops: [],
    statuses: [],
    connects: [],
    disconnects: [],
  };
  client.on("error", (e) => r.errors.push(e));
  client.on("warning", (w) => r.warnings.push(w));
  client.on("drop", (d) => r.drops.push(d));
  client.on("status", (s) => r.statuses.push(s));
  client.on("connect", (c) => r.connects.push(c));
  client.on("disconnect", (d) => r.disconnects.push(d));
  return r;
}

export function newClient(
  url: string,
  options: RosClientOptions = {},
): { client: RosClient; events: Recorded } {
  const client = new RosClient(url, { reconnect: FAST_RECONNECT, ...options });
  return { client, events: record(client) };
}

/** Polls `predicate` until it holds; fails with `what` after `timeoutMs`. */
export async function until(
  predicate: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The reference encoder for a definition (a real ROS 1 serializer, independent of noros). */
export function referenceWriter(definition: Definition | string): (msg: unknown) => Uint8Array {
  const writer = new MessageWriter(
    parse(typeof definition === "string" ? definition : definition.text),
  );
  return (msg) => writer.writeMessage(msg);
}

export function referenceReader(definition: Definition | string): (bytes: Uint8Array) => unknown {
  const reader = new MessageReader(
    parse(typeof definition === "string" ? definition : definition.text),
  );
  return (bytes) => reader.readMessage(bytes);
}
