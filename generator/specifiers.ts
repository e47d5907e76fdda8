/**
 * The module specifiers users give noros-gen (`--runtime-import`, `--msgs-import`,
 * `--augment-module`) as the generated imports write them. A relative specifier must name a file
 * with its `.js` extension to resolve under `nodenext` ESM (TS2835 otherwise), and `.js` also
 * works for CommonJS and bundlers, so a relative path without one gets it: `../lib/support`
 * becomes `../lib/support.js`, and a folder (`../lib`, when it exists next to the output)
 * `../lib/index.js`. TypeScript extensions are rejected: TypeScript maps `.js` to the `.ts` source.
 * Package specifiers (`noros/support`) are kept as they are.
 */
import { statSync } from "node:fs";
import * as path from "node:path";

/** A specifier that cannot be emitted; the message names the option and says what to write. */
export class SpecifierError extends Error {}

const JS_EXTENSION = /\.(?:js|mjs|cjs)$/;
const TS_EXTENSION = /\.(?:ts|mts|cts|tsx)$/;

/**
 * `specifier` as generated code imports it. `outDir`, when known, lets a relative specifier
 * naming an existing folder become that folder's `index.js`.
 */
export function importSpecifier(option: string, specifier: string, outDir?: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
    if (specifier === "" || specifier.startsWith("/") || /^[A-Za-z]:[\\/]/.test(specifier)) {
      throw new SpecifierError(
        `--${option} '${specifier}': give a package name (noros/support) or a path relative to the output folder (../lib/support.js)`,
      );
    }
    return specifier;
  }
  if (JS_EXTENSION.test(specifier)) return specifier;
  if (TS_EXTENSION.test(specifier)) {
    throw new SpecifierError(
      `--${option} '${specifier}': write the import as it is compiled, with '.js' (${specifier.replace(TS_EXTENSION, ".js")}); TypeScript resolves it to the .ts file`,
    );
  }
  const trimmed = specifier.replace(/\/+$/, "");
  if (outDir !== undefined && isFolder(path.resolve(outDir, trimmed))) return `${trimmed}/index.js`;
  return `${trimmed}.js`;
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
