/**
 * Subscribing through a real FoxgloveServer configured like foxglove_bridge 0.8.5, over real
 * sockets on 127.0.0.1: decoding with codecs compiled from the advertised definitions, waiting
 * for topics, fan-out, iterators with bounded buffers, and staying alive through bad frames,
 * bad messages and throwing callbacks.
 */
import { compileCodec } from "../../runtime/codec/compile.js";
import { registerCodecs } from "../../runtime/codec/registry.js";
import type { RosClient } from "../../runtime/client/index.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { DEFINITIONS } from "./helpers/definitions.js";
import { newClient, referenceWriter, until, type Recorded } from "./helpers/harness.js";

const STRING = DEFINITIONS["std_msgs/String"];
const IMAGE = DEFINITIONS["sensor_msgs/CompressedImage"];
const writeString = referenceWriter(STRING);
const writeImage = referenceWriter(IMAGE);

let server: BridgeServer;
let client: RosClient;
let events: Recorded;

beforeEach(async () => {
  server = await BridgeServer.start();
  ({ client, events } = newClient(server.url));
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe("connecting", () => {
  it("resolves connected() with the serverInfo and offers both subprotocols", async () => {
    const info = await client.connected();
    expect(info.name).toBe("foxglove_bridge");
    expect(info.supportedEncodings).toEqual(["ros1"]);
    expect(events.connects).toHaveLength(1);
    expect(events.connects[0]!.protocol).toBe("foxglove.websocket.v1");
    expect(events.connects[0]!.reconnected).toBe(false);
    expect(client.state).toBe("connected");
  });

  it("connects to a server that accepts only foxglove.sdk.v1", async () => {
    const sdk = await BridgeServer.start({ subprotocol: "foxglove.sdk.v1" });
    const other = newClient(sdk.url);
    try {
      await other.client.connected();
      expect(other.events.connects[0]!.protocol).toBe("foxglove.sdk.v1");
    } finally {
      await other.client.close();
      await sdk.close();
    }
  });

  it("lists advertised topics", async () => {
    server.addTopic("/chatter", STRING.datatype, STRING.text);
    server.addTopic("/image/compressed", IMAGE.datatype, IMAGE.text);
    await client.connected();
    await until(() => client.topics().length === 2, "two topics");
    expect(client.topics()).toEqual([
      { topic: "/chatter", datatype: "std_msgs/String", definition: STRING.text },
      {
        topic: "/image/compressed",
        datatype: "sensor_msgs/CompressedImage",
        definition: IMAGE.text,
      },
    ]);
  });
});

describe("subscribe", () => {
  it("decodes messages with the advertised definition and passes the receive time", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const received: { data: unknown; time: bigint; topic: string }[] = [];
    client.subscribe("/chatter", "std_msgs/String", (msg, receiveTimeNs, info) => {
      received.push({
        data: (msg as { data: string }).data,
        time: receiveTimeNs,
        topic: info.topic,
      });
    });
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, writeString({ data: "hello" }), 1_700_000_000_123_456_789n);
    server.publish(channel, writeString({ data: "wörld 😀" }), 1_700_000_000_223_456_789n);
    await until(() => received.length === 2, "two messages");
    expect(received).toEqual([
      { data: "hello", time: 1_700_000_000_123_456_789n, topic: "/chatter" },
      { data: "wörld 😀", time: 1_700_000_000_223_456_789n, topic: "/chatter" },
    ]);
    expect(events.errors).toEqual([]);
  });

  it("gives uint8[] fields as Uint8Array, with header stamps as {sec, nsec}", async () => {
    const channel = server.addTopic("/image/compressed", IMAGE.datatype, IMAGE.text);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const image = {
      header: { seq: 7, stamp: { sec: 1_600_000_000, nsec: 5 }, frame_id: "cam" },
      format: "png",
      data: png,
    };
    const received: unknown[] = [];
    client.subscribe("/image/compressed", "sensor_msgs/CompressedImage", (msg) =>
      received.push(msg),
    );
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, writeImage(image));
    await until(() => received.length === 1, "the image");
    const msg = received[0] as typeof image;
    expect(msg.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(msg.data)).toEqual(Array.from(png));
    expect(msg.header).toEqual(image.header);
    expect(msg.format).toBe("png");
  });

  it("waits for a topic that is not advertised yet", async () => {
    const received: string[] = [];
    client.subscribe("/later", "std_msgs/String", (msg) =>
      received.push((msg as { data: string }).data),
    );
    await client.connected();
    expect(server.subscribed.size).toBe(0);
    const channel = server.addTopic("/later", STRING.datatype, STRING.text);
    await server.waitFor(() => server.subscribed.has(channel), "subscription after advertise");
    server.publish(channel, writeString({ data: "finally" }));
    await until(() => received.length === 1, "message");
    expect(received).toEqual(["finally"]);
  });

  it("shares one server subscription between subscribers and unsubscribes with the last", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const a: string[] = [];
    const b: string[] = [];
    const subA = client.subscribe("/chatter", "std_msgs/String", (m) =>
      a.push((m as { data: string }).data),
    );
    const subB = client.subscribe("/chatter", "*", (m) => b.push((m as { data: string }).data));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, writeString({ data: "one" }));
    await until(() => a.length === 1 && b.length === 1, "both subscribers");
    subA.unsubscribe();
    server.publish(channel, writeString({ data: "two" }));
    await until(() => b.length === 2, "second message");
    expect(a).toEqual(["one"]);
    expect(server.subscribed.has(channel)).toBe(true);
    subB.unsubscribe();
    await server.waitFor(() => !server.subscribed.has(channel), "unsubscribe");
    expect(server.errors).toEqual([]);
  });

  it("delivers raw bytes to subscribeRaw with the channel's definition", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const bytes = writeString({ data: "raw" });
    const received: { bytes: Uint8Array; definition: string; datatype: string }[] = [];
    client.subscribeRaw("/chatter", "*", (b, _t, info) =>
      received.push({ bytes: b.slice(), definition: info.definition, datatype: info.datatype }),
    );
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, bytes);
    await until(() => received.length === 1, "raw message");
    expect(received[0]).toEqual({ bytes, definition: STRING.text, datatype: "std_msgs/String" });
  });

  it("reports a type mismatch and does not deliver to that subscriber", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const wrong: unknown[] = [];
    client.subscribe("/chatter", "std_msgs/Int32", (m) => wrong.push(m));
    await until(() => events.errors.length === 1, "mismatch error");
    expect(events.errors[0]!.kind).toBe("request");
    expect(events.errors[0]!.message).toContain("/chatter has type std_msgs/String");
    expect(events.errors[0]!.message).toContain("std_msgs/Int32");
    expect(server.subscribed.has(channel)).toBe(false);
  });

  it("stops delivering after unsubscribe inside the callback", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const received: string[] = [];
    const sub = client.subscribe("/chatter", "std_msgs/String", (m) => {
      received.push((m as { data: string }).data);
      sub.unsubscribe();
    });
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, writeString({ data: "a" }));
    server.publish(channel, writeString({ data: "b" }));
    await server.waitFor(() => !server.subscribed.has(channel), "unsubscribe");
    expect(received).toEqual(["a"]);
    // "b" was in flight for a retired subscription id: dropped quietly, not an error.
    expect(events.errors).toEqual([]);
  });
});

describe("schemas", () => {
  it("uses a registered (generated) codec whose md5 matches the advertised definition", async () => {
    const generated = compileCodec("noros_test/Reading", "float64 value\nstring unit\n");
    let generatedCalls = 0;
    registerCodecs({
      "noros_test/Reading": {
        ...generated,
        decode: (bytes, options) => {
          generatedCalls++;
          return generated.decode(bytes, options);
        },
      },
    });
    // Same fields, comments differ: the md5 ignores comments, so the generated codec applies.
    const channel = server.addTopic(
      "/reading",
      "noros_test/Reading",
      "# a reading\nfloat64 value\nstring unit # SI\n",
    );
    const received: unknown[] = [];
    client.subscribe("/reading", "noros_test/Reading", (m) => received.push(m));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(
      channel,
      referenceWriter("float64 value\nstring unit\n")({ value: 2.5, unit: "m" }),
    );
    await until(() => received.length === 1, "message");
    expect(received[0]).toEqual({ value: 2.5, unit: "m" });
    expect(generatedCalls).toBe(1);
    expect(events.warnings).toEqual([]);
  });

  it("warns with both md5s and decodes with the advertised definition when they differ", async () => {
    const generated = compileCodec("noros_test/Sample", "int32 value\n");
    registerCodecs({ "noros_test/Sample": generated });
    const advertisedText = "int32 value\nstring note\n";
    const advertisedMd5 = compileCodec("noros_test/Sample", advertisedText).md5sum;
    const channel = server.addTopic("/sample", "noros_test/Sample", advertisedText);
    const received: unknown[] = [];
    client.subscribe("/sample", "noros_test/Sample", (m) => received.push(m));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, referenceWriter(advertisedText)({ value: -3, note: "new field" }));
    await until(() => received.length === 1, "message");
    expect(received[0]).toEqual({ value: -3, note: "new field" });
    expect(events.warnings).toHaveLength(1);
    const warning = events.warnings[0]!;
    expect(warning).toMatchObject({
      kind: "schema-mismatch",
      topic: "/sample",
      datatype: "noros_test/Sample",
      generatedMd5: generated.md5sum,
      advertisedMd5,
    });
    expect(warning.message).toContain(generated.md5sum);
    expect(warning.message).toContain(advertisedMd5);
    expect(generated.md5sum).not.toBe(advertisedMd5);
  });

  it("falls back to the generated codec when the bridge advertises an empty schema", async () => {
    registerCodecs({ "noros_test/Known": compileCodec("noros_test/Known", "uint16 n\n") });
    const channel = server.addTopic("/known", "noros_test/Known", "");
    const received: unknown[] = [];
    client.subscribe("/known", "*", (m) => received.push(m));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, Uint8Array.from([0x34, 0x12]));
    await until(() => received.length === 1, "message");
    expect(received[0]).toEqual({ n: 0x1234 });
  });

  it("reports an empty schema without a generated codec, and does not subscribe", async () => {
    const channel = server.addTopic("/mystery", "custom_msgs/Unknown", "");
    client.subscribe("/mystery", "custom_msgs/Unknown", () => undefined);
    await until(() => events.errors.length === 1, "schema error");
    expect(events.errors[0]!.kind).toBe("schema");
    expect(events.errors[0]!.context.topic).toBe("/mystery");
    expect(events.errors[0]!.message).toContain("custom_msgs/Unknown");
    expect(events.errors[0]!.message).toContain("no definition");
    expect(server.subscribed.has(channel)).toBe(false);
  });

  it("refuses encodings other than ros1 / ros1msg with a clear error", async () => {
    server.server.addChannel({
      topic: "/cdr",
      encoding: "cdr",
      schemaName: "std_msgs/String",
      schema: "string data",
    });
    server.server.addChannel({
      topic: "/proto",
      encoding: "ros1",
      schemaName: "std_msgs/String",
      schema: "string data",
      schemaEncoding: "protobuf",
    });
    const ok = server.server.addChannel({
      topic: "/explicit",
      encoding: "ros1",
      schemaName: "std_msgs/String",
      schema: STRING.text,
      schemaEncoding: "ros1msg",
    });
    const received: unknown[] = [];
    client.subscribe("/cdr", "*", () => undefined);
    client.subscribe("/proto", "*", () => undefined);
    client.subscribe("/explicit", "*", (m) => received.push(m));
    await until(() => events.errors.length === 2, "two schema errors");
    const messages = events.errors.map((e) => e.message).sort();
    expect(messages[0]).toContain(
      '/cdr (std_msgs/String): message encoding "cdr" is not supported',
    );
    expect(messages[1]).toContain(
      '/proto (std_msgs/String): schema encoding "protobuf" is not supported',
    );
    await server.waitFor(() => server.subscribed.has(ok), "subscription of the ros1msg channel");
    server.publish(ok, writeString({ data: "fine" }));
    await until(() => received.length === 1, "message");
    expect(server.subscribed.size).toBe(1);
  });

  it("reports an unparseable definition naming the topic", async () => {
    server.addTopic("/broken", "custom_msgs/Broken", "int32 value\nnot a valid line at all\n");
    client.subscribe("/broken", "*", () => undefined);
    await until(() => events.errors.length === 1, "schema error");
    expect(events.errors[0]!.kind).toBe("schema");
    expect(events.errors[0]!.message).toContain("/broken");
    expect(events.errors[0]!.message).toContain("custom_msgs/Broken");
  });
});

describe("faults", () => {
  it("survives malformed frames with an error naming the frame, and keeps delivering", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const received: string[] = [];
    client.subscribe("/chatter", "std_msgs/String", (m) =>
      received.push((m as { data: string }).data),
    );
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.sendRaw("{not json");
    server.sendRaw(JSON.stringify({ no: "op" }));
    server.sendRaw(JSON.stringify({ op: "advertise", channels: [{ id: "x" }] }));
    server.sendRaw(Uint8Array.from([0x01, 0x01, 0x00])); // truncated MessageData
    server.sendRaw(Uint8Array.from([0x7f, 1, 2, 3])); // unknown opcode
    server.sendRaw(Uint8Array.from([0x01, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9])); // unknown subscription
    server.publish(channel, writeString({ data: "still here" }));
    await until(() => received.length === 1, "message after the bad frames");
    expect(received).toEqual(["still here"]);
    const messages = events.errors.map((e) => `${e.kind}: ${e.message} | ${e.context.frame ?? ""}`);
    expect(messages).toHaveLength(6);
    expect(messages[0]).toMatch(
      /^protocol: malformed frame: text frame is not JSON .*\| text frame, 9 chars: \{not json/,
    );
    expect(messages[1]).toMatch(/message.op: expected a string, got undefined/);
    expect(messages[2]).toMatch(/advertise.channels\[0\].id: expected an unsigned 32-bit integer/);
    expect(messages[3]).toMatch(/MessageData frame of 3 bytes.*\| binary frame, 3 bytes: 01 01 00/);
    expect(messages[4]).toMatch(/unknown binary opcode 0x7f/);
    expect(messages[5]).toMatch(/message for unknown subscription id 65535/);
    expect(client.state).toBe("connected");
  });

  it("reports a message that fails to decode and decodes the next one", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const received: string[] = [];
    client.subscribe("/chatter", "std_msgs/String", (m) =>
      received.push((m as { data: string }).data),
    );
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, Uint8Array.from([100, 0, 0, 0, 0x61, 0x62])); // says 100 bytes, has 2
    server.publish(channel, Uint8Array.from([...writeString({ data: "x" }), 0xee])); // a byte too many
    server.publish(channel, writeString({ data: "good" }));
    await until(() => received.length === 1, "good message");
    expect(received).toEqual(["good"]);
    expect(events.errors.map((e) => e.kind)).toEqual(["decode", "decode"]);
    expect(events.errors[0]!.message).toContain("6-byte message on /chatter (std_msgs/String)");
    expect(events.errors[0]!.context.receiveTimeNs).toEqual(expect.any(BigInt));
    expect(events.errors[1]!.message).toContain("left over");
  });

  it("keeps running when a callback throws", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const received: string[] = [];
    client.subscribe("/chatter", "std_msgs/String", () => {
      throw new Error("user bug");
    });
    client.subscribe("/chatter", "std_msgs/String", (m) =>
      received.push((m as { data: string }).data),
    );
    client.on("advertise", () => {
      throw new Error("listener bug");
    });
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, writeString({ data: "1" }));
    server.publish(channel, writeString({ data: "2" }));
    await until(() => received.length === 2, "both messages to the second subscriber");
    const kinds = events.errors.map((e) => `${e.kind}: ${e.message}`);
    expect(kinds).toContain('callback: "advertise" listener threw: listener bug');
    expect(
      kinds.filter((k) => k === "callback: subscriber callback for /chatter threw: user bug"),
    ).toHaveLength(2);
  });
});

describe("slow consumers", () => {
  it("messages() yields in order and ends when the loop breaks", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const stream = client.messages("/chatter", "std_msgs/String");
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    for (let i = 0; i < 5; i++) server.publish(channel, writeString({ data: `m${i}` }), BigInt(i));
    const got: string[] = [];
    for await (const { msg, receiveTimeNs } of stream) {
      got.push(`${(msg as { data: string }).data}@${receiveTimeNs}`);
      if (got.length === 5) break;
    }
    expect(got).toEqual(["m0@0", "m1@1", "m2@2", "m3@3", "m4@4"]);
    await server.waitFor(() => !server.subscribed.has(channel), "unsubscribe after break");
  });

  it("keeps the newest bufferSize messages for a slow loop and counts the dropped ones", async () => {
    const channel = server.addTopic("/chatter", STRING.datatype, STRING.text);
    const stream = client.messages("/chatter", "std_msgs/String", { bufferSize: 5 });
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    for (let i = 0; i < 20; i++) server.publish(channel, writeString({ data: `m${i}` }));
    await until(() => stream.dropped === 15, "15 drops");
    const got: string[] = [];
    for (let i = 0; i < 5; i++) {
      const next = await stream.next();
      got.push((next.value!.msg as { data: string }).data);
    }
    expect(got).toEqual(["m15", "m16", "m17", "m18", "m19"]);
    expect(events.drops.at(-1)).toEqual({ kind: "message-buffer", topic: "/chatter", dropped: 15 });
    await stream.return();
  });

  it("surfaces the bridge's warning that it drops messages", async () => {
    await client.connected();
    server.warnDropping();
    await until(() => events.statuses.length === 1, "status");
    expect(events.statuses[0]).toEqual({
      level: "warning",
      message: "Send buffer limit reached, messages are being dropped",
      id: "send_buffer_limit",
    });
  });

  it("ends messages() iterators when the client closes", async () => {
    server.addTopic("/chatter", STRING.datatype, STRING.text);
    const stream = client.messages("/chatter", "std_msgs/String");
    const pending = stream.next();
    await client.connected();
    await client.close();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });
});
