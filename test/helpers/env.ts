/**
 * What the test machine has: Debian's ROS (genpy, rosbag, roscore, tf2) and the shared real-world
 * bags. Tests that need something absent skip with a one-line reason; CI installs everything, so
 * there nothing skips.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** Debian's python3 (another python3 may come first on PATH). */
export const ROS_PYTHON = "/usr/bin/python3";

/** Environment for ROS Python and ROS binaries started by tests. */
export const rosEnv = {
  ...process.env,
  ROS_HOSTNAME: "localhost",
  ROS_MASTER_URI: "http://localhost:11311",
} as NodeJS.ProcessEnv;

/**
 * `NOROS_TEST_WITHOUT_ROS=1` makes every ROS probe answer "absent", to check on a machine with
 * ROS that the suite still passes, with skips, where ROS is missing.
 */
const withoutRos = process.env.NOROS_TEST_WITHOUT_ROS === "1";
const ROS_COMMANDS = new Set(["roscore", "roslaunch", "rosrun", "catkin_make", "catkin_lint"]);

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
  if (withoutRos) return false;
  return probe(`py:${modules.join(",")}`, () => {
    if (!existsSync(ROS_PYTHON)) return false;
    execFileSync(ROS_PYTHON, ["-c", modules.map((m) => `import ${m}`).join("; ")], {
      stdio: "ignore",
      env: rosEnv,
    });
    return true;
  });
}

/**
 * True when `/usr/bin/python3` can import everything `script` imports: its `import` and
 * `from ... import` lines, those of the local modules it imports (files next to it), and
 * `extra` (modules it loads dynamically). A probe checks all of what a test needs, so that a
 * partly installed ROS skips the test instead of failing it.
 */
export function canRunPython(script: string, ...extra: string[]): boolean {
  const modules = new Set<string>(extra);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const m = /^(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import\b)/.exec(line);
      const name = m?.[1] ?? m?.[2];
      if (name === undefined || name === "__future__") continue;
      const local = path.join(path.dirname(file), `${name.split(".")[0]}.py`);
      if (existsSync(local)) visit(local);
      else modules.add(name);
    }
  };
  if (!existsSync(script)) return false;
  visit(script);
  return hasPython(...[...modules].sort());
}

/** The message packages `scripts/std_types.py` imports by name (its PACKAGES list). */
export function standardPythonPackages(scriptsDir: string): string[] {
  const text = readFileSync(path.join(scriptsDir, "std_types.py"), "utf8");
  const block = /^PACKAGES = \[([^\]]*)\]/m.exec(text)?.[1] ?? "";
  return [...block.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
}

/** True when an executable is on PATH (e.g. `roscore`, `shellcheck`). */
export function hasCommand(command: string): boolean {
  if (withoutRos && ROS_COMMANDS.has(command)) return false;
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

/** `../shared/ros2-bags` (real rosbag2 recordings) next to the repository, or undefined. */
export function sharedRos2BagsDir(): string | undefined {
  const dir = path.resolve(__dirname, "..", "..", "..", "shared", "ros2-bags");
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
  // The block's body is not run: it may build tables (`it.each`) from what is absent.
  const skipped = ((name: string) => {
    process.stderr.write(`skipped: ${name}: ${reason}\n`);
    describe(name, () => it.skip(`(skipped: ${reason})`, () => undefined));
  }) as unknown as jest.Describe;
  return skipped;
}
