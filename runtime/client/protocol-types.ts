/**
 * Shapes of the Foxglove WebSocket protocol messages the client reads, as the protocol
 * specification defines them. Ours rather than @foxglove/ws-protocol's: that package's
 * declarations need the DOM library (`CloseEvent`, `BufferSource`), and everything the client's
 * public types reach must type-check for users with `lib: ["es2022"]` and `skipLibCheck: false`.
 */

/** A topic the server advertises. */
export interface Channel {
  id: number;
  topic: string;
  /** Message encoding (`ros1`). */
  encoding: string;
  schemaName: string;
  /** The definition text; foxglove_bridge 0.8.5 sends "" for a type not installed on its host. */
  schema: string;
  /** Absent from foxglove_bridge 0.8.5 (meaning ROS 1 definitions). */
  schemaEncoding?: string;
}

/** The new (non-legacy) form of a service's request or response description. */
export interface ServiceMessageDefinition {
  encoding: string;
  schemaName: string;
  schemaEncoding: string;
  schema: string;
}

export interface Service {
  id: number;
  name: string;
  type: string;
  request?: ServiceMessageDefinition;
  response?: ServiceMessageDefinition;
  /** Legacy form (foxglove_bridge 0.8.5): the request definition text. */
  requestSchema?: string;
  /** Legacy form: the response definition text. */
  responseSchema?: string;
}

export interface ServerInfo {
  op: "serverInfo";
  name: string;
  capabilities: string[];
  supportedEncodings?: string[];
  metadata?: Record<string, string>;
  sessionId?: string;
}

/** 0 info, 1 warning, 2 error. */
export type StatusLevel = 0 | 1 | 2;

export interface StatusMessage {
  op: "status";
  level: StatusLevel;
  message: string;
  id?: string;
}

export interface ServiceCallFailure {
  op: "serviceCallFailure";
  serviceId: number;
  callId: number;
  message: string;
}

export type ParameterValue =
  undefined | number | boolean | string | { [key: string]: ParameterValue } | ParameterValue[];

export interface Parameter {
  name: string;
  value: ParameterValue;
  type?: "byte_array" | "float64" | "float64_array";
}
