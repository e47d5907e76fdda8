/**
 * `noros/ros2idl`: the IDL text a ROS 2 bridge sends (fixtures written as rosidl_adapter writes
 * .idl files, concatenated as the bridge's definition cache does) read into ros2msg text for the
 * CDR compiler. Type hashes must be rosidl's (the generated Jazzy codecs' hashes are checked
 * against real rosbag2 files in ros2-type-hash.test.ts), bytes must decode as
 * @foxglove/rosmsg2-serialization reads them from the same IDL, bad IDL must fail in one line.
 */
import { compileCodec } from "../../runtime/codec/compile.js";
import { ros2idl, ros2msgFromIdl } from "../../runtime/ros2idl/index.js";
import { NavSatFixCodec } from "../../generated-ros2/sensor_msgs.js";
import {
  referenceIdlReader,
  referenceIdlWriter,
  readIdlFixture,
  ros2IdlDefinition,
} from "../helpers/ros2-bridge-server.js";

const readIdl = readIdlFixture;

const NAV_SAT_FIX = {
  header: { stamp: { sec: 1700000000, nanosec: 5 }, frame_id: "gps" },
  status: { status: 2, service: 9 },
  latitude: 48.1,
  longitude: 11.5,
  altitude: 520.25,
  position_covariance: [1, 0, 0, 0, 1, 0, 0, 0, 4],
  position_covariance_type: 2,
};

/** Comparable form: typed arrays as plain arrays, bigints spelled out. */
function normal(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    return Array.from(value as unknown as ArrayLike<unknown>).map(normal);
  }
  if (Array.isArray(value)) return value.map(normal);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  }
  return value;
}

describe("ros2idl definitions", () => {
  it("concatenates the IDL files as the bridge does (root first, then includes sorted, depth first)", () => {
    const text = ros2IdlDefinition("sensor_msgs/msg/NavSatFix", readIdl);
    expect([...text.matchAll(/^IDL: (.*)$/gm)].map((m) => m[1])).toEqual([
      "sensor_msgs/msg/NavSatFix",
      "sensor_msgs/msg/NavSatStatus",
      "std_msgs/msg/Header",
      "builtin_interfaces/msg/Time",
    ]);
  });

  it("gives a standard type the type hash rosidl gives it, and decodes like the reference", () => {
    const idl = ros2IdlDefinition("sensor_msgs/msg/NavSatFix", readIdl);
    const { definition, hashExact } = ros2msgFromIdl("sensor_msgs/msg/NavSatFix", idl);
    expect(hashExact).toBe(true);
    const codec = compileCodec("sensor_msgs/msg/NavSatFix", definition, { encoding: "cdr" });
    expect(codec.typeHash).toBe(NavSatFixCodec.typeHash);
    // Constants of the Type_Constants modules are in their type's block.
    expect(definition).toContain("uint8 COVARIANCE_TYPE_KNOWN=3");
    expect(definition).toMatch(/MSG: sensor_msgs\/msg\/NavSatStatus\nint8 STATUS_UNKNOWN=-2/);
    // rosidl's `nanosec`, not the parser's `nsec`.
    expect(definition).toMatch(/MSG: builtin_interfaces\/msg\/Time\nint32 sec\nuint32 nanosec\n/);
    const bytes = referenceIdlWriter(idl)(NAV_SAT_FIX);
    expect(normal(codec.decode(bytes))).toEqual(normal(referenceIdlReader(idl)(bytes)));
    expect(normal(codec.decode(bytes))).toEqual(normal(NAV_SAT_FIX));
    expect(codec.encode(NAV_SAT_FIX)).toEqual(bytes);
  });

  it("reads bounded strings and sequences, typedef'd arrays of structs, a struct from another file", () => {
    const idl = ros2IdlDefinition("my_robot/msg/Status", readIdl);
    const { definition, hashExact } = ros2msgFromIdl("my_robot/msg/Status", idl);
    expect(definition.split("\n").filter((l) => !/ [A-Z][A-Z0-9_]*=/.test(l))).toEqual(
      expect.arrayContaining([
        "std_msgs/Header header",
        "string<=16 name",
        "int64[] counters",
        "int32[<=5] samples",
        "string<=3[<=4] tags",
        "my_robot/Corner[2] corners",
        "my_robot/Corner[<=3] extra_corners",
        "float64[3] position",
        "uint8[] payload",
        "MSG: my_robot/msg/Corner",
        "string<=8 label",
      ]),
    );
    expect(definition).toContain('string NAME="rover # one"');
    expect(definition).toContain('string FRAME="base_link"');
    // `octet` is read as uint8, but rosidl's type description tells it from uint8: no hash.
    expect(hashExact).toBe(false);
  });

  it("reports bad IDL in one line naming the type", () => {
    const bad = (idl: string) => () => ros2idl.toRos2msg("my_robot/msg/Bad", idl);
    const header = `${"=".repeat(80)}\nIDL: my_robot/msg/Bad\n`;
    const oneLine = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        const message = (error as Error).message;
        expect(message.split("\n")).toHaveLength(1);
        expect(message).toContain("my_robot/msg/Bad");
        return message;
      }
      throw new Error("no error");
    };
    expect(
      oneLine(bad(`${header}module my_robot { module msg { struct Bad { int32 x } }; };`)),
    ).toMatch(/^the IDL definition of my_robot\/msg\/Bad does not parse: /);
    expect(
      oneLine(bad(`${header}module my_robot { module msg { struct Other { int32 x; }; }; };`)),
    ).toBe(
      "the IDL definition of my_robot/msg/Bad has no struct my_robot::msg::Bad (it has my_robot/msg/Other)",
    );
    expect(oneLine(bad(`${header}module my_robot { struct Bad { int32 x; }; };`))).toContain(
      'struct "my_robot::Bad" outside a ROS 2 package module',
    );
    expect(
      oneLine(bad(`${header}module my_robot { module msg { struct Bad { wchar c; }; }; };`)),
    ).toBe(
      "the IDL definition of my_robot/msg/Bad: my_robot::msg::Bad::c has type wchar, which ROS 2 messages cannot hold",
    );
    expect(
      oneLine(
        bad(
          `${header}module my_robot { module msg { union Bad switch (long) { case 0: long a; }; }; };`,
        ),
      ),
    ).toContain("my_robot/msg/Bad");
  });
});
