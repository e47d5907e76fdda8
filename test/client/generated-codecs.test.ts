/**
 * The client with the generated standard codecs registered (importing `generated/` registers
 * them, as `import "noros/msgs"` does for users): the generated codec serves every channel whose
 * advertised definition has its md5, including channels without a definition; a definition that
 * differs is reported and decoded as advertised.
 */
import "../../generated/index.js";
import * as path from "node:path";
import type { RosClient } from "../../runtime/client/index.js";
import { findCodec } from "../../runtime/codec/registry.js";
import { GOLDEN_DIR, readJsonl } from "../helpers/golden.js";
import { readBag } from "./helpers/bags.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { DEFINITIONS } from "./helpers/definitions.js";
import {
  newClient,
  referenceReader,
  referenceWriter,
  until,
  type Recorded,
} from "./helpers/harness.js";
import { expectLikeGolden, serveBag } from "./helpers/serve-bag.js";

describe("golden std.bag with generated codecs", () => {
  it("decodes every message as genpy did, including types without a definition", async () => {
    const bag = await readBag(path.join(GOLDEN_DIR, "std.bag"));
    const golden = readJsonl(path.join(GOLDEN_DIR, "std.jsonl"));
    for (const topic of bag.topics.values()) {
      // Each type in the bag has a generated codec with the md5 the bag recorded.
      expect(`${topic.datatype} ${findCodec(topic.datatype)?.md5sum}`).toBe(
        `${topic.datatype} ${topic.md5sum}`,
      );
    }
    const { received, events } = await serveBag(bag);
    expect(events.errors.map((e) => e.message)).toEqual([]);
    // No md5 differs between the generated codecs and the recorded definitions.
    expect(events.warnings).toEqual([]);
    expectLikeGolden(received, golden, "std.jsonl");
  });
});

describe("with a bridge", () => {
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

  it("publishes with the generated codec, without a definition", async () => {
    const pub = await client.advertise("/cmd_vel", "geometry_msgs/Twist");
    const twist = { linear: { x: 0.25, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 1 } };
    pub.publish(twist);
    await server.waitFor(() => server.published.length === 1, "message");
    expect(referenceReader(DEFINITIONS["geometry_msgs/Twist"])(server.published[0]!.data)).toEqual(
      twist,
    );
  });

  it("calls std_srvs/SetBool with the generated request and response codecs", async () => {
    const req = DEFINITIONS["std_srvs/SetBoolRequest"];
    const res = DEFINITIONS["std_srvs/SetBoolResponse"];
    const readRequest = referenceReader(req);
    server.addService("/set_flag", "std_srvs/SetBool", req.text, res.text, (bytes) =>
      referenceWriter(res)({
        success: (readRequest(bytes) as { data: boolean }).data,
        message: "ok",
      }),
    );
    await expect(
      client.callService("/set_flag", "std_srvs/SetBool", { data: true }),
    ).resolves.toEqual({
      success: true,
      message: "ok",
    });
    expect(events.warnings).toEqual([]);
  });

  it("reports a definition that differs from the generated one and decodes it as advertised", async () => {
    const generatedMd5 = DEFINITIONS["std_msgs/String"].md5sum;
    expect(findCodec("std_msgs/String")?.md5sum).toBe(generatedMd5);
    const changed = "string data\nuint32 revision\n";
    const channel = server.addTopic("/chatter", "std_msgs/String", changed);
    const received: unknown[] = [];
    client.subscribe("/chatter", "std_msgs/String", (msg) => received.push(msg));
    await server.waitFor(() => server.subscribed.has(channel), "subscription");
    server.publish(channel, referenceWriter(changed)({ data: "v2", revision: 2 }));
    await until(() => received.length === 1, "message");
    expect(received[0]).toEqual({ data: "v2", revision: 2 });
    expect(events.warnings).toHaveLength(1);
    expect(events.warnings[0]).toMatchObject({
      kind: "schema-mismatch",
      topic: "/chatter",
      generatedMd5,
    });
    expect(events.warnings[0]!.message).toMatch(
      new RegExp(
        `/chatter: the server's definition of std_msgs/String \\(md5 [0-9a-f]{32}\\) differs from the generated one \\(md5 ${generatedMd5}\\)`,
      ),
    );
  });
});
