/**
 * `noros-gen` over ROS 2 package trees (test/scenarios/ros2: rosidl syntax corners, and
 * ros2/test_interface_files' Strings.msg and BasicTypes.srv as rosbag2's test bags embed them).
 * The committed output is diffed and strictly type-checked by scenarios.test.ts; here: its type
 * hashes against the ones rosbag2 recorded, its codecs against compileCodec, ROS 2 detection and
 * the mixing error.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generate } from "../../generator/generate.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { DefinitionError } from "../../runtime/schema/model.js";
import { loadGeneratedCodecs, loadGeneratedModule } from "../helpers/load-generated.js";

const root = path.resolve(__dirname, "..", "..");
const scenario = path.join(root, "test", "scenarios", "ros2");

/** The committed output, run as a user's program runs it. */
function loadOutput(): Record<string, Codec<unknown>> {
  const dir = path.join(scenario, "out");
  return loadGeneratedCodecs(
    new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), "utf8")])),
  );
}

describe("noros-gen over ROS 2 packages", () => {
  const codecs = loadOutput();

  it("gives the type hashes rosbag2 recorded for the same definitions", () => {
    // From bag_with_topics_and_service_events (metadata.yaml and the .db3's message_definitions).
    expect(codecs["test_msgs/msg/Strings"]!.typeHash).toBe(
      "RIHS01_eee55533636293ac7c94c62432eedb5777eb849847d2a17b4dcead8c4a20ab32",
    );
    expect(codecs["test_msgs/srv/BasicTypes_Event"]!.typeHash).toBe(
      "RIHS01_5b9988a4805a06ae22dff12903a774ccda710e9514926b826ffc884e3a9a982e",
    );
  });

  it("keys codecs pkg/msg/Type, pkg/srv/X_Event, pkg/action/X_Goal", () => {
    // Standard types (builtin_interfaces, service_msgs...) come from noros/ros2/msgs.
    expect(Object.keys(codecs).sort()).toEqual([
      "demo_interfaces/action/Count_Feedback",
      "demo_interfaces/action/Count_FeedbackMessage",
      "demo_interfaces/action/Count_GetResult_Event",
      "demo_interfaces/action/Count_GetResult_Request",
      "demo_interfaces/action/Count_GetResult_Response",
      "demo_interfaces/action/Count_Goal",
      "demo_interfaces/action/Count_Result",
      "demo_interfaces/action/Count_SendGoal_Event",
      "demo_interfaces/action/Count_SendGoal_Request",
      "demo_interfaces/action/Count_SendGoal_Response",
      "demo_interfaces/msg/Corners",
      "demo_interfaces/msg/Empty",
      "demo_interfaces/msg/Point",
      "demo_interfaces/msg/Stamped",
      "demo_interfaces/srv/Lookup_Event",
      "demo_interfaces/srv/Lookup_Request",
      "demo_interfaces/srv/Lookup_Response",
      "test_msgs/msg/Strings",
      "test_msgs/srv/BasicTypes_Event",
      "test_msgs/srv/BasicTypes_Request",
      "test_msgs/srv/BasicTypes_Response",
    ]);
  });

  it("names a message and a service of the same name apart (test_msgs: msg/ and srv/BasicTypes)", () => {
    const fixture = path.join(root, "test", "fixtures", "ros2-msgs");
    const files = generate({ inputs: [fixture], ros2: true }).files;
    const module = loadGeneratedModule(files, "test_msgs.ts") as {
      codecs: Record<string, Codec<unknown>>;
      services: Record<string, { datatype: string; typeHash: string }>;
    };
    const message = module.codecs["test_msgs/msg/BasicTypes"];
    expect(message?.datatype).toBe("test_msgs/msg/BasicTypes");
    expect(Object.keys(module.codecs)).not.toContain("test_msgs/srv/BasicTypes");
    // The message's hash is the one of its own text under its msg name, not one computed under
    // the service's name.
    const text = readFileSync(path.join(fixture, "test_msgs", "msg", "BasicTypes.msg"), "utf8");
    expect(message!.typeHash).toBe(
      compileCodec("test_msgs/msg/BasicTypes", text, { encoding: "cdr" }).typeHash,
    );
    expect(module.services["test_msgs/srv/BasicTypes"]?.datatype).toBe("test_msgs/srv/BasicTypes");
    expect(module.services["test_msgs/srv/BasicTypes"]?.typeHash).toMatch(/^RIHS01_[0-9a-f]{64}$/);
  });

  it("generates codecs that write what compileCodec writes for the same text", () => {
    const corners = codecs["demo_interfaces/msg/Corners"]!;
    const msg = {
      stamp: { sec: -3, nanosec: 7 },
      flag: true,
      b: 255,
      c: 65,
      big: -9000000000n,
      fixed: new Float32Array([1, 2.5, -3]),
      bounded_values: new Float64Array([0.25]),
      short_name: "abc",
      tags: ["a", "b"],
      wide: "wé",
      points: [{ x: 1, y: 2 }],
      nothing: {},
      payload: new Uint8Array([1, 2, 3]),
    };
    const bytes = corners.encode(msg);
    const compiled = compileCodec(corners.datatype, corners.definition, { encoding: "cdr" });
    expect(Buffer.from(bytes).toString("hex")).toBe(
      Buffer.from(compiled.encode(msg)).toString("hex"),
    );
    expect(corners.decode(bytes)).toEqual(msg);
    expect(compiled.typeHash).toBe(corners.typeHash);
    expect(() => corners.encode({ ...msg, short_name: "123456789" })).toThrow(
      "demo_interfaces/msg/Corners: short_name: 9 bytes, more than the bound 8",
    );
  });

  it("imports standard types from noros/ros2/msgs/<pkg>: the same code as with std-ros2 among the inputs", () => {
    const inputs = [path.join(scenario, "msgs")];
    const imported = generate({ inputs }).files;
    expect([...imported.keys()].sort()).toEqual([
      "demo_interfaces.ts",
      "index.ts",
      "register.ts",
      "test_msgs.ts",
    ]);
    const demo = imported.get("demo_interfaces.ts")!;
    expect(demo).toContain(
      'import * as geometry_msgs from "noros/ros2/msgs/geometry_msgs";\nimport * as sensor_msgs from "noros/ros2/msgs/sensor_msgs";',
    );
    // The old way: the standard packages' sources among the inputs, generated next to the user's.
    const withSources = generate({
      inputs: [...inputs, path.join(root, "generator", "std-ros2")],
    }).files;
    expect(withSources.has("geometry_msgs.ts")).toBe(true);
    for (const file of ["demo_interfaces.ts", "test_msgs.ts"]) {
      // Identifiers, definitions, type hashes and code: all equal, only the import differs.
      expect(imported.get(file)!.replace(/"noros\/ros2\/msgs\/(\w+)"/g, '"./$1.js"')).toBe(
        withSources.get(file),
      );
    }
    // The committed output runs against the standard modules: a Stamped round trip.
    const stamped = codecs["demo_interfaces/msg/Stamped"]!;
    const msg = {
      header: { stamp: { sec: 5, nanosec: 6 }, frame_id: "map" },
      pose: { position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      path: [{ x: 4, y: 5, z: 6 }],
      images: [
        {
          header: { stamp: { sec: 1, nanosec: 2 }, frame_id: "cam" },
          height: 1,
          width: 2,
          encoding: "mono8",
          is_bigendian: 0,
          step: 2,
          data: new Uint8Array([7, 8]),
        },
      ],
    };
    const compiled = compileCodec(stamped.datatype, stamped.definition, { encoding: "cdr" });
    const bytes = stamped.encode(msg);
    expect(Buffer.from(bytes).equals(Buffer.from(compiled.encode(msg)))).toBe(true);
    expect(stamped.decode(bytes)).toEqual(msg);
    expect(stamped.typeHash).toBe(compiled.typeHash);
    // --msgs-import names the folder of the package modules.
    for (const base of ["../std", "../std/", "../std/index.js"]) {
      expect(generate({ inputs, msgsImport: base }).files.get("demo_interfaces.ts")).toContain(
        'import * as geometry_msgs from "../std/geometry_msgs.js";',
      );
    }
    expect(generate({ inputs, msgsImport: "@me/ros2" }).files.get("test_msgs.ts")).toContain(
      'from "@me/ros2/service_msgs";',
    );
    // Under --msgs-import none they are generated from the inputs (how generated-ros2 is made).
    expect(() => generate({ inputs, msgsImport: null })).toThrow(/unknown type 'std_msgs\/Header'/);
  });

  it("gives actions and their services the type hashes rosidl computes", () => {
    // robot_control_interfaces/action/MoveRobot (a public package's install tree): its fields,
    // and the hashes rosidl_generator_c wrote into move_robot__description.c.
    const dir = mkdtempSync(path.join(tmpdir(), "noros-action-"));
    try {
      const pkg = path.join(dir, "robot_control_interfaces");
      mkdirSync(path.join(pkg, "action"), { recursive: true });
      writeFileSync(
        path.join(pkg, "action", "MoveRobot.action"),
        [
          "# Goal",
          "string command",
          "int32 mode",
          "int32 speed",
          "float32 duration",
          "int32 amplitude",
          "int32 times",
          "---",
          "int32 error_code",
          "string error_message",
          "string execution_status",
          "float32 progress",
          "int32 count",
          "int64 start_time",
          "---",
          "float32 progress",
          "string execution_status",
          "int32 error_code",
          "int32 count",
          "",
        ].join("\n"),
      );
      const files = generate({ inputs: [dir], ros2: true }).files;
      const module = loadGeneratedModule(files, "robot_control_interfaces.ts");
      type Service = { datatype: string; typeHash: string; event: Codec<unknown> };
      const action = module.MoveRobotAction as {
        datatype: string;
        typeHash: string;
        goal: Codec<unknown>;
        result: Codec<unknown>;
        feedback: Codec<unknown>;
        feedbackMessage: Codec<unknown>;
        sendGoal: Service;
        getResult: Service;
      };
      const hash = (h: string) => `RIHS01_${h}`;
      expect(action.datatype).toBe("robot_control_interfaces/action/MoveRobot");
      expect({
        action: action.typeHash,
        goal: action.goal.typeHash,
        result: action.result.typeHash,
        feedback: action.feedback.typeHash,
        feedbackMessage: action.feedbackMessage.typeHash,
        sendGoal: action.sendGoal.typeHash,
        sendGoalEvent: action.sendGoal.event.typeHash,
        getResult: action.getResult.typeHash,
        getResultEvent: action.getResult.event.typeHash,
      }).toEqual({
        action: hash("e0c1d4c0611da78de6e6e3ccc0a2b0ab86a426ac4a422df9f8a3086d8ab6bdac"),
        goal: hash("f35a2186b770882b4f0df8df04e866b55c7a052e46bb29588478e89c49345826"),
        result: hash("9c7bb86668e7254bd6ac0938fe84d80ed4387e2e4e7aad0d67ff6c88d5284fd5"),
        feedback: hash("d8aa9965947fb06e3a59490b46786750c9db8301fbd1c5ae8d1810ba7065ba0a"),
        feedbackMessage: hash("a9c93f8b56155e3f15e7140ffaf63aef9dc60739e5b8e475ff1da2e308523485"),
        sendGoal: hash("56c1351617fc4aa59dd454b8f896c823bb49fa8e7cba81c3045e41bf97f28645"),
        sendGoalEvent: hash("806df7e54973584bb10afde680a8db03f5a074f3f54e05428cf8e81167d88ad5"),
        getResult: hash("abb4591be74a784947490bc56f81cb343de89a725ebe3197195361554e7e6275"),
        getResultEvent: hash("2d5004abaaee1258c552752bedf0bf38ee37d4c9382433d180af273f67f274a1"),
      });
      expect(action.sendGoal.datatype).toBe("robot_control_interfaces/action/MoveRobot_SendGoal");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects ROS 1 and ROS 2 packages in one run, and ROS 1 packages under --ros2", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "noros-ros1-"));
    try {
      const pkg = path.join(dir, "old_msgs");
      mkdirSync(path.join(pkg, "msg"), { recursive: true });
      writeFileSync(path.join(pkg, "msg", "A.msg"), "int32 a\n");
      writeFileSync(
        path.join(pkg, "package.xml"),
        "<package><name>old_msgs</name><buildtool_depend>catkin</buildtool_depend><build_depend>message_generation</build_depend></package>\n",
      );
      const error = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          expect(e).toBeInstanceOf(DefinitionError);
          return (e as Error).message;
        }
        throw new Error("expected a DefinitionError");
      };
      expect(error(() => generate({ inputs: [path.join(scenario, "msgs"), dir] }))).toBe(
        `${path.join(pkg, "package.xml")}:0: a ROS 1 (catkin) package mixed with ROS 2 packages (${path.join(scenario, "msgs", "demo_interfaces", "package.xml")} uses rosidl): generate ROS 1 and ROS 2 bindings in separate runs`,
      );
      expect(error(() => generate({ inputs: [dir], ros2: true }))).toMatch(
        /package\.xml:0: a ROS 1 \(catkin\) package given with --ros2/,
      );
      // Without a package.xml, --ros2 decides.
      rmSync(path.join(pkg, "package.xml"));
      expect(
        [
          ...generate({ inputs: [dir] })
            .files.get("old_msgs.ts")!
            .matchAll(/datatype: "([^"]+)"/g),
        ].map((m) => m[1]),
      ).toEqual(["old_msgs/A"]);
      expect(
        [
          ...generate({ inputs: [dir], ros2: true })
            .files.get("old_msgs.ts")!
            .matchAll(/datatype: "([^"]+)"/g),
        ].map((m) => m[1]),
      ).toEqual(["old_msgs/msg/A"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports ROS 2 definition problems with file and line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "noros-ros2-"));
    try {
      mkdirSync(path.join(dir, "p", "msg"), { recursive: true });
      mkdirSync(path.join(dir, "p", "srv"), { recursive: true });
      const msg = path.join(dir, "p", "msg", "Bad.msg");
      writeFileSync(msg, "int32 a\nstring<=x s\nMissing m\n");
      const srv = path.join(dir, "p", "srv", "S.srv");
      writeFileSync(srv, "int32 a\n");
      let message = "";
      try {
        generate({ inputs: [dir], ros2: true });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message.split("\n").sort()).toEqual(
        [
          `${msg}:2: 'string<=x' is not a legal type (expected TYPE, string<=N, TYPE[], TYPE[N] or TYPE[<=N])`,
          `${msg}:3: p/Bad.m: unknown type 'Missing' (looked for p/Missing): add its definition to the inputs`,
          `${srv}:1: a service has one '---' line between request and response, found 0`,
        ].sort(),
      );
      expect(readdirSync(dir)).toEqual(["p"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
