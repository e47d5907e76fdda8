/**
 * Identifiers of one generated package module. ROS names are `[A-Za-z][A-Za-z0-9_]*`, so they are
 * valid identifiers except where they collide with a reserved word, a global the generated code
 * uses, an import alias or another generated name: those get a `_` suffix (the ROS type name in
 * strings and maps never changes).
 */
import { RESERVED_TYPE_NAMES } from "../runtime/codec/emit/code-writer.js";

export interface TypeIdentifiers {
  /** Interface (and constants object) name. */
  name: string;
  codec: string;
  decode: string;
  size: string;
  write: string;
}

export class ModuleNames {
  private readonly taken = new Set<string>(["$rt", "codecs", "services"]);
  private readonly types = new Map<string, TypeIdentifiers>();
  private readonly serviceNames = new Map<string, string>();
  private readonly actionNames = new Map<string, string>();

  /** Import aliases (package names) come first: they are what other modules' types are read through. */
  constructor(aliases: Iterable<string>) {
    for (const alias of aliases) this.taken.add(alias);
  }

  isTaken(identifier: string): boolean {
    return this.taken.has(identifier);
  }

  /** Identifiers for a message type of this module (allocated once, in a fixed order). */
  type(fullName: string): TypeIdentifiers {
    const known = this.types.get(fullName);
    if (known !== undefined) return known;
    const base = fullName.slice(fullName.indexOf("/") + 1);
    let stem = base;
    const clashes = (s: string) =>
      RESERVED_TYPE_NAMES.has(s) ||
      [s, `${s}Codec`, `decode_${s}`, `size_${s}`, `write_${s}`].some((n) => this.taken.has(n));
    while (clashes(stem)) stem += "_";
    const ids: TypeIdentifiers = {
      name: stem,
      codec: `${stem}Codec`,
      decode: `decode_${stem}`,
      size: `size_${stem}`,
      write: `write_${stem}`,
    };
    for (const id of Object.values(ids)) this.taken.add(id);
    this.types.set(fullName, ids);
    return ids;
  }

  /** The descriptor constant of a ROS 2 action (`FibonacciAction`). */
  action(fullName: string): string {
    const known = this.actionNames.get(fullName);
    if (known !== undefined) return known;
    let name = `${fullName.slice(fullName.indexOf("/") + 1)}Action`;
    while (RESERVED_TYPE_NAMES.has(name) || this.taken.has(name)) name += "_";
    this.taken.add(name);
    this.actionNames.set(fullName, name);
    return name;
  }

  /** The descriptor constant of a service (`SetBoolService`). */
  service(fullName: string): string {
    const known = this.serviceNames.get(fullName);
    if (known !== undefined) return known;
    let name = `${fullName.slice(fullName.indexOf("/") + 1)}Service`;
    while (RESERVED_TYPE_NAMES.has(name) || this.taken.has(name)) name += "_";
    this.taken.add(name);
    this.serviceNames.set(fullName, name);
    return name;
  }
}
