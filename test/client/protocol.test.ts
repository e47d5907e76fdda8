/**
 * The wire layer alone: parsing server frames (the captured ones of a real foxglove_bridge when
 * present, frames built by @foxglove/ws-protocol's own FoxgloveServer encoder, malformed ones)
 * and encoding client frames that @foxglove/ws-protocol's FoxgloveServer then parses.
 */
import { FoxgloveServer } from "@foxglove/ws-protocol";
import type { IWebSocket } from "@foxglove/ws-protocol";
import {
  describeFrame,
  encodeMessageData,
  encodeServiceCallRequest,
  parseBinaryFrame,
  parseTextFrame,
  ProtocolError,
} from "../../runtime/client/protocol.js";
import { describeIf } from "../helpers/env.js";
import { loadCaptures } from "./helpers/captures.js";

const captures = loadCaptures();

/** A FoxgloveServer "connection" that records what the server sends and feeds it client frames. */
function inProcessConnection() {
  const sent: (string | Uint8Array)[] = [];
  const connection = {
    binaryType: "arraybuffer",
    protocol: "foxglove.websocket.v1",
    onerror: null,
    onopen: null,
    onclose: null,
    onmessage: null as ((event: { data: unknown }) => void) | null,
    close() {},
    send(data: string | ArrayBuffer | ArrayBufferView) {
      if (typeof data === "string") sent.push(data);
      else if (data instanceof ArrayBuffer) sent.push(new Uint8Array(data));
      else sent.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
    },
  };
  return { connection, sent };
}

describe("server frames", () => {
  it("parses frames written by FoxgloveServer's encoder", () => {
    const server = new FoxgloveServer({ name: "t", capabilities: ["services"], sessionId: "s" });
    const { connection, sent } = inProcessConnection();
    server.handleConnection(connection as unknown as IWebSocket, "c");
    const channel = server.addChannel({
      topic: "/a",
      encoding: "ros1",
      schemaName: "std_msgs/String",
      schema: "string data",
    });
    server.addService({
      name: "/s",
      type: "std_srvs/Trigger",
      requestSchema: "",
      responseSchema: "bool success",
    });
    server.sendServiceCallResponse(
      { serviceId: 7, callId: 9, encoding: "ros1", data: Uint8Array.from([1, 2, 3]) },
      connection as unknown as IWebSocket,
    );
    connection.onmessage!({
      data: JSON.stringify({ op: "subscribe", subscriptions: [{ id: 42, channelId: channel }] }),
    });
    server.sendMessage(
      channel,
      123456789012345678n,
      Uint8Array.from([5, 0, 0, 0, 104, 101, 108, 108, 111]),
    );

    const parsed = sent.map((frame) => (typeof frame === "string" ? parseTextFrame(frame) : frame));
    expect(parsed[0]).toEqual({
      op: "serverInfo",
      name: "t",
      capabilities: ["services"],
      sessionId: "s",
    });
    expect(parsed[1]).toEqual({
      op: "advertise",
      channels: [
        {
          id: channel,
          topic: "/a",
          encoding: "ros1",
          schemaName: "std_msgs/String",
          schema: "string data",
        },
      ],
      invalid: [],
    });
    expect(parsed[2]).toMatchObject({
      op: "advertiseServices",
      services: [{ name: "/s", requestSchema: "" }],
    });
    expect(parseBinaryFrame(parsed[3] as Uint8Array)).toEqual({
      op: "serviceCallResponse",
      serviceId: 7,
      callId: 9,
      encoding: "ros1",
      payload: Uint8Array.from([1, 2, 3]),
    });
    // MessageData goes out as two fragments (header, payload) when the socket supports it; the
    // in-process one does not, so it is one frame here.
    const message = parseBinaryFrame(parsed[4] as Uint8Array);
    expect(message).toEqual({
      op: "messageData",
      subscriptionId: 42,
      receiveTimeNs: 123456789012345678n,
      payload: Uint8Array.from([5, 0, 0, 0, 104, 101, 108, 108, 111]),
    });
  });

  it("parses a Time frame", () => {
    const frame = new Uint8Array(9);
    new DataView(frame.buffer).setBigUint64(1, 18446744073709551615n, true);
    frame[0] = 2;
    expect(parseBinaryFrame(frame)).toEqual({ op: "time", timeNs: 18446744073709551615n });
  });

  it("keeps the valid items of a list and reports the invalid ones", () => {
    const msg = parseTextFrame(
      JSON.stringify({
        op: "advertise",
        channels: [
          { id: 1, topic: "/ok", encoding: "ros1", schemaName: "a/B", schema: "" },
          { id: 2, topic: "/bad", encoding: "ros1", schema: "" },
          "nonsense",
        ],
      }),
    );
    expect(msg).toEqual({
      op: "advertise",
      channels: [{ id: 1, topic: "/ok", encoding: "ros1", schemaName: "a/B", schema: "" }],
      invalid: [
        { index: 1, reason: "advertise.channels[1].schemaName: expected a string, got undefined" },
        { index: 2, reason: "advertise.channels[2]: expected an object, got string" },
      ],
    });
    const services = parseTextFrame(
      JSON.stringify({
        op: "advertiseServices",
        services: [{ id: 1, name: "/s", type: "a/S", requestSchema: "" }],
      }),
    );
    expect(services).toMatchObject({
      services: [],
      invalid: [
        {
          index: 0,
          reason: "advertiseServices.services[0]: neither response nor responseSchema given",
        },
      ],
    });
  });

  it("defaults a service schema's missing schemaEncoding to ros1msg", () => {
    const msg = parseTextFrame(
      JSON.stringify({
        op: "advertiseServices",
        services: [
          {
            id: 3,
            name: "/s",
            type: "a/S",
            request: { encoding: "ros1", schemaName: "a/SRequest", schema: "int32 a" },
            response: { encoding: "ros1", schemaName: "a/SResponse", schema: "" },
          },
        ],
      }),
    );
    expect(msg).toMatchObject({
      services: [
        { request: { schemaEncoding: "ros1msg" }, response: { schemaEncoding: "ros1msg" } },
      ],
    });
  });

  it("passes unknown ops through for the caller to report", () => {
    expect(parseTextFrame(JSON.stringify({ op: "playbackState", x: 1 }))).toEqual({
      op: "unknown",
      name: "playbackState",
    });
  });

  it.each([
    ["not JSON", "{", /text frame is not JSON/],
    ["a JSON array", "[]", /message: expected an object, got array/],
    [
      "status with a bad level",
      JSON.stringify({ op: "status", level: 7, message: "x" }),
      /status.level: expected 0, 1 or 2, got 7/,
    ],
    [
      "unadvertise with a negative id",
      JSON.stringify({ op: "unadvertise", channelIds: [-1] }),
      /unadvertise.channelIds\[0\]/,
    ],
    [
      "serviceCallFailure without a message",
      JSON.stringify({ op: "serviceCallFailure", serviceId: 1, callId: 2 }),
      /serviceCallFailure.message: expected a string/,
    ],
    [
      "serverInfo without capabilities",
      JSON.stringify({ op: "serverInfo", name: "x" }),
      /serverInfo.capabilities: expected an array, got undefined/,
    ],
  ])("rejects %s with a ProtocolError that shows the frame", (_what, text, reason) => {
    let error: unknown;
    try {
      parseTextFrame(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).message).toMatch(reason);
    expect((error as ProtocolError).frame).toBe(describeFrame(text));
  });

  it.each([
    ["an empty frame", [], /empty binary frame/],
    ["a short MessageData", [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /MessageData frame of 12 bytes/],
    ["a short Time", [2, 0, 0], /Time frame of 3 bytes; expected 9/],
    ["a short ServiceCallResponse", [3, 1, 0, 0, 0], /ServiceCallResponse frame of 5 bytes/],
    [
      "an encoding length past the end",
      [3, 1, 0, 0, 0, 2, 0, 0, 0, 50, 0, 0, 0, 114],
      /encoding length 50 runs past the end of the 14-byte frame/,
    ],
    ["an unknown opcode", [0x42], /unknown binary opcode 0x42/],
  ])("rejects %s", (_what, bytes, reason) => {
    expect(() => parseBinaryFrame(Uint8Array.from(bytes))).toThrow(reason);
  });

  it("describes frames briefly", () => {
    expect(describeFrame(Uint8Array.from({ length: 30 }, (_, i) => i))).toBe(
      "binary frame, 30 bytes: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 …",
    );
    expect(describeFrame("x".repeat(300))).toBe(`text frame, 300 chars: ${"x".repeat(200)}…`);
  });
});

describeIf(captures !== undefined, "../shared/bridge-captures is absent")(
  "captured bridge frames",
  () => {
    it("parses the captured serverInfo, advertisements and parameter values", () => {
      const c = captures!;
      expect(parseTextFrame(JSON.stringify(c.serverInfo))).toEqual(c.serverInfo);
      const advertise = parseTextFrame(JSON.stringify({ op: "advertise", channels: c.channels }));
      expect(advertise).toEqual({ op: "advertise", channels: c.channels, invalid: [] });
      const services = parseTextFrame(
        JSON.stringify({ op: "advertiseServices", services: c.services }),
      );
      expect(services).toEqual({ op: "advertiseServices", services: c.services, invalid: [] });
      expect(
        parseTextFrame(JSON.stringify({ op: "parameterValues", ...c.parameterValues })),
      ).toEqual({
        op: "parameterValues",
        ...c.parameterValues,
      });
    });

    it("parses the captured binary frames", () => {
      const chatter = parseBinaryFrame(captures!.messageFrames.get("/chatter")!);
      expect(chatter).toMatchObject({ op: "messageData", subscriptionId: 100 });
      expect(
        new TextDecoder().decode((chatter as { payload: Uint8Array }).payload.subarray(4)),
      ).toBe("hello");
      const response = parseBinaryFrame(captures!.serviceCallResponse);
      expect(response).toMatchObject({
        op: "serviceCallResponse",
        serviceId: 1,
        callId: 42,
        encoding: "ros1",
      });
    });
  },
);

describe("client frames", () => {
  it("encodes MessageData and ServiceCallRequest as FoxgloveServer reads them", () => {
    const server = new FoxgloveServer({ name: "t", capabilities: ["clientPublish", "services"] });
    const { connection } = inProcessConnection();
    server.handleConnection(connection as unknown as IWebSocket, "c");
    const serviceId = server.addService({
      name: "/s",
      type: "a/S",
      requestSchema: "",
      responseSchema: "",
    });
    const received: unknown[] = [];
    server.on("message", ({ channel, data }) =>
      received.push({
        channel: channel.id,
        data: Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
      }),
    );
    server.on("serviceCallRequest", (request) =>
      received.push({
        ...request,
        data: Array.from(
          new Uint8Array(request.data.buffer, request.data.byteOffset, request.data.byteLength),
        ),
      }),
    );
    connection.onmessage!({
      data: JSON.stringify({
        op: "advertise",
        channels: [{ id: 3, topic: "/t", encoding: "ros1", schemaName: "a/B" }],
      }),
    });
    const toArrayBuffer = (bytes: Uint8Array) =>
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    connection.onmessage!({
      data: toArrayBuffer(encodeMessageData(3, Uint8Array.from([9, 8, 7]))),
    });
    connection.onmessage!({
      data: toArrayBuffer(encodeServiceCallRequest(serviceId, 77, "ros1", Uint8Array.from([1]))),
    });
    expect(received).toEqual([
      { channel: 3, data: [9, 8, 7] },
      { op: 2, serviceId, callId: 77, encoding: "ros1", data: [1] },
    ]);
  });

  it("writes the encoding length in bytes", () => {
    const frame = encodeServiceCallRequest(1, 2, "ros1é", new Uint8Array(0));
    expect(new DataView(frame.buffer).getUint32(9, true)).toBe(6);
    expect(frame.byteLength).toBe(13 + 6);
  });
});
