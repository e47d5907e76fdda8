/**
 * CDR specifics of ROS 2 codecs: the encapsulation header, big-endian input, alignment from the
 * payload start, bounds (EncodeError), wstring, empty messages, and DecodeErrors with field path
 * and offset, counts checked before allocating.
 */
import { CdrWriter, EncapsulationKind } from "@foxglove/cdr";
import { compileCodec } from "../../runtime/codec/compile.js";
import { DecodeError, EncodeError } from "../../runtime/codec/types.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function caught(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("CDR codecs", () => {
  const mixed = compileCodec(
    "pkg/msg/Mixed",
    "uint8 a\nfloat64 b\nstring s\nint16[] h\nuint8 c\nfloat64[] d\nint64 e",
    { encoding: "cdr" },
  );
  const value = {
    a: 1,
    b: 2.5,
    s: "hi",
    h: new Int16Array([-2, 3]),
    c: 9,
    d: new Float64Array([0.5]),
    e: -7n,
  };

  it("writes the little-endian header, aligned numbers and zero padding, no end padding", () => {
    expect(hex(mixed.encode(value))).toBe(
      [
        "00010000", // header: CDR little-endian, no options
        "01000000000000000000000000000440", // a, 7 padding, b at 8
        "03000000686900", // "hi" + NUL, length 3
        "00", // pad to 4
        "02000000feff0300", // h: count, two int16
        "09", // c
        "000000", // pad to 4
        "01000000", // d: count (at 28), then aligned to 8 from the payload start
        "000000000000e03f",
        "f9ffffffffffffff", // e
      ].join(""),
    );
    expect(mixed.encoding).toBe("cdr");
  });

  it("reads big-endian input", () => {
    const w = new CdrWriter({ kind: EncapsulationKind.CDR_BE });
    w.uint8(1);
    w.float64(2.5);
    w.string("hi");
    w.sequenceLength(2);
    w.int16(-2);
    w.int16(3);
    w.uint8(9);
    w.sequenceLength(1);
    w.float64(0.5);
    w.int64(-7n);
    expect(w.data[1]).toBe(0);
    expect(mixed.decode(w.data)).toEqual(value);
  });

  it("rejects strings and sequences over their bound, and wrong fixed lengths", () => {
    const codec = compileCodec(
      "pkg/msg/B",
      "string<=3 s\nint32[<=2] a\nstring<=2[<=2] names\nfloat32[2] f",
      { encoding: "cdr" },
    );
    const ok = { s: "abc", a: [1, 2], names: ["ab"], f: [1, 2] };
    expect(codec.decode(codec.encode(ok))).toEqual({
      ...ok,
      a: new Int32Array([1, 2]),
      f: new Float32Array([1, 2]),
    });
    const error = (m: object) => caught(() => codec.encode(m as never));
    expect(error({ ...ok, s: "abcd" })).toEqual(
      new EncodeError("pkg/msg/B", "s", "4 bytes, more than the bound 3"),
    );
    expect(error({ ...ok, s: "ééé" }).message).toBe("pkg/msg/B: s: 6 bytes, more than the bound 3");
    expect(error({ ...ok, a: [1, 2, 3] }).message).toBe(
      "pkg/msg/B: a: 3 elements, more than the bound 2",
    );
    expect(error({ ...ok, names: ["a", "abc"] }).message).toBe(
      "pkg/msg/B: names[1]: 3 bytes, more than the bound 2",
    );
    expect(error({ ...ok, f: [1] }).message).toBe(
      "pkg/msg/B: f: expected exactly 2 elements, got 1",
    );
    expect(error({ ...ok, s: "abcd" })).toBeInstanceOf(EncodeError);
  });

  it("encodes wstring as Fast-CDR 2 does: a count of UTF-16 units, 2 bytes each", () => {
    const codec = compileCodec("pkg/msg/W", "uint8 a\nwstring w\nwstring<=2[] ws", {
      encoding: "cdr",
    });
    const msg = { a: 1, w: "hé😀", ws: ["ab"] };
    const bytes = codec.encode(msg);
    expect(hex(bytes)).toBe(
      "00010000" +
        "01000000" +
        "04000000" +
        "6800e9003dd800de" +
        "01000000" +
        "02000000" +
        "61006200",
    );
    expect(codec.decode(bytes)).toEqual(msg);
    expect(caught(() => codec.encode({ ...msg, ws: ["abc"] })).message).toBe(
      "pkg/msg/W: ws[0]: 3 characters, more than the bound 2",
    );
  });

  it("gives an empty message its one padding byte", () => {
    const empty = compileCodec("std_msgs/msg/Empty", "", { encoding: "cdr", allowEmpty: true });
    expect(hex(empty.encode({}))).toBe("0001000000");
    expect(empty.decode(new Uint8Array([0, 1, 0, 0, 0]))).toEqual({});
    expect(caught(() => empty.decode(new Uint8Array([0, 1, 0, 0])))).toBeInstanceOf(DecodeError);
    const holder = compileCodec(
      "pkg/msg/H",
      `std_msgs/Empty[] e\nuint8 x\n${"=".repeat(80)}\nMSG: std_msgs/Empty\n`,
      { encoding: "cdr" },
    );
    const msg = { e: [{}, {}], x: 3 };
    expect(hex(holder.encode(msg))).toBe("00010000" + "02000000" + "0000" + "03");
    expect(holder.decode(holder.encode(msg))).toEqual(msg);
  });

  it("fails bad input with a DecodeError naming the field and the offset", () => {
    const codec = compileCodec(
      "pkg/msg/P",
      `Point[] points\n${"=".repeat(80)}\nMSG: pkg/Point\nfloat64 x\nfloat64 y`,
      { encoding: "cdr" },
    );
    const bytes = codec.encode({
      points: [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    });
    const truncated = caught(() => codec.decode(bytes.subarray(0, bytes.length - 4)));
    expect(truncated).toEqual(
      new DecodeError("pkg/msg/P", "points[1].x", 28, "needs 16 bytes, 12 left (truncated input)"),
    );
    const huge = bytes.slice();
    new DataView(huge.buffer).setUint32(4, 0xfffffff0, true);
    expect(caught(() => codec.decode(huge)).message).toBe(
      "pkg/msg/P: points: array count 4294967280 is impossible: needs at least 68719476480 bytes, 36 left (at byte 4)",
    );
    expect(caught(() => codec.decode(new Uint8Array([0, 2, 0, 0, 0, 0, 0, 0]))).message).toBe(
      "pkg/msg/P: encapsulation header 0, 2 is not plain CDR (0, 0 big-endian or 0, 1 little-endian) (at byte 0)",
    );
    expect(caught(() => codec.decode(new Uint8Array([0, 1])))).toBeInstanceOf(DecodeError);
    // strict: bytes beyond the end padding are left over (a definition that does not match).
    const longer = new Uint8Array([...bytes, 0, 0, 0, 0]);
    expect(caught(() => codec.decode(longer, { strict: true }))).toBeInstanceOf(DecodeError);
    expect(codec.decode(longer)).toEqual(codec.decode(bytes));
  });
});
