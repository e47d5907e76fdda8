/**
 * Sizes the emitter needs: which fields have a fixed wire size (so consecutive ones can share
 * one bounds check), which message types can be inlined as object literals, and the least number
 * of bytes an element occupies (so an array count can be checked before allocating).
 *
 * Definitions can nest thousands of types deep, so no walk here recurses along the nesting:
 * sizes are computed bottom-up with an explicit stack, and inlining stops at `MAX_INLINE_DEPTH`
 * levels (a chain of N types inlined whole into each of its N functions would make the output
 * grow as N^2 lines of up to N nesting levels).
 */
import type { ResolvedField, ResolvedType } from "../../schema/model.js";

/** Wire size of fixed-size builtins; `string` is variable. */
export const BUILTIN_SIZE: Readonly<Record<string, number>> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  byte: 1,
  char: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
  time: 8,
  duration: 8,
};

/**
 * Deepest nesting of message types inlined (or flattened) into one function; deeper types get a
 * call. Standard types nest at most 3 deep (TransformStamped: Header, Transform, Vector3).
 */
export const MAX_INLINE_DEPTH = 8;

/** Levels of a type that can be inlined (1: only builtins), or why it cannot. */
type Nesting = number | "never";

export class Layouts {
  private readonly fixed = new Map<string, number | undefined>();
  private readonly minimum = new Map<string, number>();
  private readonly inlinable = new Map<string, Nesting>();
  private readonly flattenable = new Map<string, Nesting>();

  constructor(private readonly types: ReadonlyMap<string, ResolvedType>) {}

  /**
   * `memo.get(name)`, computing it (and that of every message type below) bottom-up: `compute`
   * runs once the values of all the type's message fields are in `memo`.
   */
  private bottomUp<T>(name: string, memo: Map<string, T>, compute: (type: ResolvedType) => T): T {
    if (!memo.has(name)) {
      const stack = [name];
      const entered = new Set<string>();
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (memo.has(top)) {
          stack.pop();
          continue;
        }
        const type = this.type(top);
        const pending = type.fields.filter((f) => !f.isBuiltin && !memo.has(f.type));
        if (pending.length === 0 || entered.has(top)) {
          // (entered again with children pending: a cycle, which the resolver rejects)
          memo.set(top, compute(type));
          stack.pop();
        } else {
          entered.add(top);
          for (const f of pending) stack.push(f.type);
        }
      }
    }
    return memo.get(name)!;
  }

  type(name: string): ResolvedType {
    const t = this.types.get(name);
    if (t === undefined) throw new Error(`internal: type ${name} was not resolved`);
    return t;
  }

  /** Fixed wire size of a message type, or undefined when it has strings or variable arrays. */
  fixedSize(name: string): number | undefined {
    return this.bottomUp(name, this.fixed, (type) => {
      let size: number | undefined = 0;
      for (const f of type.fields) {
        const s = this.fieldFixedSize(f);
        if (s === undefined) return undefined;
        size += s;
      }
      return size;
    });
  }

  fieldFixedSize(f: ResolvedField): number | undefined {
    if (f.isArray && f.arrayLength === undefined) return undefined;
    const element = f.isBuiltin ? BUILTIN_SIZE[f.type] : this.fixedSize(f.type);
    if (element === undefined) return undefined;
    return f.isArray ? element * f.arrayLength! : element;
  }

  /** The least bytes a value of the type occupies on the wire (empty strings and arrays). */
  minSize(name: string): number {
    return this.bottomUp(name, this.minimum, (type) => {
      let size = 0;
      for (const f of type.fields) size += this.fieldMinSize(f);
      return size;
    });
  }

  fieldMinSize(f: ResolvedField): number {
    if (f.isArray && f.arrayLength === undefined) return 4;
    const element = f.isBuiltin ? (BUILTIN_SIZE[f.type] ?? 4) : this.minSize(f.type);
    return f.isArray ? element * f.arrayLength! : element;
  }

  elementMinSize(f: ResolvedField): number {
    return f.isBuiltin ? (BUILTIN_SIZE[f.type] ?? 4) : this.minSize(f.type);
  }

  /**
   * A message type without arrays whose fields are scalars, strings or such types themselves,
   * like std_msgs/Header: its fields are decoded and encoded in the parent's function (no call,
   * and its fixed-size fields join the parent's runs). At most `MAX_INLINE_DEPTH` levels.
   */
  isFlattenable(name: string): boolean {
    const nesting = this.bottomUp(name, this.flattenable, (type) => {
      const fields = type.fields;
      if (fields.length === 0 || fields.length > 16) return "never";
      let depth = 1;
      for (const f of fields) {
        if (f.isArray) return "never";
        if (f.isBuiltin) continue;
        const inner = this.isInlinable(f.type)
          ? this.inlinable.get(f.type)!
          : this.flattenable.get(f.type)!;
        if (inner === "never") return "never";
        depth = Math.max(depth, inner + 1);
      }
      return depth;
    });
    return nesting !== "never" && nesting <= MAX_INLINE_DEPTH;
  }

  /**
   * A message type made only of fixed-size scalars (recursively), such as Point, Quaternion,
   * Pose or Transform: decoded and encoded inline as an object literal inside its parent's run.
   * At most `MAX_INLINE_DEPTH` levels.
   */
  isInlinable(name: string): boolean {
    const nesting = this.inlinableNesting(name);
    return nesting !== "never" && nesting <= MAX_INLINE_DEPTH;
  }

  private inlinableNesting(name: string): Nesting {
    return this.bottomUp(name, this.inlinable, (type) => {
      const fields = type.fields;
      if (fields.length === 0 || fields.length > 16) return "never";
      let depth = 1;
      for (const f of fields) {
        if (f.isArray || f.type === "string") return "never";
        if (f.isBuiltin) continue;
        const inner = this.inlinable.get(f.type)!;
        // Too deep to inline here means too deep in every parent as well.
        if (inner === "never" || inner >= MAX_INLINE_DEPTH) return "never";
        depth = Math.max(depth, inner + 1);
      }
      return depth;
    });
  }
}
