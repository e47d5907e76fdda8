/**
 * ROS 2 definition parsing (rosidl syntax) through `compileCodec(..., { encoding: "cdr" })` and
 * the parser itself: names, bounds, defaults, constants, comments, the MCAP `ros2msg` text form,
 * `.srv`/`.action` texts, and errors naming the place.
 */
import { compileCodec } from "../../runtime/codec/compile.js";
import { DefinitionError } from "../../runtime/schema/model.js";
import { parseRos2FullDefinition } from "../../runtime/schema/ros2-full-text.js";
import { parseRos2Message } from "../../runtime/schema/ros2-parse.js";

const SEP = "=".repeat(80);
const source = { file: "strings.msg", firstLine: 1 };

function problemsOf(text: string, typeName = "pkg/msg/T"): string {
  try {
    compileCodec(typeName, text, { encoding: "cdr" });
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as Error).message;
  }
  throw new Error("expected a DefinitionError");
}

describe("rosidl definitions", () => {
  it("reads bounds, defaults (quoted, escaped, arrays) and constants", () => {
    const text = [
      "# a comment line",
      "string string_value_default3 'Hello\"world!'  # trailing comment",
      "string string_value_default4 'Hello\\'world!'",
      'string<=22 bounded "a # not a comment"',
      'string STRING_CONST="Hello world!"',
      "int32 X = -5",
      "uint64 BIG=18446744073709551615",
      "bool[3] flags [true, False, 1]",
      "string[<=3] names ['a,b', \"c\"]",
      "float64[] values [1.5, -2e3, inf]",
      "int8[<=4] bounded_ints",
      "wstring<=10 w",
      "byte b 255",
      "char c 65",
      "builtin_interfaces/Time stamp",
      "geometry_msgs/msg/Point p",
    ].join("\n");
    const { spec, problems } = parseRos2Message("test_msgs/Strings", text, source);
    expect(problems).toEqual([]);
    const field = (name: string) => spec.fields.find((f) => f.name === name)!;
    expect(field("string_value_default3").defaultValue).toBe('Hello"world!');
    expect(field("string_value_default4").defaultValue).toBe("Hello'world!");
    expect(field("bounded")).toMatchObject({ stringBound: 22, defaultValue: "a # not a comment" });
    expect(field("flags")).toMatchObject({ arrayLength: 3, defaultValue: [true, false, true] });
    expect(field("names")).toMatchObject({ arrayBound: 3, defaultValue: ["a,b", "c"] });
    expect(field("values").defaultValue).toEqual([1.5, -2000, Infinity]);
    expect(field("bounded_ints")).toMatchObject({ isArray: true, arrayBound: 4 });
    expect(field("w")).toMatchObject({ baseType: "wstring", stringBound: 10 });
    expect(field("p").baseType).toBe("geometry_msgs/Point");
    expect(field("stamp").line).toBe(15);
    expect(spec.constants.map((c) => [c.name, c.value])).toEqual([
      ["STRING_CONST", "Hello world!"],
      ["X", -5],
      ["BIG", 18446744073709551615n],
    ]);
  });

  it("reads the MCAP ros2msg form, with pkg/Type and pkg/msg/Type block names", () => {
    const text = [
      "builtin_interfaces/Time stamp",
      "Inner inner",
      "other_pkg/Thing[<=2] things",
      SEP,
      "MSG: builtin_interfaces/Time",
      "int32 sec\nuint32 nanosec",
      SEP,
      "MSG: pkg/msg/Inner",
      "uint8 x",
      SEP,
      "MSG: other_pkg/Thing",
      "",
    ].join("\n");
    for (const name of ["pkg/msg/Outer", "pkg/Outer"]) {
      const codec = compileCodec(name, text, { encoding: "cdr" });
      const msg = { stamp: { sec: -1, nanosec: 5 }, inner: { x: 7 }, things: [{}, {}] };
      expect(codec.decode(codec.encode(msg))).toEqual(msg);
      expect(codec.typeHash).toMatch(/^RIHS01_[0-9a-f]{64}$/);
    }
  });

  it("gives a .srv text its Request, Response and Event types", () => {
    const srv = "int64 a\nint64 b\n---\nint64 sum";
    const event = compileCodec("example_interfaces/srv/AddTwoInts_Event", srv, {
      encoding: "cdr",
    });
    const msg = {
      info: {
        event_type: 1,
        stamp: { sec: 3, nanosec: 4 },
        client_gid: new Uint8Array(16).fill(9),
        sequence_number: 12n,
      },
      request: [{ a: 1n, b: 2n }],
      response: [],
    };
    expect(event.decode(event.encode(msg))).toEqual(msg);
    const response = compileCodec("example_interfaces/srv/AddTwoInts_Response", srv, {
      encoding: "cdr",
    });
    expect(response.decode(response.encode({ sum: 3n }))).toEqual({ sum: 3n });
  });

  it("gives an .action text its Goal/Result/Feedback and the action's service types", () => {
    const action = "int32 order\n---\nint32[] sequence\n---\nint32[] partial_sequence";
    const { types } = parseRos2FullDefinition("example/action/Fibonacci_Goal", action);
    expect(types.names().sort()).toEqual(
      [
        "builtin_interfaces/Time",
        "example/Fibonacci_Feedback",
        "example/Fibonacci_FeedbackMessage",
        "example/Fibonacci_GetResult_Event",
        "example/Fibonacci_GetResult_Request",
        "example/Fibonacci_GetResult_Response",
        "example/Fibonacci_Goal",
        "example/Fibonacci_Result",
        "example/Fibonacci_SendGoal_Event",
        "example/Fibonacci_SendGoal_Request",
        "example/Fibonacci_SendGoal_Response",
        "service_msgs/ServiceEventInfo",
        "unique_identifier_msgs/UUID",
      ].sort(),
    );
    const feedback = compileCodec("example/action/Fibonacci_FeedbackMessage", action, {
      encoding: "cdr",
    });
    const msg = {
      goal_id: { uuid: new Uint8Array(16).fill(1) },
      feedback: { partial_sequence: new Int32Array([0, 1, 1, 2]) },
    };
    expect(feedback.decode(feedback.encode(msg))).toEqual(msg);
  });

  it("reports problems with the place and a clear reason", () => {
    const label = "<definition of pkg/msg/T>";
    expect(problemsOf("int32 a\nint32[<=] b")).toBe(
      `${label}:2: 'int32[<=]': a bounded array needs its bound, T[<=N]`,
    );
    expect(problemsOf("int32[x] b")).toBe(
      `${label}:1: 'int32[x]' is not a legal type (expected TYPE, string<=N, TYPE[], TYPE[N] or TYPE[<=N])`,
    );
    expect(problemsOf("int32<=3 a")).toBe(
      `${label}:1: 'int32<=3': only string and wstring take a bound (<=N)`,
    );
    expect(problemsOf("\nuint8 x 300")).toBe(
      `${label}:2: default value of x: 300 does not fit uint8 (0..255)`,
    );
    expect(problemsOf('string<=3 s "long"')).toBe(
      `${label}:1: default value of s: 'long' is longer than the bound 3`,
    );
    expect(problemsOf("int8[2] a [1, 2, 3]")).toBe(
      `${label}:1: default value of a: 3 elements for a fixed array of 2`,
    );
    expect(problemsOf('string s "open')).toBe(
      `${label}:1: default value of s: '"open' has no closing "`,
    );
    expect(problemsOf("int32 a\nint32 a")).toBe(
      `${label}:2: duplicate name 'a' (first declared on line 1)`,
    );
    expect(problemsOf("Missing m")).toMatch(
      /^<definition of pkg\/msg\/T>:1: pkg\/T\.m: unknown type 'Missing' \(looked for pkg\/Missing\)/,
    );
    expect(problemsOf("int32 a", "not a name")).toMatch(/is not a ROS 2 type name/);
    expect(problemsOf("int64 a\n---\nint64 sum", "example/srv/AddTwoInts")).toBe(
      "<definition of example/srv/AddTwoInts>:1: 'example/srv/AddTwoInts' names a service, not a type: name one of its types (AddTwoInts_Request, AddTwoInts_Response, AddTwoInts_Event)",
    );
    expect(problemsOf(`int32 a\n${SEP}\nMSG: bad name!\nint8 b`)).toMatch(
      /:3: 'bad name!' is not a type name/,
    );
  });

  it("keeps ROS 1 syntax for ROS 1 codecs (time, Header, byte as int8)", () => {
    const ros1 = compileCodec("pkg/T", "byte b\ntime t");
    expect(ros1.decode(ros1.encode({ b: -1, t: { sec: 1, nsec: 2 } }))).toEqual({
      b: -1,
      t: { sec: 1, nsec: 2 },
    });
    expect(problemsOf("time t")).toMatch(/unknown type 'time'/);
  });
});
