/**
 * Emits the decode, size and write functions of one message type as source text. The same text
 * serves the generator (TypeScript, one module per package) and `compileCodec` (JavaScript run
 * through `new Function`), so there is one code path to make correct and fast.
 *
 * Shape of the output: fields in wire order; consecutive fixed-size fields ("runs") share one
 * bounds check and are read at constant offsets; small all-scalar message types (Point, Pose,
 * Quaternion...) are inlined as object literals; numeric arrays go through typed-array helpers;
 * errors carry the field path, nested calls add their field name on the way out.
 *
 * ROS 2's CDR is a second wire format of the same functions (`wire: "cdr"`): runs are split where
 * a number needs more alignment than the run's start has and start with `r.align`/`w.align`
 * (offsets inside a run stay constants), every non-array nested message is flattened (CDR aligns
 * from the payload start, so nesting changes nothing on the wire), numbers are read in the input's
 * byte order (`le`), strings carry their NUL, bounds are checked on encode.
 */
import type { ResolvedField } from "../../schema/model.js";
import { BUILTIN_SIZE, type Layouts } from "./layout.js";
import { CodeWriter, Scope } from "./code-writer.js";

export interface EmitNames {
  /** How the emitted code refers to the `decode`/`size`/`write` function of a type. */
  fn(kind: "decode" | "size" | "write", type: string): string;
  /** The TypeScript type of a decoded value of `type` (used only with `typescript: true`). */
  typeName(type: string): string;
  /** Identifiers visible to the functions (imports, other functions) that locals must not shadow. */
  isTaken(identifier: string): boolean;
}

export interface EmitOptions {
  typescript: boolean;
  /** Expression naming the runtime helpers, e.g. `$rt`. */
  runtime: string;
  /** Prefix functions with `export`. */
  exported: boolean;
  /**
   * The wire format: ROS 1 (default), or CDR for ROS 2 (XCDR1: numbers aligned to their size
   * from the payload start, strings NUL-terminated, an empty message one zero byte).
   */
  wire?: "ros1" | "cdr";
}

/** Names the generated functions use internally; fields with these names get another local. */
const INTERNAL = ["r", "v", "o", "w", "m", "i", "n", "e", "error", "size"];

const GETTER: Readonly<Record<string, string>> = {
  bool: "getUint8",
  int8: "getInt8",
  byte: "getInt8",
  uint8: "getUint8",
  char: "getUint8",
  int16: "getInt16",
  uint16: "getUint16",
  int32: "getInt32",
  uint32: "getUint32",
  float32: "getFloat32",
  float64: "getFloat64",
  int64: "getBigInt64",
  uint64: "getBigUint64",
};

/** Writer check helpers by builtin type (see runtime/codec/writer.ts). */
const CHECK: Readonly<Record<string, string>> = {
  bool: "bool",
  int8: "i8",
  byte: "i8",
  uint8: "u8",
  char: "u8",
  int16: "i16",
  uint16: "u16",
  int32: "i32",
  uint32: "u32",
  float32: "float",
  float64: "float",
  int64: "int64",
  uint64: "uint64",
};

/** Reader/Writer array methods by element builtin type. */
const ARRAY_METHOD: Readonly<Record<string, string>> = {
  bool: "bools",
  int8: "int8s",
  byte: "int8s",
  uint8: "uint8s",
  char: "uint8s",
  int16: "int16s",
  uint16: "uint16s",
  int32: "int32s",
  uint32: "uint32s",
  float32: "float32s",
  float64: "float64s",
  int64: "int64s",
  uint64: "uint64s",
  string: "strings",
  time: "times",
  duration: "durations",
};

/** TypeScript type of a decoded builtin array. */
export const ARRAY_TS_TYPE: Readonly<Record<string, string>> = {
  bool: "boolean[]",
  int8: "Int8Array",
  byte: "Int8Array",
  uint8: "Uint8Array",
  char: "Uint8Array",
  int16: "Int16Array",
  uint16: "Uint16Array",
  int32: "Int32Array",
  uint32: "Uint32Array",
  float32: "Float32Array",
  float64: "Float64Array",
  int64: "BigInt64Array",
  uint64: "BigUint64Array",
  string: "string[]",
  wstring: "string[]",
  time: "$rt.Time[]",
  duration: "$rt.Duration[]",
};

export function emitCodecFunctions(
  type: string,
  layouts: Layouts,
  names: EmitNames,
  options: EmitOptions,
): string {
  const emitter = new FunctionEmitter(type, layouts, names, options);
  return [emitter.decode(), emitter.size(), emitter.write()].join("\n");
}

/**
 * A field as the function handles it: a field of the type itself, or a field of a flattened
 * nested message (`header.frame_id`: parents `["header"]`).
 */
interface Leaf {
  field: ResolvedField;
  parents: string[];
  /** Dotted path from the type's top, for error messages. */
  path: string;
}

/** A leaf that is part of a fixed-size run, at a constant offset from the run start. */
interface RunItem {
  leaf: Leaf;
  offset: number;
}

class FunctionEmitter {
  private readonly fields: ResolvedField[];
  private readonly rt: string;
  private readonly cdr: boolean;

  constructor(
    private readonly type: string,
    private readonly layouts: Layouts,
    private readonly names: EmitNames,
    private readonly options: EmitOptions,
  ) {
    this.fields = layouts.type(type).fields;
    this.rt = options.runtime;
    this.cdr = options.wire === "cdr";
  }

  private ts(annotation: string): string {
    return this.options.typescript ? annotation : "";
  }

  private head(kind: "decode" | "size" | "write", params: string, returns: string): string {
    const name = this.names.fn(kind, this.type).split(".").pop()!;
    return `${this.options.exported ? "export " : ""}function ${name}(${params})${this.ts(returns)}`;
  }

  private locals(): Scope {
    return new Scope(this.cdr ? [...INTERNAL, "le"] : INTERNAL, {
      has: (n) => this.names.isTaken(n),
    });
  }

  /** The fields in wire order, flattenable nested messages (Header...) replaced by their fields. */
  private leaves(): Leaf[] {
    const out: Leaf[] = [];
    const visit = (fields: readonly ResolvedField[], parents: string[]) => {
      for (const field of fields) {
        // CDR aligns each number from the payload start, not from its message's start, so a
        // nested message's fields are exactly its parent's fields at that place: flatten all.
        if (
          !field.isArray &&
          !field.isBuiltin &&
          (this.cdr || !this.layouts.isInlinable(field.type)) &&
          this.layouts.isFlattenable(field.type)
        ) {
          visit(this.layouts.type(field.type).fields, [...parents, field.name]);
        } else {
          out.push({ field, parents, path: [...parents, field.name].join(".") });
        }
      }
    };
    visit(this.fields, []);
    return out;
  }

  /** Leaves grouped into fixed-size runs and single variable-size leaves, in wire order. */
  private segments(): (RunItem[] | Leaf)[] {
    const out: (RunItem[] | Leaf)[] = [];
    let run: RunItem[] = [];
    let offset = 0;
    for (const leaf of this.leaves()) {
      const field = leaf.field;
      if (this.cdr) {
        if (!field.isArray && field.isBuiltin && !isStringType(field.type)) {
          // A run is aligned once, to its first number's size: a larger number starts a new one.
          const size = BUILTIN_SIZE[field.type]!;
          if (run.length > 0 && size > BUILTIN_SIZE[run[0]!.leaf.field.type]!) {
            out.push(run);
            run = [];
            offset = 0;
          }
          offset = (offset + size - 1) & -size;
          run.push({ leaf, offset });
          offset += size;
          continue;
        }
      } else if (
        !field.isArray &&
        (field.isBuiltin ? field.type !== "string" : this.layouts.isInlinable(field.type))
      ) {
        run.push({ leaf, offset });
        offset += this.layouts.fieldFixedSize(field)!;
        continue;
      }
      if (run.length > 0) out.push(run);
      run = [];
      offset = 0;
      out.push(leaf);
    }
    if (run.length > 0) out.push(run);
    return out;
  }

  private runSize(run: RunItem[]): number {
    const last = run[run.length - 1]!;
    return last.offset + this.layouts.fieldFixedSize(last.leaf.field)!;
  }

  private usesView(): boolean {
    if (this.cdr) return this.segments().some((s) => Array.isArray(s));
    return this.segments().some(
      (s) =>
        Array.isArray(s) ||
        (!s.field.isBuiltin && s.field.isArray && this.layouts.isInlinable(s.field.type)),
    );
  }

  // ---------------------------------------------------------------- decode

  decode(): string {
    const w = new CodeWriter();
    const rt = this.rt;
    const taken = this.locals();
    const result = new ObjectLiteral();
    w.line(`/** Decodes a ${this.type} at the reader's offset. */`);
    const segments = this.segments();
    // A type without fields reads nothing (CDR: one padding byte): its parameter is marked
    // unused (`noUnusedParameters`).
    const reader = segments.length === 0 && !this.cdr ? "_r" : "r";
    w.block(
      this.head(
        "decode",
        `${reader}${this.ts(`: ${rt}.Reader`)}`,
        `: ${this.names.typeName(this.type)}`,
      ),
      () => {
        if (this.usesView()) {
          w.line("const v = r.view;");
          if (this.cdr && this.multiByte(segments)) w.line("const le = r.le;");
          w.line(`let o${this.ts(": number")};`);
        }
        if (this.cdr && this.fields.length === 0) {
          // ROS 2 gives an empty message one uint8 (`structure_needs_at_least_one_member`).
          w.line(`r.offset = r.need(1, "") + 1;`);
        }
        for (const segment of segments) {
          if (Array.isArray(segment)) {
            const size = this.runSize(segment);
            const path = JSON.stringify(segment[0]!.leaf.path);
            const alignment = BUILTIN_SIZE[segment[0]!.leaf.field.type]!;
            w.line(
              this.cdr && alignment > 1
                ? `o = r.align(${alignment}, ${size}, ${path});`
                : `o = r.need(${size}, ${path});`,
            );
            for (const { leaf, offset } of segment) {
              const local = taken.declare(leaf.path.replace(/\./g, "_"));
              result.add(leaf, local);
              const { type, isBuiltin } = leaf.field;
              w.line(`const ${local} = ${this.readScalar(type, isBuiltin, offset)};`);
            }
            w.line(`r.offset = o + ${size};`);
            continue;
          }
          const local = taken.declare(segment.path.replace(/\./g, "_"));
          result.add(segment, local);
          this.decodeField(w, segment, local);
        }
        w.line(`return ${result.toString()};`);
      },
    );
    return w.toString();
  }

  /** Expression reading a scalar builtin or an inlinable message at `o + offset`. */
  private readScalar(type: string, builtin: boolean, offset: number): string {
    const at = (k: number) => (k === 0 ? "o" : `o + ${k}`);
    if (builtin) {
      if (type === "time" || type === "duration") {
        const g = type === "time" ? "getUint32" : "getInt32";
        return `{ sec: v.${g}(${at(offset)}, true), nsec: v.${g}(${at(offset + 4)}, true) }`;
      }
      const size = BUILTIN_SIZE[type]!;
      const order = this.cdr ? "le" : "true";
      const getter = `v.${GETTER[type]}(${at(offset)}${size > 1 ? `, ${order}` : ""})`;
      return type === "bool" ? `${getter} !== 0` : getter;
    }
    const parts: string[] = [];
    let k = offset;
    for (const f of this.layouts.type(type).fields) {
      parts.push(`${propertyKey(f.name)}: ${indentTail(this.readScalar(f.type, f.isBuiltin, k))}`);
      k += this.layouts.fieldFixedSize(f)!;
    }
    return `{\n  ${parts.join(",\n  ")},\n}`;
  }

  private decodeField(w: CodeWriter, leaf: Leaf, local: string): void {
    const rt = this.rt;
    const field = leaf.field;
    const path = JSON.stringify(leaf.path);
    const fixed = field.arrayLength;
    if (!field.isArray) {
      if (field.isBuiltin) {
        // The only variable-size scalar builtins.
        const method = this.cdr ? (field.type === "wstring" ? "wstring" : "cdrString") : "string";
        w.line(`const ${local} = r.${method}(${path});`);
        return;
      }
      w.line(`let ${local}${this.ts(`: ${this.names.typeName(field.type)}`)};`);
      w.tryCatch(
        () => w.line(`${local} = ${this.names.fn("decode", field.type)}(r);`),
        () => w.line(`throw ${rt}.withPath(error, ${path});`),
      );
      return;
    }
    const minSize = this.layouts.elementMinSize(field);
    const count = fixed === undefined ? `r.count(${minSize}, ${path})` : String(fixed);
    if (field.isBuiltin) {
      w.line(`const ${local} = r.${this.arrayMethod(field.type)}(${count}, ${path});`);
      return;
    }
    const elementType = this.names.typeName(field.type);
    w.line(`const ${local}${this.ts(`: ${elementType}[]`)} = [];`);
    if (!this.cdr && this.layouts.isInlinable(field.type)) {
      const size = this.layouts.fixedSize(field.type)!;
      if (fixed !== undefined) w.line(`r.need(${size * fixed}, ${path});`);
      w.block(`for (let i = 0, n = ${count}; i < n; i++)`, () => {
        w.line("o = r.offset;");
        w.line(`r.offset = o + ${size};`);
        w.line(`${local}.push(${this.readScalar(field.type, false, 0)});`);
      });
      return;
    }
    w.block(`for (let i = 0, n = ${count}; i < n; i++)`, () => {
      w.tryCatch(
        () => w.line(`${local}.push(${this.names.fn("decode", field.type)}(r));`),
        () => w.line(`throw ${rt}.withPath(error, ${path}, i);`),
      );
    });
  }

  /** Reader/Writer method for an array of a builtin. */
  private arrayMethod(type: string): string {
    if (this.cdr && type === "string") return "cdrStrings";
    if (this.cdr && type === "wstring") return "wstrings";
    return ARRAY_METHOD[type]!;
  }

  /** Whether a run reads or writes numbers of more than one byte (which need a byte order). */
  private multiByte(segments: (RunItem[] | Leaf)[]): boolean {
    return segments.some(
      (s) => Array.isArray(s) && s.some((item) => BUILTIN_SIZE[item.leaf.field.type]! > 1),
    );
  }

  // ---------------------------------------------------------------- size

  size(): string {
    if (this.cdr) return this.sizeCdr();
    const w = new CodeWriter();
    const rt = this.rt;
    const taken = this.locals();
    let fixed = 0;
    const variable: Leaf[] = [];
    for (const leaf of this.leaves()) {
      const size = this.layouts.fieldFixedSize(leaf.field);
      if (size !== undefined) {
        fixed += size;
        continue;
      }
      variable.push(leaf);
      if (leaf.field.isArray && leaf.field.arrayLength === undefined) fixed += 4;
    }
    // Strings count 3 bytes per UTF-16 unit (their most): the exact UTF-8 length would cost a
    // pass over every string; the writer returns only the bytes it wrote.
    w.line(`/** At most the bytes a ${this.type} takes on the wire. */`);
    // A fixed-size type's size does not look at the message.
    const message = variable.length === 0 ? "_m" : "m";
    const params = `${message}${this.ts(`: ${rt}.Fields | undefined`)}`;
    w.block(this.head("size", params, ": number"), () => {
      if (variable.length === 0) {
        w.line(`return ${fixed};`);
        return;
      }
      // A wrong value must not throw here: the write pass reports it with its field path.
      w.line(`if (typeof m !== "object" || m === null) return 0;`);
      w.line(`let size = ${fixed};`);
      // Flattened nested messages: a missing one counts as empty (the write pass reports it).
      const parentOf = parentLocals(w, taken, (value) => `${value} ?? {}`);
      for (const leaf of variable) {
        this.sizeField(w, leaf.field, `${parentOf(leaf)}${access(leaf.field.name)}`);
      }
      w.line("return size;");
    });
    return w.toString();
  }

  /**
   * CDR: at most the bytes on the wire, counting each number's most padding (its size - 1), so
   * that the bound holds wherever the message starts.
   */
  private sizeCdr(): string {
    const w = new CodeWriter();
    const rt = this.rt;
    const taken = this.locals();
    let fixed = this.fields.length === 0 ? 1 : 0;
    const lines: ((value: string) => string)[] = [];
    const variable: Leaf[] = [];
    for (const leaf of this.leaves()) {
      const f = leaf.field;
      const count = f.isArray && f.arrayLength === undefined ? 7 : 0;
      if (f.isBuiltin && !isStringType(f.type)) {
        const size = BUILTIN_SIZE[f.type]!;
        if (!f.isArray) fixed += 2 * size - 1;
        else if (f.arrayLength !== undefined) fixed += size - 1 + f.arrayLength * size;
        else {
          fixed += count + size - 1;
          variable.push(leaf);
          lines.push((v) => `size += ${rt}.len(${v}) * ${size};`);
        }
        continue;
      }
      fixed += count;
      variable.push(leaf);
      if (f.isBuiltin) {
        // Strings: 3 padding + 4 length + 1 NUL + the UTF-8 (wstring: 2 per unit, less than 3).
        lines.push(
          f.isArray
            ? (v) => `size += ${rt}.stringsBound(${v}) + 4 * ${rt}.len(${v});`
            : (v) => `size += 8 + ${rt}.utf8Bound(${v});`,
        );
        continue;
      }
      const sizeFn = this.names.fn("size", f.type);
      lines.push(
        f.isArray
          ? (v) =>
              `for (let i = 0, items = ${rt}.itemsOf(${v}); i < items.length; i++) size += ${sizeFn}(items[i]);`
          : (v) => `size += ${sizeFn}(${v});`,
      );
    }
    w.line(`/** At most the bytes a ${this.type} takes on the wire (CDR, padding included). */`);
    const message = variable.length === 0 ? "_m" : "m";
    const params = `${message}${this.ts(`: ${rt}.Fields | undefined`)}`;
    w.block(this.head("size", params, ": number"), () => {
      if (variable.length === 0) {
        w.line(`return ${fixed};`);
        return;
      }
      w.line(`if (typeof m !== "object" || m === null) return 0;`);
      w.line(`let size = ${fixed};`);
      const parentOf = parentLocals(w, taken, (value) => `${value} ?? {}`);
      variable.forEach((leaf, i) => {
        w.line(lines[i]!(`${parentOf(leaf)}${access(leaf.field.name)}`));
      });
      w.line("return size;");
    });
    return w.toString();
  }

  private sizeField(w: CodeWriter, field: ResolvedField, value: string): void {
    const rt = this.rt;
    if (field.isBuiltin) {
      if (!field.isArray) w.line(`size += 4 + ${rt}.utf8Bound(${value});`);
      else if (field.type === "string") w.line(`size += ${rt}.stringsBound(${value});`);
      else w.line(`size += ${rt}.len(${value}) * ${BUILTIN_SIZE[field.type]};`);
      return;
    }
    const elementSize = this.layouts.fixedSize(field.type);
    const sizeFn = this.names.fn("size", field.type);
    if (!field.isArray) {
      w.line(`size += ${sizeFn}(${value});`);
    } else if (elementSize !== undefined) {
      w.line(`size += ${rt}.len(${value}) * ${elementSize};`);
    } else {
      w.block("", () => {
        w.line(`const items = ${rt}.itemsOf(${value});`);
        w.line(`for (let i = 0; i < items.length; i++) size += ${sizeFn}(items[i]);`);
      });
    }
  }

  // ---------------------------------------------------------------- write

  write(): string {
    const w = new CodeWriter();
    const rt = this.rt;
    const taken = this.locals();
    // Flattened nested messages: checked once, where their first field is written.
    const parentOf = parentLocals(
      w,
      taken,
      (value, path) => `${rt}.object(${value}, ${JSON.stringify(path)})`,
    );
    const segments = this.segments();
    // A type without fields writes nothing (CDR: one zero byte).
    const [writer, message] = segments.length === 0 ? [this.cdr ? "w" : "_w", "_m"] : ["w", "m"];
    const params = `${writer}${this.ts(`: ${rt}.Writer`)}, ${message}${this.ts(`: ${rt}.Fields`)}`;
    w.line(`/** Writes a ${this.type} at the writer's offset (space was bounded by size_*). */`);
    w.block(this.head("write", params, ": void"), () => {
      if (this.usesView()) {
        w.line("const v = w.view;");
        w.line(`let o${this.ts(": number")};`);
      }
      if (this.cdr && this.fields.length === 0) w.line("w.bytes[w.offset++] = 0;");
      for (const segment of segments) {
        if (Array.isArray(segment)) {
          const alignment = BUILTIN_SIZE[segment[0]!.leaf.field.type]!;
          w.line(this.cdr && alignment > 1 ? `o = w.align(${alignment});` : "o = w.offset;");
          let end = 0;
          for (const { leaf, offset } of segment) {
            // Padding between the numbers of a run: zeros (the buffer may hold old bytes).
            if (offset > end) w.line(`w.zero(o + ${end}, ${offset - end});`);
            end = offset + BUILTIN_SIZE[leaf.field.type]!;
            const parent = parentOf(leaf);
            this.writeScalar(
              w,
              leaf.field.type,
              leaf.field.isBuiltin,
              `${parent}${access(leaf.field.name)}`,
              leaf.path,
              offset,
              taken,
            );
          }
          w.line(`w.offset = o + ${this.runSize(segment)};`);
          continue;
        }
        this.writeField(w, segment, `${parentOf(segment)}${access(segment.field.name)}`, taken);
      }
    });
    return w.toString();
  }

  /** Statements writing a scalar builtin or an inlinable message `value` at `o + offset`. */
  private writeScalar(
    w: CodeWriter,
    type: string,
    builtin: boolean,
    value: string,
    path: string,
    offset: number,
    taken: Scope,
  ): void {
    const rt = this.rt;
    const at = (k: number) => (k === 0 ? "o" : `o + ${k}`);
    const p = JSON.stringify(path);
    if (builtin) {
      if (type === "time" || type === "duration") {
        const local = taken.declare(path.replace(/\W/g, "_"));
        const [set, check] = type === "time" ? ["setUint32", "u32"] : ["setInt32", "i32"];
        w.line(`const ${local} = ${rt}.stamp(${value}, ${p});`);
        w.line(
          `v.${set}(${at(offset)}, ${rt}.${check}(${local}.sec, ${JSON.stringify(`${path}.sec`)}), true);`,
        );
        w.line(
          `v.${set}(${at(offset + 4)}, ${rt}.${check}(${local}.nsec, ${JSON.stringify(`${path}.nsec`)}), true);`,
        );
        return;
      }
      const size = BUILTIN_SIZE[type]!;
      const setter = GETTER[type]!.replace("get", "set");
      w.line(
        `v.${setter}(${at(offset)}, ${rt}.${CHECK[type]}(${value}, ${p})${size > 1 ? ", true" : ""});`,
      );
      return;
    }
    const local = taken.declare(path.replace(/\W/g, "_"));
    w.line(`const ${local} = ${rt}.object(${value}, ${p});`);
    let k = offset;
    for (const f of this.layouts.type(type).fields) {
      const childPath = path === "" ? f.name : `${path}.${f.name}`;
      this.writeScalar(w, f.type, f.isBuiltin, `${local}${access(f.name)}`, childPath, k, taken);
      k += this.layouts.fieldFixedSize(f)!;
    }
  }

  private writeField(w: CodeWriter, leaf: Leaf, value: string, taken: Scope): void {
    const rt = this.rt;
    const field = leaf.field;
    const path = JSON.stringify(leaf.path);
    const fixed = field.arrayLength === undefined ? "undefined" : String(field.arrayLength);
    const stringBound = field.stringBound === undefined ? "undefined" : String(field.stringBound);
    if (!field.isArray) {
      if (field.isBuiltin) {
        if (!this.cdr) w.line(`w.string(${value}, ${path});`);
        else if (field.type === "wstring") w.line(`w.wstring(${value}, ${stringBound}, ${path});`);
        else w.line(`w.cdrString(${value}, ${stringBound}, ${path});`);
        return;
      }
      w.tryCatch(
        () => w.line(`${this.names.fn("write", field.type)}(w, ${rt}.object(${value}, ""));`),
        () => w.line(`throw ${rt}.withPath(error, ${path});`),
      );
      return;
    }
    if (field.arrayBound !== undefined) {
      w.line(`w.bounded(${value}, ${field.arrayBound}, ${path});`);
    }
    if (field.isBuiltin) {
      const bound = isStringType(field.type) && this.cdr ? `, ${stringBound}` : "";
      w.line(`w.${this.arrayMethod(field.type)}(${value}, ${fixed}${bound}, ${path});`);
      return;
    }
    const items = taken.declare(`${leaf.path.replace(/\./g, "_")}_items`);
    w.line(`const ${items} = ${value};`);
    w.block(`for (let i = 0, n = w.count(${items}, ${fixed}, ${path}); i < n; i++)`, () => {
      w.tryCatch(
        () => {
          if (!this.cdr && this.layouts.isInlinable(field.type)) {
            const innerTaken = taken.inner(["e"]);
            w.line(`o = w.offset;`);
            const fields = this.layouts.type(field.type).fields;
            w.line(`const e = ${rt}.object(${items}[i], "");`);
            let k = 0;
            for (const f of fields) {
              this.writeScalar(w, f.type, f.isBuiltin, `e${access(f.name)}`, f.name, k, innerTaken);
              k += this.layouts.fieldFixedSize(f)!;
            }
            w.line(`w.offset = o + ${k};`);
          } else {
            w.line(`${this.names.fn("write", field.type)}(w, ${rt}.object(${items}[i], ""));`);
          }
        },
        () => w.line(`throw ${rt}.withPath(error, ${path}, i);`),
      );
    });
  }
}

function isStringType(type: string): boolean {
  return type === "string" || type === "wstring";
}

/**
 * For the size and write functions: the local holding a leaf's flattened parent object, declared
 * (as `init(value expression, dotted path)`) where the first leaf under it is handled.
 */
function parentLocals(
  w: CodeWriter,
  taken: Scope,
  init: (value: string, path: string) => string,
): (leaf: Leaf) => string {
  const parents = new Map<string, string>([["", "m"]]);
  return (leaf) => {
    for (let depth = 1; depth <= leaf.parents.length; depth++) {
      const key = leaf.parents.slice(0, depth).join(".");
      if (parents.has(key)) continue;
      const outer = parents.get(leaf.parents.slice(0, depth - 1).join("."))!;
      const local = taken.declare(key.replace(/\./g, "_"));
      w.line(`const ${local} = ${init(`${outer}${access(leaf.parents[depth - 1]!)}`, key)};`);
      parents.set(key, local);
    }
    return parents.get(leaf.parents.join("."))!;
  };
}

/** The decoded object: leaves' locals, nested as their flattened parents were. */
class ObjectLiteral {
  private readonly entries = new Map<string, string | ObjectLiteral>();

  add(leaf: Leaf, local: string, depth = 0): void {
    if (depth === leaf.parents.length) {
      this.entries.set(leaf.field.name, local);
      return;
    }
    const parent = leaf.parents[depth]!;
    let child = this.entries.get(parent);
    if (!(child instanceof ObjectLiteral)) {
      child = new ObjectLiteral();
      this.entries.set(parent, child);
    }
    child.add(leaf, local, depth + 1);
  }

  toString(): string {
    const parts = [...this.entries].map(([name, value]) =>
      typeof value === "string"
        ? name === value
          ? name
          : `${propertyKey(name)}: ${value}`
        : `${propertyKey(name)}: ${indentTail(value.toString())}`,
    );
    if (parts.length === 0) return "{}";
    const oneLine = `{ ${parts.join(", ")} }`;
    if (oneLine.length <= 80 && !oneLine.includes("\n")) return oneLine;
    return `{\n  ${parts.join(",\n  ")},\n}`;
  }
}

/** Field names are `[A-Za-z][A-Za-z0-9_]*`, always valid property names. */
function propertyKey(name: string): string {
  return name;
}

function access(name: string): string {
  return `.${name}`;
}

/** Indents every line after the first by two spaces (nested object literals). */
function indentTail(text: string): string {
  return text.replace(/\n/g, "\n  ");
}
