/**
 * `noros bridge` when things go wrong: a master that is not there yet, a master that restarts,
 * a publisher sending a corrupt TCPROS stream, the bridge itself restarting under a connected
 * RosClient, and clean unregistration when it is stopped (SIGTERM to the built binary,
 * `rosnode kill`).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

import { RosClient } from "../../runtime/client/index.js";
import { startBridge, type Bridge } from "../../tools/ros-bridge/server.js";
import { Started as StartedProcess, start } from "../docker/processes.js";
import { ROS_PYTHON, canRunPython, describeIf } from "../helpers/env.js";
import { ProbeClient } from "../tools/helpers.js";
import {
  ROS_BASE_ENV,
  SKIP_REASON,
  bridgeFor,
  canRunBridgeTests,
  freePort,
  ros,
  rosnodeList,
  startRoscore,
  startRoscoreAt,
  startRosNodes,
  stopProcess,
  stopRoscore,
  waitFor,
  type Roscore,
  type Started,
} from "./helpers.js";

const root = path.resolve(__dirname, "..", "..");
const built = existsSync(path.join(root, "dist", "tools", "ros-bridge", "server.js"));
const corruptPublisher = path.join(__dirname, "corrupt_publisher.py");

describeIf(canRunBridgeTests && canRunPython(corruptPublisher), SKIP_REASON)(
  "noros bridge: robustness",
  () => {
    const roscores: Roscore[] = [];
    const processes: Started[] = [];
    const bridges: Bridge[] = [];
    const clients: RosClient[] = [];
    const probes: ProbeClient[] = [];

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(probes.splice(0).map((p) => p.close()));
      await Promise.all(bridges.splice(0).map((b) => b.close()));
      for (const p of processes.splice(0)) await stopProcess(p);
      for (const r of roscores.splice(0)) await stopRoscore(r);
    }, 90000);

    /** A client whose connection errors (a bridge going away on purpose) are expected. */
    function newClient(url: string, options: ConstructorParameters<typeof RosClient>[1] = {}) {
      const c = new RosClient(url, options);
      c.on("error", () => undefined);
      return c;
    }
    async function master(port?: number): Promise<Roscore> {
      const r = port === undefined ? await startRoscore(ROS_BASE_ENV) : await startRoscoreAt(port);
      roscores.push(r);
      return r;
    }
    function startRosNodesBig(r: Roscore): Promise<Started> {
      return startRosNodes(r, ["--big"]);
    }
    async function nodes(r: Roscore): Promise<Started> {
      const n = await startRosNodes(r);
      processes.push(n);
      return n;
    }
    async function bridge(r: Roscore, options: Parameters<typeof bridgeFor>[1] = {}) {
      const b = await bridgeFor(r, options);
      bridges.push(b);
      return b;
    }

    it("waits for an unreachable master with one clear line, serving WebSocket clients meanwhile", async () => {
      const port = await freePort();
      const uri = `http://localhost:${port}`;
      const lines: string[] = [];
      const b = await startBridge({
        masterUri: uri,
        port: 0,
        discoveryIntervalMs: 300,
        env: { ...ROS_BASE_ENV, ROS_HOSTNAME: "localhost" },
        log: (l) => lines.push(l),
      });
      bridges.push(b);
      await waitFor("the unreachable-master line", () => lines.length > 0, 30000);
      expect(lines).toEqual([
        `cannot reach the ROS master at ${uri}: connection refused (is roscore running there?); retrying`,
      ]);
      expect(b.masterReachable).toBe(false);
      const c = newClient(b.url);
      clients.push(c);
      const statuses: string[] = [];
      c.on("status", (s) => statuses.push(s.message));
      await c.connected({ timeoutMs: 30000 });
      await waitFor("the status about the master", () => statuses.length > 0, 30000);
      expect(statuses[0]).toMatch(/cannot reach the ROS master/);

      // The master comes up: the bridge finds it (backoff is at most 30 s) and serves its topics.
      const r = await master(port);
      await nodes(r);
      const got: string[] = [];
      c.subscribe("/chatter", "std_msgs/String", (m) => got.push((m as { data: string }).data));
      await waitFor("messages once the master is up", () => got.length > 0, 90000);
      expect(lines).toContain(`the ROS master at ${uri} answers again`);
    }, 180000);

    it("registers again when the master restarts, and the subscription resumes", async () => {
      const port = await freePort();
      let r = await master(port);
      let n = await nodes(r);
      const lines: string[] = [];
      const b = await bridge(r, { log: (l) => lines.push(l) });
      const c = newClient(b.url);
      clients.push(c);
      let count = 0;
      c.subscribe("/chatter", "std_msgs/String", () => count++);
      await waitFor("messages before the restart", () => count > 0, 60000);

      await stopProcess(n);
      processes.splice(processes.indexOf(n), 1);
      await stopRoscore(r);
      roscores.splice(roscores.indexOf(r), 1);
      r = await master(port);
      n = await nodes(r);
      const before = count;
      await waitFor("messages after the restart", () => count > before, 90000);
      expect(lines.some((l) => l.startsWith("the ROS master restarted"))).toBe(true);
      const info = await ros(r, "rosnode", ["info", "/noros_bridge"]);
      expect(info).toMatch(/\/chatter \[std_msgs\/String\]/);
    }, 240000);

    it("drops a publisher's corrupt stream with a warning and keeps relaying the others", async () => {
      const r = await master();
      await nodes(r);
      const corrupt = start(ROS_PYTHON, [corruptPublisher, r.uri], { env: r.env });
      processes.push(corrupt);
      await waitFor("corrupt_publisher.py", () => corrupt.stdout.includes("ready"), 60000);
      const lines: string[] = [];
      const b = await bridge(r, { log: (l) => lines.push(l) });
      await waitFor(
        "the /corrupt channel",
        () => b.channels().some((ch) => ch.topic === "/corrupt"),
        60000,
      );
      const c = newClient(b.url);
      clients.push(c);
      let chatter = 0;
      c.subscribe("/corrupt", "std_msgs/String", () => undefined);
      c.subscribe("/chatter", "std_msgs/String", () => chatter++);
      await waitFor(
        "the warning about the corrupt stream",
        () =>
          lines.some((l) =>
            l.includes("dropped the connection to /corrupt_publisher for /corrupt"),
          ),
        60000,
      );
      const after = chatter;
      await waitFor("more /chatter messages", () => chatter > after + 3, 60000);
    }, 180000);

    it("lets RosClient resubscribe when the bridge restarts on the same port", async () => {
      const r = await master();
      await nodes(r);
      const first = await bridge(r);
      const port = first.port;
      const c = newClient(first.url, { reconnect: { initialDelayMs: 50, maxDelayMs: 500 } });
      clients.push(c);
      let count = 0;
      c.subscribe("/chatter", "std_msgs/String", () => count++);
      await waitFor("messages from the first bridge", () => count > 0, 60000);
      await first.close();
      bridges.splice(bridges.indexOf(first), 1);
      await bridge(r, { port });
      const before = count;
      await waitFor("messages from the second bridge", () => count > before, 60000);
    }, 180000);

    it("drops messages for a client that stops reading, warns it, and keeps serving", async () => {
      const r = await master();
      const n = startRosNodesBig(r);
      processes.push(await n);
      const b = await bridge(r);
      await waitFor(
        "the /big channel",
        () => b.channels().some((ch) => ch.topic === "/big"),
        60000,
      );
      const slow = await ProbeClient.connect(b.url);
      probes.push(slow);
      slow.subscribe("/big");
      await slow.until(() => slow.received.length > 0, 60000);
      // Stop reading: the bridge's send buffer for this client fills up (1 MB at 20 Hz).
      slow.ws.pause();
      const fast = await ProbeClient.connect(b.url);
      probes.push(fast);
      fast.subscribe("/chatter");
      const started = fast.received.length;
      await fast.until(() => fast.received.length > started + 40, 120000);
      slow.ws.resume();
      await slow.until(
        () =>
          slow.texts.some(
            (t) => t.op === "status" && t.level === 1 && String(t.message).includes("too slow"),
          ),
        120000,
      );
      // Messages arriving after the drop keep coming once the client reads again.
      const after = slow.received.length;
      await slow.until(() => slow.received.length > after + 3, 120000);
    }, 300000);

    it("offers the time capability with /use_sim_time and broadcasts /clock", async () => {
      const r = await master();
      await ros(r, "rosparam", ["set", "/use_sim_time", "true"]);
      const clock = start(
        "rostopic",
        ["pub", "-r", "20", "/clock", "rosgraph_msgs/Clock", "{clock: {secs: 1234, nsecs: 5}}"],
        { env: r.env },
      );
      processes.push(clock);
      const b = await bridge(r);
      const p = await ProbeClient.connect(b.url);
      probes.push(p);
      expect(p.serverInfo.capabilities).toContain("time");
      const times: bigint[] = [];
      p.client.on("time", ({ timestamp }) => times.push(timestamp));
      await p.until(() => times.length > 0, 60000);
      expect(times[0]).toBe(1234_000_000_005n);
    }, 120000);

    it("unregisters everything on rosnode kill", async () => {
      const r = await master();
      await nodes(r);
      const b = await bridge(r, { name: "/noros_killable" });
      const c = newClient(b.url);
      clients.push(c);
      let count = 0;
      c.subscribe("/chatter", "std_msgs/String", () => count++);
      await waitFor("messages", () => count > 0, 60000);
      expect(await rosnodeList(r)).toContain("/noros_killable");
      await ros(r, "rosnode", ["kill", "/noros_killable"]);
      await expect(b.closed).resolves.toMatch(/shutdown requested/);
      const state = await ros(r, "rostopic", ["info", "/chatter"]);
      expect(state).not.toContain("/noros_killable");
      expect(await rosnodeList(r)).not.toContain("/noros_killable");
    }, 120000);

    (built ? it : it.skip)(
      "the built `noros bridge` registers as a node and unregisters on SIGTERM",
      async () => {
        const r = await master();
        await nodes(r);
        const child = spawn(
          process.execPath,
          [
            path.join(root, "bin", "noros.js"),
            "bridge",
            "--master",
            r.uri,
            "--port",
            "0",
            "--name",
            "/noros_cli",
          ],
          { env: { ...r.env }, stdio: ["ignore", "pipe", "pipe"] },
        );
        const proc = new StartedProcess(child);
        processes.push(proc);
        await waitFor("the serving line", () => /serving ws:\/\/\S+/.test(proc.stderr), 60000);
        await waitFor(
          "/noros_cli in rosnode list",
          async () => (await rosnodeList(r)).includes("/noros_cli"),
          60000,
          300,
        );
        const info = await ros(r, "rosnode", ["info", "/noros_cli"]);
        expect(info).toMatch(/Publications:[\s\S]*\/rosout \[rosgraph_msgs\/Log\]/);
        expect(info).toMatch(/Pid: \d+/);
        const url = /serving (ws:\/\/\S+)/.exec(proc.stderr)![1]!;
        const c = newClient(url);
        clients.push(c);
        let count = 0;
        c.subscribe("/chatter", "std_msgs/String", () => count++);
        await waitFor("messages through the binary", () => count > 0, 60000);
        expect(await rosnodeList(r)).toContain("/noros_cli");

        child.kill("SIGTERM");
        const exit = await proc.exit(30000, "noros bridge");
        expect(exit.code).toBe(0);
        expect(proc.stderr).toMatch(/unregistered from the master/);
        expect(await rosnodeList(r)).not.toContain("/noros_cli");
        expect(await ros(r, "rostopic", ["info", "/chatter"])).not.toContain("/noros_cli");
      },
      180000,
    );
  },
);
