/**
 * The measured operations: for each corpus case, noros (generated codecs, and for a few types the
 * run-time compiled codec) against the reference on the same bytes, plus the floors. Everything is
 * checked before anything is timed: a fast codec that is wrong is not a result.
 */
import { codecs } from "../generated/index.js";
import { compileCodec } from "../runtime/codec/compile.js";
import type { Codec } from "../runtime/codec/types.js";
import { CORPUS, type CaseKind, type CorpusCase } from "./corpus.js";
import { firstByteDifference, firstDifference } from "./equivalence.js";
import { allocationFloor, copyFloor, freshBufferFloor } from "./floors.js";
import { buildReference, type Reference } from "./reference.js";

/** Cases whose codec is also compiled at run time, to show it matches the generated one. */
const COMPILED_CASES = new Set(["tf50", "markers100x20"]);

export interface PreparedCase {
  readonly name: string;
  readonly datatype: string;
  readonly kind: CaseKind;
  readonly description: string;
  readonly codec: Codec<unknown>;
  readonly compiled: Codec<unknown> | undefined;
  readonly reference: Reference;
  readonly msg: unknown;
  /** The wire bytes (noros and the reference agree on them: verified). */
  readonly bytes: Uint8Array;
  readonly norosDecoded: unknown;
  readonly referenceDecoded: unknown;
  readonly allocationFloor: (() => unknown) | undefined;
}

/** Operation kinds, as they appear in task ids and the table. */
export type Op = "decode" | "decode-copy" | "encode" | "encode-into" | "reencode" | "floor";

export interface BenchTask {
  /** `case/op/impl`, e.g. `tf50/decode/noros`; floors are `case/floor/alloc|copy|fresh`. */
  readonly id: string;
  readonly caseName: string;
  readonly op: Op;
  readonly impl: string;
  readonly fn: () => unknown;
  /** Floor tasks this one is compared with (run whenever this one runs). */
  readonly floors: readonly string[];
}

export function prepareCase(c: CorpusCase): PreparedCase {
  const codec = (codecs as Record<string, Codec<unknown>>)[c.datatype];
  if (codec === undefined) throw new Error(`${c.name}: no generated codec for ${c.datatype}`);
  const msg = c.build();
  const bytes = codec.encode(msg);
  const reference = buildReference(codec.definition);
  return {
    name: c.name,
    datatype: c.datatype,
    kind: c.kind,
    description: c.description,
    codec,
    compiled: COMPILED_CASES.has(c.name) ? compileCodec(c.datatype, codec.definition) : undefined,
    reference,
    msg,
    bytes,
    norosDecoded: codec.decode(bytes),
    referenceDecoded: reference.decode(bytes),
    allocationFloor: allocationFloor(c.name, msg),
  };
}

export function prepareCorpus(selected: (c: CorpusCase) => boolean): PreparedCase[] {
  return CORPUS.filter(selected).map(prepareCase);
}

/**
 * Every cross-check the comparison relies on. Throws, naming the case, the check and the first
 * differing byte or field path.
 */
export function verifyCase(p: PreparedCase): void {
  const fail = (check: string, detail: string): never => {
    throw new Error(`verification failed for ${p.name} (${p.datatype}): ${check}: ${detail}`);
  };
  const sameBytes = (check: string, actual: Uint8Array, expected: Uint8Array): void => {
    const at = firstByteDifference(actual, expected);
    if (at >= 0) {
      fail(check, `${actual.length} vs ${expected.length} bytes, first difference at byte ${at}`);
    }
  };
  const sameObject = (check: string, actual: unknown, expected: unknown): void => {
    const d = firstDifference(actual, expected);
    if (d !== undefined) fail(check, d);
  };

  const { codec, reference, msg, bytes } = p;
  sameBytes("noros encode vs MessageWriter", bytes, reference.encode(msg));
  if (codec.encodedSize(msg) !== bytes.length) {
    fail("encodedSize", `${codec.encodedSize(msg)} vs ${bytes.length} bytes written`);
  }
  sameObject("noros decode vs corpus message", p.norosDecoded, msg);
  sameObject("noros decode vs MessageReader", p.norosDecoded, p.referenceDecoded);
  sameObject(
    "noros decode vs LazyMessageReader.toObject",
    p.norosDecoded,
    reference.decodeLazy(bytes),
  );
  sameObject("noros decode {copy:true}", codec.decode(bytes, { copy: true }), msg);
  sameBytes("noros encode of its decoded message", codec.encode(p.norosDecoded), bytes);
  sameBytes(
    "MessageWriter of MessageReader's message",
    reference.encode(p.referenceDecoded),
    bytes,
  );
  if (p.compiled !== undefined) {
    sameObject("compiled decode vs generated", p.compiled.decode(bytes), p.norosDecoded);
    sameBytes("compiled encode vs generated", p.compiled.encode(msg), bytes);
  }
  if (p.allocationFloor !== undefined) {
    sameObject("allocation floor builds the decoded graph", p.allocationFloor(), msg);
  }
}

export function tasksOf(p: PreparedCase): BenchTask[] {
  const { name, codec, compiled, reference, msg, bytes, norosDecoded, referenceDecoded } = p;
  const copy = `${name}/floor/copy`;
  const fresh = `${name}/floor/fresh`;
  // Payload cases: copies compare with both the copy and the fresh-buffer floor.
  const payload = p.kind === "payload";
  const decodeFloors = p.allocationFloor !== undefined ? [`${name}/floor/alloc`] : [];
  const copyFloors = payload ? [copy, fresh] : [copy];
  const task = (op: Op, impl: string, fn: () => unknown, floors: string[] = []): BenchTask => ({
    id: `${name}/${op}/${impl}`,
    caseName: name,
    op,
    impl,
    fn,
    floors,
  });
  const copyOptions = { copy: true };
  const tasks: BenchTask[] = [
    task("decode", "noros", () => codec.decode(bytes), decodeFloors),
    task("decode", "reader", () => reference.decode(bytes)),
    task("decode", "lazy", () => reference.decodeLazy(bytes)),
  ];
  if (compiled !== undefined) tasks.push(task("decode", "compiled", () => compiled.decode(bytes)));
  if (payload) {
    tasks.push(task("decode-copy", "noros", () => codec.decode(bytes, copyOptions), copyFloors));
  }
  tasks.push(
    task("encode", "noros", () => codec.encode(msg), copyFloors),
    task("encode", "writer", () => reference.encode(msg)),
  );
  if (compiled !== undefined) tasks.push(task("encode", "compiled", () => compiled.encode(msg)));
  if (payload) {
    // Into a buffer the caller reuses: what an encode costs without allocating its output.
    const target = new Uint8Array(bytes.length);
    tasks.push(task("encode-into", "noros", () => codec.encodeInto(msg, target), copyFloors));
  }
  tasks.push(
    task("reencode", "noros", () => codec.encode(norosDecoded), copyFloors),
    task("reencode", "writer", () => reference.encode(referenceDecoded)),
  );
  if (p.allocationFloor !== undefined) tasks.push(task("floor", "alloc", p.allocationFloor));
  tasks.push(task("floor", "copy", copyFloor(bytes.length)));
  if (payload) tasks.push(task("floor", "fresh", freshBufferFloor(bytes.length)));
  return tasks;
}

/**
 * The tasks `--only` selects, in order, plus the floors they are compared with (a ratio without
 * its floor would be a blank column).
 */
export function selectTasks(
  tasks: readonly BenchTask[],
  only: string | undefined,
  withFloors = true,
): BenchTask[] {
  if (only === undefined) return [...tasks];
  const chosen = new Set(tasks.filter((t) => t.id.includes(only)).map((t) => t.id));
  if (withFloors)
    for (const t of tasks) if (chosen.has(t.id)) for (const f of t.floors) chosen.add(f);
  return tasks.filter((t) => chosen.has(t.id));
}
