/**
 * Field paths for `noros echo --fields`: `pose.position.x`, `transforms[0].header.frame_id`
 * (or `transforms.0.header`). Paths are checked against the message definition before anything
 * is received, so a typo fails at once with the fields that do exist.
 */
import type { ResolvedField, ResolvedType } from "../../runtime/schema/model.js";
import { UserError } from "../errors.js";

export type PathStep = { field: string } | { index: number };

export interface FieldPath {
  readonly text: string;
  readonly steps: readonly PathStep[];
}

/** Parses `a.b[2].c` (or `a.b.2.c`); throws a `UserError` for malformed text. */
export function parseFieldPath(text: string): FieldPath {
  const steps: PathStep[] = [];
  for (const part of text.split(".")) {
    const named = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(part);
    if (named !== null) {
      steps.push({ field: named[1]! });
      for (const index of named[2]!.matchAll(/\[(\d+)\]/g)) steps.push({ index: Number(index[1]) });
    } else if (/^\d+$/.test(part) && steps.length > 0) {
      steps.push({ index: Number(part) });
    } else {
      throw new UserError(
        `bad field path "${text}" (expected e.g. pose.position.x or points[0].x)`,
      );
    }
  }
  return { text, steps };
}

/**
 * Checks `path` against the type: every field must exist, indices only on arrays. `resolve`
 * gives the resolved type of a message type name.
 */
export function checkFieldPath(
  path: FieldPath,
  root: ResolvedType,
  resolve: (typeName: string) => ResolvedType,
): void {
  let type: ResolvedType | undefined = root;
  let isArray = false;
  let where = root.spec.fullName;
  for (const step of path.steps) {
    if ("index" in step) {
      if (!isArray) throw new UserError(`${path.text}: ${where} is not an array`);
      isArray = false;
      continue;
    }
    if (type === undefined || isArray) {
      throw new UserError(
        `${path.text}: ${where} has no fields (it is ${isArray ? "an array" : "a builtin"})`,
      );
    }
    const field: ResolvedField | undefined = type.fields.find((f) => f.name === step.field);
    if (field === undefined) {
      const names = type.fields.map((f) => f.name).join(", ");
      throw new UserError(
        `${path.text}: no field "${step.field}" in ${type.spec.fullName} (fields: ${names})`,
      );
    }
    where = `${where}.${field.name}`;
    isArray = field.isArray;
    type = field.isBuiltin ? undefined : resolve(field.type);
  }
}

/** The value at `path` in a decoded message; undefined when an index is out of range. */
export function selectField(message: unknown, path: FieldPath): unknown {
  let value: unknown = message;
  for (const step of path.steps) {
    if (value === null || value === undefined) return undefined;
    value =
      "index" in step
        ? (value as ArrayLike<unknown>)[step.index]
        : (value as Record<string, unknown>)[step.field];
  }
  return value;
}
