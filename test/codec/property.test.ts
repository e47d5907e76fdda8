/**
 * Property-based round trips over random definitions and values (fast-check): for each random
 * message type, noros encodes random values to exactly the bytes @foxglove/rosmsg-serialization's
 * MessageWriter produces, the reference MessageReader reads them back to the same values, and
 * noros decodes its own bytes back to the input.
 */
import fc from "fast-check";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg-serialization";
import { compileCodec } from "../../runtime/codec/compile.js";
import { compileCodecOverGarbage, dirtyPool, wroteOverGarbage } from "../helpers/garbage.js";

const SCALARS = [
  "bool",
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
  "time",
  "duration",
  "char",
  "byte",
] as const;
type Scalar = (typeof SCALARS)[number];

interface FieldShape {
  name: string;
  type: Scalar | number; // number: index of a nested type
  array: "none" | "var" | number;
}
interface TypeShape {
  fields: FieldShape[];
}

const SEP = "=".repeat(80);

/** Random types: type i may nest only types with a larger index, so there are no cycles. */
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
            array: fc.oneof(
              fc.constant<"none">("none"),
              fc.constant<"var">("var"),
              fc.integer({ min: 0, max: 3 }),
            ),
          }),
          // At least one field: the reference parser drops empty MSG: blocks (empty messages
          // are covered by the golden bags instead).
          { minLength: 1, maxLength: 6 },
        )
        .map((fields) => ({ fields: fields.map((f, k) => ({ ...f, name: `f${k}` })) })),
    ),
  ),
);

function definition(types: TypeShape[]): string {
  // A constant naming each type keeps two types with the same fields apart (the reference
  // parser merges identical definitions).
  const text = (t: TypeShape, index: number) =>
    `int32 TYPE_INDEX=${index}\n` +
    t.fields
      .map((f) => {
        const base = typeof f.type === "number" ? `T${f.type}` : f.type;
        const suffix = f.array === "none" ? "" : f.array === "var" ? "[]" : `[${f.array}]`;
        return `${base}${suffix} ${f.name}  # comment`;
      })
      .join("\n");
  return [
    text(types[0]!, 0),
    ...types.slice(1).map((t, i) => `${SEP}\nMSG: prop/T${i + 1}\n${text(t, i + 1)}`),
  ].join("\n");
}

function scalarArb(type: Scalar): fc.Arbitrary<unknown> {
  switch (type) {
    case "bool":
      return fc.boolean();
    case "int8":
    case "byte":
      return fc.integer({ min: -128, max: 127 });
    case "uint8":
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
    case "time":
      return fc.record({
        sec: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        nsec: fc.integer({ min: 0, max: 999999999 }),
      });
    case "duration":
      return fc.record({
        sec: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        nsec: fc.integer({ min: -999999999, max: 999999999 }),
      });
  }
}

const TYPED: Partial<Record<Scalar, (a: number[] | bigint[]) => unknown>> = {
  int8: (a) => Int8Array.from(a as number[]),
  byte: (a) => Int8Array.from(a as number[]),
  uint8: (a) => Uint8Array.from(a as number[]),
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
  const entries = types[index]!.fields.map((f) => {
    const element = typeof f.type === "number" ? valueArb(types, f.type) : scalarArb(f.type);
    let arb: fc.Arbitrary<unknown>;
    if (f.array === "none") arb = element;
    else {
      const length =
        f.array === "var" ? { maxLength: 4 } : { minLength: f.array, maxLength: f.array };
      const list = fc.array(element, length);
      const typed = typeof f.type === "number" ? undefined : TYPED[f.type];
      arb = typed === undefined ? list : list.map((a) => typed(a as number[]));
    }
    return [f.name, arb] as const;
  });
  return fc.record(Object.fromEntries(entries));
}

/** Comparable form: typed arrays as plain arrays, float32 by its stored value. */
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

describe("random definitions and values", () => {
  it("encode like MessageWriter, read back by MessageReader and by noros", () => {
    fc.assert(
      fc.property(
        typesArb.chain((types) => fc.tuple(fc.constant(types), valueArb(types, 0))),
        ([types, value]) => {
          const text = definition(types);
          const codec = compileCodec("prop/T0", text, { allowEmpty: true });
          const reference = parse(text);
          const ours = codec.encode(value);
          expect(codec.encodedSize(value)).toBe(ours.byteLength);
          // float32 inputs are doubles: both writers round them the same way (Math.fround).
          const theirs = new MessageWriter(reference).writeMessage(value);
          expect(Buffer.compare(ours, theirs)).toBe(0);
          const decoded = codec.decode(ours, { strict: true });
          expect(normal(decoded)).toEqual(normal(new MessageReader(reference).readMessage(ours)));
          expect(Buffer.compare(codec.encode(decoded as never), ours)).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("write every byte over old ones: encodeInto over 0xAA/0xFF, pooled and unzeroed encodes", () => {
    // Large messages (more than the pool's 16 KiB) get memory that is not zero-filled: the random
    // type follows an odd-length byte array there.
    const over = [compileCodecOverGarbage(0xaa), compileCodecOverGarbage(0xff)];
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
    fc.assert(
      fc.property(
        typesArb.chain((types) => fc.tuple(fc.constant(types), valueArb(types, 0))),
        fc.integer({ min: 1, max: 7 }),
        ([types, value], odd) => {
          const text = definition(types);
          const codec = compileCodec("prop/T0", text, { allowEmpty: true });
          const expected = new MessageWriter(parse(text)).writeMessage(value);
          const n = expected.length;
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
          const bigExpected = new MessageWriter(parse(bigText)).writeMessage(big);
          for (const { compileCodec: compileOver, allocations } of over) {
            const before = allocations.length;
            const out = compileOver("prop/Big", bigText).encode(big);
            expect(allocations.length).toBe(before + 1);
            expect(hex(out)).toBe(hex(bigExpected));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
