/**
 * What the test machine has: Debian's ROS (genpy, rosbag, roscore, tf2) and the shared real-world
 * bags. Tests that need something absent skip with a one-line reason; CI installs everything, so
 * there nothing skips.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

/** Debian's python3 (another python3 may come first on PATH). */
export const ROS_PYTHON = "/usr/bin/python3";

/** Environment for ROS Python and ROS binaries started by tests. */
export const rosEnv = {
  ...process.env,
  ROS_HOSTNAME: "localhost",
  ROS_MASTER_URI: "http://localhost:11311",
} as NodeJS.ProcessEnv;

const probes = new Map<string, boolean>();
function probe(name: string, check: () => boolean): boolean {
  let ok = probes.get(name);
  if (ok === undefined) {
    try {
      ok = check();
    } catch {
      ok = false;
    }
    probes.set(name, ok);
  }
  return ok;
}

/** True when `/usr/bin/python3` can import all of `modules`. */
export function hasPython(...modules: string[]): boolean {
  return probe(`py:${modules.join(",")}`, () => {
    if (!existsSync(ROS_PYTHON)) return false;
    execFileSync(ROS_PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], {
      stdio: "ignore",
      env: rosEnv,
    });
    return true;
  });
}

/** True when an executable is on PATH (e.g. `roscore`, `shellcheck`). */
export function hasCommand(command: string): boolean {
  return probe(`cmd:${command}`, () => {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  });
}

/** `../shared/bags` next to the repository, or undefined when absent. */
export function sharedBagsDir(): string | undefined {
  const dir = path.resolve(__dirname, "..", "..", "..", "shared", "bags");
  return existsSync(dir) ? dir : undefined;
}

/** `../shared/bridge-captures` next to the repository, or undefined when absent. */
export function bridgeCapturesDir(): string | undefined {
  const dir = path.resolve(__dirname, "..", "..", "..", "shared", "bridge-captures");
  return existsSync(dir) ? dir : undefined;
}

/**
 * `describe` when `condition` holds; otherwise a skipped block whose title carries the reason,
 * and one line on stderr saying what was skipped and why.
 */
export function describeIf(condition: boolean, reason: string): jest.Describe {
  if (condition) return describe;
  const skipped = ((name: string, fn: jest.EmptyFunction) => {
    process.stderr.write(`skipped: ${name}: ${reason}\n`);
    describe.skip(`${name} (skipped: ${reason})`, fn);
  }) as jest.Describe;
  return skipped;
}
