/** Lines with indentation: the emitter's printer (no syntax trees, so it also runs in browsers). */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  /** One line, or several (each indented at the current depth). */
  line(text = ""): this {
    for (const part of text.split("\n")) {
      this.lines.push(part === "" ? "" : "  ".repeat(this.depth) + part);
    }
    return this;
  }

  /** `head {`, the body indented, `}` + `tail`. */
  block(head: string, body: () => void, tail = ""): this {
    this.line(head === "" ? "{" : `${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line(`}${tail}`);
    return this;
  }

  /** `try { ... } catch (error) { ... }` */
  tryCatch(body: () => void, handler: () => void): this {
    this.line("try {");
    this.depth++;
    body();
    this.depth--;
    this.line("} catch (error) {");
    this.depth++;
    handler();
    this.depth--;
    this.line("}");
    return this;
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}

/** Reserved words and names the generated code relies on: never used as identifiers. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends " +
    "false finally for function if import in instanceof new null return super switch this throw " +
    "true try typeof var void while with as implements interface let package private protected " +
    "public static yield any boolean number string symbol type from of get set async await " +
    "constructor declare module namespace require keyof readonly unique infer is never unknown " +
    "undefined NaN Infinity arguments eval globalThis Object Array String Number Boolean BigInt " +
    "Symbol Error Math JSON Date Map Set Promise Uint8Array Int8Array Uint16Array Int16Array " +
    "Uint32Array Int32Array Float32Array Float64Array BigInt64Array BigUint64Array DataView " +
    "ArrayBuffer TextDecoder TextEncoder"
  ).split(" "),
);

/** Names declared in a function (and its enclosing scopes), for picking non-clashing locals. */
export class Scope {
  private readonly names = new Set<string>();

  constructor(
    initial: Iterable<string> = [],
    private readonly outer: { has(name: string): boolean } = { has: () => false },
  ) {
    for (const n of initial) this.names.add(n);
  }

  has(name: string): boolean {
    return this.names.has(name) || this.outer.has(name);
  }

  /** A new inner scope that sees this one's names. */
  inner(initial: Iterable<string> = []): Scope {
    return new Scope(initial, this);
  }

  /**
   * Declares a local for `base`: `base` itself when free, else `base$2`, ... (`$` never appears
   * in ROS names, so these never clash with a field).
   */
  declare(base: string): string {
    let name = RESERVED_WORDS.has(base) ? `${base}$` : base;
    for (let k = 2; this.has(name); k++) name = `${base}$${k}`;
    this.names.add(name);
    return name;
  }
}

/**
 * Names a generated type may not take: reserved words, TypeScript's primitive type names, and
 * the globals generated modules refer to (typed arrays, NaN, Infinity, undefined).
 */
export const RESERVED_TYPE_NAMES: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends " +
    "false finally for function if import in instanceof new null return super switch this throw " +
    "true try typeof var void while with implements interface let package private protected " +
    "public static yield any boolean number string symbol object bigint never unknown " +
    "undefined NaN Infinity globalThis Uint8Array Int8Array Uint16Array Int16Array Uint32Array " +
    "Int32Array Float32Array Float64Array BigInt64Array BigUint64Array"
  ).split(" "),
);
