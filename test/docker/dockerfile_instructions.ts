/**
 * Just enough Dockerfile reading for the tests' cross-checks (which files the image copies where,
 * its ENV defaults): instructions with continuation lines joined and comments dropped. Syntax
 * itself is checked by dockerfile-utils' validator.
 */
import { readFileSync } from "node:fs";

export interface Instruction {
  keyword: string; // upper case
  args: string;
  line: number; // 1-based line of the keyword
}

export function readInstructions(file: string): Instruction[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const out: Instruction[] = [];
  let current: Instruction | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (current === undefined) {
      if (trimmed === "" || trimmed.startsWith("#")) return;
      const match = /^(\S+)\s*(.*)$/.exec(trimmed);
      if (match === null) return;
      current = { keyword: (match[1] ?? "").toUpperCase(), args: match[2] ?? "", line: index + 1 };
    } else if (!trimmed.startsWith("#")) {
      current.args += " " + trimmed;
    }
    if (current.args.endsWith("\\")) {
      current.args = current.args.slice(0, -1).trimEnd();
      return;
    }
    current.args = current.args.trim();
    out.push(current);
    current = undefined;
  });
  if (current !== undefined) out.push(current);
  return out;
}

/** The instructions of the last stage (after the last FROM). */
export function finalStage(instructions: Instruction[]): Instruction[] {
  const from = instructions.map((i) => i.keyword).lastIndexOf("FROM");
  return instructions.slice(from);
}

/** ENV values of a stage (`ENV A=1 B=2` form). */
export function envOf(stage: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of stage.filter((i) => i.keyword === "ENV")) {
    for (const match of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      env.set(match[1] as string, (match[2] as string).replace(/^"|"$/g, ""));
    }
  }
  return env;
}

export interface Copy {
  flags: string[];
  sources: string[];
  destination: string;
}

export function copiesOf(stage: Instruction[]): Copy[] {
  return stage
    .filter((i) => i.keyword === "COPY")
    .map((i) => {
      const words = i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith("--"));
      const paths = words.filter((w) => !w.startsWith("--"));
      return { flags, sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? "" };
    });
}

/** The JSON array of an exec-form instruction (ENTRYPOINT, CMD, HEALTHCHECK ... CMD). */
export function execForm(args: string): string[] | undefined {
  const at = args.indexOf("[");
  if (at < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(args.slice(at));
    return Array.isArray(parsed) && parsed.every((x) => typeof x === "string")
      ? (parsed as string[])
      : undefined;
  } catch {
    return undefined;
  }
}
