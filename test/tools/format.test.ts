/**
 * The text formats of the `noros` command: typed-in messages (YAML/JSON, zero-filled like
 * rostopic pub) checked against genpy, JSON output of decoded messages, and field paths.
 */
import { execFileSync } from "node:child_process";

import { compileCodec } from "../../runtime/codec/compile.js";
import { UserError } from "../../tools/errors.js";
import { checkFieldPath, parseFieldPath, selectField } from "../../tools/format/fields.js";
import { SUMMARY_THRESHOLD, formatJson, toJsonValue } from "../../tools/format/json.js";
import {
  MessageInputError,
  buildMessage,
  parseMessageText,
  schemaFromDefinition,
} from "../../tools/format/message-input.js";
import { PoseStampedCodec } from "../../generated-ros2/geometry_msgs.js";
import { StringCodec } from "../../generated-ros2/std_msgs.js";
import { ROS_PYTHON, describeIf, hasPython, rosEnv } from "../helpers/env.js";

const TWIST =
  "Vector3  linear\nVector3  angular\n" +
  "=".repeat(80) +
  "\nMSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n";
const twist = () => schemaFromDefinition("geometry_msgs/Twist", TWIST);

/**
 * Cases: a type, the text a user types, and the genpy statements that build the same message on
 * a default-constructed `m` (what rostopic pub would send).
 */
const CASES: { type: string; text: string; python: string }[] = [
  { type: "geometry_msgs/Twist", text: "{}", python: "" },
  {
    type: "geometry_msgs/Twist",
    text: "{linear: {x: 0.5}, angular: {z: -1}}",
    python: "m.linear.x = 0.5; m.angular.z = -1.0",
  },
  { type: "sensor_msgs/CameraInfo", text: "{}", python: "" },
  {
    type: "sensor_msgs/CameraInfo",
    text: "{header: {frame_id: cam, stamp: {secs: 5, nsecs: 7}}, height: 480, D: [0.1, -0.2], K: [1, 0, 320, 0, 1, 240, 0, 0, 1], roi: {do_rectify: true}}",
    python:
      "m.header.frame_id = 'cam'; m.header.stamp = rospy.Time(5, 7); m.height = 480; m.D = [0.1, -0.2]; " +
      "m.K = [1, 0, 320, 0, 1, 240, 0, 0, 1]; m.roi.do_rectify = True",
  },
  {
    type: "sensor_msgs/JointState",
    text: '{"name": ["a", "b"], "position": [1.5, -2], "header": {"stamp": 12.25}}',
    python:
      "m.name = ['a', 'b']; m.position = [1.5, -2.0]; m.header.stamp = rospy.Time(12, 250000000)",
  },
  {
    type: "std_msgs/Int64",
    text: "data: -9223372036854775808",
    python: "m.data = -9223372036854775808",
  },
  {
    type: "std_msgs/UInt64",
    text: "18446744073709551615",
    python: "m.data = 18446744073709551615",
  },
  { type: "std_msgs/Float32", text: "data: .nan", python: "m.data = float('nan')" },
  { type: "std_msgs/Float64", text: 'data: "-Infinity"', python: "m.data = float('-inf')" },
  {
    type: "std_msgs/Duration",
    text: "data: {sec: -3, nsec: 5}",
    python: "m.data = rospy.Duration(-3, 5)",
  },
  { type: "std_msgs/String", text: "plain text", python: "m.data = 'plain text'" },
  { type: "std_msgs/Char", text: "data: 200", python: "m.data = 200" },
  {
    type: "visualization_msgs/Marker",
    text: "{ns: a, points: [{x: 1}, {y: 2}], colors: [{r: 1, a: 1}], lifetime: 1.5, frame_locked: true}",
    python:
      "m.ns = 'a'; m.points = [geometry_msgs.msg.Point(x=1), geometry_msgs.msg.Point(y=2)]; " +
      "m.colors = [std_msgs.msg.ColorRGBA(r=1, a=1)]; m.lifetime = rospy.Duration(1, 500000000); m.frame_locked = True",
  },
];

describeIf(hasPython("genpy", "sensor_msgs.msg", "visualization_msgs.msg"), "needs Debian genpy")(
  "typed-in messages against genpy",
  () => {
    let truth: { definition: string; hex: string }[];
    beforeAll(() => {
      const script = [
        "import json, sys, io, importlib, rospy, geometry_msgs.msg, std_msgs.msg",
        "cases = json.load(sys.stdin)",
        "out = []",
        "for c in cases:",
        "    pkg, name = c['type'].split('/')",
        "    m = getattr(importlib.import_module(pkg + '.msg'), name)()",
        "    exec(c['python'])",
        "    b = io.BytesIO(); m.serialize(b)",
        "    out.append({'definition': m._full_text, 'hex': b.getvalue().hex()})",
        "print(json.dumps(out))",
      ].join("\n");
      const output = execFileSync(ROS_PYTHON, ["-c", script], {
        env: rosEnv,
        input: JSON.stringify(CASES),
        encoding: "utf8",
      });
      truth = JSON.parse(output) as typeof truth;
    });

    it.each(CASES.map((c, i) => [c.type, c.text, i] as const))(
      "%s from %s encodes as genpy serializes it",
      (type, text, i) => {
        const { definition, hex } = truth[i]!;
        const message = buildMessage(
          parseMessageText(text),
          schemaFromDefinition(type, definition),
        );
        const bytes = compileCodec(type, definition, { allowEmpty: true }).encode(message as never);
        expect(Buffer.from(bytes).toString("hex")).toBe(hex);
      },
    );
  },
);

describe("typed-in message mistakes", () => {
  const fails = (text: string, schema = twist()) => {
    try {
      buildMessage(parseMessageText(text), schema);
    } catch (error) {
      expect(error).toBeInstanceOf(MessageInputError);
      return (error as Error).message;
    }
    throw new Error("no error");
  };

  it("names the field path and what was expected", () => {
    expect(fails("{linear: {x: fast}}")).toBe(
      'geometry_msgs/Twist: linear.x: expected a number, got "fast"',
    );
    expect(fails("{linear: 3}")).toBe(
      "geometry_msgs/Twist: linear: expected a mapping of geometry_msgs/Vector3 fields, got number 3",
    );
    expect(fails("{angular: {w: 1}}")).toBe(
      'geometry_msgs/Twist: angular: no field "w" in geometry_msgs/Vector3 (fields: x, y, z)',
    );
    expect(fails("[1, 2]")).toBe(
      "geometry_msgs/Twist: expected a mapping of geometry_msgs/Twist fields, got a list",
    );
    const arrays = schemaFromDefinition(
      "pkg/A",
      "uint8[3] rgb\nint16[] v\nstring s\ntime t\nint64 big\nbool b\n",
    );
    expect(fails("{rgb: [1, 2]}", arrays)).toBe(
      "pkg/A: rgb: expected exactly 3 elements (uint8[3]), got 2",
    );
    expect(fails("{rgb: [1, 2, 256]}", arrays)).toBe(
      "pkg/A: rgb[2]: 256 is out of range for uint8 [0, 255]",
    );
    expect(fails("{v: [1.5]}", arrays)).toBe(
      "pkg/A: v[0]: expected an integer (int16), got number 1.5",
    );
    expect(fails("{s: 12}", arrays)).toBe(
      "pkg/A: s: expected a string, got number 12 (quote it to make it a string)",
    );
    expect(fails("{t: {sec: -1}}", arrays)).toBe(
      "pkg/A: t.sec: expected an integer in [0, 4294967295], got number -1",
    );
    expect(fails("{t: yesterday}", arrays)).toBe(
      'pkg/A: t: expected a time ({sec, nsec}, seconds, or "now"), got "yesterday"',
    );
    expect(fails("{big: 9223372036854775808}", arrays)).toBe(
      "pkg/A: big: 9223372036854775808 is out of range for int64 [-9223372036854775808, 9223372036854775807]",
    );
    expect(fails("{b: yes}", arrays)).toBe('pkg/A: b: expected true or false, got "yes"');
  });

  it("reports YAML syntax errors and bad definitions as user errors", () => {
    expect(() => parseMessageText("{a: [}")).toThrow(/^the message is not valid YAML or JSON: /);
    expect(() => schemaFromDefinition("pkg/B", "Missing m\n")).toThrow(UserError);
  });

  it('fills "now" from the clock it is given', () => {
    const schema = schemaFromDefinition("pkg/T", "time t\nduration d\n");
    expect(
      buildMessage(parseMessageText("{t: now}"), schema, { now: () => ({ sec: 7, nsec: 9 }) }),
    ).toEqual({
      t: { sec: 7, nsec: 9 },
      d: { sec: 0, nsec: 0 },
    });
  });
});

describe("typed-in ROS 2 messages (ros2 topic pub's YAML)", () => {
  const build = (type: string, definition: string, text: string) =>
    buildMessage(parseMessageText(text), schemaFromDefinition(type, definition), {
      now: () => ({ sec: 7, nsec: 9 }),
    });
  const fails = (type: string, definition: string, text: string) => {
    try {
      build(type, definition, text);
    } catch (error) {
      expect(error).toBeInstanceOf(MessageInputError);
      return (error as Error).message;
    }
    throw new Error("no error");
  };

  it("builds standard messages that the CDR codec encodes as given", () => {
    const message = build(
      "geometry_msgs/msg/PoseStamped",
      PoseStampedCodec.definition,
      "{header: {stamp: {sec: 3, nanosec: 4}, frame_id: map}, pose: {position: {x: 1.5}}}",
    );
    const codec = compileCodec("geometry_msgs/msg/PoseStamped", PoseStampedCodec.definition, {
      encoding: "cdr",
    });
    expect(codec.decode(codec.encode(message))).toEqual({
      header: { stamp: { sec: 3, nanosec: 4 }, frame_id: "map" },
      pose: {
        position: { x: 1.5, y: 0, z: 0 },
        orientation: { x: 0, y: 0, z: 0, w: 1 },
      },
    });
    expect(build("std_msgs/msg/String", StringCodec.definition, "{data: hi}")).toEqual({
      data: "hi",
    });
  });

  it('expands "now" in a Time and "auto" in a Header, as ros2 topic pub does', () => {
    expect(
      build("geometry_msgs/msg/PoseStamped", PoseStampedCodec.definition, "{header: auto}").header,
    ).toEqual({ stamp: { sec: 7, nanosec: 9 }, frame_id: "" });
    expect(
      build(
        "geometry_msgs/msg/PoseStamped",
        PoseStampedCodec.definition,
        "{header: {stamp: now, frame_id: odom}}",
      ).header,
    ).toEqual({ stamp: { sec: 7, nanosec: 9 }, frame_id: "odom" });
  });

  const DEFAULTS = [
    'int32 x 5\nstring s "hi"\nint64 big 9007199254740993\nint8[] a [1, -2]',
    "byte b\nchar c\nstring<=3 short\nint16[<=2] few\nwstring w",
  ].join("\n");

  it("fills left-out fields with the definition's defaults, else zero", () => {
    expect(build("pkg/msg/D", DEFAULTS, "{}")).toEqual({
      x: 5,
      s: "hi",
      big: 9007199254740993n,
      a: [1, -2],
      b: 0,
      c: 0,
      short: "",
      few: [],
      w: "",
    });
    expect(build("pkg/msg/D", DEFAULTS, "{x: 1, a: [], b: 255, c: 200}")).toMatchObject({
      x: 1,
      a: [],
      b: 255,
      c: 200,
    });
  });

  it("names ROS 2 types and checks rosidl's ranges and bounds", () => {
    expect(
      fails(
        "geometry_msgs/msg/PoseStamped",
        PoseStampedCodec.definition,
        "{header: {stamp: {nsec: 1}}}",
      ),
    ).toBe(
      'geometry_msgs/msg/PoseStamped: header.stamp: no field "nsec" in builtin_interfaces/msg/Time (fields: sec, nanosec)',
    );
    expect(fails("pkg/msg/D", DEFAULTS, "{b: -1}")).toBe(
      "pkg/msg/D: b: -1 is out of range for uint8 [0, 255]",
    );
    expect(fails("pkg/msg/D", DEFAULTS, "{short: abcd}")).toBe(
      "pkg/msg/D: short: 4 bytes is longer than string<=3 allows",
    );
    expect(fails("pkg/msg/D", DEFAULTS, "{few: [1, 2, 3]}")).toBe(
      "pkg/msg/D: few: expected at most 2 elements (int16[<=2]), got 3",
    );
    // "now" and "auto" are ROS 2 keywords only where ros2 topic pub takes them.
    expect(fails("pkg/msg/D", DEFAULTS, "{x: now}")).toBe(
      'pkg/msg/D: x: expected an integer (int32), got "now"',
    );
  });
});

describe("JSON output", () => {
  it("keeps int64 exact, names non-finite floats, summarises long typed arrays", () => {
    expect(toJsonValue({ a: 5n, b: 2n ** 60n, c: -(2n ** 60n) })).toEqual({
      a: 5,
      b: "1152921504606846976",
      c: "-1152921504606846976",
    });
    expect(formatJson([NaN, Infinity, -Infinity, -0, 1.5])).toBe(
      '["NaN","Infinity","-Infinity",0,1.5]',
    );
    const long = new Float32Array(SUMMARY_THRESHOLD + 1);
    expect(
      toJsonValue({ d: new Uint8Array(921600), f: long, s: new Float64Array([1, 2]) }),
    ).toEqual({
      d: "<Uint8Array 921600 bytes>",
      f: `<Float32Array ${SUMMARY_THRESHOLD + 1} items>`,
      s: [1, 2],
    });
    expect((toJsonValue(long, { full: true }) as number[]).length).toBe(SUMMARY_THRESHOLD + 1);
    expect(toJsonValue(new BigInt64Array([1n, -(2n ** 62n)]))).toEqual([1, "-4611686018427387904"]);
    expect(
      formatJson({ stamp: { sec: 1, nsec: 2 }, ok: true, name: "x", nothing: undefined }),
    ).toBe('{"stamp":{"sec":1,"nsec":2},"ok":true,"name":"x","nothing":null}');
  });
});

describe("field paths", () => {
  const schema = schemaFromDefinition(
    "pkg/Path",
    "Item[] items\nfloat64[2] pair\n" +
      "=".repeat(80) +
      "\nMSG: pkg/Item\nstring name\nfloat32 v\n",
  );

  it("parses dotted and indexed forms and selects values", () => {
    const message = {
      items: [
        { name: "a", v: 1 },
        { name: "b", v: 2 },
      ],
      pair: new Float64Array([3, 4]),
    };
    expect(selectField(message, parseFieldPath("items[1].name"))).toBe("b");
    expect(selectField(message, parseFieldPath("items.0.v"))).toBe(1);
    expect(selectField(message, parseFieldPath("pair[1]"))).toBe(4);
    expect(() => selectField(message, parseFieldPath("items[5].name"))).toThrow(
      "items[5].name: index 5 is out of range (items has 2 elements in this message)",
    );
    for (const bad of ["", "a..b", "0.a", "a[x]", "a b"])
      expect(() => parseFieldPath(bad)).toThrow(UserError);
  });

  it("checks paths against the definition", () => {
    const check = (text: string) =>
      checkFieldPath(parseFieldPath(text), schema.root, schema.resolve);
    expect(() => check("items[0].name")).not.toThrow();
    expect(() => check("items.nope")).toThrow(
      "items.nope: pkg/Path.items has no fields (it is an array)",
    );
    expect(() => check("items[0].nope")).toThrow(
      'items[0].nope: no field "nope" in pkg/Item (fields: name, v)',
    );
    expect(() => check("pair[0].x")).toThrow(
      "pair[0].x: pkg/Path.pair has no fields (it is a builtin)",
    );
    expect(() => check("items[0].name[1]")).toThrow(
      "items[0].name[1]: pkg/Path.items.name is not an array",
    );
  });
});
