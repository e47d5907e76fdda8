/**
 * Debian's roscore for the docker/ tests: start one on a free port, ask a master whether it is
 * up (a plain XML-RPC getPid over HTTP, independent of the code under test), and stop it with
 * everything it started.
 */
import * as http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { freePort, killIfRunning, processTree, start, waitFor, type Started } from "./processes.js";

/** True when a ROS master answers getPid at `uri` (http://host:port). */
export function masterAnswers(uri: string): Promise<boolean> {
  const body =
    '<?xml version="1.0"?><methodCall><methodName>getPid</methodName><params>' +
    "<param><value><string>/noros_test</string></value></param></params></methodCall>";
  return new Promise((resolve) => {
    const request = http.request(
      uri,
      { method: "POST", headers: { "Content-Type": "text/xml" }, timeout: 2000 },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve(/<int>1<\/int>|<i4>1<\/i4>/.test(text)));
      },
    );
    request.on("error", () => resolve(false));
    request.on("timeout", () => {
      request.destroy();
      resolve(false);
    });
    request.end(body);
  });
}

export interface Roscore {
  uri: string;
  port: number;
  process: Started;
  env: NodeJS.ProcessEnv;
  rosHome: string; // its logs; removed by stopRoscore
}

/** Starts Debian's roscore on a free port and waits until its master answers. */
export async function startRoscore(baseEnv: NodeJS.ProcessEnv): Promise<Roscore> {
  const port = await freePort();
  const uri = `http://localhost:${port}`;
  const rosHome = mkdtempSync(path.join(os.tmpdir(), "noros-roscore-"));
  const env = { ...baseEnv, ROS_MASTER_URI: uri, ROS_HOSTNAME: "localhost", ROS_HOME: rosHome };
  const started = start("roscore", ["-p", String(port)], { env });
  const roscore = { uri, port, process: started, env, rosHome };
  try {
    await waitFor("roscore to answer", () => masterAnswers(uri), 20000, 100);
  } catch (error) {
    await stopRoscore(roscore).catch(() => undefined);
    throw new Error(`${(error as Error).message}\n${started.output()}`);
  }
  return roscore;
}

/** Stops roscore with SIGINT (it then stops rosmaster and rosout); SIGKILL for any leftover. */
export async function stopRoscore(roscore: Roscore): Promise<void> {
  const tree = processTree(roscore.process.pid);
  if (!roscore.process.hasExited) roscore.process.child.kill("SIGINT");
  try {
    await roscore.process.exit(15000, "roscore");
  } finally {
    killIfRunning(tree);
    rmSync(roscore.rosHome, { recursive: true, force: true });
  }
}
