/**
 * The Foxglove WebSocket protocol on the wire: parsing and validating server frames, encoding
 * client binary frames. Message shapes are in protocol-types.ts; parsing is ours because every malformed frame must become
 * an error that says what was wrong and where, and the connection must survive it.
 */
import type { ConnectionGraphUpdate } from "./graph.js";
import type {
  Channel,
  Parameter,
  ParameterValue,
  ServerInfo,
  Service,
  ServiceCallFailure,
  StatusMessage,
} from "./protocol-types.js";

/** Subprotocols the client offers, in order of preference. */
export const SUBPROTOCOLS = ["foxglove.websocket.v1", "foxglove.sdk.v1"];

/** Binary opcodes (server to client). */
export const SERVER_MESSAGE_DATA = 0x01;
export const SERVER_TIME = 0x02;
export const SERVER_SERVICE_CALL_RESPONSE = 0x03;
export const SERVER_FETCH_ASSET_RESPONSE = 0x04;
/** Binary opcodes (client to server). */
export const CLIENT_MESSAGE_DATA = 0x01;
export const CLIENT_SERVICE_CALL_REQUEST = 0x02;

export type { Channel, Parameter, ParameterValue, ServerInfo, Service, StatusMessage };

/** A frame that does not follow the protocol; `frame` describes it for the error report. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    message: string,
    readonly frame: string,
  ) {
    super(message);
  }
}

export interface MessageDataFrame {
  op: "messageData";
  subscriptionId: number;
  receiveTimeNs: bigint;
  payload: Uint8Array;
}
export interface TimeFrame {
  op: "time";
  timeNs: bigint;
}
export interface ServiceCallResponseFrame {
  op: "serviceCallResponse";
  serviceId: number;
  callId: number;
  encoding: string;
  payload: Uint8Array;
}
/** Binary frames the client does not use (asset responses): recognised, then ignored. */
export interface IgnoredFrame {
  op: "ignored";
  what: string;
}
export type BinaryServerFrame =
  MessageDataFrame | TimeFrame | ServiceCallResponseFrame | IgnoredFrame;

/** Items of a list that failed validation, reported while the valid items are still used. */
export interface InvalidItem {
  index: number;
  reason: string;
}

export type TextServerMessage =
  | ServerInfo
  | StatusMessage
  | { op: "removeStatus"; statusIds: string[] }
  | { op: "advertise"; channels: Channel[]; invalid: InvalidItem[] }
  | { op: "unadvertise"; channelIds: number[] }
  | { op: "advertiseServices"; services: Service[]; invalid: InvalidItem[] }
  | { op: "unadvertiseServices"; serviceIds: number[] }
  | { op: "parameterValues"; parameters: Parameter[]; id?: string }
  | ServiceCallFailure
  | ({ op: "connectionGraphUpdate" } & ConnectionGraphUpdate)
  /** An op this client does not know (a newer server); the caller decides how to report it. */
  | { op: "unknown"; name: string };

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** "binary frame, 9 bytes: 01 02 00 00 00 …" — enough to recognise a frame in a report. */
export function describeFrame(data: string | Uint8Array): string {
  if (typeof data === "string") {
    const excerpt = data.length > 200 ? `${data.slice(0, 200)}…` : data;
    return `text frame, ${data.length} chars: ${excerpt}`;
  }
  const shown = Array.from(data.subarray(0, 24), (b) => b.toString(16).padStart(2, "0"));
  return `binary frame, ${data.byteLength} bytes: ${shown.join(" ")}${data.byteLength > 24 ? " …" : ""}`;
}

export function parseBinaryFrame(bytes: Uint8Array): BinaryServerFrame {
  const fail = (reason: string): never => {
    throw new ProtocolError(reason, describeFrame(bytes));
  };
  if (bytes.byteLength === 0) fail("empty binary frame");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const op = view.getUint8(0);
  switch (op) {
    case SERVER_MESSAGE_DATA: {
      if (bytes.byteLength < 13) {
        fail(`MessageData frame of ${bytes.byteLength} bytes; the header alone is 13 bytes`);
      }
      return {
        op: "messageData",
        subscriptionId: view.getUint32(1, true),
        receiveTimeNs: view.getBigUint64(5, true),
        payload: bytes.subarray(13),
      };
    }
    case SERVER_TIME:
      if (bytes.byteLength < 9) fail(`Time frame of ${bytes.byteLength} bytes; expected 9`);
      return { op: "time", timeNs: view.getBigUint64(1, true) };
    case SERVER_SERVICE_CALL_RESPONSE: {
      if (bytes.byteLength < 13) {
        fail(
          `ServiceCallResponse frame of ${bytes.byteLength} bytes; the header alone is 13 bytes`,
        );
      }
      const encodingLength = view.getUint32(9, true);
      if (13 + encodingLength > bytes.byteLength) {
        fail(
          `ServiceCallResponse encoding length ${encodingLength} runs past the end of the ` +
            `${bytes.byteLength}-byte frame`,
        );
      }
      return {
        op: "serviceCallResponse",
        serviceId: view.getUint32(1, true),
        callId: view.getUint32(5, true),
        encoding: textDecoder.decode(bytes.subarray(13, 13 + encodingLength)),
        payload: bytes.subarray(13 + encodingLength),
      };
    }
    case SERVER_FETCH_ASSET_RESPONSE:
      return { op: "ignored", what: "FetchAssetResponse" };
    default:
      return fail(`unknown binary opcode 0x${op.toString(16).padStart(2, "0")}`);
  }
}

// --- JSON validation: each check names the path of the offending value. ---

type Json = Record<string, unknown>;

class Invalid extends Error {}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
function str(obj: Json, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string")
    throw new Invalid(`${path}.${key}: expected a string, got ${typeOf(value)}`);
  return value;
}
function optStr(obj: Json, key: string, path: string): string | undefined {
  return obj[key] === undefined ? undefined : str(obj, key, path);
}
function uint(obj: Json, key: string, path: string): number {
  const value = obj[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Invalid(
      `${path}.${key}: expected an unsigned 32-bit integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Invalid(`${path}: expected an object, got ${typeOf(value)}`);
  }
  return value as Json;
}
function array(obj: Json, key: string, path: string): unknown[] {
  const value = obj[key];
  if (!Array.isArray(value))
    throw new Invalid(`${path}.${key}: expected an array, got ${typeOf(value)}`);
  return value;
}
function strArray(obj: Json, key: string, path: string): string[] {
  return array(obj, key, path).map((item, i) => {
    if (typeof item !== "string") throw new Invalid(`${path}.${key}[${i}]: expected a string`);
    return item;
  });
}
function uintArray(obj: Json, key: string, path: string): number[] {
  return array(obj, key, path).map((item, i) => {
    if (typeof item !== "number" || !Number.isInteger(item) || item < 0 || item > 0xffffffff) {
      throw new Invalid(`${path}.${key}[${i}]: expected an unsigned 32-bit integer`);
    }
    return item;
  });
}

/** Validates each item; invalid items are collected, not fatal, so one bad channel spares the rest. */
function validItems<T>(items: unknown[], path: string, check: (item: Json, path: string) => T) {
  const valid: T[] = [];
  const invalid: InvalidItem[] = [];
  items.forEach((item, index) => {
    try {
      valid.push(check(object(item, `${path}[${index}]`), `${path}[${index}]`));
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      invalid.push({ index, reason: error.message });
    }
  });
  return { valid, invalid };
}

function checkChannel(c: Json, path: string): Channel {
  const channel: Channel = {
    id: uint(c, "id", path),
    topic: str(c, "topic", path),
    encoding: str(c, "encoding", path),
    schemaName: str(c, "schemaName", path),
    schema: str(c, "schema", path),
  };
  const schemaEncoding = optStr(c, "schemaEncoding", path);
  if (schemaEncoding !== undefined) channel.schemaEncoding = schemaEncoding;
  return channel;
}

function checkServiceSchema(s: Json, key: "request" | "response", path: string) {
  const d = object(s[key], `${path}.${key}`);
  const p = `${path}.${key}`;
  const encoding = str(d, "encoding", p);
  return {
    encoding,
    schemaName: str(d, "schemaName", p),
    // Optional in practice although the type says otherwise; absent means the ROS default.
    schemaEncoding: optStr(d, "schemaEncoding", p) ?? (encoding === "cdr" ? "ros2msg" : "ros1msg"),
    schema: str(d, "schema", p),
  };
}

function checkService(s: Json, path: string): Service {
  const service: Service = {
    id: uint(s, "id", path),
    name: str(s, "name", path),
    type: str(s, "type", path),
  };
  // Newer servers send `request`/`response` objects, foxglove_bridge 0.8.5 the legacy strings.
  if (s.request !== undefined) service.request = checkServiceSchema(s, "request", path);
  if (s.response !== undefined) service.response = checkServiceSchema(s, "response", path);
  const requestSchema = optStr(s, "requestSchema", path);
  const responseSchema = optStr(s, "responseSchema", path);
  if (requestSchema !== undefined) service.requestSchema = requestSchema;
  if (responseSchema !== undefined) service.responseSchema = responseSchema;
  if (service.request === undefined && service.requestSchema === undefined) {
    throw new Invalid(`${path}: neither request nor requestSchema given`);
  }
  if (service.response === undefined && service.responseSchema === undefined) {
    throw new Invalid(`${path}: neither response nor responseSchema given`);
  }
  return service;
}

function checkParameter(p: Json, path: string): Parameter {
  const parameter: Parameter = { name: str(p, "name", path), value: p.value as ParameterValue };
  const type = optStr(p, "type", path);
  if (type !== undefined) parameter.type = type as NonNullable<Parameter["type"]>;
  return parameter;
}

export function parseTextFrame(text: string): TextServerMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(
      `text frame is not JSON (${(error as Error).message})`,
      describeFrame(text),
    );
  }
  try {
    const msg = object(json, "message");
    const op = str(msg, "op", "message");
    switch (op) {
      case "serverInfo": {
        const info: ServerInfo = {
          op,
          name: str(msg, "name", op),
          capabilities: strArray(msg, "capabilities", op),
        };
        if (msg.supportedEncodings !== undefined) {
          info.supportedEncodings = strArray(msg, "supportedEncodings", op);
        }
        if (msg.metadata !== undefined)
          info.metadata = object(msg.metadata, `${op}.metadata`) as Record<string, string>;
        const sessionId = optStr(msg, "sessionId", op);
        if (sessionId !== undefined) info.sessionId = sessionId;
        return info;
      }
      case "status": {
        const level = msg.level;
        if (level !== 0 && level !== 1 && level !== 2) {
          throw new Invalid(`status.level: expected 0, 1 or 2, got ${JSON.stringify(level)}`);
        }
        const status: StatusMessage = { op, level, message: str(msg, "message", op) };
        const id = optStr(msg, "id", op);
        if (id !== undefined) status.id = id;
        return status;
      }
      case "removeStatus":
        return { op, statusIds: strArray(msg, "statusIds", op) };
      case "advertise": {
        const { valid, invalid } = validItems(
          array(msg, "channels", op),
          `${op}.channels`,
          checkChannel,
        );
        return { op, channels: valid, invalid };
      }
      case "unadvertise":
        return { op, channelIds: uintArray(msg, "channelIds", op) };
      case "advertiseServices": {
        const { valid, invalid } = validItems(
          array(msg, "services", op),
          `${op}.services`,
          checkService,
        );
        return { op, services: valid, invalid };
      }
      case "unadvertiseServices":
        return { op, serviceIds: uintArray(msg, "serviceIds", op) };
      case "parameterValues": {
        const parameters = array(msg, "parameters", op).map((p, i) =>
          checkParameter(object(p, `${op}.parameters[${i}]`), `${op}.parameters[${i}]`),
        );
        const id = optStr(msg, "id", op);
        return id === undefined ? { op, parameters } : { op, parameters, id };
      }
      case "serviceCallFailure":
        return {
          op,
          serviceId: uint(msg, "serviceId", op),
          callId: uint(msg, "callId", op),
          message: str(msg, "message", op),
        };
      case "connectionGraphUpdate": {
        // Lists the bridge leaves out are empty; each item names a topic or service and its nodes.
        const list = (key: string, idsKey: string) =>
          msg[key] === undefined
            ? []
            : array(msg, key, op).map((item, i) => {
                const path = `${op}.${key}[${i}]`;
                const entry = object(item, path);
                return { name: str(entry, "name", path), ids: strArray(entry, idsKey, path) };
              });
        const names = (key: string) => (msg[key] === undefined ? [] : strArray(msg, key, op));
        return {
          op,
          publishedTopics: list("publishedTopics", "publisherIds"),
          subscribedTopics: list("subscribedTopics", "subscriberIds"),
          advertisedServices: list("advertisedServices", "providerIds"),
          removedTopics: names("removedTopics"),
          removedServices: names("removedServices"),
        };
      }
      default:
        return { op: "unknown", name: op };
    }
  } catch (error) {
    if (error instanceof Invalid) throw new ProtocolError(error.message, describeFrame(text));
    throw error;
  }
}

// --- client binary frames ---

/** op, u32 channel id, payload. */
export function encodeMessageData(channelId: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, CLIENT_MESSAGE_DATA);
  view.setUint32(1, channelId, true);
  frame.set(payload, 5);
  return frame;
}

/** op, u32 service id, u32 call id, u32 encoding length, encoding, payload. */
export function encodeServiceCallRequest(
  serviceId: number,
  callId: number,
  encoding: string,
  payload: Uint8Array,
): Uint8Array {
  const encodingBytes = textEncoder.encode(encoding);
  const frame = new Uint8Array(13 + encodingBytes.byteLength + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, CLIENT_SERVICE_CALL_REQUEST);
  view.setUint32(1, serviceId, true);
  view.setUint32(5, callId, true);
  view.setUint32(9, encodingBytes.byteLength, true);
  frame.set(encodingBytes, 13);
  frame.set(payload, 13 + encodingBytes.byteLength);
  return frame;
}
