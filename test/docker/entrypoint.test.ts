/**
 * docker/entrypoint.sh, run for real outside a container: Debian's roscore, the real settings
 * and network checks, and a stand-in `roslaunch` (test/docker/standin/roslaunch, first on PATH)
 * in place of foxglove_bridge, which records the arguments and environment it was given and can
 * listen on the bridge port. What the arguments mean is checked with Debian's real roslaunch:
 * `roslaunch --dump-params docker/noros_bridge.launch <the same arguments>` shows the parameter
 * server values (names and types) the bridge would read.
 *
 * Every test uses its own free ports (never 11311 or 8765) and kills what it started by PID.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";

import { describeIf, hasCommand, hasPython } from "../helpers/env.js";
import {
  acceptsConnections,
  commandLine,
  freePort,
  isRunning,
  killIfRunning,
  processTree,
  start,
  waitFor,
  type Started,
} from "./processes.js";
import { masterAnswers, startRoscore, stopRoscore, type Roscore } from "./ros.js";

const dockerDir = path.resolve(__dirname, "..", "..", "docker");
const entrypoint = path.join(dockerDir, "entrypoint.sh");
const healthcheck = path.join(dockerDir, "healthcheck.sh");
const launchFile = path.join(dockerDir, "noros_bridge.launch");
const standinDir = path.join(__dirname, "standin");

const canRun =
  hasCommand("roscore") &&
  hasCommand("setsid") &&
  existsSync("/usr/bin/roslaunch") &&
  hasPython("yaml", "rospkg");
const describeRos = describeIf(
  canRun,
  "needs Debian's roscore and roslaunch, setsid, python3-yaml",
);

const DEFAULT_ASSET_REGEX =
  "^package://(?:\\w+/)*\\w+\\.(?:dae|fbx|glb|gltf|jpeg|jpg|mtl|obj|png|stl|tif|tiff|urdf|webp|xacro)$";
const DEFAULT_CAPABILITIES = [
  "clientPublish",
  "parameters",
  "parametersSubscribe",
  "services",
  "connectionGraph",
  "assets",
];

/** What foxglove_bridge reads from the parameter server when nothing is set. */
const DEFAULT_PARAMS = {
  port: 8765,
  address: "0.0.0.0",
  tls: false,
  certfile: "",
  keyfile: "",
  topic_whitelist: [".*"],
  param_whitelist: [".*"],
  service_whitelist: [".*"],
  client_topic_whitelist: [".*"],
  send_buffer_limit: 10000000,
  use_compression: false,
  capabilities: DEFAULT_CAPABILITIES,
  asset_uri_allowlist: [DEFAULT_ASSET_REGEX],
  max_update_ms: 5000,
  service_type_retrieval_timeout_ms: 250,
};

interface StandinRecord {
  argv: string[];
  env: Record<string, string>;
  pid: number;
  pgid: number;
  master_answered: boolean;
  listening?: string;
  signal?: string;
}

let tempDirs: string[] = [];
let started: Started[] = [];
let seenPids = new Set<number>();
let roscores: Roscore[] = [];

afterEach(async () => {
  for (const run of started) {
    for (const pid of processTree(run.pid)) seenPids.add(pid);
    if (!run.hasExited) run.child.kill("SIGKILL");
  }
  killIfRunning(seenPids);
  await Promise.all(started.map((run) => run.exit(10000).catch(() => undefined)));
  for (const roscore of roscores) await stopRoscore(roscore);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs = [];
  started = [];
  seenPids = new Set();
  roscores = [];
});

interface Sandbox {
  dir: string;
  recordPath: string;
  env: NodeJS.ProcessEnv;
}

/** A temp dir and the environment a container would have, minus ROS_MASTER_URI. */
function sandbox(): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), "noros-entrypoint-"));
  tempDirs.push(dir);
  const recordPath = path.join(dir, "record.json");
  const env: NodeJS.ProcessEnv = {
    PATH: `${standinDir}:/usr/bin:/bin`,
    HOME: dir,
    ROS_HOME: path.join(dir, "ros"),
    ROS_HOSTNAME: "localhost",
    LANG: "C.UTF-8",
    STANDIN_RECORD: recordPath,
    NOROS_MSGS_DIR: path.join(dir, "no-msgs"),
    NOROS_IMAGE_WS: path.join(dir, "no-image-ws"),
    NOROS_MASTER_TIMEOUT: "20",
  };
  return { dir, recordPath, env };
}

async function localMaster(box: Sandbox): Promise<string> {
  const uri = `http://localhost:${await freePort()}`;
  box.env["ROS_MASTER_URI"] = uri;
  return uri;
}

function runEntrypoint(env: NodeJS.ProcessEnv, args: string[] = []): Started {
  const run = start(entrypoint, args, { env, cwd: env["HOME"] as string });
  started.push(run);
  return run;
}

async function standinRecord(box: Sandbox, run: Started): Promise<StandinRecord> {
  await waitFor(
    "the bridge stand-in to start",
    () => {
      if (run.hasExited) throw new Error(`entrypoint exited early\n${run.output()}`);
      return existsSync(box.recordPath);
    },
    30000,
  );
  return JSON.parse(readFileSync(box.recordPath, "utf8")) as StandinRecord;
}

/** The processes of a running entrypoint, remembered for the cleanup. */
function snapshot(run: Started): number[] {
  const tree = processTree(run.pid);
  for (const pid of tree) seenPids.add(pid);
  return tree;
}

function launchArguments(record: StandinRecord): Map<string, string> {
  const args = new Map<string, string>();
  for (const arg of record.argv.slice(2)) {
    const at = arg.indexOf(":=");
    expect(at).toBeGreaterThan(0);
    args.set(arg.slice(0, at), arg.slice(at + 2));
  }
  return args;
}

/** Parameter server values that Debian's roslaunch makes of noros_bridge.launch and `args`. */
function dumpParams(args: string[]): Record<string, unknown> {
  const home = mkdtempSync(path.join(os.tmpdir(), "noros-dump-"));
  tempDirs.push(home);
  const result = spawnSync("/usr/bin/roslaunch", ["--dump-params", launchFile, ...args], {
    env: { PATH: "/usr/bin:/bin", HOME: home, ROS_HOME: home, LANG: "C.UTF-8" },
    encoding: "utf8",
  });
  // roslaunch reports bad arguments on stderr and still exits 0, using defaults instead.
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const dumped = YAML.parse(result.stdout) as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(dumped)) {
    params[name.replace(/^\/foxglove_bridge\//, "")] = value;
  }
  return params;
}

function runHealthcheck(env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync(healthcheck, [], { env, encoding: "utf8" });
  return { status: result.status, output: result.stdout + result.stderr };
}

function roscoreIn(tree: number[]): number[] {
  return tree.filter((pid) => /\broscore\b|\brosmaster\b/.test(commandLine(pid)));
}

async function expectAllStopped(tree: number[]): Promise<void> {
  await waitFor(
    "every process of the entrypoint to end",
    () => tree.every((p) => !isRunning(p)),
    5000,
  ).catch(() => {
    const left = tree.filter(isRunning).map((pid) => `${pid} ${commandLine(pid)}`);
    throw new Error(`left running:\n${left.join("\n")}`);
  });
}

describeRos("entrypoint.sh with Debian's roscore and a stand-in bridge", () => {
  test.each(["SIGTERM", "SIGINT"] as const)(
    "defaults: starts roscore, launches the bridge with the default settings, %s stops all",
    async (signal) => {
      const box = sandbox();
      const uri = await localMaster(box);
      const run = runEntrypoint(box.env);
      const record = await standinRecord(box, run);

      // The bridge is launched only once the master answers, with --wait as a second guard.
      expect(record.master_answered).toBe(true);
      expect(record.argv.slice(0, 2)).toEqual(["--wait", launchFile]);
      expect(record.env["ROS_MASTER_URI"]).toBe(uri);
      expect(Object.fromEntries(launchArguments(record))).toEqual({
        port: "8765",
        address: "0.0.0.0",
        tls: "false",
        topic_whitelist: "['.*']",
        param_whitelist: "['.*']",
        service_whitelist: "['.*']",
        client_topic_whitelist: "['.*']",
        send_buffer_limit: "10000000",
        use_compression: "false",
        capabilities: `[${DEFAULT_CAPABILITIES.map((c) => `'${c}'`).join(", ")}]`,
        asset_uri_allowlist: `['${DEFAULT_ASSET_REGEX}']`,
        max_update_ms: "5000",
        service_type_retrieval_timeout_ms: "250",
      });
      expect(dumpParams(record.argv.slice(2))).toEqual(DEFAULT_PARAMS);

      // roscore is ours: a child of the entrypoint, on the port of ROS_MASTER_URI.
      expect(await masterAnswers(uri)).toBe(true);
      const tree = snapshot(run);
      const roscore = roscoreIn(tree);
      expect(roscore.length).toBeGreaterThanOrEqual(2); // roscore and rosmaster
      expect(roscore.map(commandLine).join("\n")).toContain(`-p ${new URL(uri).port}`);
      expect(tree).toContain(record.pid);
      // The bridge runs in its own session, so a terminal's Ctrl-C does not reach it before the
      // entrypoint has decided the order of shutdown.
      expect(record.pgid).toBe(record.pid);

      run.child.kill(signal);
      const exit = await run.exit(30000, "entrypoint");
      expect(exit.code).toBe(0);
      expect(run.stderr).toContain(`received ${signal}; shutting down`);
      await expectAllStopped(tree);
      const final = JSON.parse(readFileSync(box.recordPath, "utf8")) as StandinRecord;
      expect(final.signal).toBe("SIGINT"); // roslaunch stops its nodes on SIGINT
      expect(await masterAnswers(uri)).toBe(false);
    },
  );

  test("every FOXGLOVE_* variable reaches its bridge parameter, with the right type", async () => {
    const box = sandbox();
    await localMaster(box);
    const bridgePort = await freePort();
    const cert = path.join(box.dir, "bridge.crt");
    const key = path.join(box.dir, "bridge.key");
    writeFileSync(cert, "certificate\n");
    writeFileSync(key, "key\n");
    const settings: Record<string, string> = {
      FOXGLOVE_PORT: String(bridgePort),
      FOXGLOVE_ADDRESS: "127.0.0.1",
      FOXGLOVE_TLS_CERTFILE: cert,
      FOXGLOVE_TLS_KEYFILE: key,
      FOXGLOVE_TOPIC_WHITELIST: `['^/camera/.*', '^/tf$', "it's", '^/a{1,3}$']`,
      FOXGLOVE_PARAM_WHITELIST: "^/robot/.*",
      FOXGLOVE_SERVICE_WHITELIST: "[]",
      FOXGLOVE_CLIENT_TOPIC_WHITELIST: "['^/cmd_vel$']",
      FOXGLOVE_SEND_BUFFER_LIMIT: "20000000",
      FOXGLOVE_USE_COMPRESSION: "yes",
      FOXGLOVE_CAPABILITIES: "[clientPublish, services]",
      FOXGLOVE_ASSET_URI_ALLOWLIST: "['^package://my_robot/meshes/.*\\.stl$']",
      FOXGLOVE_MAX_UPDATE_MS: "1000",
      FOXGLOVE_SERVICE_TYPE_RETRIEVAL_TIMEOUT_MS: "500",
    };
    // The test covers every variable bridge_settings.py reads.
    const source = readFileSync(path.join(dockerDir, "bridge_settings.py"), "utf8");
    const read = new Set(source.match(/"FOXGLOVE_[A-Z_]+"/g)?.map((s) => s.slice(1, -1)));
    expect([...read].sort()).toEqual(Object.keys(settings).sort());

    const run = runEntrypoint({ ...box.env, ...settings, STANDIN_LISTEN: "1" });
    const record = await standinRecord(box, run);
    snapshot(run);
    const args = launchArguments(record);
    expect(args.get("port")).toBe(String(bridgePort));
    expect(args.get("topic_whitelist")).toBe(`['^/camera/.*', '^/tf$', 'it''s', '^/a{1,3}$']`);
    expect(args.get("param_whitelist")).toBe("['^/robot/.*']");
    expect(dumpParams(record.argv.slice(2))).toEqual({
      port: bridgePort,
      address: "127.0.0.1",
      tls: true,
      certfile: cert,
      keyfile: key,
      topic_whitelist: ["^/camera/.*", "^/tf$", "it's", "^/a{1,3}$"],
      param_whitelist: ["^/robot/.*"],
      service_whitelist: [],
      client_topic_whitelist: ["^/cmd_vel$"],
      send_buffer_limit: 20000000,
      use_compression: true,
      capabilities: ["clientPublish", "services"],
      asset_uri_allowlist: ["^package://my_robot/meshes/.*\\.stl$"],
      max_update_ms: 1000,
      service_type_retrieval_timeout_ms: 500,
    });

    // The healthcheck probes the configured address and port.
    const env = { ...box.env, ...settings };
    await waitFor("the stand-in to listen", () => acceptsConnections(bridgePort), 10000);
    const healthy = runHealthcheck(env);
    expect(healthy.output).toContain(`127.0.0.1:${bridgePort}`);
    expect(healthy.status).toBe(0);

    run.child.kill("SIGTERM");
    expect((await run.exit(30000, "entrypoint")).code).toBe(0);
    const unhealthy = runHealthcheck(env);
    expect(unhealthy.status).toBe(1);
    expect(unhealthy.output).toContain("unhealthy");
  });

  const invalid: Array<[string, Record<string, string>, RegExp]> = [
    [
      "TLS certificate without key",
      { FOXGLOVE_TLS_CERTFILE: "/etc/hostname" },
      /TLS needs both FOXGLOVE_TLS_CERTFILE and FOXGLOVE_TLS_KEYFILE: FOXGLOVE_TLS_CERTFILE is set but FOXGLOVE_TLS_KEYFILE is not/,
    ],
    [
      "TLS key without certificate",
      { FOXGLOVE_TLS_KEYFILE: "/etc/hostname" },
      /TLS needs both FOXGLOVE_TLS_CERTFILE and FOXGLOVE_TLS_KEYFILE: FOXGLOVE_TLS_KEYFILE is set but FOXGLOVE_TLS_CERTFILE is not/,
    ],
    [
      "TLS certificate that is not there",
      { FOXGLOVE_TLS_CERTFILE: "/nonexistent/bridge.crt", FOXGLOVE_TLS_KEYFILE: "/etc/hostname" },
      /FOXGLOVE_TLS_CERTFILE=\/nonexistent\/bridge.crt: no such file in the container/,
    ],
    [
      "port that is not a number",
      { FOXGLOVE_PORT: "eighty" },
      /FOXGLOVE_PORT must be a whole number, got 'eighty'/,
    ],
    ["port 0", { FOXGLOVE_PORT: "0" }, /FOXGLOVE_PORT must be between 1 and 65535, got 0/],
    [
      "whitelist with a number in it",
      { FOXGLOVE_TOPIC_WHITELIST: "[/imu, 5]" },
      /FOXGLOVE_TOPIC_WHITELIST item 1 is 5 \(int\), not a string/,
    ],
    [
      "whitelist that is not YAML",
      { FOXGLOVE_SERVICE_WHITELIST: "['/a" },
      /FOXGLOVE_SERVICE_WHITELIST is not a valid YAML list/,
    ],
    [
      "value roslaunch cannot pass",
      { FOXGLOVE_PARAM_WHITELIST: "['a:=b']" },
      /FOXGLOVE_PARAM_WHITELIST must not contain ':='/,
    ],
    [
      "unknown capability",
      { FOXGLOVE_CAPABILITIES: "[clientPublish, bogus]" },
      /unknown capability 'bogus'/,
    ],
    ["the time capability", { FOXGLOVE_CAPABILITIES: "[time]" }, /'time' is not set by hand/],
    [
      "compression neither true nor false",
      { FOXGLOVE_USE_COMPRESSION: "maybe" },
      /FOXGLOVE_USE_COMPRESSION must be true or false/,
    ],
    [
      "send buffer beyond int32",
      { FOXGLOVE_SEND_BUFFER_LIMIT: "3000000000" },
      /FOXGLOVE_SEND_BUFFER_LIMIT must be between 1 and 2147483647/,
    ],
    [
      "ROS_MASTER_URI without scheme",
      { ROS_MASTER_URI: "localhost:11311" },
      /it needs the scheme: ROS_MASTER_URI=http:\/\/localhost:11311/,
    ],
    [
      "ROS_IP that is a name",
      { ROS_IP: "robot.local" },
      /ROS_IP=robot.local is not an IP address; for a host name use ROS_HOSTNAME/,
    ],
    // 192.0.2.1 is a documentation address: binding to it fails, no packet is sent.
    [
      "ROS_IP of another machine",
      { ROS_IP: "192.0.2.1" },
      /ROS_IP=192.0.2.1 is not an address of this container/,
    ],
    [
      "a loopback ROS_IP with a master on another machine",
      // Refused before any connection is tried: no packet goes to 192.0.2.10.
      // (An empty ROS_HOSTNAME, as compose passes an unset one, counts as unset.)
      { ROS_MASTER_URI: "http://192.0.2.10:11311", ROS_IP: "127.0.0.1", ROS_HOSTNAME: "" },
      /ROS_IP=127.0.0.1 is a loopback address, but the master \(http:\/\/192.0.2.10:11311\) is on another machine/,
    ],
    ["NOROS_ROSCORE misspelt", { NOROS_ROSCORE: "maybe" }, /NOROS_ROSCORE must be auto, yes or no/],
    [
      "NOROS_MASTER_TIMEOUT not a number",
      { NOROS_MASTER_TIMEOUT: "soon" },
      /NOROS_MASTER_TIMEOUT must be a number of seconds/,
    ],
    [
      "NOROS_STOP_TIMEOUT not a number",
      { NOROS_STOP_TIMEOUT: "soon" },
      /NOROS_STOP_TIMEOUT must be a whole number/,
    ],
  ];

  test.each(invalid)("refuses %s before starting anything", async (_name, settings, message) => {
    const box = sandbox();
    const uri = await localMaster(box);
    const run = runEntrypoint({ ...box.env, ...settings });
    const exit = await run.exit(15000, "entrypoint");
    expect(run.stderr).toMatch(message);
    expect(exit.code).toBe(2);
    expect(existsSync(box.recordPath)).toBe(false);
    expect(await masterAnswers(uri)).toBe(false);
  });

  test("NOROS_ROSCORE=no uses the given master and leaves it running", async () => {
    const roscore = await startRoscore({ PATH: "/usr/bin:/bin", LANG: "C.UTF-8" });
    roscores.push(roscore);
    const box = sandbox();
    const run = runEntrypoint({ ...box.env, ROS_MASTER_URI: roscore.uri, NOROS_ROSCORE: "no" });
    const record = await standinRecord(box, run);
    expect(record.master_answered).toBe(true);
    expect(record.env["ROS_MASTER_URI"]).toBe(roscore.uri);
    const tree = snapshot(run);
    expect(roscoreIn(tree)).toEqual([]);
    expect(run.stderr).toContain(`using the ROS master at ${roscore.uri} (not starting roscore)`);

    run.child.kill("SIGTERM");
    expect((await run.exit(30000, "entrypoint")).code).toBe(0);
    await expectAllStopped(tree);
    expect(await masterAnswers(roscore.uri)).toBe(true);
  });

  test("auto mode reuses a master that already answers at ROS_MASTER_URI", async () => {
    const roscore = await startRoscore({ PATH: "/usr/bin:/bin", LANG: "C.UTF-8" });
    roscores.push(roscore);
    const box = sandbox();
    const run = runEntrypoint({ ...box.env, ROS_MASTER_URI: roscore.uri });
    await standinRecord(box, run);
    const tree = snapshot(run);
    expect(roscoreIn(tree)).toEqual([]);
    expect(run.stderr).toContain(`a ROS master already answers at ${roscore.uri}; using it`);
    run.child.kill("SIGTERM");
    expect((await run.exit(30000, "entrypoint")).code).toBe(0);
    expect(await masterAnswers(roscore.uri)).toBe(true);
  });

  test("an unreachable external master is a clear error after NOROS_MASTER_TIMEOUT", async () => {
    const box = sandbox();
    const uri = await localMaster(box); // nothing listens there
    const began = Date.now();
    const run = runEntrypoint({ ...box.env, NOROS_ROSCORE: "no", NOROS_MASTER_TIMEOUT: "2" });
    const exit = await run.exit(20000, "entrypoint");
    expect(Date.now() - began).toBeGreaterThanOrEqual(2000);
    expect(exit.code).toBe(1);
    expect(run.stderr).toContain(`no ROS master answered at ROS_MASTER_URI=${uri} within 2 s`);
    expect(run.stderr).toContain("not starting the bridge");
    expect(existsSync(box.recordPath)).toBe(false);
  });

  test("a bridge that exits takes roscore down and fails the container", async () => {
    const box = sandbox();
    const uri = await localMaster(box);
    const run = runEntrypoint({ ...box.env, STANDIN_EXIT_AFTER: "1.5", STANDIN_EXIT_CODE: "3" });
    await standinRecord(box, run);
    const tree = snapshot(run);
    expect(roscoreIn(tree).length).toBeGreaterThanOrEqual(2);
    const exit = await run.exit(30000, "entrypoint");
    expect(exit.code).toBe(1);
    expect(run.stderr).toContain("foxglove_bridge (roslaunch) exited (status 3)");
    await expectAllStopped(tree);
    expect(await masterAnswers(uri)).toBe(false);
  });

  test("a roscore that exits takes the bridge down and fails the container", async () => {
    const box = sandbox();
    await localMaster(box);
    const run = runEntrypoint(box.env);
    const record = await standinRecord(box, run);
    const tree = snapshot(run);
    const roscorePid = tree.find((pid) => /\broscore -p\b/.test(commandLine(pid)));
    expect(roscorePid).toBeDefined();
    process.kill(roscorePid as number, "SIGINT");
    const exit = await run.exit(30000, "entrypoint");
    expect(exit.code).toBe(1);
    expect(run.stderr).toMatch(/roscore exited \(status \d+\); stopping foxglove_bridge/);
    await expectAllStopped(tree);
    expect((JSON.parse(readFileSync(box.recordPath, "utf8")) as StandinRecord).signal).toBe(
      "SIGINT",
    );
    expect(isRunning(record.pid)).toBe(false);
  });

  test("a bridge that ignores SIGINT is killed after NOROS_STOP_TIMEOUT", async () => {
    const box = sandbox();
    await localMaster(box);
    const run = runEntrypoint({ ...box.env, STANDIN_IGNORE_SIGNALS: "1", NOROS_STOP_TIMEOUT: "1" });
    const record = await standinRecord(box, run);
    const tree = snapshot(run);
    run.child.kill("SIGTERM");
    expect((await run.exit(30000, "entrypoint")).code).toBe(0);
    expect(run.stderr).toMatch(/foxglove_bridge \(pid \d+\) still running after 1s; killing/);
    await expectAllStopped(tree);
    expect(isRunning(record.pid)).toBe(false);
  });

  test("with arguments it runs them in the ROS environment instead of the bridge", async () => {
    const box = sandbox();
    const run = runEntrypoint(box.env, ["printenv", "ROS_MASTER_URI"]);
    const exit = await run.exit(10000, "entrypoint");
    expect(exit.code).toBe(0);
    expect(run.stdout.trim()).toBe("http://localhost:11311");
    expect(existsSync(box.recordPath)).toBe(false);
  });

  test("a message folder that cannot be built stops the container before roscore", async () => {
    const box = sandbox();
    const uri = await localMaster(box);
    const msgs = path.join(box.dir, "msgs");
    mkdirSync(msgs);
    writeFileSync(path.join(msgs, "Loose.msg"), "int32 x\n");
    const run = runEntrypoint({
      ...box.env,
      NOROS_MSGS_DIR: msgs,
      NOROS_MSGS_WS: path.join(box.dir, "ws"),
    });
    const exit = await run.exit(15000, "entrypoint");
    expect(exit.code).toBe(1);
    expect(run.stderr).toContain(
      "definition files must be in a package's msg/, srv/ or action/ folder",
    );
    expect(run.stderr).toContain(`could not build the message packages in ${msgs}`);
    expect(await masterAnswers(uri)).toBe(false);
  });
});

describeIf(hasPython("yaml"), "needs Debian's python3")("ros_network.py master-plan", () => {
  // Where the entrypoint's roscore decision comes from. Only binds are tried (that is how an
  // address is recognised as this machine's), never a connection.
  const plan = (env: Record<string, string>) =>
    spawnSync("/usr/bin/python3", [path.join(dockerDir, "ros_network.py"), "master-plan"], {
      env: { PATH: "/usr/bin:/bin", ...env },
      encoding: "utf8",
    });

  test.each([
    ["http://localhost:11311", {}, "local 11311"],
    ["http://127.0.0.1:11400", {}, "local 11400"],
    ["http://[::1]:11311", {}, "local 11311"],
    [`http://${os.hostname()}:11311`, {}, "local 11311"],
    ["http://bridge:11311", { ROS_HOSTNAME: "bridge" }, "local 11311"],
    ["http://192.0.2.10:11311", {}, "external 11311"],
    ["http://192.0.2.10:11311", { NOROS_ROSCORE: "yes" }, "local 11311"],
    ["http://localhost:11311", { NOROS_ROSCORE: "no" }, "external 11311"],
  ] as Array<[string, Record<string, string>, string]>)("%s %j -> %s", (uri, env, expected) => {
    const result = plan({ ROS_MASTER_URI: uri, ...env });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(expected);
  });

  test("warns when another machine's master could not call this one back", () => {
    const result = plan({ ROS_MASTER_URI: "http://192.0.2.10:11311" });
    expect(result.stdout.trim()).toBe("external 11311");
    expect(result.stderr).toContain("neither ROS_IP nor ROS_HOSTNAME is set");
    const quiet = plan({ ROS_MASTER_URI: "http://192.0.2.10:11311", ROS_HOSTNAME: "laptop.lan" });
    expect(quiet.stderr).toBe("");
  });
});

const repoMsgs = path.resolve(__dirname, "..", "..", "msgs");

describeIf(
  canRun && hasCommand("catkin_make") && existsSync(repoMsgs),
  "needs Debian's catkin (apt-get install catkin) besides roscore, and the repository's msgs/",
)("entrypoint.sh with mounted message packages", () => {
  test("builds the folder, and the bridge runs with the workspace sourced", async () => {
    const box = sandbox();
    await localMaster(box);
    const msgs = path.join(box.dir, "msgs");
    cpSync(repoMsgs, msgs, { recursive: true });
    const ws = path.join(box.dir, "cache", "msgs_ws");
    const env = { ...box.env, NOROS_MSGS_DIR: msgs, NOROS_MSGS_WS: ws };
    const run = runEntrypoint(env);
    const record = await standinRecord(box, run);
    snapshot(run);
    expect(run.stdout).toMatch(/msgs: built \d+ package\(s\): .*\bnoros_examples\b/);

    // What foxglove_bridge needs to advertise the types: the package on ROS_PACKAGE_PATH (it
    // reads msg/*.msg through rospack); rospy tools need the generated classes too.
    const probe = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import rospkg; from noros_examples.msg import VehicleStatus; " +
          "print(rospkg.RosPack().get_path('noros_examples')); print(VehicleStatus._type)",
      ],
      { env: record.env, encoding: "utf8" },
    );
    expect(probe.stderr).toBe("");
    expect(probe.stdout.split("\n").slice(0, 2)).toEqual([
      path.join(ws, "src", "noros_examples"),
      "noros_examples/VehicleStatus",
    ]);

    run.child.kill("SIGTERM");
    expect((await run.exit(30000, "entrypoint")).code).toBe(0);

    // A restart with the same folder reuses the workspace.
    rmSync(box.recordPath);
    const again = runEntrypoint(env);
    await standinRecord(box, again);
    snapshot(again);
    expect(again.stdout).toContain(`msgs: ${ws} is up to date with ${msgs}`);
    again.child.kill("SIGTERM");
    expect((await again.exit(30000, "entrypoint")).code).toBe(0);
  });

  test("SIGTERM during the build stops catkin_make and everything it started", async () => {
    const box = sandbox();
    const uri = await localMaster(box);
    const msgs = path.join(box.dir, "msgs");
    cpSync(repoMsgs, msgs, { recursive: true });
    const ws = path.join(box.dir, "cache", "msgs_ws");
    const run = runEntrypoint({ ...box.env, NOROS_MSGS_DIR: msgs, NOROS_MSGS_WS: ws });
    await waitFor("catkin_make to start", () => run.stdout.includes("with catkin_make"), 30000);
    const tree = await waitFor(
      "the build's processes",
      () => {
        const now = snapshot(run);
        return now.some((pid) => /\bcatkin_make\b/.test(commandLine(pid))) && now;
      },
      10000,
      20,
    );
    run.child.kill("SIGTERM");
    expect((await run.exit(30000, "entrypoint")).code).toBe(0);
    expect(run.stderr).toContain("stopping start-up step");
    await expectAllStopped(tree);
    expect(existsSync(box.recordPath)).toBe(false);
    expect(await masterAnswers(uri)).toBe(false);
  });
});
