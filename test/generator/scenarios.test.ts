/**
 * Scenario outputs, committed and diffed (as ts-proto's integration folders): each
 * `test/scenarios/<name>/msgs/` is a small tree of ROS packages and `test/scenarios/<name>/out/`
 * what noros-gen makes of it, exactly. A change to the generator shows up as a reviewable diff of
 * these files; the test fails on any difference (printing it) until they are refreshed:
 *
 *   UPDATE_SCENARIOS=1 npx jest test/generator/scenarios.test.ts
 *
 * (the same as `node bin/noros-gen.js test/scenarios/<name>/msgs --out test/scenarios/<name>/out`
 * from the repository root after `npm run build`). The committed outputs must also compile under
 * users' strictest flags in ESM, CommonJS and bundler projects.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { generate } from "../../generator/generate.js";
import { writeOutput } from "../../generator/output.js";
import { typecheck } from "../helpers/typecheck.js";

const root = path.resolve(__dirname, "..", "..");
const scenariosDir = path.join(root, "test", "scenarios");
const update = process.env.UPDATE_SCENARIOS === "1";

const scenarios = readdirSync(scenariosDir)
  .filter((name) => statSync(path.join(scenariosDir, name)).isDirectory())
  .sort();

/** What noros-gen writes for a scenario, with the header the command from the repository root gives. */
function generated(name: string): Map<string, string> {
  const rel = `test/scenarios/${name}`;
  return generate({
    inputs: [path.join(root, rel, "msgs")],
    command: `noros-gen ${rel}/msgs --out ${rel}/out`,
  }).files;
}

/** A unified diff of two texts (git's, which every checkout has), for the failure message. */
function unifiedDiff(file: string, committed: string | undefined, now: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "noros-scenario-diff-"));
  try {
    const a = path.join(dir, "committed");
    const b = path.join(dir, "generated");
    writeFileSync(a, committed ?? "");
    writeFileSync(b, now);
    try {
      execFileSync("git", ["diff", "--no-index", "--no-color", "--no-prefix", "--", a, b], {
        encoding: "utf8",
      });
      return "";
    } catch (error) {
      const out = (error as { stdout?: string }).stdout;
      return typeof out === "string" && out !== ""
        ? out.split(a).join(`a/${file}`).split(b).join(`b/${file}`)
        : "(git is not available to show the difference)";
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("generator scenarios (test/scenarios)", () => {
  it("has scenarios", () => expect(scenarios.length).toBeGreaterThanOrEqual(4));

  it.each(scenarios)("%s: the committed output is what noros-gen generates", (name) => {
    const out = path.join(scenariosDir, name, "out");
    const files = generated(name);
    if (update) writeOutput(out, files);
    const problems: string[] = [];
    for (const [file, text] of files) {
      const committedFile = path.join(out, file);
      const committed = existsSync(committedFile) ? readFileSync(committedFile, "utf8") : undefined;
      if (committed === text) continue;
      const rel = `test/scenarios/${name}/out/${file}`;
      problems.push(
        `${rel} ${committed === undefined ? "is missing" : "differs"}:\n${unifiedDiff(rel, committed, text)}`,
      );
    }
    const extra = existsSync(out) ? readdirSync(out).filter((f) => !files.has(f)) : [];
    for (const f of extra) problems.push(`test/scenarios/${name}/out/${f} is no longer generated`);
    if (problems.length > 0) {
      throw new Error(
        `${problems.join("\n")}\nIf the change is intended, refresh: UPDATE_SCENARIOS=1 npx jest test/generator/scenarios.test.ts`,
      );
    }
  });

  it("the committed outputs compile under strict flags with noUnusedLocals/noUnusedParameters (ESM, CJS, bundler)", () => {
    const files = scenarios.flatMap((name) => {
      const out = path.join(scenariosDir, name, "out");
      return readdirSync(out).map((f) => path.join(out, f));
    });
    expect(typecheck(files)).toEqual([]);
  }, 240000);
});
