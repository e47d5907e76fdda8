/**
 * Resolves field types against a set of parsed definitions and computes what ROS computes for
 * each type: the md5sum (genmsg `compute_md5_text`) and the full text (`compute_full_text`).
 */
import { md5Hex } from "./md5.js";
import {
  DefinitionError,
  type DefinitionProblem,
  type MessageSpec,
  type ResolvedField,
  type ResolvedType,
  isBuiltin,
} from "./model.js";
import { quote } from "./quote.js";

const SEPARATOR = "=".repeat(80);

export interface ResolveOptions {
  /**
   * When a bare name `Foo` in package `a` has no `a/Foo`, accept the single known type named
   * `Foo` in another package. genmsg never produces such text, but hand-written and third-party
   * definitions in bags do; files given to the generator are resolved strictly.
   */
  lenientBareNames?: boolean;
  /**
   * ROS 2 (rosidl) types: the builtins are ROS 2's (`wstring`, no `time`/`duration`), `Header`
   * is not special, and `byte`/`char` are octets (resolved as `uint8`, as rosidl maps them).
   */
  ros2?: boolean;
}

/** rosidl's primitive types (`byte` and `char` are 8-bit unsigned). */
const ROS2_BUILTINS: ReadonlySet<string> = new Set([
  "bool",
  "byte",
  "char",
  "float32",
  "float64",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "string",
  "wstring",
]);

export function isRos2Builtin(type: string): boolean {
  return ROS2_BUILTINS.has(type);
}

export class TypeSet {
  private readonly specs = new Map<string, MessageSpec>();
  private readonly byShortName = new Map<string, string[]>();
  private readonly resolved = new Map<string, ResolvedType>();
  private readonly fieldsOf = new Map<string, ResolvedField[]>();

  constructor(private readonly options: ResolveOptions = {}) {}

  /** Adds a parsed type; a second definition of the same name is a problem (returned). */
  add(spec: MessageSpec): DefinitionProblem | undefined {
    const existing = this.specs.get(spec.fullName);
    if (existing !== undefined) {
      return {
        file: spec.source.file,
        line: spec.source.firstLine,
        message: `${spec.fullName} is defined twice (also in ${existing.source.file}:${existing.source.firstLine})`,
      };
    }
    this.specs.set(spec.fullName, spec);
    const list = this.byShortName.get(spec.name) ?? [];
    list.push(spec.fullName);
    this.byShortName.set(spec.name, list);
    return undefined;
  }

  private isBuiltinType(type: string): boolean {
    return this.options.ros2 === true ? ROS2_BUILTINS.has(type) : isBuiltin(type);
  }

  has(fullName: string): boolean {
    return this.specs.has(fullName);
  }

  spec(fullName: string): MessageSpec | undefined {
    return this.specs.get(fullName);
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  /**
   * The full name a field's base type refers to (genmsg `resolve_type`): builtins as they are,
   * `Header` is `std_msgs/Header`, `roslib/Header` is its pre-REP-100 name, bare names belong to
   * the containing package.
   */
  resolveTypeName(baseType: string, pkg: string): string | { error: string } {
    if (this.options.ros2 === true) {
      if (ROS2_BUILTINS.has(baseType))
        return baseType === "byte" || baseType === "char" ? "uint8" : baseType;
    } else {
      if (isBuiltin(baseType)) return baseType;
      if (baseType === "Header" || baseType === "roslib/Header") return "std_msgs/Header";
    }
    const candidate = baseType.includes("/") ? baseType : `${pkg}/${baseType}`;
    if (this.specs.has(candidate)) return candidate;
    if (!baseType.includes("/") && this.options.lenientBareNames === true) {
      const matches = this.byShortName.get(baseType) ?? [];
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) {
        return {
          error: `type ${quote(baseType)} is ambiguous: ${pkg}/${baseType} is not defined and ${matches.join(", ")} are`,
        };
      }
    }
    return {
      error: `unknown type ${quote(baseType)}${baseType === candidate ? "" : ` (looked for ${candidate})`}: add its definition to the inputs`,
    };
  }

  /**
   * Resolves every type, collecting all problems; throws one `DefinitionError` if any, listing
   * the `earlier` problems of the run (parsing, loading) first.
   */
  resolveAll(
    names: Iterable<string> = this.specs.keys(),
    earlier: readonly DefinitionProblem[] = [],
  ): Map<string, ResolvedType> {
    const problems: DefinitionProblem[] = [];
    const out = new Map<string, ResolvedType>();
    for (const name of names) {
      const result = this.tryResolve(name, problems);
      if (result !== undefined) out.set(name, result);
    }
    if (earlier.length + problems.length > 0) {
      throw new DefinitionError([...earlier, ...dedupe(problems)]);
    }
    return out;
  }

  /** Resolves one type and its dependencies; throws `DefinitionError`. */
  resolve(fullName: string): ResolvedType {
    const problems: DefinitionProblem[] = [];
    const result = this.tryResolve(fullName, problems);
    if (result === undefined || problems.length > 0) {
      throw new DefinitionError(
        problems.length > 0
          ? dedupe(problems)
          : [{ file: "<input>", line: 0, message: `unknown type ${fullName}` }],
      );
    }
    return result;
  }

  private tryResolve(
    fullName: string,
    problems: DefinitionProblem[],
    stack: string[] = [],
  ): ResolvedType | undefined {
    const done = this.resolved.get(fullName);
    if (done !== undefined) return done;
    const spec = this.specs.get(fullName);
    if (spec === undefined) {
      problems.push({ file: "<input>", line: 0, message: `unknown type ${fullName}` });
      return undefined;
    }
    if (stack.includes(fullName)) {
      problems.push({
        file: spec.source.file,
        line: spec.source.firstLine,
        message: `recursive type: ${[...stack.slice(stack.indexOf(fullName)), fullName].join(" -> ")} (messages cannot contain themselves)`,
      });
      return undefined;
    }
    const fields = this.resolveFields(spec, problems);
    if (fields === undefined) return undefined;
    // md5 text: constants, then fields, with message types replaced by their md5.
    const lines: string[] = spec.constants.map((c) => `${c.type} ${c.name}=${c.valueText}`);
    let ok = true;
    for (const field of fields) {
      if (field.isBuiltin) {
        lines.push(`${field.typeText} ${field.name}`);
        continue;
      }
      const nested = this.tryResolve(field.type, problems, [...stack, fullName]);
      if (nested === undefined) {
        ok = false;
        continue;
      }
      lines.push(`${nested.md5sum} ${field.name}`);
    }
    if (!ok) return undefined;
    const md5sum = md5Hex(lines.join("\n").trim());
    const definition = this.fullText(spec);
    const resolved: ResolvedType = { spec, fields, md5sum, definition };
    this.resolved.set(fullName, resolved);
    return resolved;
  }

  /** The md5 text of a type (what genmsg hashes), for services that hash two of them. */
  md5Text(fullName: string): string {
    const resolved = this.resolve(fullName);
    const lines = resolved.spec.constants.map((c) => `${c.type} ${c.name}=${c.valueText}`);
    for (const field of resolved.fields) {
      lines.push(
        field.isBuiltin
          ? `${field.typeText} ${field.name}`
          : `${this.resolve(field.type).md5sum} ${field.name}`,
      );
    }
    return lines.join("\n").trim();
  }

  private resolveFields(
    spec: MessageSpec,
    problems: DefinitionProblem[],
  ): ResolvedField[] | undefined {
    const cached = this.fieldsOf.get(spec.fullName);
    if (cached !== undefined) return cached;
    const fields: ResolvedField[] = [];
    let ok = true;
    for (const field of spec.fields) {
      const type = this.resolveTypeName(field.baseType, spec.package);
      if (typeof type !== "string") {
        problems.push({
          file: spec.source.file,
          line: field.line,
          message: `${spec.fullName}.${field.name}: ${type.error}`,
        });
        ok = false;
        continue;
      }
      fields.push({
        name: field.name,
        type,
        isBuiltin: this.isBuiltinType(type),
        isArray: field.isArray,
        arrayLength: field.arrayLength,
        typeText: field.typeText,
        ...(field.stringBound !== undefined ? { stringBound: field.stringBound } : {}),
        ...(field.arrayBound !== undefined ? { arrayBound: field.arrayBound } : {}),
      });
    }
    if (!ok) return undefined;
    this.fieldsOf.set(spec.fullName, fields);
    return fields;
  }

  /** Dependencies in genmsg's order: depth-first by field, each listed once. */
  dependencies(fullName: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (name: string, depth: number) => {
      if (depth > 64) return; // recursion is reported by resolve(); do not loop here
      const spec = this.specs.get(name);
      if (spec === undefined) return;
      for (const field of spec.fields) {
        const type = this.resolveTypeName(field.baseType, spec.package);
        if (typeof type !== "string" || this.isBuiltinType(type)) continue;
        // A type already listed had its own dependencies listed right after it.
        if (seen.has(type)) continue;
        seen.add(type);
        out.push(type);
        visit(type, depth + 1);
      }
    };
    visit(fullName, 0);
    return out;
  }

  /** genmsg `compute_full_text`: own text, then each dependency as a `MSG:` block. */
  private fullText(spec: MessageSpec): string {
    let text = spec.text + "\n";
    for (const dep of this.dependencies(spec.fullName)) {
      text += `${SEPARATOR}\nMSG: ${dep}\n${this.specs.get(dep)!.text}\n`;
    }
    return text.slice(0, -1);
  }
}

function dedupe(problems: DefinitionProblem[]): DefinitionProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
