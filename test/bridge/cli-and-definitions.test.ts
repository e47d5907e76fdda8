/**
 * `noros bridge` argument mistakes (one line, exit 2 for usage, 1 for a folder to fix), the
 * advertised-host rules, and the definition library the bridge uses for client publishing and
 * service schemas, checked against Debian's genpy (md5 and full text from .msg/.srv folders).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { main } from "../../tools/cli.js";
import { DefinitionLibrary } from "../../tools/ros-bridge/definitions.js";
import { rosAdvertiseHost } from "../../tools/ros-bridge/server.js";
import { ROS_PYTHON, describeIf, hasPython } from "../helpers/env.js";

async function noros(args: string[], env: Record<string, string> = {}) {
  const out = { stdout: "", stderr: "" };
  const code = await main(args, {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    signal: new AbortController().signal,
    env,
  });
  return { code, ...out };
}

describe("noros bridge usage", () => {
  it("lists the command and documents its options", async () => {
    expect((await noros(["--help"])).stdout).toContain("noros bridge");
    const help = await noros(["bridge", "--help"]);
    expect(help.code).toBe(0);
    for (const option of [
      "--master",
      "--port",
      "--host",
      "--name",
      "--msgs",
      "--topics",
      "--services",
      "--params",
      "--advertise-host",
    ]) {
      expect(help.stdout).toContain(option);
    }
  });

  it.each([
    [["bridge", "--topics", "("], /^noros bridge: --topics: not a regular expression: .*\n$/, 2],
    [
      ["bridge", "--master", "localhost:11311"],
      /^noros bridge: --master must be an http:\/\/ URI, got "localhost:11311"\n$/,
      2,
    ],
    [["bridge", "--name", "not a name"], /^noros bridge: --name must be a ROS node name/, 2],
    [
      ["bridge", "--msgs", "/nonexistent/folder"],
      /^noros bridge: --msgs \/nonexistent\/folder: no msg\/ or srv\/ folders/,
      1,
    ],
  ])("%j: %s, exit %d", async (args, message, code) => {
    const run = await noros(args as string[]);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split("\n").filter((l) => l !== "").length).toBe(1);
    expect(run.code).toBe(code);
  });

  it("advertises ROS_HOSTNAME, then ROS_IP, then the host name", () => {
    expect(rosAdvertiseHost({ ROS_HOSTNAME: "laptop", ROS_IP: "10.0.0.2" })).toBe("laptop");
    expect(rosAdvertiseHost({ ROS_IP: "10.0.0.2" })).toBe("10.0.0.2");
    expect(rosAdvertiseHost({})).toBe(os.hostname());
  });
});

const genpy = (code: string) =>
  execFileSync(ROS_PYTHON, ["-c", code], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });

describeIf(
  hasPython("sensor_msgs.msg", "std_srvs.srv", "diagnostic_msgs.msg"),
  "needs Debian's genpy message packages (python3-sensor-msgs, python3-std-srvs, python3-diagnostic-msgs)",
)("the bridge's definition library", () => {
  it("builds full texts and md5s from /usr/share .msg files that equal genpy's", () => {
    // Not loaded: only the folders, no bundled bindings.
    const folders = new DefinitionLibrary(["/usr/share"]);
    for (const [module, type] of [
      ["sensor_msgs.msg", "Imu"],
      ["diagnostic_msgs.msg", "DiagnosticArray"],
      ["sensor_msgs.msg", "CameraInfo"],
    ] as const) {
      const pkg = module.split(".")[0]!;
      const found = folders.message(`${pkg}/${type}`);
      const truth = genpy(
        `import sys; from ${module} import ${type} as T; sys.stdout.write(T._md5sum)`,
      );
      expect([type, found?.md5sum]).toEqual([type, truth]);
    }
    expect(folders.message("sensor_msgs/NoSuchType")).toBeUndefined();
  });

  it("splits .srv files into request and response texts, from --msgs folders first", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "noros-msgs-"));
    try {
      const pkg = path.join(dir, "my_pkg");
      mkdirSync(path.join(pkg, "srv"), { recursive: true });
      writeFileSync(
        path.join(pkg, "srv", "Move.srv"),
        "geometry_msgs/Point target\n---\nbool ok\nstring message\n",
      );
      const library = new DefinitionLibrary([dir, "/usr/share"]);
      const move = library.service("my_pkg/Move")!;
      expect(move.request).toBe(
        `geometry_msgs/Point target\n${"=".repeat(80)}\nMSG: geometry_msgs/Point\n` +
          readFileSync("/usr/share/geometry_msgs/msg/Point.msg", "utf8"),
      );
      expect(move.response).toBe("bool ok\nstring message\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("has the bundled standard types and roscpp's logger services once loaded", async () => {
    const library = new DefinitionLibrary([]);
    await library.load();
    expect(library.message("std_msgs/String")?.md5sum).toBe("992ce8a1687cec8c8bd883ec73ca41d1");
    expect(library.service("std_srvs/SetBool")?.request).toMatch(/^bool data/);
    expect(library.service("roscpp/GetLoggers")?.response).toMatch(/^Logger\[\] loggers\n/);
  });
});
