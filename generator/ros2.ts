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
import { parseRos2Message, ros2Key } from "../runtime/schema/ros2-parse.js";
import {
  type ActionInfo,
  emitIndexModule,
  emitPackageModule,
  emitRegisterModule,
  type ServiceInfo,
} from "./emit-module.js";
import { ModuleNames } from "./naming.js";
import type { LiveSchemas } from "./generate.js";
import { addLiveRos2Schemas } from "./ros2-live.js";
import type { DefinitionFile } from "./sources.js";
import { addStandardRos2Types, standardRos2Types } from "./standard-ros2.js";

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
  /** What made the run ROS 2 when `forced`, for the message. */
  forcedBy = "given with --ros2",
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
          : `a ROS 1 (catkin) package ${forcedBy}: generate ROS 1 and ROS 2 bindings in separate runs`,
    });
  }
  return { ros2: forced || ros2.length > 0, problems };
}

export interface Ros2Context {
  runtimeImport: string;
  augmentModule: string;
  header: string;
  /** A ROS 2 bridge's schemas (`noros-gen --bridge`). */
  live?: LiveSchemas;
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
  /** Topics typed by the live schemas, topic -> `pkg/msg/Type`. */
  topics: Map<string, string>;
  warnings: string[];
}

/** ROS 2 definition files read into one `TypeSet` (what `generateRos2` and `noros play --msgs` use). */
export interface Ros2Types {
  readonly types: TypeSet;
  /** Keys (`pkg/Type`, `pkg/Type_Request`...) of the types the files define. */
  readonly own: ReadonlySet<string>;
  /** rosidl's name of each key: `pkg/msg/Type`, `pkg/srv/Type_Event`... */
  readonly fullNames: ReadonlyMap<string, string>;
  /** Services the files define (a `.srv`, an action's `_SendGoal`/`_GetResult`), keyed `pkg/Name`. */
  readonly serviceKeys: readonly string[];
  /**
   * rosidl's name of each service key (`pkg/srv/Name`). Apart from `fullNames`: test_msgs has
   * both `msg/BasicTypes.msg` and `srv/BasicTypes.srv`, whose keys are the same `pkg/Name`.
   */
  readonly serviceNames: ReadonlyMap<string, string>;
  /** Actions the files define, keyed `pkg/Name`. */
  readonly actionKeys: readonly string[];
  /** The file each own key comes from. */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * Reads `files` with rosidl's syntax: services split into `_Request`/`_Response`/`_Event`,
 * actions into their types; rosidl's own types (Time, ServiceEventInfo...) added when referred to
 * and not given. Problems are appended to `problems`.
 */
export function loadRos2Types(
  files: readonly DefinitionFile[],
  problems: DefinitionProblem[],
  extend?: (loaded: {
    types: TypeSet;
    own: Set<string>;
    fullNames: Map<string, string>;
    serviceKeys: string[];
  }) => void,
): Ros2Types {
  const types = new TypeSet({ ros2: true });
  const own = new Set<string>();
  const fullNames = new Map<string, string>();
  const fileOf = new Map<string, string>();
  const serviceKeys: string[] = [];
  const serviceNames = new Map<string, string>();
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
    fileOf.set(key, file);
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
      serviceNames.set(k, `${def.package}/${def.kind}/${k.slice(k.indexOf("/") + 1)}`);
    }
  }
  // More types before rosidl's own are filled in (the bridge's schemas of `noros-gen --bridge`).
  extend?.({ types, own, fullNames, serviceKeys });
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

  return { types, own, fullNames, serviceKeys, serviceNames, actionKeys, files: fileOf };
}

/** Generates the ROS 2 modules of `files`; throws one `DefinitionError` with every problem. */
export function generateRos2(
  files: readonly DefinitionFile[],
  context: Ros2Context,
  problems: DefinitionProblem[],
): Ros2Generated {
  const topics = new Map<string, string>();
  const warnings: string[] = [];
  const packageOf = (type: string) => type.slice(0, type.indexOf("/"));
  /** Standard types the output imports, by package. */
  const standardPackages = new Map<string, string[]>();
  const external = new Set<string>();
  const loaded = loadRos2Types(files, problems, (state) => {
    const { types, own, fullNames } = state;
    // Standard types fill in the packages the inputs do not define (a package of the inputs is
    // theirs as a whole: its modules are generated here, so no standard type may join it).
    if (context.msgsImport !== null) {
      const ownPackages = new Set([...own].map(packageOf));
      for (const key of addStandardRos2Types(types, fullNames, ownPackages)) {
        const pkg = packageOf(key);
        external.add(key);
        standardPackages.set(pkg, [...(standardPackages.get(pkg) ?? []), key]);
      }
    }
    // Then a bridge's types fill in the rest (known ones are checked against it).
    if (context.live !== undefined) {
      addLiveRos2Schemas(context.live, { ...state, topics, warnings, problems });
    }
  });
  const { types, own } = loaded;
  const serviceKeys = [...loaded.serviceKeys];
  const actionKeys = [...loaded.actionKeys];
  // Types and services are named apart: a message and a service of the same name in one package
  // share their key `pkg/X` (test_msgs: msg/BasicTypes and srv/BasicTypes).
  const { fullNames, serviceNames } = loaded;
  // A bridge's services are named in `fullNames` (no type of theirs shares the key).
  const serviceName = (key: string) =>
    serviceNames.get(key) ?? fullNames.get(key) ?? key.replace("/", "/srv/");
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
  const packages = [...new Set([...own].map(packageOf))].sort();
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
    rosName: serviceName(key),
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
        serviceName(s.fullName),
        `${packageOf(s.fullName)}.${namesOf(packageOf(s.fullName)).service(s.fullName)}`,
      ]),
      topics,
      augmentModule: context.augmentModule,
      // The type-map augmentation of a standard package must be part of the program for topics
      // of its types: the index imports those package modules.
      importMsgs:
        context.msgsImport === null
          ? []
          : [
              ...new Set(
                [...topics.values()]
                  .map((t) => ros2Key(t) ?? t)
                  .filter((key) => external.has(key))
                  .map((key) => context.msgsImport!(packageOf(key))),
              ),
            ].sort(),
    }),
  );
  out.set("register.ts", emitRegisterModule(context.header, context.runtimeImport));
  return {
    files: out,
    types: own.size,
    services: services.length,
    packages,
    topics,
    warnings,
  };
}
