/**
 * Sizes the emitter needs: which fields have a fixed wire size (so consecutive ones can share
 * one bounds check), which message types can be inlined as object literals, and the least number
 * of bytes an element occupies (so an array count can be checked before allocating).
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

export class Layouts {
  private readonly fixed = new Map<string, number | undefined>();
  private readonly minimum = new Map<string, number>();
  private readonly inlinable = new Map<string, boolean>();
  private readonly flattenable = new Map<string, boolean>();

  constructor(private readonly types: ReadonlyMap<string, ResolvedType>) {}

  type(name: string): ResolvedType {
    const t = this.types.get(name);
    if (t === undefined) throw new Error(`internal: type ${name} was not resolved`);
    return t;
  }

  /** Fixed wire size of a message type, or undefined when it has strings or variable arrays. */
  fixedSize(name: string): number | undefined {
    if (this.fixed.has(name)) return this.fixed.get(name);
    let size: number | undefined = 0;
    for (const f of this.type(name).fields) {
      const s = this.fieldFixedSize(f);
      if (s === undefined) {
        size = undefined;
        break;
      }
      size += s;
    }
    this.fixed.set(name, size);
    return size;
  }

  fieldFixedSize(f: ResolvedField): number | undefined {
    if (f.isArray && f.arrayLength === undefined) return undefined;
    const element = f.isBuiltin ? BUILTIN_SIZE[f.type] : this.fixedSize(f.type);
    if (element === undefined) return undefined;
    return f.isArray ? element * f.arrayLength! : element;
  }

  /** The least bytes a value of the type occupies on the wire (empty strings and arrays). */
  minSize(name: string): number {
    const known = this.minimum.get(name);
    if (known !== undefined) return known;
    let size = 0;
    for (const f of this.type(name).fields) size += this.fieldMinSize(f);
    this.minimum.set(name, size);
    return size;
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
   * and its fixed-size fields join the parent's runs).
   */
  isFlattenable(name: string): boolean {
    const known = this.flattenable.get(name);
    if (known !== undefined) return known;
    this.flattenable.set(name, false); // recursion guard
    const fields = this.type(name).fields;
    const ok =
      fields.length > 0 &&
      fields.length <= 16 &&
      fields.every(
        (f) =>
          !f.isArray && (f.isBuiltin || this.isInlinable(f.type) || this.isFlattenable(f.type)),
      );
    this.flattenable.set(name, ok);
    return ok;
  }

  /**
   * A message type made only of fixed-size scalars (recursively), such as Point, Quaternion,
   * Pose or Transform: decoded and encoded inline as an object literal inside its parent's run.
   */
  isInlinable(name: string): boolean {
    const known = this.inlinable.get(name);
    if (known !== undefined) return known;
    const fields = this.type(name).fields;
    const ok =
      fields.length > 0 &&
      fields.length <= 16 &&
      fields.every((f) =>
        f.isArray ? false : f.isBuiltin ? f.type !== "string" : this.isInlinable(f.type),
      );
    this.inlinable.set(name, ok);
    return ok;
  }
}
