/**
 * Type-checks generated files with the strictest flags users turn on (strict,
 * noUncheckedIndexedAccess, exactOptionalPropertyTypes), resolving `noros/support` and
 * `noros/msgs` to the sources in this repository.
 */
import * as path from "node:path";
import { Project, ts } from "ts-morph";

const root = path.resolve(__dirname, "..", "..");

export function typecheck(files: readonly string[]): string[] {
  const project = new Project({
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      paths: {
        "noros/support": [path.join(root, "runtime/codec/support.ts")],
        "noros/msgs": [path.join(root, "generated/index.ts")],
        noros: [path.join(root, "runtime/index.ts")],
      },
    },
  });
  project.addSourceFilesAtPaths([...files]);
  return project.getPreEmitDiagnostics().map((d) => {
    const file = d.getSourceFile()?.getFilePath() ?? "";
    const line = d.getLineNumber() ?? 0;
    return `${path.relative(root, file)}:${line}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, "\n")}`;
  });
}
