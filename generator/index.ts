/**
 * noros-gen as a library (`import { generate, writeOutput } from "noros-gen"`): what the
 * `noros-gen` command does, for build scripts that generate bindings themselves.
 */
export {
  generate,
  GENERATED_MARK,
  type GenerateOptions,
  type GeneratedFiles,
  type LiveSchemas,
} from "./generate.js";
export { writeOutput, staleFiles } from "./output.js";
export { main } from "./cli.js";
export { DefinitionError, type DefinitionProblem } from "../runtime/schema/model.js";
