/**
 * Plumbing for the `noros bridge` tests: a real roscore on a free port, the rospy test node
 * (ros_nodes.py), Debian's ROS command-line tools with the test master's environment, and the
 * bridge itself. Everything a test starts is stopped by PID.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { startBridge, type Bridge, type BridgeOptions } from "../../tools/ros-bridge/server.js";
import { masterAnswers, startRoscore, stopRoscore, type Roscore } from "../docker/ros.js";
import { killIfRunning, processTree, start, waitFor, type Started } from "../docker/processes.js";
import { ROS_PYTHON, canRunPython, hasCommand } from "../helpers/env.js";

export const ROS_NODES = path.join(__dirname, "ros_nodes.py");

export const canRunBridgeTests =
  hasCommand("roscore") &&
  hasCommand("rostopic") &&
  hasCommand("rosnode") &&
  hasCommand("rosparam") &&
  hasCommand("rosservice") &&
  canRunPython(ROS_NODES);
export const SKIP_REASON =
  "needs Debian's roscore, rostopic, rosnode, rosparam, rosservice and rospy with std_msgs, sensor_msgs, std_srvs";

export { freePort } from "../docker/processes.js";
export { startRoscore, stopRoscore, waitFor, type Roscore, type Started };

/** Runs a ROS command-line tool against `roscore`; resolves with its stdout. */
export function ros(
  roscore: Roscore,
  command: string,
  args: string[],
  timeoutMs = 30000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: roscore.env, timeout: timeoutMs, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error !== null)
          reject(new Error(`${command} ${args.join(" ")}: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Starts ros_nodes.py and waits until it printed "ready". */
export async function startRosNodes(roscore: Roscore, args: string[] = []): Promise<Started> {
  const started = start(ROS_PYTHON, [ROS_NODES, ...args], { env: roscore.env });
  try {
    await waitFor(
      "ros_nodes.py to be ready",
      () => started.stdout.includes("ready") || started.hasExited,
      60000,
    );
  } catch (error) {
    await stopProcess(started);
    throw error;
  }
  if (started.hasExited) throw new Error(`ros_nodes.py exited\n${started.output()}`);
  return started;
}

/** SIGINT, then SIGKILL for the process and anything it started, by PID. */
export async function stopProcess(started: Started | undefined, signal: NodeJS.Signals = "SIGINT") {
  if (started === undefined || started.hasExited) return;
  const tree = processTree(started.pid);
  started.child.kill(signal);
  await started.exit(10000).catch(() => undefined);
  killIfRunning(tree);
}

export async function bridgeFor(
  roscore: Roscore,
  options: Partial<BridgeOptions> = {},
): Promise<Bridge> {
  return startBridge({
    masterUri: roscore.uri,
    port: 0,
    discoveryIntervalMs: 300,
    ...(process.env.NOROS_BRIDGE_DEBUG === "1"
      ? { log: (l: string) => process.stderr.write(`bridge: ${l}\n`) }
      : {}),
    env: { ...roscore.env, ROS_MASTER_URI: roscore.uri },
    ...options,
  });
}

/** Nodes `rosnode list` shows. */
export async function rosnodeList(roscore: Roscore): Promise<string[]> {
  const out = await ros(roscore, "rosnode", ["list"]);
  return out.split("\n").filter((l) => l !== "");
}

/** The environment ROS tools run in: Debian's python first on PATH (as in test/docker). */
export const ROS_BASE_ENV: NodeJS.ProcessEnv = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8" };

/** Debian's roscore on a given port (to restart a master where a bridge expects it). */
export async function startRoscoreAt(port: number): Promise<Roscore> {
  const uri = `http://localhost:${port}`;
  const rosHome = mkdtempSync(path.join(os.tmpdir(), "noros-roscore-"));
  const env = {
    ...ROS_BASE_ENV,
    ROS_MASTER_URI: uri,
    ROS_HOSTNAME: "localhost",
    ROS_HOME: rosHome,
  };
  const started = start("roscore", ["-p", String(port)], { env });
  const roscore = { uri, port, process: started, env, rosHome };
  try {
    await waitFor("roscore to answer", () => masterAnswers(uri), 60000, 100);
  } catch (error) {
    await stopRoscore(roscore).catch(() => undefined);
    throw new Error(`${(error as Error).message}\n${started.output()}`);
  }
  return roscore;
}
