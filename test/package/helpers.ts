/**
 * The packages as users get them: `scripts/packages.mjs` assembles `noros` and `noros-gen` from
 * the build in dist/ (`npm test` builds first), optionally packing them with `npm pack`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");

/** The repository's version, which both packages carry. */
export const VERSION = (
  JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }
).version;

/** Assembles both packages into `outDir` (`<outDir>/noros`, `<outDir>/noros-gen`). */
export function assemblePackages(outDir: string, pack = false): string {
  if (!existsSync(path.join(REPO, "dist", "runtime", "index.js"))) {
    throw new Error("dist/ is not built: run `npm run build` (npm test does) before these tests");
  }
  return execFileSync(
    process.execPath,
    [path.join(REPO, "scripts", "packages.mjs"), "--out", outDir, ...(pack ? ["--pack"] : [])],
    { encoding: "utf8" },
  );
}
