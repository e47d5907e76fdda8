/**
 * ROS 2 definitions given with `--msgs` (package trees: `<pkg>/msg/*.msg`, `srv/*.srv`,
 * `action/*.action`), for recorded topics whose type the recording lacks or stores as a
 * placeholder. The trees are read the way `noros-gen` reads them (generator/sources.ts finds the
 * files, generator/ros2.ts parses them with rosidl's syntax); types they use but do not define
 * come from the standard ROS 2 set shipped with noros (as for noros-gen). Each type is
 * served with its full text (root, then `MSG:` blocks) and its RIHS01 hash, which is compared
 * with the hash a recording stores.
 */
import { ros2TypeHash } from "../../runtime/schema/ros2-hash.js";
import { ros2Key } from "../../runtime/schema/ros2-parse.js";
import type { DefinitionProblem } from "../../runtime/schema/model.js";
import { loadRos2Types, type Ros2Types } from "../../generator/ros2.js";
import { findDefinitionFiles } from "../../generator/sources.js";
import { addStandardRos2Types } from "../../generator/standard-ros2.js";
import { UserError, errorMessage } from "../errors.js";

/** One type from `--msgs`, ready to serve. */
export interface ProvidedRos2Definition {
  /** Full text in the form rosbag2 and foxglove_bridge write. */
  readonly schema: string;
  /** `RIHS01_<sha256>`, as rosidl computes it. */
  readonly hash: string;
  /** The definition file the type comes from. */
  readonly file: string;
}

/** A type `--msgs` defines but that cannot be served: why. */
export interface BrokenRos2Definition {
  readonly error: string;
  readonly file: string;
}

export interface Ros2DefinitionLookup {
  /** The `--msgs` definition of `schemaName` (`pkg/msg/Type`, `pkg/srv/X_Event`...), if any. */
  find(schemaName: string): ProvidedRos2Definition | BrokenRos2Definition | undefined;
}

function problemText(problem: DefinitionProblem): string {
  return problem.line > 0
    ? `${problem.file}:${problem.line}: ${problem.message}`
    : `${problem.file}: ${problem.message}`;
}

/** The first problem as one line, with how many more there are. */
function oneLine(problems: readonly DefinitionProblem[]): string {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : "";
  return `${problemText(problems[0]!)}${more}`;
}

/**
 * Reads the `--msgs` folders (or files). Bad input (a missing folder, a folder without
 * definitions, a definition that does not parse) is a `UserError` naming the file and line.
 */
export async function loadRos2Msgs(dirs: readonly string[]): Promise<Ros2DefinitionLookup> {
  const { files, problems } = findDefinitionFiles(dirs);
  if (problems.length > 0) throw new UserError(`--msgs ${oneLine(problems)}`);
  const parseProblems: DefinitionProblem[] = [];
  // Types the trees use but do not define (`std_msgs/Header`...) come from the standard set, so
  // that what the trees define can be resolved and hashed; the trees' own definitions win.
  const loaded = loadRos2Types(files, parseProblems, ({ types, fullNames }) =>
    addStandardRos2Types(types, fullNames),
  );
  if (parseProblems.length > 0) throw new UserError(`--msgs: ${oneLine(parseProblems)}`);
  return new Ros2Msgs(loaded);
}

class Ros2Msgs implements Ros2DefinitionLookup {
  readonly #cache = new Map<string, ProvidedRos2Definition | BrokenRos2Definition>();

  constructor(private readonly loaded: Ros2Types) {}

  find(schemaName: string): ProvidedRos2Definition | BrokenRos2Definition | undefined {
    const key = ros2Key(schemaName);
    if (key === undefined || !this.loaded.own.has(key)) return undefined;
    // `pkg/msg/X` in a recording is not `pkg/srv/X` from a tree.
    if (this.loaded.fullNames.get(key) !== schemaName) return undefined;
    let found = this.#cache.get(key);
    if (found === undefined) {
      found = this.#build(key);
      this.#cache.set(key, found);
    }
    return found;
  }

  #build(key: string): ProvidedRos2Definition | BrokenRos2Definition {
    const { types, fullNames } = this.loaded;
    const file = this.loaded.files.get(key)!;
    try {
      const resolved = types.resolve(key);
      const hash = ros2TypeHash(types, key, (k) => fullNames.get(k) ?? k.replace("/", "/msg/"));
      return { schema: resolved.definition, hash, file };
    } catch (error) {
      return { error: errorMessage(error).split("\n")[0]!, file };
    }
  }
}
