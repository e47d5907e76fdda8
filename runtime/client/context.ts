/**
 * What the parts of the client (subscriptions, publishers, services, parameters) need from the
 * `RosClient` that owns them: the socket, the codec choice, and where to report problems.
 */
import type { RosClientError } from "./errors.js";
import type { SchemaCodecs } from "./schema-codecs.js";
import type { RosClientWarning } from "./types.js";

export interface ClientContext {
  readonly codecs: SchemaCodecs;
  /** The current socket got the server's `serverInfo`: requests can be sent. */
  readonly ready: boolean;
  /** Sends on the current socket; false when there is none open. */
  send(data: string | Uint8Array): boolean;
  /** An `error` event. */
  report(error: RosClientError): void;
  /** A `warning` event. */
  warn(warning: RosClientWarning): void;
}

/** Subscribing with this type accepts whatever type the server advertises for the topic. */
export const ANY_TYPE = "*";
