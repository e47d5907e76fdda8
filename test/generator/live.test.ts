/**
 * Bindings from live schemas (what `noros-gen --bridge` collects): custom types become modules,
 * standard types come from noros/msgs, topics are typed by name, and conflicts and empty
 * schemas are reported by name.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { codecs } from "../../generated/index.js";
import { generate, type LiveSchemas } from "../../generator/generate.js";
import { writeOutput } from "../../generator/output.js";
import { bridgeCapturesDir } from "../helpers/env.js";
import { typecheck } from "../helpers/typecheck.js";

const root = path.resolve(__dirname, "..", "..");
const SEP = "=".repeat(80);

const imu = (codecs as Record<string, { definition: string }>)["sensor_msgs/Imu"]!.definition;
const custom = `Header header\nfloat64 level # 0..1\n${SEP}\nMSG: std_msgs/Header\n${(codecs as Record<string, { definition: string }>)["std_msgs/Header"]!.definition}`;

function live(extra: Partial<LiveSchemas> = {}): LiveSchemas {
  return {
    source: "ws://test",
    channels: [
      { topic: "/imu/data", schemaName: "sensor_msgs/Imu", schema: imu },
      { topic: "/tank", schemaName: "robot_msgs/Tank", schema: custom },
      { topic: "/mystery", schemaName: "robot_msgs/Unknown", schema: "" },
      { topic: "/odd_string", schemaName: "std_msgs/String", schema: "int32 data\n" },
    ],
    services: [
      {
        name: "/refill",
        type: "robot_msgs/Refill",
        requestSchema: "float64 amount\n",
        responseSchema: "bool ok\nstring message\n",
      },
    ],
    ...extra,
  };
}

describe("noros-gen from live schemas", () => {
  it("types topics by name, imports standard types, reports conflicts and empty schemas", () => {
    const result = generate({ inputs: [], live: live() });
    expect([...result.files.keys()].sort()).toEqual(["index.ts", "robot_msgs.ts"]);
    expect(Object.fromEntries(result.topics)).toEqual({
      "/imu/data": "sensor_msgs/Imu",
      "/odd_string": "std_msgs/String",
      "/tank": "robot_msgs/Tank",
    });
    expect(result.warnings).toEqual([
      "topic /mystery: the bridge sent an empty schema for robot_msgs/Unknown (the type is not installed on the bridge host); skipped",
      expect.stringMatching(
        /^topic \/odd_string: std_msgs\/String from the bridge \(md5 [0-9a-f]{32}\) differs from noros\/msgs \(std_msgs\/String\) \(md5 992ce8a1687cec8c8bd883ec73ca41d1\); using noros\/msgs/,
      ),
    ]);
    const index = result.files.get("index.ts")!;
    expect(index).toContain('import "noros/msgs";');
    expect(index).toContain('"/imu/data": "sensor_msgs/Imu",');
    expect(result.files.get("robot_msgs.ts")).toContain('"robot_msgs/Refill": RefillService,');
  });

  it("writes bindings that type-check and type a topic by name", () => {
    const dir = mkdtempSync(path.join(root, "test", "generator", ".tmp-live-"));
    try {
      writeOutput(dir, generate({ inputs: [], live: live() }).files);
      writeFileSync(
        path.join(dir, "use.ts"),
        [
          'import "./index";',
          'import type { TopicMessage } from "noros";',
          'declare const tank: TopicMessage<"/tank">;',
          'declare const imu: TopicMessage<"/imu/data">;',
          "export const level: number = tank.level;",
          "export const w: number = imu.orientation.w;",
          "// @ts-expect-error: not a field",
          "export const bad = tank.volume;",
        ].join("\n"),
      );
      expect(typecheck(readdirSync(dir).map((f) => path.join(dir, f)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  const captures = bridgeCapturesDir();
  (captures === undefined ? it.skip : it)(
    "generates from the channels a real foxglove_bridge advertised",
    () => {
      const channels = readdirSync(captures!)
        .filter((f) => f.startsWith("text_advertise_"))
        .flatMap(
          (f) =>
            (
              JSON.parse(readFileSync(path.join(captures!, f), "utf8")) as {
                channels: LiveSchemas["channels"];
              }
            ).channels,
        );
      const services = readdirSync(captures!)
        .filter((f) => f.startsWith("text_advertiseServices_"))
        .flatMap(
          (f) =>
            (
              JSON.parse(readFileSync(path.join(captures!, f), "utf8")) as {
                services: LiveSchemas["services"];
              }
            ).services,
        );
      const result = generate({ inputs: [], live: { source: "capture", channels, services } });
      expect(result.topics.size).toBe(channels.filter((c) => c.schema !== "").length);
      expect(result.warnings).toEqual([]);
    },
  );
});

describe("topic-typed subscribe", () => {
  it("types client.subscribe(topic, cb) by the topic name of live bindings", () => {
    const dir = mkdtempSync(path.join(root, "test", "generator", ".tmp-topic-"));
    try {
      writeOutput(dir, generate({ inputs: [], live: live() }).files);
      writeFileSync(
        path.join(dir, "use.ts"),
        [
          'import "./index";',
          'import { RosClient } from "noros";',
          'const client = new RosClient("ws://localhost:8765");',
          'client.subscribe("/tank", (msg) => { const level: number = msg.level; void level; });',
          'client.subscribe("/imu/data", (msg) => { const w: number = msg.orientation.w; void w; });',
          "// @ts-expect-error: not a field of robot_msgs/Tank",
          'client.subscribe("/tank", (msg) => msg.volume);',
          "// @ts-expect-error: a topic the bridge did not advertise needs a type name",
          'client.subscribe("/not_advertised", (msg) => msg);',
        ].join("\n"),
      );
      expect(typecheck(readdirSync(dir).map((f) => path.join(dir, f)))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
