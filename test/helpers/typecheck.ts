/**
 * Type-checks generated files the way users' projects compile them: with the strictest flags
 * users turn on (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, noUnusedLocals,
 * noUnusedParameters), once per kind of project:
 *
 * - `esm`: package.json `"type": "module"`, module/moduleResolution `nodenext`;
 * - `cjs`: the same without `"type": "module"` (files are CommonJS);
 * - `bundler`: module `esnext`, moduleResolution `bundler` (Vite, esbuild, webpack).
 *
 * The files are copied (with their relative layout) into a fresh temporary project whose
 * package.json sets the module kind, made next to their folder so that relative imports reaching
 * out of it (`--runtime-import ../../runtime/codec/support`) resolve as they do from the
 * original; `noros`, `noros/support`, `noros/msgs` and `noros/ros2/msgs/<pkg>` resolve to the
 * sources in this repository, so the check needs no build.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Project, ts } from "ts-morph";

const root = path.resolve(__dirname, "..", "..");

export type ProjectKind = "esm" | "cjs" | "bundler";
export const PROJECT_KINDS: readonly ProjectKind[] = ["esm", "cjs", "bundler"];

const STRICT: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  paths: {
    "noros/support": [path.join(root, "runtime/codec/support.ts")],
    "noros/msgs": [path.join(root, "generated/index.ts")],
    "noros/ros2/msgs": [path.join(root, "generated-ros2/index.ts")],
    "noros/ros2/msgs/*": [path.join(root, "generated-ros2/*.ts")],
    noros: [path.join(root, "runtime/index.ts")],
  },
};

const KIND_OPTIONS: Readonly<Record<ProjectKind, ts.CompilerOptions>> = {
  esm: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  cjs: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
};

/**
 * Diagnostics (`[kind] file:line: message`, files relative to their common folder) of `files`
 * in each kind of project; empty when they compile everywhere.
 */
export function typecheck(
  files: readonly string[],
  kinds: readonly ProjectKind[] = PROJECT_KINDS,
): string[] {
  if (files.length === 0) throw new Error("typecheck: no files");
  const base = commonFolder(files);
  const out: string[] = [];
  for (const kind of kinds) {
    const dir = mkdtempSync(path.join(path.dirname(base), `.typecheck-${kind}-`));
    try {
      const pkg: Record<string, string> = { name: `typecheck-${kind}`, private: "true" };
      if (kind === "esm") pkg.type = "module";
      writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
      const copies = files.map((f) => {
        const to = path.join(dir, path.relative(base, f));
        cpSync(f, to);
        return to;
      });
      const project = new Project({ compilerOptions: { ...STRICT, ...KIND_OPTIONS[kind] } });
      project.addSourceFilesAtPaths(copies);
      for (const d of project.getPreEmitDiagnostics()) {
        const file = d.getSourceFile()?.getFilePath() ?? "";
        const where = file.startsWith(dir) ? path.relative(dir, file) : path.relative(root, file);
        const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n");
        out.push(`[${kind}] ${where}:${d.getLineNumber() ?? 0}: ${message}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

function commonFolder(files: readonly string[]): string {
  let base = path.dirname(path.resolve(files[0]!));
  for (const f of files) {
    while (!path.resolve(f).startsWith(base + path.sep)) base = path.dirname(base);
  }
  return base;
}
