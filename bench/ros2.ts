/**
 * ROS 2 rows of the bench: the same corpus messages in their ROS 2 form (Jazzy definitions from
 * @foxglove/rosmsg-msgs-common; fields ROS 2 dropped, like `Header.seq`, are dropped, fields it
 * added get their zero value, times become `{ sec, nanosec }`), CDR-encoded, noros's run-time
 * compiled CDR codecs (`compileCodec(..., { encoding: "cdr" })`) against
 * @foxglove/rosmsg2-serialization's MessageReader and MessageWriter. Verified before timed.
 */
import { parse } from "@foxglove/rosmsg";
import { ros2jazzy } from "@foxglove/rosmsg-msgs-common";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import { compileCodec } from "../runtime/codec/compile.js";
import type { Codec } from "../runtime/codec/types.js";
import type { CorpusCase } from "./corpus.js";
import { firstByteDifference, firstDifference } from "./equivalence.js";
import { copyFloor, freshBufferFloor } from "./floors.js";
import type { BenchTask, Op } from "./suite.js";

interface FieldDefinition {
  name: string;
  type: string;
  isComplex?: boolean;
  isArray?: boolean;
  isConstant?: boolean;
  arrayLength?: number;
  arrayUpperBound?: number;
  upperBound?: number;
  valueText?: string;
}
const DEFINITIONS = ros2jazzy as unknown as Record<string, { definitions: FieldDefinition[] }>;
const SEP = "=".repeat(80);

/** @foxglove/rosmsg's `time`/`duration` are builtin_interfaces types in rosidl text. */
function typeName(f: FieldDefinition): string {
  if (f.type === "time") return "builtin_interfaces/Time";
  if (f.type === "duration") return "builtin_interfaces/Duration";
  return f.type;
}

function fieldsOf(type: string): FieldDefinition[] {
  if (type === "builtin_interfaces/Time" || type === "builtin_interfaces/Duration") {
    return [
      { name: "sec", type: "int32" },
      { name: "nanosec", type: "uint32" },
    ];
  }
  const def = DEFINITIONS[type];
  if (def === undefined) throw new Error(`no ROS 2 definition of ${type}`);
  return def.definitions;
}

/** The MCAP `ros2msg` text of `type` (`pkg/Type`): its fields, then a block per dependency. */
export function ros2Text(type: string): string {
  const blocks: string[] = [];
  const seen = new Set<string>([type]);
  const visit = (name: string) => {
    const lines: string[] = [];
    const deps: string[] = [];
    for (const f of fieldsOf(name)) {
      let t = typeName(f);
      if (f.upperBound !== undefined) t += `<=${f.upperBound}`;
      if (f.isConstant === true) {
        lines.push(`${t} ${f.name}=${f.valueText ?? ""}`);
        continue;
      }
      if (f.isArray === true) {
        t +=
          f.arrayLength !== undefined
            ? `[${f.arrayLength}]`
            : f.arrayUpperBound !== undefined
              ? `[<=${f.arrayUpperBound}]`
              : "[]";
      }
      lines.push(`${t} ${f.name}`);
      const nested = typeName(f);
      if (nested.includes("/") && !seen.has(nested)) {
        seen.add(nested);
        deps.push(nested);
      }
    }
    blocks.push(name === type ? lines.join("\n") : `${SEP}\nMSG: ${name}\n${lines.join("\n")}`);
    for (const d of deps) visit(d);
  };
  visit(type);
  return blocks.join("\n");
}

const TYPED: Readonly<Record<string, new (n: number) => ArrayLike<unknown>>> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

function zero(f: FieldDefinition): unknown {
  const t = typeName(f);
  if (t.includes("/")) return toRos2(undefined, t);
  if (t === "string" || t === "wstring") return "";
  if (t === "bool") return false;
  if (t === "int64" || t === "uint64") return 0n;
  return 0;
}

/** A corpus (ROS 1 shape) message in the shape of the ROS 2 type `type`. */
export function toRos2(value: unknown, type: string): Record<string, unknown> {
  const v = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const fields = fieldsOf(type);
  if (type.startsWith("builtin_interfaces/")) {
    return {
      sec: (v.sec as number | undefined) ?? 0,
      nanosec: (v.nsec as number | undefined) ?? 0,
    };
  }
  for (const f of fields) {
    if (f.isConstant === true) continue;
    const x = v[f.name];
    const t = typeName(f);
    if (f.isArray !== true) {
      out[f.name] = t.includes("/") ? toRos2(x, t) : (x ?? zero(f));
      continue;
    }
    const n = f.arrayLength;
    if (t.includes("/")) {
      const items = ((x as unknown[] | undefined) ?? []).map((e) => toRos2(e, t));
      while (n !== undefined && items.length < n) items.push(toRos2(undefined, t));
      out[f.name] = items;
    } else if (x !== undefined) {
      out[f.name] = x;
    } else {
      const typed = TYPED[t];
      out[f.name] =
        typed !== undefined ? new typed(n ?? 0) : Array.from({ length: n ?? 0 }, () => zero(f));
    }
  }
  return out;
}

export interface Ros2Case {
  name: string;
  datatype: string;
  kind: CorpusCase["kind"];
  codec: Codec<unknown>;
  msg: unknown;
  bytes: Uint8Array;
  decoded: unknown;
  referenceDecoded: unknown;
  readMessage(bytes: Uint8Array): unknown;
  writeMessage(msg: unknown): Uint8Array;
}

/** Builds and verifies the ROS 2 form of a corpus case; throws naming the failed check. */
export function prepareRos2Case(c: CorpusCase): Ros2Case {
  const text = ros2Text(c.datatype);
  const datatype = c.datatype.replace("/", "/msg/");
  const codec = compileCodec(datatype, text, { encoding: "cdr" });
  const definitions = parse(text, { ros2: true });
  const reader = new MessageReader(definitions);
  const writer = new MessageWriter(definitions);
  const msg = toRos2(c.build(), c.datatype);
  const bytes = codec.encode(msg).slice();
  const fail = (check: string, detail: string): never => {
    throw new Error(`verification failed for ros2-${c.name} (${datatype}): ${check}: ${detail}`);
  };
  const theirs = writer.writeMessage(msg);
  const at = firstByteDifference(bytes, theirs);
  if (at >= 0)
    fail(
      "encode vs MessageWriter",
      `${bytes.length} vs ${theirs.length} bytes, first difference at ${at}`,
    );
  const decoded = codec.decode(bytes);
  const referenceDecoded = reader.readMessage(bytes);
  for (const [check, a, b] of [
    ["decode vs the message", decoded, msg],
    ["decode vs MessageReader", decoded, referenceDecoded],
  ] as const) {
    const d = firstDifference(a, b);
    if (d !== undefined) fail(check, d);
  }
  return {
    name: `ros2-${c.name}`,
    datatype,
    kind: c.kind,
    codec,
    msg,
    bytes,
    decoded,
    referenceDecoded,
    readMessage: (b) => reader.readMessage(b),
    writeMessage: (m) => writer.writeMessage(m),
  };
}

export function ros2TasksOf(p: Ros2Case): BenchTask[] {
  const { name, codec, msg, bytes } = p;
  const payload = p.kind === "payload";
  const copy = `${name}/floor/copy`;
  const copyFloors = payload ? [copy, `${name}/floor/fresh`] : [copy];
  const task = (op: Op, impl: string, fn: () => unknown, floors: string[] = []): BenchTask => ({
    id: `${name}/${op}/${impl}`,
    caseName: name,
    op,
    impl,
    fn,
    floors,
  });
  const tasks: BenchTask[] = [
    task("decode", "noros", () => codec.decode(bytes)),
    task("decode", "reader", () => p.readMessage(bytes)),
    task("encode", "noros", () => codec.encode(msg), copyFloors),
    task("encode", "writer", () => p.writeMessage(msg)),
  ];
  if (payload) {
    const target = new Uint8Array(bytes.length);
    tasks.push(task("encode-into", "noros", () => codec.encodeInto(msg, target), copyFloors));
  }
  tasks.push(
    task("reencode", "noros", () => codec.encode(p.decoded)),
    task("reencode", "writer", () => p.writeMessage(p.referenceDecoded)),
    task("floor", "copy", copyFloor(bytes.length)),
  );
  if (payload) tasks.push(task("floor", "fresh", freshBufferFloor(bytes.length)));
  return tasks;
}
