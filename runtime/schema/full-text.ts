/**
 * Reads a full definition text as bags and bridges carry it (`gendeps --cat` form: the top-level
 * type's text, then `====...` + `MSG: pkg/Type` blocks) into a `TypeSet`.
 */
import { DefinitionError, type DefinitionProblem } from "./model.js";
import { isValidTypeName, parseMessage } from "./parse.js";
import { printable, quote } from "./quote.js";
import { TypeSet } from "./resolve.js";

/** A separator line: only `=` (genmsg writes 80; be lenient about the count). */
const SEPARATOR_LINE = /^={3,}\s*$/;
const MSG_LINE = /^MSG:\s*(\S+)\s*$/;

export interface FullDefinition {
  types: TypeSet;
  /** The top-level type name, as given. */
  root: string;
}

/**
 * Parses `text` as the full definition of `typeName`. Bare names resolve against the containing
 * package first, the way genpy's dynamic loader does; `roslib/Header` is `std_msgs/Header`.
 */
export function parseFullDefinition(typeName: string, text: string): FullDefinition {
  const label = `<definition of ${printable(typeName)}>`;
  const problems: DefinitionProblem[] = [];
  if (!isValidTypeName(typeName) || !typeName.includes("/")) {
    throw new DefinitionError([
      {
        file: label,
        line: 0,
        message: `${quote(typeName)} is not a type name of the form pkg/Name`,
      },
    ]);
  }
  const types = new TypeSet({ lenientBareNames: true });
  const lines = text.split("\n");
  let blockName = typeName;
  let blockStart = 0;
  const flush = (end: number) => {
    const blockText = lines.slice(blockStart, end).join("\n");
    const name = blockName === "roslib/Header" ? "std_msgs/Header" : blockName;
    if (name === "std_msgs/Header" && types.has(name)) return; // both spellings present
    const { spec, problems: found } = parseMessage(name, blockText, {
      file: label,
      firstLine: blockStart + 1,
    });
    problems.push(...found);
    const duplicate = types.add(spec);
    if (duplicate !== undefined) problems.push(duplicate);
  };
  for (let i = 0; i < lines.length; i++) {
    if (!SEPARATOR_LINE.test(lines[i]!)) continue;
    const msg = MSG_LINE.exec(lines[i + 1] ?? "");
    if (msg === null) continue;
    flush(i);
    blockName = msg[1]!;
    if (!isValidTypeName(blockName) || !blockName.includes("/")) {
      problems.push({
        file: label,
        line: i + 2,
        message: `${quote(blockName)} is not a type name`,
      });
    }
    blockStart = i + 2;
    i++;
  }
  flush(lines.length);
  if (problems.length > 0) throw new DefinitionError(problems);
  return { types, root: typeName };
}
