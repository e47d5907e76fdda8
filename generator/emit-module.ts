/**
 * Prints one package module (interfaces, constants, codecs, maps, type-map augmentation) and the
 * index module, with ts-morph: statements are handed over in batches as structures and writer
 * text, which keeps generation fast as the output grows.
 */
import {
  type CodeBlockWriter,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  Project,
  type PropertySignatureStructure,
  type StatementStructures,
  StructureKind,
  VariableDeclarationKind,
  ModuleDeclarationKind,
  IndentationText,
} from "ts-morph";
import type { ConstantValue, ResolvedField, ResolvedType } from "../runtime/schema/model.js";
import { emitCodecFunctions, ARRAY_TS_TYPE } from "../runtime/codec/emit/emit-codec.js";
import type { Layouts } from "../runtime/codec/emit/layout.js";
import type { ModuleNames } from "./naming.js";
import { docsOf, type DefinitionDocs } from "./comments.js";

export interface ServiceInfo {
  fullName: string;
  md5sum: string;
  request: string;
  response: string;
  /** ROS 2: the service's `RIHS01_` hash (of its request, response and event together). */
  typeHash?: string;
  /**
   * ROS 2: rosidl's name of the service (`pkg/srv/X`, `pkg/action/X_SendGoal`). Its key
   * (`fullName`, `pkg/X`) may also be a message's: test_msgs has `msg/BasicTypes` and
   * `srv/BasicTypes`.
   */
  rosName?: string;
}

/** A ROS 2 action (`pkg/X` key) and its `RIHS01_` hash. */
export interface ActionInfo {
  fullName: string;
  typeHash: string;
}

export interface ModuleInput {
  package: string;
  /** Types of this package, in output order. */
  types: ResolvedType[];
  services: ServiceInfo[];
  /** ROS 2: the package's actions (their types and services are among `types`, `services`). */
  actions?: ActionInfo[];
  layouts: Layouts;
  /** Identifiers of every module, this one included, by package. */
  names: (pkg: string) => ModuleNames;
  /** Where another package's module is imported from (`./geometry_msgs` or `noros/msgs`). */
  importOf: (pkg: string) => { specifier: string; namespace: boolean };
  /** The runtime support module (`noros/support`), also the target of the type-map augmentation. */
  runtimeImport: string;
  /** The module declaring `MessageTypeMap`/`ServiceTypeMap`, which the module augments. */
  augmentModule: string;
  header: string;
  /** ROS 2 packages: CDR codecs, `pkg/msg/Type` names, type hashes instead of md5s. */
  ros2?: Ros2Names;
}

export interface Ros2Names {
  /** rosidl's name (`pkg/msg/Type`, `pkg/srv/X_Request`) of an internal `pkg/Type` key. */
  fullName(key: string): string;
  typeHash(key: string): string;
}

const SCALAR_TS: Readonly<Record<string, string>> = {
  bool: "boolean",
  int64: "bigint",
  uint64: "bigint",
  string: "string",
  wstring: "string",
  time: "$rt.Time",
  duration: "$rt.Duration",
};

const project = new Project({
  useInMemoryFileSystem: true,
  manipulationSettings: { indentationText: IndentationText.TwoSpaces },
});

export function emitPackageModule(input: ModuleInput): string {
  const { package: pkg, types, services, ros2 } = input;
  /** The type's name in strings and maps: `pkg/Type` (ROS 1), `pkg/msg/Type` (ROS 2). */
  const datatype = (key: string) => (ros2 === undefined ? key : ros2.fullName(key));
  const own = input.names(pkg);
  const packageOf = (type: string) => type.slice(0, type.indexOf("/"));
  const ref = (type: string, kind: "name" | "decode" | "size" | "write") => {
    const p = packageOf(type);
    const id = input.names(p).type(type)[kind];
    return p === pkg ? id : `${p}.${id}`;
  };

  const imported = new Set<string>();
  for (const t of types) {
    for (const f of t.fields)
      if (!f.isBuiltin && packageOf(f.type) !== pkg) imported.add(packageOf(f.type));
  }

  const statements: (string | StatementStructures)[] = [];
  statements.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: input.runtimeImport,
    namespaceImport: "$rt",
  });
  // Packages of this output: one namespace import each; others: named imports of one module.
  const named = new Map<string, string[]>();
  for (const p of [...imported].sort()) {
    const from = input.importOf(p);
    if (from.namespace) {
      statements.push({
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: from.specifier,
        namespaceImport: p,
      });
    } else named.set(from.specifier, [...(named.get(from.specifier) ?? []), p]);
  }
  for (const [specifier, packages] of named) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: specifier,
      namedImports: packages,
    });
  }

  for (const t of types) {
    const ids = own.type(t.spec.fullName);
    const docs = docsOf(t.spec);
    statements.push(
      interfaceOf(
        t,
        docs,
        ids.name,
        (type) => ref(type, "name"),
        ros2 === undefined
          ? undefined
          : { name: ros2.fullName(t.spec.fullName), hash: ros2.typeHash(t.spec.fullName) },
      ),
    );
    if (t.spec.constants.length > 0) {
      statements.push({
        kind: StructureKind.VariableStatement,
        docs: [`Constants of ${t.spec.fullName}.`],
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        declarations: [
          {
            name: ids.name,
            initializer: (w) => {
              w.write("{").newLine();
              w.indent(() => {
                for (const c of t.spec.constants) {
                  const doc = docs.members.get(c.name);
                  if (doc !== undefined) writeDoc(w, doc);
                  w.writeLine(`${c.name}: ${literal(c.value)},`);
                }
              });
              w.write("} as const");
            },
          },
        ],
      });
    }
  }

  for (const t of types) {
    statements.push(
      emitCodecFunctions(
        t.spec.fullName,
        input.layouts,
        {
          fn: (kind, type) => ref(type, kind),
          typeName: (type) => ref(type, "name"),
          isTaken: (id) => own.isTaken(id),
        },
        ros2 === undefined
          ? { typescript: true, runtime: "$rt", exported: true }
          : { typescript: true, runtime: "$rt", exported: true, wire: "cdr" },
      ),
    );
  }

  for (const t of types) {
    const ids = own.type(t.spec.fullName);
    statements.push({
      kind: StructureKind.VariableStatement,
      docs: [`Codec of ${t.spec.fullName}.`],
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: ids.codec,
          type: `$rt.Codec<${ids.name}>`,
          initializer: (w) => {
            // Pure: a bundler drops the codecs an app never references.
            w.write(`/* @__PURE__ */ $rt.defineCodec<${ids.name}>({`).newLine();
            w.indent(() => {
              w.writeLine(`datatype: ${JSON.stringify(datatype(t.spec.fullName))},`);
              if (ros2 === undefined) w.writeLine(`md5sum: ${JSON.stringify(t.md5sum)},`);
              else {
                w.writeLine(`md5sum: "",`);
                w.writeLine(`encoding: "cdr",`);
                w.writeLine(`typeHash: ${JSON.stringify(ros2.typeHash(t.spec.fullName))},`);
              }
              w.writeLine(`definition: ${JSON.stringify(t.definition)},`);
              w.writeLine(`decode: ${ids.decode},`);
              w.writeLine(`size: ${ids.size},`);
              w.writeLine(`write: ${ids.write},`);
            });
            w.write("})");
          },
        },
      ],
    });
  }

  statements.push({
    kind: StructureKind.VariableStatement,
    docs: [`Codecs of package ${pkg}, by type name.`],
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: "codecs",
        initializer: (w) => {
          w.write("{").newLine();
          w.indent(() => {
            for (const t of types) {
              w.writeLine(
                `${JSON.stringify(datatype(t.spec.fullName))}: ${own.type(t.spec.fullName).codec},`,
              );
            }
          });
          w.write("} as const");
        },
      },
    ],
  });

  for (const s of services) {
    const req = own.type(s.request);
    const res = own.type(s.response);
    statements.push({
      kind: StructureKind.VariableStatement,
      docs: [
        ros2 === undefined
          ? `Service ${s.fullName}: its md5 and the codecs of its request and response.`
          : `Service ${s.rosName ?? ros2.fullName(s.fullName)}: its type hash and the codecs of its request, response and event.`,
      ],
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: own.service(s.fullName),
          initializer:
            ros2 === undefined
              ? `{ datatype: ${JSON.stringify(s.fullName)}, md5sum: ${JSON.stringify(s.md5sum)}, request: ${req.codec}, response: ${res.codec} } as const`
              : `{ datatype: ${JSON.stringify(s.rosName ?? ros2.fullName(s.fullName))}, typeHash: ${JSON.stringify(s.typeHash)}, request: ${req.codec}, response: ${res.codec}, event: ${own.type(`${s.fullName}_Event`).codec} } as const`,
        },
      ],
    });
  }
  for (const a of input.actions ?? []) {
    const codec = (suffix: string) => own.type(`${a.fullName}${suffix}`).codec;
    const name = a.fullName.slice(a.fullName.indexOf("/") + 1);
    statements.push({
      kind: StructureKind.VariableStatement,
      docs: [
        `Action ${pkg}/action/${name}: its type hash, the codecs of its goal, result, feedback and feedback message, and its two services.`,
      ],
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: own.action(a.fullName),
          initializer: `{ datatype: ${JSON.stringify(`${pkg}/action/${name}`)}, typeHash: ${JSON.stringify(a.typeHash)}, goal: ${codec("_Goal")}, result: ${codec("_Result")}, feedback: ${codec("_Feedback")}, feedbackMessage: ${codec("_FeedbackMessage")}, sendGoal: ${own.service(`${a.fullName}_SendGoal`)}, getResult: ${own.service(`${a.fullName}_GetResult`)} } as const`,
        },
      ],
    });
  }
  statements.push({
    kind: StructureKind.VariableStatement,
    docs: [`Services of package ${pkg}, by service type name.`],
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [
      {
        name: "services",
        initializer: (w) => {
          w.write("{").newLine();
          w.indent(() => {
            for (const s of services)
              w.writeLine(
                `${JSON.stringify(s.rosName ?? datatype(s.fullName))}: ${own.service(s.fullName)},`,
              );
          });
          w.write("} as const");
        },
      },
    ],
  });

  // One augmentation, so that type names type the client's subscribe/publish/callService.
  statements.push({
    kind: StructureKind.Module,
    name: JSON.stringify(input.augmentModule),
    hasDeclareKeyword: true,
    declarationKind: ModuleDeclarationKind.Module,
    statements: [
      {
        kind: StructureKind.Interface,
        name: "MessageTypeMap",
        properties: types.map((t) => ({
          name: JSON.stringify(datatype(t.spec.fullName)),
          type: own.type(t.spec.fullName).name,
        })),
      },
      {
        kind: StructureKind.Interface,
        name: "ServiceTypeMap",
        properties: services.map((s) => ({
          name: JSON.stringify(s.rosName ?? datatype(s.fullName)),
          type: `{ request: ${own.type(s.request).name}; response: ${own.type(s.response).name} }`,
        })),
      },
    ],
  });

  const file = project.createSourceFile(`${pkg}.ts`, { statements }, { overwrite: true });
  const text = input.header + file.getFullText();
  project.removeSourceFile(file);
  return text;
}

export interface IndexOptions {
  /** Type name -> the expression naming its codec (`sensor_msgs.ImuCodec`). */
  codecs: readonly (readonly [string, string])[];
  /** Service type name -> the expression naming its descriptor. */
  services: readonly (readonly [string, string])[];
  /** Topic -> type name, from a bridge's advertisements (`noros-gen --bridge`). */
  topics: ReadonlyMap<string, string>;
  augmentModule: string;
  /** Standard modules to import too (their type-map augmentation, for topics of their types). */
  importMsgs: readonly string[];
}

/**
 * The index module: every package as a namespace, merged `codecs` and `services`, and, for
 * live schemas, the topics with their types (`TopicTypeMap`, so a topic name alone types
 * `client.subscribe`).
 */
export function emitIndexModule(
  packages: readonly string[],
  header: string,
  options: IndexOptions,
): string {
  const statements: (string | StatementStructures)[] = [];
  for (const moduleSpecifier of options.importMsgs) {
    statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier });
  }
  for (const p of packages) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `./${p}.js`,
      namespaceImport: p,
    });
  }
  statements.push({ kind: StructureKind.ExportDeclaration, namedExports: [...packages] });
  for (const map of ["codecs", "services"] as const) {
    statements.push({
      kind: StructureKind.VariableStatement,
      docs: [
        map === "codecs" ? "Every codec, by type name." : "Every service, by service type name.",
      ],
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: map,
          initializer: (w) => {
            w.write("{").newLine();
            w.indent(() => {
              for (const [name, value] of options[map]) {
                w.writeLine(`${JSON.stringify(name)}: ${value},`);
              }
            });
            w.write("} as const");
          },
        },
      ],
    });
  }
  if (options.topics.size > 0) {
    statements.push({
      kind: StructureKind.VariableStatement,
      docs: [
        "The topics the bridge advertised when these bindings were generated, with their types.",
      ],
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [
        {
          name: "topics",
          initializer: (w) => {
            w.write("{").newLine();
            w.indent(() => {
              for (const [topic, type] of options.topics) {
                w.writeLine(`${JSON.stringify(topic)}: ${JSON.stringify(type)},`);
              }
            });
            w.write("} as const");
          },
        },
      ],
    });
    statements.push({
      kind: StructureKind.Module,
      name: JSON.stringify(options.augmentModule),
      hasDeclareKeyword: true,
      declarationKind: ModuleDeclarationKind.Module,
      statements: [
        {
          kind: StructureKind.Interface,
          name: "TopicTypeMap",
          properties: [...options.topics].map(([topic, type]) => ({
            name: JSON.stringify(topic),
            type: JSON.stringify(type),
          })),
        },
      ],
    });
  }
  const file = project.createSourceFile("index.ts", { statements }, { overwrite: true });
  const text = header + file.getFullText();
  project.removeSourceFile(file);
  return text;
}

/**
 * `register.ts`: importing it registers every codec of the output for lookup by type name (the
 * client then prefers them over compiling what the server advertises). A module of its own, the
 * one generated module with a side effect, so that importing codecs never ships the whole set.
 */
export function emitRegisterModule(header: string, runtimeImport: string): string {
  return (
    header +
    `import { registerCodecs } from ${JSON.stringify(runtimeImport)};\n` +
    `import { codecs } from "./index.js";\n\n` +
    "registerCodecs(codecs);\n"
  );
}

function interfaceOf(
  t: ResolvedType,
  docs: DefinitionDocs,
  name: string,
  typeRef: (type: string) => string,
  ros2?: { name: string; hash: string },
): InterfaceDeclarationStructure {
  const properties: OptionalKind<PropertySignatureStructure>[] = t.fields.map((f, i) => {
    const def = t.spec.fields[i]!;
    const comment = docs.members.get(f.name);
    return {
      name: f.name,
      type: fieldType(f, typeRef),
      docs: [`\`${def.typeText}\`${comment === undefined ? "" : ` ${comment}`}`],
    };
  });
  return {
    kind: StructureKind.Interface,
    name,
    isExported: true,
    docs: [
      `${ros2 === undefined ? `${t.spec.fullName} (md5 ${t.md5sum})` : `${ros2.name} (${ros2.hash})`}${docs.type === "" ? "" : `\n\n${docs.type}`}`,
    ],
    properties,
  };
}

function fieldType(f: ResolvedField, typeRef: (type: string) => string): string {
  if (f.isBuiltin) {
    if (f.isArray) return ARRAY_TS_TYPE[f.type]!;
    return SCALAR_TS[f.type] ?? "number";
  }
  return f.isArray ? `${typeRef(f.type)}[]` : typeRef(f.type);
}

/** A JSDoc block in writer output (`text` is already safe: see docText). */
function writeDoc(w: CodeBlockWriter, text: string): void {
  const lines = text.split("\n");
  if (lines.length === 1) {
    w.writeLine(`/** ${text} */`);
    return;
  }
  w.writeLine("/**");
  for (const line of lines) w.writeLine(line === "" ? " *" : ` * ${line}`);
  w.writeLine(" */");
}

function literal(value: ConstantValue): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && Object.is(value, -0)) return "-0";
  return String(value);
}
