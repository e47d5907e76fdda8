/**
 * `noros-gen`: generate TypeScript bindings and codecs from ROS message definitions.
 */
import yargs from "yargs";
import { DefinitionError } from "../runtime/schema/model";
import { generate } from "./generate";
import { staleFiles, writeOutput } from "./output";

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
      describe: "module the generated code imports its runtime from",
    })
    .option("augment-module", {
      type: "string",
      describe: "module whose MessageTypeMap the output augments (default: --runtime-import)",
    })
    .option("msgs-import", {
      type: "string",
      default: "noros/msgs",
      describe:
        "module the standard packages are imported from; 'none' when the inputs are the standard set",
    })
    .example("$0 ./msgs --out src/generated", "bindings for the packages under ./msgs")
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
  if (inputs.length === 0) {
    process.stderr.write(
      "noros-gen: no inputs: give folders of ROS packages or .msg/.srv/.action files\n",
    );
    return 2;
  }
  const started = Date.now();
  let result;
  try {
    result = generate({
      inputs,
      runtimeImport: args["runtime-import"],
      ...(args["augment-module"] !== undefined ? { augmentModule: args["augment-module"] } : {}),
      msgsImport: args["msgs-import"] === "none" ? null : args["msgs-import"],
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
  if (args.check) {
    const stale = staleFiles(args.out, result.files);
    if (stale.length > 0) {
      process.stderr.write(
        `noros-gen: ${args.out} is stale; regenerate it:\n${stale.map((s) => `  ${s}`).join("\n")}\n`,
      );
      return 1;
    }
    process.stdout.write(`noros-gen: ${args.out} is up to date (${result.files.size} files)\n`);
    return 0;
  }
  writeOutput(args.out, result.files);
  process.stdout.write(
    `noros-gen: ${result.types} types, ${result.services} services in ${result.packages.length} packages -> ${args.out} (${Date.now() - started} ms)\n`,
  );
  return 0;
}

class UsageError extends Error {}
