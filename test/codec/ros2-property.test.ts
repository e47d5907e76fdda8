/**
 * ROS 2 (CDR) property tests over random rosidl definitions and values (fast-check): bounded,
 * fixed and unbounded arrays, bounded strings, nested types and every primitive, so that fields
 * land on every alignment. noros encodes to exactly the bytes @foxglove/rosmsg2-serialization's
 * MessageWriter writes, its MessageReader reads them back equal to noros's decode, and every
 * truncation and random corruption of the bytes fails with a DecodeError and nothing else.
 */
import fc from "fast-check";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import { compileCodec } from "../../runtime/codec/compile.js";
import { DecodeError } from "../../runtime/codec/types.js";
import { compileCodecOverGarbage, dirtyPool, wroteOverGarbage } from "../helpers/garbage.js";

const SCALARS = [
  "bool",
  "byte",
  "char",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
  "string",
  "boundedString",
  "builtin_interfaces/Time",
] as const;
type Scalar = (typeof SCALARS)[number];

interface FieldShape {
  name: string;
  type: Scalar | number; // number: index of a nested type
  array: "none" | "var" | { fixed: number } | { bound: number };
}
type TypeShape = FieldShape[];

const SEP = "=".repeat(80);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const STRING_BOUND = 5;

const arrayArb = fc.oneof(
  fc.constant<"none">("none"),
  fc.constant<"var">("var"),
  fc.integer({ min: 1, max: 3 }).map((fixed) => ({ fixed })),
  fc.integer({ min: 1, max: 3 }).map((bound) => ({ bound })),
);

/** Random types: type i nests only types with a larger index (no cycles). */
const typesArb: fc.Arbitrary<TypeShape[]> = fc.integer({ min: 1, max: 3 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, i) =>
      fc
        .array(
          fc.record({
            type:
              i + 1 < count
                ? fc.oneof(fc.constantFrom(...SCALARS), fc.integer({ min: i + 1, max: count - 1 }))
                : fc.constantFrom(...SCALARS),
            array: arrayArb,
          }),
          { minLength: 1, maxLength: 7 },
        )
        .map((fields) => fields.map((f, k) => ({ ...f, name: `f${k}` }))),
    ),
  ),
);

function typeText(f: FieldShape): string {
  const base =
    typeof f.type === "number"
      ? `prop/T${f.type}`
      : f.type === "boundedString"
        ? `string<=${STRING_BOUND}`
        : f.type;
  if (f.array === "none") return base;
  if (f.array === "var") return `${base}[]`;
  return "fixed" in f.array ? `${base}[${f.array.fixed}]` : `${base}[<=${f.array.bound}]`;
}

function definition(types: TypeShape[]): string {
  // A constant per type keeps types with the same fields apart for the reference parser.
  const text = (t: TypeShape, index: number) =>
    `int32 TYPE_INDEX=${index}\n` + t.map((f) => `${typeText(f)} ${f.name}  # comment`).join("\n");
  const usesTime = types.some((t) => t.some((f) => f.type === "builtin_interfaces/Time"));
  return [
    text(types[0]!, 0),
    ...types.slice(1).map((t, i) => `${SEP}\nMSG: prop/T${i + 1}\n${text(t, i + 1)}`),
    ...(usesTime ? [`${SEP}\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec`] : []),
  ].join("\n");
}

function scalarArb(type: Scalar): fc.Arbitrary<unknown> {
  switch (type) {
    case "bool":
      return fc.boolean();
    case "int8":
      return fc.integer({ min: -128, max: 127 });
    case "uint8":
    case "byte":
    case "char":
      return fc.integer({ min: 0, max: 255 });
    case "int16":
      return fc.integer({ min: -32768, max: 32767 });
    case "uint16":
      return fc.integer({ min: 0, max: 65535 });
    case "int32":
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case "uint32":
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "int64":
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case "uint64":
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case "float32":
      return fc.float({ noNaN: true });
    case "float64":
      return fc.double({ noNaN: true });
    case "string":
      return fc.string({ unit: "grapheme", maxLength: 8 });
    case "boundedString":
      return fc.string({ unit: "grapheme-ascii", maxLength: STRING_BOUND });
    case "builtin_interfaces/Time":
      return fc.record({
        sec: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        nanosec: fc.integer({ min: 0, max: 999999999 }),
      });
  }
}

const TYPED: Partial<Record<Scalar, (a: number[] | bigint[]) => unknown>> = {
  int8: (a) => Int8Array.from(a as number[]),
  uint8: (a) => Uint8Array.from(a as number[]),
  byte: (a) => Uint8Array.from(a as number[]),
  char: (a) => Uint8Array.from(a as number[]),
  int16: (a) => Int16Array.from(a as number[]),
  uint16: (a) => Uint16Array.from(a as number[]),
  int32: (a) => Int32Array.from(a as number[]),
  uint32: (a) => Uint32Array.from(a as number[]),
  float32: (a) => Float32Array.from(a as number[]),
  float64: (a) => Float64Array.from(a as number[]),
  int64: (a) => BigInt64Array.from(a as bigint[]),
  uint64: (a) => BigUint64Array.from(a as bigint[]),
};

function valueArb(types: TypeShape[], index: number): fc.Arbitrary<Record<string, unknown>> {
  const entries = types[index]!.map((f) => {
    const element = typeof f.type === "number" ? valueArb(types, f.type) : scalarArb(f.type);
    let arb: fc.Arbitrary<unknown>;
    if (f.array === "none") arb = element;
    else {
      const length =
        f.array === "var"
          ? { maxLength: 4 }
          : "fixed" in f.array
            ? { minLength: f.array.fixed, maxLength: f.array.fixed }
            : { maxLength: f.array.bound };
      const list = fc.array(element, length);
      const typed = typeof f.type === "number" ? undefined : TYPED[f.type];
      arb = typed === undefined ? list : list.map((a) => typed(a as number[]));
    }
    return [f.name, arb] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

/** Comparable form: typed arrays as plain arrays, bigints and -0 spelled out. */
function normal(value: unknown): unknown {
  if (ArrayBuffer.isView(value))
    return Array.from(value as unknown as ArrayLike<unknown>).map(normal);
  if (Array.isArray(value)) return value.map(normal);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  }
  return value;
}

function hasNonAscii(value: unknown): boolean {
  if (typeof value === "string") return [...value].some((c) => c.charCodeAt(0) > 0x7f);
  if (Array.isArray(value)) return value.some(hasNonAscii);
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    return Object.values(value).some(hasNonAscii);
  }
  return false;
}

/** Decoding must succeed or throw a DecodeError: nothing else. */
function decodeOrDecodeError(decode: () => unknown): "ok" | "error" {
  try {
    decode();
    return "ok";
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return "error";
  }
}

const caseArb = typesArb.chain((types) => fc.tuple(fc.constant(types), valueArb(types, 0)));

describe("random ROS 2 definitions and values", () => {
  it("encode like MessageWriter, read back equal by MessageReader and by noros", () => {
    fc.assert(
      fc.property(caseArb, ([types, value]) => {
        const text = definition(types);
        const codec = compileCodec("prop/msg/T0", text, { encoding: "cdr" });
        const reference = parse(text, { ros2: true });
        const ours = codec.encode(value);
        expect(codec.encodedSize(value)).toBe(ours.byteLength);
        // MessageWriter sizes strings by UTF-16 units, so its bytes are right for ASCII only; the
        // non-ASCII strings are checked through MessageReader (which decodes them correctly).
        if (!hasNonAscii(value)) {
          const theirs = new MessageWriter(reference).writeMessage(value);
          expect(Buffer.from(ours).toString("hex")).toBe(Buffer.from(theirs).toString("hex"));
        }
        const decoded = codec.decode(ours, { strict: true });
        expect(normal(decoded)).toEqual(normal(new MessageReader(reference).readMessage(ours)));
        expect(Buffer.compare(codec.encode(decoded as never), ours)).toBe(0);
        // encodeInto at an odd offset of a dirty buffer: same bytes (padding is written).
        const target = new Uint8Array(ours.length + 3).fill(0xee);
        expect(codec.encodeInto(value, target, 3)).toBe(ours.length);
        expect(Buffer.compare(target.subarray(3), ours)).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it("write every byte over old ones: encodeInto over 0xAA/0xFF, pooled and unzeroed encodes", () => {
    // Large messages (more than the pool's 16 KiB) get memory that is not zero-filled: the random
    // type follows an odd-length byte array there, so its fields land at every alignment.
    const over = [compileCodecOverGarbage(0xaa), compileCodecOverGarbage(0xff)];
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 7 }), ([types, value], odd) => {
        const text = definition(types);
        const codec = compileCodec("prop/msg/T0", text, { encoding: "cdr" });
        const ascii = !hasNonAscii(value);
        const zeroed = new Uint8Array(codec.encodedSize(value) + 8);
        const n = codec.encodeInto(value, zeroed);
        const expected = zeroed.subarray(0, n);
        if (ascii) {
          const theirs = new MessageWriter(parse(text, { ros2: true })).writeMessage(value);
          expect(hex(expected)).toBe(hex(theirs));
        }
        for (const fill of [0xaa, 0xff]) {
          const target = new Uint8Array(n + 8).fill(fill);
          expect(codec.encodeInto(value, target, 1)).toBe(n);
          expect(hex(target.subarray(1, 1 + n))).toBe(hex(expected));
        }
        dirtyPool();
        const pooled = codec.encode(value);
        expect(wroteOverGarbage(pooled)).toBe(true);
        expect(hex(pooled)).toBe(hex(expected));

        const bigText = `uint8[] pad\nprop/T0 body\n${SEP}\nMSG: prop/T0\n${text}`;
        const big = { pad: new Uint8Array(16 * 1024 + odd).fill(0x5c), body: value };
        const bigZeroed = new Uint8Array(16 * 1024 + n + 64);
        const bigN = compileCodec("prop/msg/Big", bigText, { encoding: "cdr" }).encodeInto(
          big,
          bigZeroed,
        );
        for (const { compileCodec: compileOver, allocations } of over) {
          const before = allocations.length;
          const out = compileOver("prop/msg/Big", bigText, { encoding: "cdr" }).encode(big);
          expect(allocations.length).toBe(before + 1);
          expect(hex(out)).toBe(hex(bigZeroed.subarray(0, bigN)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("fail every truncation with a DecodeError, and corruption with nothing else", () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        ([types, value], flips) => {
          const codec = compileCodec("prop/msg/T0", definition(types), { encoding: "cdr" });
          const bytes = codec.encode(value).slice();
          for (let k = 0; k < bytes.length; k++) {
            expect(decodeOrDecodeError(() => codec.decode(bytes.subarray(0, k)))).toBe("error");
          }
          const corrupt = bytes.slice();
          for (const [at, byte] of flips) corrupt[at % corrupt.length] = byte;
          decodeOrDecodeError(() => codec.decode(corrupt));
        },
      ),
      { numRuns: 300 },
    );
  });
});
