/**
 * `noros-gen` over ROS 2 package trees: packages are ROS 2 when their package.xml uses rosidl
 * (`rosidl_default_generators`, `member_of_group rosidl_interface_packages`) or when `--ros2` is
 * given; mixing them with ROS 1 (catkin) packages in one run is an error. Definitions are parsed
 * with rosidl's syntax; services give `_Request`/`_Response`/`_Event`, actions their Goal, Result,
 * Feedback, `_SendGoal`/`_GetResult` services and `_FeedbackMessage`; the modules carry CDR
 * codecs with their `RIHS01_` type hashes, keyed `pkg/msg/Type` in `MessageTypeMap`.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Layouts } from "../runtime/codec/emit/layout.js";
import type { DefinitionProblem } from "../runtime/schema/model.js";
import { isValidBaseName } from "../runtime/schema/parse.js";
import { quote } from "../runtime/schema/quote.js";
import { TypeSet } from "../runtime/schema/resolve.js";
import { IMPLIED, interfaceParts } from "../runtime/schema/ros2-full-text.js";
import { ros2InterfaceHash, ros2TypeHash } from "../runtime/schema/ros2-hash.js";
import { parseRos2Message } from "../runtime/schema/ros2-parse.js";
import {
  type ActionInfo,
  emitIndexModule,
  emitPackageModule,
  emitRegisterModule,
  type ServiceInfo,
} from "./emit-module.js";
import { ModuleNames } from "./naming.js";
import type { DefinitionFile } from "./sources.js";
import { standardRos2Types } from "./standard-ros2.js";

type Version = "ros1" | "ros2" | "unknown";

/** What a package's package.xml says it is. */
function packageVersion(packageDir: string): { version: Version; manifest?: string } {
  const manifest = path.join(packageDir, "package.xml");
  if (!existsSync(manifest)) return { version: "unknown" };
  const xml = readFileSync(manifest, "utf8");
  if (/rosidl_default_generators|rosidl_interface_packages|<buildtool_depend>\s*ament_/.test(xml)) {
    return { version: "ros2", manifest };
  }
  if (/<buildtool_depend>\s*catkin\s*<|message_generation/.test(xml)) {
    return { version: "ros1", manifest };
  }
  return { version: "unknown", manifest };
}

/**
 * Whether the run is ROS 2: a package.xml using rosidl, or `--ros2`. A ROS 1 package next to a
 * ROS 2 one (or under `--ros2`) is a problem naming both.
 */
export function detectRos2(
  files: readonly DefinitionFile[],
  forced: boolean,
): { ros2: boolean; problems: DefinitionProblem[] } {
  const byPackage = new Map<string, { version: Version; manifest?: string }>();
  for (const f of files) {
    const dir = path.dirname(path.dirname(f.file));
    if (!byPackage.has(dir)) byPackage.set(dir, packageVersion(dir));
  }
  const ros2 = [...byPackage].filter(([, v]) => v.version === "ros2");
  const ros1 = [...byPackage].filter(([, v]) => v.version === "ros1");
  const problems: DefinitionProblem[] = [];
  if (ros1.length > 0 && (ros2.length > 0 || forced)) {
    const [dir, v] = ros1[0]!;
    problems.push({
      file: v.manifest ?? dir,
      line: 0,
      message:
        ros2.length > 0
          ? `a ROS 1 (catkin) package mixed with ROS 2 packages (${ros2[0]![1].manifest ?? ros2[0]![0]} uses rosidl): generate ROS 1 and ROS 2 bindings in separate runs`
          : "a ROS 1 (catkin) package given with --ros2: generate ROS 1 and ROS 2 bindings in separate runs",
    });
  }
  return { ros2: forced || ros2.length > 0, problems };
}

export interface Ros2Context {
  runtimeImport: string;
  augmentModule: string;
  header: string;
  /**
   * The module a standard package is imported from (`noros/ros2/msgs/geometry_msgs`); `null`
   * when the inputs are the standard set itself (how the committed `generated-ros2/` is made).
   */
  msgsImport: ((pkg: string) => string) | null;
}

export interface Ros2Generated {
  files: Map<string, string>;
  types: number;
  services: number;
  packages: string[];
}

/** Generates the ROS 2 modules of `files`; throws one `DefinitionError` with every problem. */
export function generateRos2(
  files: readonly DefinitionFile[],
  context: Ros2Context,
  problems: DefinitionProblem[],
): Ros2Generated {
  const types = new TypeSet({ ros2: true });
  const own = new Set<string>();
  const fullNames = new Map<string, string>();
  const serviceKeys: string[] = [];
  const actionKeys: string[] = [];
  const add = (key: string, text: string, file: string, firstLine: number, kind: string) => {
    const { spec, problems: found } = parseRos2Message(key, text, { file, firstLine });
    problems.push(...found);
    const duplicate = types.add(spec);
    if (duplicate !== undefined) {
      problems.push(duplicate);
      return;
    }
    own.add(key);
    const slash = key.indexOf("/");
    fullNames.set(key, `${key.slice(0, slash)}/${kind}/${key.slice(slash + 1)}`);
  };
  for (const def of files) {
    for (const [what, name] of [
      ["package", def.package],
      ["type", def.name],
    ] as const) {
      if (!isValidBaseName(name)) {
        problems.push({
          file: def.file,
          line: 0,
          message: `${quote(name)} is not a legal ${what} name`,
        });
      }
    }
    if (!isValidBaseName(def.package) || !isValidBaseName(def.name)) continue;
    const text = readFileSync(def.file, "utf8");
    const key = `${def.package}/${def.name}`;
    if (def.kind === "msg") {
      add(key, text, def.file, 1, "msg");
      continue;
    }
    const cuts = text.split("\n").filter((l) => /^---\s*$/.test(l)).length;
    const wanted = def.kind === "srv" ? 1 : 2;
    if (cuts !== wanted) {
      problems.push({
        file: def.file,
        line: 1,
        message:
          def.kind === "srv"
            ? `a service has one '---' line between request and response, found ${cuts}`
            : `an action needs three sections (goal, result, feedback) separated by '---', found ${cuts + 1}`,
      });
      continue;
    }
    for (const part of interfaceParts(key, text, 1)!) {
      add(part.name, part.text, def.file, part.firstLine, def.kind);
    }
    if (def.kind === "action") actionKeys.push(key);
    const keys = def.kind === "srv" ? [key] : [`${key}_SendGoal`, `${key}_GetResult`];
    for (const k of keys) {
      serviceKeys.push(k);
      fullNames.set(k, `${def.package}/${def.kind}/${k.slice(k.indexOf("/") + 1)}`);
    }
  }
  // Standard types fill in the packages the inputs do not define (a package of the inputs is
  // theirs as a whole: its modules are generated here, so no standard type may join it).
  const packageOf = (type: string) => type.slice(0, type.indexOf("/"));
  const ownPackages = new Set([...own].map(packageOf));
  const external = new Set<string>();
  const standardPackages = new Map<string, string[]>();
  if (context.msgsImport !== null) {
    for (const { spec, fullName } of standardRos2Types()) {
      const pkg = packageOf(spec.fullName);
      if (ownPackages.has(pkg)) continue;
      types.add(spec);
      external.add(spec.fullName);
      fullNames.set(spec.fullName, fullName);
      standardPackages.set(pkg, [...(standardPackages.get(pkg) ?? []), spec.fullName]);
    }
  }
  // rosidl's own types, when the inputs refer to them without defining them.
  for (let added = true; added;) {
    added = false;
    for (const name of types.names()) {
      const spec = types.spec(name)!;
      for (const field of spec.fields) {
        const implied = IMPLIED[field.baseType];
        if (implied === undefined || types.has(field.baseType)) continue;
        add(field.baseType, implied, `<rosidl's ${field.baseType}>`, 1, "msg");
        added = true;
      }
    }
  }

  const resolved = types.resolveAll([...own].sort(), problems);
  // Everything the emitted code touches, standard types included (for sizes and flattening).
  const all = new Map(resolved);
  for (const name of own) {
    for (const dep of types.dependencies(name)) {
      if (!all.has(dep)) all.set(dep, types.resolve(dep));
    }
  }
  const layouts = new Layouts(all);

  const fullName = (key: string) => fullNames.get(key) ?? key.replace("/", "/msg/");
  const hashes = new Map<string, string>();
  const typeHash = (key: string) => {
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = ros2TypeHash(types, key, fullName);
      hashes.set(key, hash);
    }
    return hash;
  };
  const packages = [...ownPackages].sort();
  // A standard package's identifiers are allocated as its own generation did (all its types in
  // sorted order, the standard packages as aliases), so that they name what its module exports.
  const standardAliases =
    context.msgsImport === null
      ? []
      : [...new Set(standardRos2Types().map((t) => packageOf(t.spec.fullName)))].sort();
  const names = new Map<string, ModuleNames>();
  const namesOf = (pkg: string) => {
    let n = names.get(pkg);
    if (n === undefined) {
      n = new ModuleNames(
        standardPackages.has(pkg) ? standardAliases : [...packages, ...standardAliases],
      );
      names.set(pkg, n);
    }
    return n;
  };
  for (const name of [...own].sort()) namesOf(packageOf(name)).type(name);
  for (const [pkg, keys] of standardPackages) {
    for (const key of [...keys].sort()) namesOf(pkg).type(key);
  }
  const services: ServiceInfo[] = serviceKeys.sort().map((key) => ({
    fullName: key,
    request: `${key}_Request`,
    response: `${key}_Response`,
    md5sum: "",
    typeHash: ros2InterfaceHash(types, key, "srv", fullName),
  }));
  const actions: ActionInfo[] = actionKeys.sort().map((key) => ({
    fullName: key,
    typeHash: ros2InterfaceHash(types, key, "action", fullName),
  }));
  const out = new Map<string, string>();
  for (const pkg of packages) {
    out.set(
      `${pkg}.ts`,
      emitPackageModule({
        package: pkg,
        types: [...own]
          .filter((t) => packageOf(t) === pkg)
          .sort()
          .map((t) => resolved.get(t)!),
        services: services.filter((s) => packageOf(s.fullName) === pkg),
        actions: actions.filter((a) => packageOf(a.fullName) === pkg),
        layouts,
        names: namesOf,
        importOf: (p) => ({
          specifier:
            context.msgsImport !== null && standardPackages.has(p)
              ? context.msgsImport(p)
              : `./${p}.js`,
          namespace: true,
        }),
        runtimeImport: context.runtimeImport,
        augmentModule: context.augmentModule,
        header: context.header,
        ros2: { fullName, typeHash },
      }),
    );
  }
  out.set(
    "index.ts",
    emitIndexModule(packages, context.header, {
      codecs: [...own]
        .sort()
        .map((t) => [fullName(t), `${packageOf(t)}.${namesOf(packageOf(t)).type(t).codec}`]),
      services: services.map((s) => [
        fullName(s.fullName),
        `${packageOf(s.fullName)}.${namesOf(packageOf(s.fullName)).service(s.fullName)}`,
      ]),
      topics: new Map(),
      augmentModule: context.augmentModule,
      importMsgs: undefined,
    }),
  );
  out.set("register.ts", emitRegisterModule(context.header, context.runtimeImport));
  return { files: out, types: own.size, services: services.length, packages };
}
