/**
 * Writing the output folder atomically, and `--check`. A run builds the complete new folder
 * next to the old one (files that noros-gen did not write are carried over), then swaps the two
 * with renames: a failed or interrupted run leaves the previous output as it was.
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
import { GENERATED_MARK } from "./generate.js";

function isGenerated(file: string): boolean {
  try {
    return statSync(file).isFile() && readFileSync(file, "utf8").startsWith(GENERATED_MARK);
  } catch {
    return false;
  }
}

export function writeOutput(outDir: string, files: ReadonlyMap<string, string>): void {
  const out = path.resolve(outDir);
  const parent = path.dirname(out);
  mkdirSync(parent, { recursive: true });
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
