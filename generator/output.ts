/**
 * Writing the output folder atomically, and `--check`. A run builds the complete new folder
 * next to the old one (files that noros-gen did not write are carried over), then swaps the two
 * with renames: a failed or interrupted run leaves the previous output as it was. The hidden
 * folders of a run that was killed (`.<out>.noros-gen-<pid>-<time>`) are cleaned up by the next
 * run, which first puts a swapped-out previous output back if the kill came between the renames.
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  statSync,
} from "node:fs";
import * as path from "node:path";
import { UserError } from "../tools/errors.js";
import { GENERATED_MARK } from "./generate.js";

/** Why the output folder cannot be written, in one line (a file in the way, no permission). */
function outputProblem(out: string, error: unknown): UserError {
  const e = error as NodeJS.ErrnoException;
  const where = e.path !== undefined && e.path !== out ? ` (${e.path})` : "";
  switch (e.code) {
    case "ENOTDIR":
    case "EEXIST":
      return new UserError(`cannot write ${out}: a file is in the way${where}`);
    case "EACCES":
    case "EPERM":
      return new UserError(`cannot write ${out}: permission denied${where}`);
    case "EROFS":
      return new UserError(`cannot write ${out}: read-only file system${where}`);
    case "ENOSPC":
      return new UserError(`cannot write ${out}: no space left on device`);
    default:
      return new UserError(`cannot write ${out}: ${e.message}`);
  }
}

/** True while the process `pid` runs (a kill(0) that is refused still means it exists). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the hidden folders that killed runs left next to `out`. When a run was killed between
 * its two renames, `out` is missing and its previous content is in the `-old-` folder: put back.
 */
function cleanAbandoned(out: string): void {
  const parent = path.dirname(out);
  const prefix = `.${path.basename(out)}.noros-gen-`;
  const abandoned = readdirSync(parent)
    .filter((name) => name.startsWith(prefix))
    .map((name) => {
      const match = /^(old-)?(\d+)-(\d+)$/.exec(name.slice(prefix.length));
      return match === null
        ? undefined
        : { dir: path.join(parent, name), old: match[1] !== undefined, pid: Number(match[2]) };
    })
    .filter((entry) => entry !== undefined && !isRunning(entry.pid));
  for (const entry of abandoned) {
    if (entry!.old && !existsSync(out)) renameSync(entry!.dir, out);
    else rmSync(entry!.dir, { recursive: true, force: true });
  }
}

function isGenerated(file: string): boolean {
  try {
    return statSync(file).isFile() && readFileSync(file, "utf8").startsWith(GENERATED_MARK);
  } catch {
    return false;
  }
}

/** Writes `files` to `outDir` (see the module comment); a `UserError` when it cannot. */
export function writeOutput(outDir: string, files: ReadonlyMap<string, string>): void {
  const out = path.resolve(outDir);
  try {
    const parent = path.dirname(out);
    if (existsSync(out) && !statSync(out).isDirectory()) {
      throw new UserError(`cannot write ${outDir}: it is a file, not a folder`);
    }
    mkdirSync(parent, { recursive: true });
    cleanAbandoned(out);
    swapIn(out, parent, files);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw outputProblem(outDir, error);
  }
}

function swapIn(out: string, parent: string, files: ReadonlyMap<string, string>): void {
  const stamp = `${process.pid}-${Date.now()}`;
  const next = path.join(parent, `.${path.basename(out)}.noros-gen-${stamp}`);
  const previous = path.join(parent, `.${path.basename(out)}.noros-gen-old-${stamp}`);
  mkdirSync(next);
  try {
    if (existsSync(out)) {
      // Keep what the user put there (anything not written by noros-gen).
      for (const entry of readdirSync(out, { withFileTypes: true })) {
        const from = path.join(out, entry.name);
        if (entry.isDirectory() || !isGenerated(from)) {
          if (entry.isDirectory()) copyTree(from, path.join(next, entry.name));
          else copyFileSync(from, path.join(next, entry.name));
        }
      }
    }
    for (const [name, text] of files) writeFileSync(path.join(next, name), text);
    if (existsSync(out)) renameSync(out, previous);
    renameSync(next, out);
  } catch (error) {
    rmSync(next, { recursive: true, force: true });
    if (!existsSync(out) && existsSync(previous)) renameSync(previous, out);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(a, b);
    else copyFileSync(a, b);
  }
}

/** Files of `outDir` that differ from what would be generated: changed, missing or left over. */
export function staleFiles(outDir: string, files: ReadonlyMap<string, string>): string[] {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UserError(`cannot check ${outDir}: it is a file, not a folder`);
  }
  const stale: string[] = [];
  for (const [name, text] of files) {
    const file = path.join(outDir, name);
    if (!existsSync(file)) stale.push(`${file} (missing)`);
    else if (readFileSync(file, "utf8") !== text) stale.push(`${file} (differs)`);
  }
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir)) {
      const file = path.join(outDir, name);
      if (!files.has(name) && isGenerated(file)) stale.push(`${file} (no longer generated)`);
    }
  }
  return stale;
}
