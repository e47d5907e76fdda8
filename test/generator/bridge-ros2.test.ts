/**
 * `noros-gen --bridge` on a ROS 2 bridge: a real FoxgloveServer configured like the ROS 2
 * foxglove_bridge (test/helpers/ros2-bridge-server.ts: `cdr` channels, `ros2msg` schemas named
 * `pkg/msg/Type`, services `pkg/srv/Type`, types it cannot find advertised without a schema)
 * advertises the channels of two real rosbag2 recordings; noros-gen collects them over a real socket, and the bindings it writes type-check,
 * import the standard types from `noros/ros2/msgs`, type topics by name, and decode every recorded
 * message as a codec compiled from the recorded definition does.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { main } from "../../generator/cli.js";
import { generate } from "../../generator/generate.js";
import { DefinitionError } from "../../runtime/schema/model.js";
import { TFMessageCodec } from "../../generated-ros2/tf2_msgs.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { runCli } from "../helpers/cli.js";
import { describeIf, sharedRos2BagsDir } from "../helpers/env.js";
import { Ros2BridgeServer } from "../helpers/ros2-bridge-server.js";
import { readRos2Mcap, type Ros2BagMessage } from "../helpers/ros2-mcap.js";
import { typecheck } from "../helpers/typecheck.js";

// The generated modules import the standard set by its package name; here that is the sources.
jest.mock("noros/ros2/msgs", () => jest.requireActual("../../generated-ros2/index.ts"), {
  virtual: true,
});

const root = path.resolve(__dirname, "..", "..");
const bags = sharedRos2BagsDir();

describeIf(bags !== undefined, "needs ../shared/ros2-bags")("noros-gen --bridge (ROS 2)", () => {
  it("generates ROS 2 bindings typed by topic, standard types from noros/ros2/msgs", async () => {
    const recordings = [
      "geocamxyz__rosbags-rs__test_bag_mcap.mcap", // 94 standard types
      "ros2__rosbag2__cdr_test_0.mcap", // test_msgs: not standard
    ];
    const messages: Ros2BagMessage[] = [];
    const bridge = await Ros2BridgeServer.start();
    const out = mkdtempSync(path.join(root, "test", "generator", ".tmp-bridge-ros2-"));
    try {
      for (const file of recordings) {
        const bag = await readRos2Mcap(path.join(bags!, file));
        messages.push(...bag.messages);
        for (const c of bag.channels) {
          expect([c.messageEncoding, c.schemaEncoding]).toEqual(["cdr", "ros2msg"]);
          bridge.addTopic(c.topic, c.schemaName, { definition: c.schema });
        }
      }
      const topics = new Set(messages.map((m) => m.topic));
      // A service as the ROS 2 bridge advertises one (0.8: the legacy schema strings), a type
      // only defined in IDL, and types the bridge host has no definition of: one standard.
      bridge.addService("/add_two_ints", "example_interfaces/srv/AddTwoInts", () => undefined, {
        requestDefinition: "int64 a\nint64 b\n",
        responseDefinition: "int64 sum\n",
      });
      // As the bridge sends it: the root's `IDL:` block, then its includes'.
      bridge.addTopic("/idl_only", "acme_msgs/msg/Idl", {
        definition: [
          "=".repeat(80),
          "IDL: acme_msgs/msg/Idl",
          '#include "builtin_interfaces/msg/Time.idl"',
          "module acme_msgs { module msg {",
          "  module Idl_Constants { const int32 LIMIT = 7; };",
          "  struct Idl { builtin_interfaces::msg::Time stamp; sequence<int32, 4> x; string<8> name; };",
          "}; };",
          "=".repeat(80),
          "IDL: builtin_interfaces/msg/Time",
          "module builtin_interfaces { module msg {",
          "  struct Time { int32 sec; uint32 nanosec; };",
          "}; };",
          "",
        ].join("\n"),
        schemaEncoding: "ros2idl",
      });
      bridge.addTopic("/idl_octet", "acme_msgs/msg/Bytes", {
        definition: "module acme_msgs { module msg { struct Bytes { octet b; }; }; };",
        schemaEncoding: "ros2idl",
      });
      bridge.addTopic("/no_def_std", "std_msgs/msg/String", { definition: "" });
      bridge.addTopic("/no_def_custom", "acme_msgs/msg/Gone", { definition: "" });

      const result = await runCli(main, ["--bridge", bridge.url, "--wait-ms", "300", "--out", out]);
      expect(result.code).toBe(0);
      // The IDL-only type is named, and so is the one recorded with Humble's definition
      // (sensor_msgs/Range without `variance`), typed from the standard set instead.
      const warnings = result.stderr.trim().split("\n");
      expect(warnings).toHaveLength(4);
      expect(warnings).toEqual(
        expect.arrayContaining([
          "noros-gen: warning: topic /no_def_custom: the bridge sent an empty schema for acme_msgs/msg/Gone (the type is not installed on the bridge host); skipped",
          "noros-gen: warning: topic /no_def_std: the bridge sent an empty schema for std_msgs/msg/String; typed from noros/ros2/msgs (std_msgs/msg/String)",
          expect.stringMatching(
            /^noros-gen: warning: topic \/idl_octet \(acme_msgs\/msg\/Bytes\): its IDL definition uses octet\/char\/wchar, whose rosidl type hash noros cannot compute from IDL .*; skipped$/,
          ),
          expect.stringMatching(
            /^noros-gen: warning: topic \/test\/sensor_msgs\/range: sensor_msgs\/msg\/Range from the bridge \(RIHS01_\w+\) differs from noros\/ros2\/msgs \(sensor_msgs\/msg\/Range\) \(RIHS01_\w+\); using noros\/ros2\/msgs/,
          ),
        ]),
      );
      expect(result.stdout).toContain(`${topics.size + 2} topics`);
      // The IDL-only type, with the type hash of the same type written as .msg text.
      const idlModule = readFileSync(path.join(out, "acme_msgs.ts"), "utf8");
      const idlHash = compileCodec(
        "acme_msgs/msg/Idl",
        "int32 LIMIT=7\nbuiltin_interfaces/Time stamp\nint32[<=4] x\nstring<=8 name\n" +
          `${"=".repeat(80)}\nMSG: builtin_interfaces/msg/Time\nint32 sec\nuint32 nanosec\n`,
        { encoding: "cdr" },
      ).typeHash!;
      expect(idlHash).toMatch(/^RIHS01_[0-9a-f]{64}$/);
      expect(idlModule).toContain(idlHash);
      expect(idlModule).toMatch(/LIMIT/);

      // Only the types the standard set lacks are emitted; the rest is imported.
      expect(readdirSync(out).sort()).toEqual([
        "acme_msgs.ts",
        "example_interfaces.ts",
        "index.ts",
        "register.ts",
        "test_msgs.ts",
      ]);
      const index = readFileSync(path.join(out, "index.ts"), "utf8");
      // One side-effect import per standard package a topic's type is in (its type-map entries).
      expect(index).toContain('import "noros/ros2/msgs/tf2_msgs";');
      expect(index).not.toContain('import "noros/ros2/msgs";');
      // Topics typed by name: a subscription's message type follows from the topic alone.
      writeFileSync(
        path.join(out, "use.ts"),
        [
          'import type { TopicMessage } from "noros";',
          'import type { tf2_msgs } from "noros/ros2/msgs";',
          'import type { test_msgs } from "./index.js";',
          'export const tf = (m: TopicMessage<"/test/tf2_msgs/tf_message">): tf2_msgs.TFMessage => m;',
          'export const nanosec = (m: TopicMessage<"/test/tf2_msgs/tf_message">): number =>',
          "  m.transforms[0]?.header.stamp.nanosec ?? 0;",
          'export const basic = (m: TopicMessage<"/test_topic">): test_msgs.BasicTypes => m;',
          'export const idl = (m: TopicMessage<"/idl_only">): readonly number[] | Int32Array =>',
          "  m.stamp.nanosec > 0 ? m.x : m.name.length > 0 ? m.x : m.x;",
          "",
        ].join("\n"),
      );
      expect(typecheck(readdirSync(out).map((f) => path.join(out, f)))).toEqual([]);

      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const live = require(path.join(out, "index.ts")) as {
        topics: Record<string, string>;
        codecs: Record<string, Codec>;
        services: Record<string, { datatype: string; request: Codec; response: Codec }>;
      };
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const std = require("../../generated-ros2/index.ts") as { codecs: Record<string, Codec> };
      expect(Object.keys(live.topics).sort()).toEqual(
        [...topics, "/no_def_std", "/idl_only"].sort(),
      );
      expect(live.services["example_interfaces/srv/AddTwoInts"]?.request.datatype).toBe(
        "example_interfaces/srv/AddTwoInts_Request",
      );
      let count = 0;
      for (const message of messages) {
        const type = live.topics[message.topic]!;
        expect(type).toBe(message.schemaName);
        if (message.topic === "/test/sensor_msgs/range") continue; // Humble's Range: warned
        const codec = live.codecs[type] ?? std.codecs[type]!;
        const recorded = compileCodec(message.schemaName, message.schema, {
          encoding: "cdr",
          allowEmpty: true,
        });
        expect(codec.encoding).toBe("cdr");
        expect(codec.decode(message.data)).toEqual(recorded.decode(message.data));
        count++;
      }
      expect(count).toBeGreaterThan(180);
    } finally {
      rmSync(out, { recursive: true, force: true });
      await bridge.close();
    }
  }, 120000);

  it("reads the SDK bridge's service objects; standard services are not re-emitted", async () => {
    const bridge = await Ros2BridgeServer.start({ flavor: "sdk" });
    const out = mkdtempSync(path.join(root, "test", "generator", ".tmp-bridge-ros2-"));
    try {
      bridge.addService("/set_bool", "std_srvs/srv/SetBool", () => undefined);
      bridge.addService("/ping", "acme_srvs/srv/Ping", () => undefined, {
        requestDefinition: "builtin_interfaces/Time sent\n",
        responseDefinition: "string<=8 reply\n",
      });
      // Only known as IDL: the 0.8 bridge sends such texts in the legacy strings too.
      const idl = (part: string) =>
        `${"=".repeat(80)}\nIDL: acme_srvs/srv/Idl_${part}\nmodule acme_srvs { module srv { struct Idl_${part} { int32 x; }; }; };\n`;
      bridge.server.addService({
        name: "/idl",
        type: "acme_srvs/srv/Idl",
        requestSchema: idl("Request"),
        responseSchema: idl("Response"),
      });
      // The SDK bridge advertises a type it cannot find without its name.
      bridge.addTopic("/gone", "acme_msgs/msg/Gone", { definition: "" });
      const result = await runCli(main, ["--bridge", bridge.url, "--wait-ms", "200", "--out", out]);
      expect(result.stderr.trim().split("\n")).toEqual([
        "noros-gen: warning: service /idl (acme_srvs/srv/Idl): the bridge sent an IDL (ros2idl) definition; noros-gen reads .msg (ros2msg) definitions only; skipped",
        "noros-gen: warning: topic /gone: the bridge advertised it without a type (not installed on the bridge host); skipped",
      ]);
      expect(result.code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(["acme_srvs.ts", "index.ts", "register.ts"]);
      const index = readFileSync(path.join(out, "index.ts"), "utf8");
      expect(index).toContain('"acme_srvs/srv/Ping": acme_srvs.PingService,');
      expect(index).not.toContain("SetBool");
      expect(readFileSync(path.join(out, "acme_srvs.ts"), "utf8")).toContain(
        'import * as builtin_interfaces from "noros/ros2/msgs/builtin_interfaces";',
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
      await bridge.close();
    }
  });

  it("says a bridge whose only IDL definitions cannot be read has nothing usable", async () => {
    const bridge = await Ros2BridgeServer.start({ flavor: "sdk" });
    try {
      bridge.addTopic("/idl_only", "acme_msgs/msg/Idl", {
        definition: "module acme_msgs { module msg { struct Idl { int32 x; } }; };",
        schemaEncoding: "ros2idl",
      });
      const result = await runCli(main, [
        "--bridge",
        bridge.url,
        "--wait-ms",
        "200",
        "--out",
        "unused",
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /noros-gen: bridge at ws:\/\/127\.0\.0\.1:\d+ advertised no usable topics or services within 200 ms \(1 advertised but unusable: \/idl_only: the IDL definition of acme_msgs\/msg\/Idl does not parse: /,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await bridge.close();
    }
  });
});

describe("generate() with a ROS 2 bridge's schemas", () => {
  const tf = {
    topic: "tf",
    schemaName: "tf2_msgs/msg/TFMessage",
    // What the bridge sends: the full text (tf2_msgs' own, from the shipped bindings).
    schema: TFMessageCodec.definition,
  };
  const problemsOf = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      if (error instanceof DefinitionError)
        return error.problems.map((p) => `${p.file}: ${p.message}`);
      throw error;
    }
    return [];
  };

  it("keys topics by global name and ROS 2 type; --msgs-import none emits the standard types used", () => {
    const result = generate({
      inputs: [],
      msgsImport: null,
      live: { source: "ws://robot:8765", ros: 2, channels: [tf], services: [] },
    });
    expect([...result.topics]).toEqual([["/tf", "tf2_msgs/msg/TFMessage"]]);
    expect([...result.files.keys()].sort()).toEqual([
      "builtin_interfaces.ts",
      "geometry_msgs.ts",
      "index.ts",
      "register.ts",
      "std_msgs.ts",
      "tf2_msgs.ts",
    ]);
    expect(result.files.get("index.ts")).not.toContain("noros/ros2/msgs");
    // The hash of the type the bridge described (Time and Header as rosidl has them).
    expect(result.files.get("tf2_msgs.ts")).toContain(
      "RIHS01_e369d0f05a23ae52508854b66f6aa0437f3449d652e8cbf22d5abe85d020f087",
    );
  });

  it("names a bad definition by bridge and topic, and refuses ROS 1 with ROS 2", () => {
    expect(
      problemsOf(() =>
        generate({
          inputs: [],
          live: {
            source: "ws://robot:8765",
            ros: 2,
            channels: [
              { topic: "/bad", schemaName: "acme/msg/Bad", schema: "int32 x\nfloat65 y\n" },
            ],
            services: [],
          },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^ws:\/\/robot:8765 topic \/bad: acme\/Bad\.y: unknown type 'float65'/),
    ]);

    const ros2Inputs = path.join(root, "test", "scenarios", "ros2", "msgs");
    expect(
      problemsOf(() =>
        generate({
          inputs: [ros2Inputs],
          live: { source: "ws://robot:8765", channels: [], services: [] },
        }),
      ),
    ).toContain(
      "ws://robot:8765: a ROS 1 bridge (ros1 channels) cannot be combined with ROS 2 inputs: generate them in separate runs",
    );

    const catkin = mkdtempSync(path.join(root, "test", "generator", ".tmp-catkin-"));
    try {
      mkdirSync(path.join(catkin, "old_msgs", "msg"), { recursive: true });
      writeFileSync(
        path.join(catkin, "old_msgs", "package.xml"),
        "<package><name>old_msgs</name><buildtool_depend>catkin</buildtool_depend></package>\n",
      );
      writeFileSync(path.join(catkin, "old_msgs", "msg", "Old.msg"), "int32 x\n");
      expect(
        problemsOf(() =>
          generate({
            inputs: [catkin],
            live: { source: "ws://robot:8765", ros: 2, channels: [tf], services: [] },
          }),
        ),
      ).toEqual([
        `${path.join(catkin, "old_msgs", "package.xml")}: a ROS 1 (catkin) package given with a ROS 2 bridge (ws://robot:8765): generate ROS 1 and ROS 2 bindings in separate runs`,
      ]);
    } finally {
      rmSync(catkin, { recursive: true, force: true });
    }
  });
});
