/**
 * What the client reports when something goes wrong. One error class with a `kind` (so callers can
 * switch on it) and the context needed to find the cause: topic, type, server ids, frame excerpt.
 */

export type RosClientErrorKind =
  /** The socket could not be opened or was lost. */
  | "connection"
  /** The operation was cut short because `close()` was called. */
  | "closed"
  /** A frame that does not follow the Foxglove WebSocket protocol. */
  | "protocol"
  /** No usable codec for a channel or service (unsupported encoding, bad or missing schema). */
  | "schema"
  /** One message could not be decoded; the subscription keeps running. */
  | "decode"
  /** A user callback or listener threw; the client keeps running. */
  | "callback"
  /** The server does not offer what the call needs (capability, encoding, type). */
  | "unsupported"
  /** A service call or parameter request got no answer in time. */
  | "timeout"
  /** The server answered a service call with `serviceCallFailure`. */
  | "service-failure"
  /** A request was refused before it was sent (unknown service, wrong type, bad request value). */
  | "request"
  /** A frame over `maxPayloadBytes` was dropped; the connection goes on. */
  | "limit";

/** Where an error happened; every field is optional, filled in where it is known. */
export interface RosClientErrorContext {
  topic?: string;
  /** The ROS type involved (`pkg/Type`), as advertised or as requested. */
  datatype?: string;
  service?: string;
  channelId?: number;
  subscriptionId?: number;
  serviceId?: number;
  callId?: number;
  /** The server's receive time of the message involved, in nanoseconds. */
  receiveTimeNs?: bigint;
  /** A short description of the offending frame (kind, size, first bytes). */
  frame?: string;
  url?: string;
  cause?: unknown;
}

export class RosClientError extends Error {
  override name = "RosClientError";
  readonly kind: RosClientErrorKind;
  readonly context: Readonly<RosClientErrorContext>;

  constructor(kind: RosClientErrorKind, message: string, context: RosClientErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.kind = kind;
    this.context = context;
  }
}

/** Text of an unknown thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
