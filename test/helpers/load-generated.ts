/**
 * Runs generated modules as a user's program would: each TypeScript file transpiled to CommonJS,
 * `noros/support` bound to the runtime's sources, `noros/ros2/msgs/<pkg>` to the standard ROS 2
 * package modules, `./pkg.js` to the other generated files.
 */
import { ts } from "ts-morph";
import * as ros2Msgs from "../../generated-ros2/index.js";
import * as support from "../../runtime/codec/support.js";
import type { Codec } from "../../runtime/codec/types.js";

/** The `codecs` map of the output's index.ts (`files`: file name -> contents). */
export function loadGeneratedCodecs(
  files: ReadonlyMap<string, string>,
): Record<string, Codec<unknown>> {
  return loadGeneratedModule(files, "index.ts").codecs as Record<string, Codec<unknown>>;
}

/** The exports of one module of the output (`file`: `sensor_msgs.ts`, `index.ts`...). */
export function loadGeneratedModule(
  files: ReadonlyMap<string, string>,
  file: string,
): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const load = (file: string): Record<string, unknown> => {
    const known = cache.get(file);
    if (known !== undefined) return known;
    const exports: Record<string, unknown> = {};
    cache.set(file, exports);
    const source = files.get(file);
    if (source === undefined) throw new Error(`no generated file ${file}`);
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const require = (specifier: string) => {
      if (specifier === "noros/support") return support;
      const standard = /^noros\/ros2\/msgs\/(\w+)$/.exec(specifier);
      if (standard !== null) {
        const pkg = (ros2Msgs as Record<string, unknown>)[standard[1]!];
        if (pkg === undefined) throw new Error(`no standard ROS 2 package ${specifier}`);
        return pkg;
      }
      return load(specifier.replace(/^\.\//, "").replace(/\.js$/, ".ts"));
    };
    new Function("exports", "require", js)(exports, require);
    return exports;
  };
  return load(file);
}
