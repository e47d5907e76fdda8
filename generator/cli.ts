/**
 * `noros-gen`: generate TypeScript bindings and codecs from ROS message definitions.
 */
import yargs from "yargs";
import { DefinitionError } from "../runtime/schema/model.js";
import { collectBridgeSchemas } from "../tools/bridge-schemas.js";
import { UserError } from "../tools/errors.js";
import { generate, type LiveSchemas } from "./generate.js";
import { staleFiles, writeOutput } from "./output.js";
import { importSpecifier, SpecifierError } from "./specifiers.js";

export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName("noros-gen")
    .usage(
      "$0 <inputs..> --out <dir>\n\nGenerate TypeScript interfaces and codecs from ROS .msg/.srv/.action package folders.",
    )
    .command("$0 [inputs..]", false)
    .positional("inputs", {
      type: "string",
      array: true,
      describe:
        "folders of ROS packages (<pkg>/msg/*.msg, <pkg>/srv/*.srv, <pkg>/action/*.action) or single files",
    })
    .option("out", { type: "string", demandOption: true, describe: "output folder" })
    .option("check", {
      type: "boolean",
      default: false,
      describe:
        "write nothing; exit 1 and name the stale files when --out differs from what would be generated",
    })
    .option("runtime-import", {
      type: "string",
      default: "noros/support",
      describe:
        "module the generated code imports its runtime from (a relative path is taken from the output folder; '.js' is added when missing)",
    })
    .option("augment-module", {
      type: "string",
      describe: "module whose MessageTypeMap the output augments (default: --runtime-import)",
    })
    .option("msgs-import", {
      type: "string",
      describe:
        "module the standard packages are imported from (default noros/msgs; ROS 2: noros/ros2/msgs, one module per package below it); 'none' when the inputs are the standard set",
    })
    .option("bridge", {
      type: "string",
      describe: "also generate from the schemas a running bridge advertises (ws://host:port)",
    })
    .option("wait-ms", {
      type: "number",
      default: 3000,
      describe:
        "with --bridge: how long to collect advertisements (the bridge discovers topics periodically)",
    })
    .option("topics", {
      type: "string",
      describe: "with --bridge: only topics matching this regular expression",
    })
    .option("ros2", {
      type: "boolean",
      default: false,
      describe:
        "the inputs are ROS 2 (rosidl) packages even without a package.xml saying so (CDR codecs, pkg/msg/Type names)",
    })
    .example("$0 ./msgs --out src/generated", "bindings for the packages under ./msgs")
    .example(
      "$0 --bridge ws://localhost:8765 --out src/live",
      "bindings for every topic and service a running bridge advertises, typed by topic name",
    )
    .example("$0 ./msgs --out src/generated --check", "fail when src/generated is stale (CI)")
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });

  let args;
  try {
    args = await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`noros-gen: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (args.help === true) return 0;
  const inputs = (args.inputs ?? []) as string[];
  if (inputs.length === 0 && args.bridge === undefined) {
    process.stderr.write(
      "noros-gen: no inputs: give folders of ROS packages, .msg/.srv/.action files or --bridge <url>\n",
    );
    return 2;
  }
  try {
    // Checked before anything is read or collected (generate() applies the same rule).
    importSpecifier("runtime-import", args["runtime-import"], args.out);
    if (args["augment-module"] !== undefined)
      importSpecifier("augment-module", args["augment-module"], args.out);
    if (args["msgs-import"] !== undefined && args["msgs-import"] !== "none")
      importSpecifier("msgs-import", args["msgs-import"], args.out);
  } catch (error) {
    if (!(error instanceof SpecifierError)) throw error;
    process.stderr.write(`noros-gen: ${error.message}\n`);
    return 2;
  }
  let live: LiveSchemas | undefined;
  if (args.bridge !== undefined) {
    let topics: RegExp | undefined;
    try {
      topics = args.topics === undefined ? undefined : new RegExp(args.topics);
    } catch (error) {
      process.stderr.write(`noros-gen: --topics: ${(error as Error).message}\n`);
      return 2;
    }
    try {
      live = await collectLive(args.bridge, args["wait-ms"], topics);
    } catch (error) {
      if (error instanceof UserError) {
        process.stderr.write(`noros-gen: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  }
  const started = Date.now();
  let result;
  try {
    result = generate({
      inputs,
      runtimeImport: args["runtime-import"],
      ...(args["augment-module"] !== undefined ? { augmentModule: args["augment-module"] } : {}),
      ...(args["msgs-import"] !== undefined
        ? { msgsImport: args["msgs-import"] === "none" ? null : args["msgs-import"] }
        : {}),
      ...(live !== undefined ? { live } : {}),
      outDir: args.out,
      ros2: args.ros2,
      command: `noros-gen ${argv.filter((a) => a !== "--check").join(" ")}`,
    });
  } catch (error) {
    if (error instanceof DefinitionError) {
      process.stderr.write(
        `${error.message}\nnoros-gen: ${error.problems.length} problem(s); nothing was written\n`,
      );
      return 1;
    }
    throw error;
  }
  try {
    return writeOrCheck(args.out, args.check, result, started);
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`noros-gen: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** `--check`, or the write; the output folder's problems are `UserError`s. */
function writeOrCheck(
  out: string,
  check: boolean,
  result: ReturnType<typeof generate>,
  started: number,
): number {
  if (check) {
    const stale = staleFiles(out, result.files);
    if (stale.length > 0) {
      process.stderr.write(
        `noros-gen: ${out} is stale; regenerate it:\n${stale.map((s) => `  ${s}`).join("\n")}\n`,
      );
      return 1;
    }
    process.stdout.write(`noros-gen: ${out} is up to date (${result.files.size} files)\n`);
    return 0;
  }
  for (const warning of result.warnings) process.stderr.write(`noros-gen: warning: ${warning}\n`);
  writeOutput(out, result.files);
  process.stdout.write(
    `noros-gen: ${result.types} types, ${result.services} services in ${result.packages.length} packages${result.topics.size > 0 ? `, ${result.topics.size} topics` : ""} -> ${out} (${Date.now() - started} ms)\n`,
  );
  return 0;
}

class UsageError extends Error {}

/**
 * Collects what the bridge advertises. Channels the collector leaves out for having no
 * definition come back with an empty schema, so that the generator reports them by name (or
 * types them from a local definition).
 */
async function collectLive(
  url: string,
  waitMs: number,
  topics: RegExp | undefined,
): Promise<LiveSchemas> {
  const schemas = await collectBridgeSchemas(url, {
    waitMs,
    ...(topics !== undefined ? { topics } : {}),
  });
  // What cannot be generated from at all is said now (an empty schema is the generator's to
  // report: a local definition may type it). Only ROS 2 bridges send IDL, and there a service
  // type is `pkg/srv/Type`.
  for (const s of schemas.skipped) {
    if (/IDL|ros2msg/.test(s.reason)) {
      process.stderr.write(
        `noros-gen: warning: ${/\/(srv|action)\//.test(s.type) ? "service" : "topic"} ${s.name} (${s.type}): ${s.reason}; skipped\n`,
      );
    }
  }
  const empty = schemas.skipped
    .filter((s) => s.name.startsWith("/") && /no definition/.test(s.reason))
    .map((s) => ({ topic: s.name, schemaName: s.type, schema: "" }));
  return {
    source: url,
    ros: schemas.ros,
    channels: [...schemas.channels, ...empty],
    services: schemas.services,
  };
}
