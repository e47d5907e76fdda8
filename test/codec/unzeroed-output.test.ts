/**
 * Encoders write every byte of their output: `encode` of a large message gets memory that is not
 * zero-filled (Node's `Buffer.allocUnsafeSlow`), a small one a pooled chunk holding earlier
 * messages, and `encodeInto` a caller's buffer. So over the bench corpus, ROS 1 (generated
 * codecs) and ROS 2 (CDR, compiled), bytes written over 0xAA or 0xFF must equal the reference
 * writers' bytes: alignment padding, the CDR header's options bytes, an empty message's byte.
 * (The random definitions of property.test.ts and ros2-property.test.ts check the same.)
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { parse } from "@foxglove/rosmsg";
import { MessageWriter } from "@foxglove/rosmsg2-serialization";
import { CORPUS } from "../../bench/corpus.js";
import { buildReference } from "../../bench/reference.js";
import { ros2Text, toRos2 } from "../../bench/ros2.js";
import { codecs } from "../../generated/index.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import type { Codec } from "../../runtime/codec/types.js";
import { compileCodecOverGarbage, dirtyPool, wroteOverGarbage } from "../helpers/garbage.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

interface Case {
  name: string;
  datatype: string;
  definition: string;
  encoding: "ros1" | "cdr";
  codec: Codec<unknown>;
  msg: unknown;
  /** The reference writer's bytes (@foxglove/rosmsg-serialization or rosmsg2-serialization). */
  expected: Uint8Array;
}

const POOLED_MAX = 16 * 1024;

const CASES: Case[] = CORPUS.flatMap((c): Case[] => {
  const codec = (codecs as Record<string, Codec<unknown>>)[c.datatype]!;
  const msg = c.build();
  const ros2Definition = ros2Text(c.datatype);
  const ros2Msg = toRos2(c.build(), c.datatype);
  return [
    {
      name: c.name,
      datatype: c.datatype,
      definition: codec.definition,
      encoding: "ros1",
      codec,
      msg,
      expected: buildReference(codec.definition).encode(msg),
    },
    {
      name: `ros2-${c.name}`,
      datatype: c.datatype.replace("/", "/msg/"),
      definition: ros2Definition,
      encoding: "cdr",
      codec: compileCodec(c.datatype.replace("/", "/msg/"), ros2Definition, { encoding: "cdr" }),
      msg: ros2Msg,
      expected: new MessageWriter(parse(ros2Definition, { ros2: true })).writeMessage(ros2Msg),
    },
  ];
});

describe("encode writes every byte of its output", () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    "%s: encodeInto over 0xAA and 0xFF at offsets 0 and 3 gives the reference bytes",
    (_, c) => {
      for (const fill of [0xaa, 0xff]) {
        for (const offset of [0, 3]) {
          const target = new Uint8Array(offset + c.expected.length + 8).fill(fill);
          expect(c.codec.encodeInto(c.msg, target, offset)).toBe(c.expected.length);
          const written = target.subarray(offset, offset + c.expected.length);
          if (!same(written, c.expected)) expect(hex(written)).toBe(hex(c.expected));
          // Nothing before or after the message is touched.
          expect(target.subarray(0, offset).every((b) => b === fill)).toBe(true);
          expect(target.subarray(offset + c.expected.length).every((b) => b === fill)).toBe(true);
        }
      }
      expect(same(c.codec.encode(c.msg), c.expected)).toBe(true);
    },
  );

  const pooled = CASES.filter((c) => c.expected.length < POOLED_MAX);
  it.each(pooled.map((c) => [c.name, c] as const))(
    "%s: encode into a pool chunk holding old bytes gives the reference bytes",
    (_, c) => {
      dirtyPool();
      const out = c.codec.encode(c.msg);
      expect(wroteOverGarbage(out)).toBe(true);
      if (!same(out, c.expected)) expect(hex(out)).toBe(hex(c.expected));
    },
  );

  it("an empty CDR message (one pad byte) and padding-only gaps are written over garbage", () => {
    const cases = [
      ["pkg/msg/Empty", "", {}],
      [
        "pkg/msg/Gaps",
        "uint8 a\nfloat64 b\nuint8 c\nint16[] d\nuint8 e\nint64[2] f\nstring s",
        {
          a: 1,
          b: 2,
          c: 3,
          d: new Int16Array([4]),
          e: 5,
          f: [6n, 7n],
          s: "odd",
        },
      ],
    ] as const;
    for (const [type, text, msg] of cases) {
      const codec = compileCodec(type, text, { encoding: "cdr", allowEmpty: true });
      const zeroed = new Uint8Array(64);
      const n = codec.encodeInto(msg, zeroed);
      const dirty = new Uint8Array(64).fill(0xaa);
      expect(codec.encodeInto(msg, dirty)).toBe(n);
      expect(hex(dirty.subarray(0, n))).toBe(hex(zeroed.subarray(0, n)));
      dirtyPool();
      const out = codec.encode(msg);
      expect(wroteOverGarbage(out)).toBe(true);
      expect(hex(out)).toBe(hex(zeroed.subarray(0, n)));
    }
  });

  const large = CASES.filter((c) => c.expected.length > POOLED_MAX);
  it("large messages are encoded into unzeroed memory of their own, a plain Uint8Array", () => {
    expect(large.map((c) => c.name).sort()).toEqual(
      [
        "compressed200k",
        "image1080p",
        "markers100x20",
        "pointcloud640x480",
        "ros2-compressed200k",
        "ros2-image1080p",
        "ros2-markers100x20",
        "ros2-pointcloud640x480",
      ].sort(),
    );
    for (const fill of [0xaa, 0xff]) {
      const over = compileCodecOverGarbage(fill);
      for (const c of large) {
        const codec = over.compileCodec(
          c.datatype,
          c.definition,
          c.encoding === "cdr" ? { encoding: "cdr" } : {},
        );
        const before = over.allocations.length;
        const out = codec.encode(c.msg);
        // The memory came from the unzeroed allocator, sized for this message alone.
        expect(over.allocations.length).toBe(before + 1);
        expect(over.allocations[before]).toBeGreaterThanOrEqual(c.expected.length);
        expect(same(out, c.expected)).toBe(true);
      }
      // Small messages never reach the allocator (nor Node's Buffer pool): they are pooled.
      const before = over.allocations.length;
      for (const c of CASES.filter((k) => k.expected.length <= POOLED_MAX)) {
        over
          .compileCodec(c.datatype, c.definition, c.encoding === "cdr" ? { encoding: "cdr" } : {})
          .encode(c.msg);
      }
      expect(over.allocations.length).toBe(before);
      expect(over.allocations.every((size) => size > POOLED_MAX)).toBe(true);
    }
    // With Node's own allocator: a plain Uint8Array (not a Buffer), equal to the reference, also
    // after freeing buffers full of old bytes of the same size (which Node often hands out again).
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    for (const c of large) {
      for (let round = 0; round < 3; round++) {
        for (let k = 0; k < 3; k++) Buffer.allocUnsafeSlow(c.expected.length + 64).fill(0xaa);
        gc();
        const out = c.codec.encode(c.msg);
        expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
        expect(same(out, c.expected)).toBe(true);
      }
    }
  });
});
