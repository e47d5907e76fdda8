/**
 * docker/msgs_workspace.py: a folder of message packages (the layout `noros-gen` reads) becomes a
 * catkin workspace. Generated package.xml files are read back with catkin_pkg (what catkin itself
 * uses), the build is Debian's real catkin_make with genmsg/genpy, and the generated classes are
 * compared with Debian's own message classes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describeIf, hasCommand, hasPython, ROS_PYTHON } from "../helpers/env.js";

const script = path.resolve(__dirname, "..", "..", "docker", "msgs_workspace.py");
const repoMsgs = path.resolve(__dirname, "..", "..", "msgs");

let tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs = [];
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "noros-msgs-"));
  tempDirs.push(dir);
  return dir;
}

/** Writes `files` (relative path -> text) under `root`. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    const full = path.join(root, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

function run(command: "build" | "prepare", source: string, workspace: string) {
  const result = spawnSync(ROS_PYTHON, [script, command, source, workspace], {
    env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", HOME: os.tmpdir() },
    encoding: "utf8",
    timeout: 240000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Two packages without package.xml/CMakeLists.txt (one uses the other), one with its own. */
const SOURCE: Record<string, string> = {
  "nav_extra/msg/Waypoint.msg": [
    "# A waypoint",
    "Header header",
    "geometry_msgs/Pose pose   # where to go",
    "float64 tolerance",
    "string LABEL=home # not a comment: string constants keep everything",
    "Tag[] tags",
    "nav_extra/Tag main_tag",
    "",
  ].join("\n"),
  "nav_extra/msg/Tag.msg": "string name\n",
  "nav_extra/msg/Point.msg": "float64 x\nfloat64 y\nfloat64 z\n",
  "nav_extra/srv/SetWaypoint.srv": "nav_extra/Waypoint waypoint\n---\nbool ok\n",
  "robots/fleet_msgs/msg/RobotStatus.msg":
    "nav_extra/Waypoint goal\ntime stamp\nint64[4] counters\n",
  "robots/fleet_msgs/action/Dock.action":
    "string station\n---\nbool docked\n---\nfloat32 progress\n",
  "own_msgs/package.xml": [
    '<?xml version="1.0"?>',
    '<package format="2">',
    "  <name>own_msgs</name>",
    "  <version>1.2.3</version>",
    "  <description>Comes with its own files</description>",
    '  <maintainer email="someone@example.com">someone</maintainer>',
    "  <license>BSD</license>",
    "  <buildtool_depend>catkin</buildtool_depend>",
    "  <build_depend>message_generation</build_depend>",
    "  <depend>std_msgs</depend>",
    "  <exec_depend>message_runtime</exec_depend>",
    "</package>",
    "",
  ].join("\n"),
  "own_msgs/CMakeLists.txt": [
    "cmake_minimum_required(VERSION 3.0.2)",
    "project(own_msgs)",
    "find_package(catkin REQUIRED COMPONENTS message_generation std_msgs)",
    "add_message_files(FILES Ping.msg)",
    "generate_messages(DEPENDENCIES std_msgs)",
    "catkin_package(CATKIN_DEPENDS message_runtime std_msgs)",
    "",
  ].join("\n"),
  "own_msgs/msg/Ping.msg": "std_msgs/Header header\nuint32 seq\n",
  // Not packages: skipped.
  "README.md": "my messages\n",
  "node_modules/junk/msg/Junk.msg": "this is not a message\n",
};

/** catkin_pkg's reading of a package.xml: name and dependency names. */
function parseManifest(packageDir: string): { name: string; depends: string[]; build: string[] } {
  const code = [
    "import json, sys",
    "from catkin_pkg.package import parse_package",
    "p = parse_package(sys.argv[1])",
    "print(json.dumps({'name': p.name,",
    "  'depends': sorted({d.name for d in p.build_depends + p.exec_depends} - {'message_generation', 'message_runtime'}),",
    "  'build': sorted(d.name for d in p.buildtool_depends + p.build_depends if d.name in ('catkin', 'message_generation'))}))",
  ].join("\n");
  const result = spawnSync(ROS_PYTHON, ["-c", code, packageDir], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as { name: string; depends: string[]; build: string[] };
}

describeIf(hasPython("catkin_pkg"), "needs Debian's python3-catkin-pkg")(
  "msgs_workspace.py prepare",
  () => {
    test("generates package.xml and CMakeLists.txt where missing and keeps the package's own", () => {
      const source = tempDir();
      const ws = path.join(tempDir(), "ws");
      writeTree(source, SOURCE);
      const result = run("prepare", source, ws);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("nav_extra from");
      expect(result.stdout).toContain("(generated package.xml and CMakeLists.txt)");

      const src = path.join(ws, "src");
      expect(parseManifest(path.join(src, "nav_extra"))).toEqual({
        name: "nav_extra",
        depends: ["geometry_msgs", "std_msgs"],
        build: ["catkin", "message_generation"],
      });
      expect(parseManifest(path.join(src, "fleet_msgs"))).toEqual({
        name: "fleet_msgs",
        depends: ["actionlib_msgs", "nav_extra", "std_msgs"],
        build: ["catkin", "message_generation"],
      });
      const cmake = readFileSync(path.join(src, "fleet_msgs", "CMakeLists.txt"), "utf8");
      expect(cmake).toContain("add_action_files(DIRECTORY action FILES Dock.action)");
      expect(cmake).toContain("add_message_files(DIRECTORY msg FILES RobotStatus.msg)");
      expect(cmake).toContain("generate_messages(DEPENDENCIES actionlib_msgs nav_extra std_msgs)");
      for (const file of [
        "own_msgs/package.xml",
        "own_msgs/CMakeLists.txt",
        "own_msgs/msg/Ping.msg",
      ]) {
        expect(readFileSync(path.join(src, file), "utf8")).toBe(SOURCE[file]);
      }
      expect(existsSync(path.join(src, "junk"))).toBe(false);
    });

    (existsSync(repoMsgs) ? test : test.skip)(
      "reads the repository's msgs/ folder (what noros-gen reads)",
      () => {
        const ws = path.join(tempDir(), "ws");
        const result = run("prepare", repoMsgs, ws);
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
      },
    );

    const bad: Array<[string, Record<string, string>, RegExp]> = [
      [
        "a dependency that is neither in the folder nor installed",
        { "my_msgs/msg/Seen.msg": "int32 id\nvision_msgs_missing/Detection2D detection\n" },
        /my_msgs\/msg\/Seen.msg:2: vision_msgs_missing\/Detection2D needs package vision_msgs_missing, which is neither in .* nor installed .*EXTRA_APT_PACKAGES=ros-noetic-vision-msgs-missing/,
      ],
      [
        "a folder name that is no package name",
        { "My-Msgs/msg/A.msg": "int32 a\n" },
        /folder .*My-Msgs: 'My-Msgs' is not a valid ROS package name/,
      ],
      [
        "two packages of the same name",
        { "a/same_msgs/msg/A.msg": "int32 a\n", "b/same_msgs/msg/B.msg": "int32 b\n" },
        /package same_msgs is defined twice: .*a\/same_msgs and .*b\/same_msgs/,
      ],
      [
        "a .msg file outside a msg/ folder",
        { "loose_msgs/Loose.msg": "int32 a\n" },
        /loose_msgs: definition files must be in a package's msg\/, srv\/ or action\/ folder .*Loose.msg/,
      ],
      [
        "a type the package does not have",
        { "my_msgs/msg/A.msg": "int32 a\nMissing m\n" },
        /my_msgs\/msg\/A.msg:2: type 'Missing' is not in package my_msgs \(no msg\/Missing.msg\)/,
      ],
      [
        "a field without a name",
        { "my_msgs/msg/A.msg": "# fine\nint32\n" },
        /my_msgs\/msg\/A.msg:2: expected 'TYPE NAME', got 'int32'/,
      ],
      [
        "a service without its '---'",
        { "my_msgs/srv/Do.srv": "int32 a\nbool ok\n" },
        /my_msgs\/srv\/Do.srv: a .srv file needs 1 '---' line\(s\), found 0/,
      ],
      [
        "a package.xml that is not XML",
        {
          "my_msgs/package.xml": "<package><name>my_msgs</nam></package>",
          "my_msgs/msg/A.msg": "int32 a\n",
        },
        /my_msgs\/package.xml: not valid XML/,
      ],
    ];

    test.each(bad)("refuses %s, naming the place", (_name, files, message) => {
      const source = tempDir();
      writeTree(source, files);
      const ws = path.join(tempDir(), "ws");
      const result = run("prepare", source, ws);
      expect(result.stderr).toMatch(message);
      expect(result.status).toBe(2);
      expect(existsSync(path.join(ws, "src"))).toBe(false);
    });

    test("never wipes a folder it did not make", () => {
      const source = tempDir();
      writeTree(source, { "my_msgs/msg/A.msg": "int32 a\n" });
      const ws = tempDir();
      writeFileSync(path.join(ws, "precious.txt"), "keep me\n");
      const result = run("prepare", source, ws);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        "exists and was not made by this tool; refusing to overwrite it",
      );
      expect(readFileSync(path.join(ws, "precious.txt"), "utf8")).toBe("keep me\n");
    });
  },
);

describeIf(
  hasCommand("catkin_make") && hasPython("genpy", "geometry_msgs.msg", "rospkg"),
  "needs Debian's catkin (apt-get install catkin) and the genpy message classes",
)("msgs_workspace.py build", () => {
  test("builds with catkin_make; the classes match genmsg's md5 rules; rebuilds only on change", () => {
    const source = tempDir();
    writeTree(source, SOURCE);
    const ws = path.join(tempDir(), "ws");
    const first = run("build", source, ws);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("msgs: built 3 package(s): fleet_msgs, nav_extra, own_msgs");

    const probe = [
      "import json, rospkg",
      "from geometry_msgs.msg import Point as GeometryPoint",
      "from nav_extra.msg import Point, Waypoint",
      "from nav_extra.srv import SetWaypoint",
      "from fleet_msgs.msg import RobotStatus, DockAction",
      "from own_msgs.msg import Ping",
      "rp = rospkg.RosPack()",
      "print(json.dumps({",
      "  'point_md5': Point._md5sum, 'geometry_point_md5': GeometryPoint._md5sum,",
      "  'label': Waypoint.LABEL, 'status_text': RobotStatus._full_text,",
      "  'srv': SetWaypoint._type, 'action': DockAction._type, 'ping': Ping._type,",
      "  'paths': [rp.get_path(p) for p in ('nav_extra', 'fleet_msgs', 'own_msgs')]}))",
    ].join("\n");
    const result = spawnSync(
      "bash",
      ["-c", `source "${ws}/devel/setup.bash" && exec ${ROS_PYTHON} -c "$0"`, probe],
      { env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir() }, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    const seen = JSON.parse(result.stdout) as Record<string, unknown>;
    // The md5 of a message does not depend on its name: same fields, same md5 as Debian's.
    expect(seen["point_md5"]).toBe(seen["geometry_point_md5"]);
    expect(seen["label"]).toBe("home # not a comment: string constants keep everything");
    expect(seen["status_text"]).toContain("MSG: nav_extra/Waypoint");
    expect(seen["status_text"]).toContain("MSG: geometry_msgs/Pose");
    expect([seen["srv"], seen["action"], seen["ping"]]).toEqual([
      "nav_extra/SetWaypoint",
      "fleet_msgs/DockAction",
      "own_msgs/Ping",
    ]);
    // foxglove_bridge finds definitions through the package path, as rospack does.
    expect(seen["paths"]).toEqual(
      ["nav_extra", "fleet_msgs", "own_msgs"].map((p) => path.join(ws, "src", p)),
    );

    const again = run("build", source, ws);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`msgs: ${ws} is up to date with ${source}`);

    writeFileSync(path.join(source, "nav_extra", "msg", "Tag.msg"), "string name\nuint8 colour\n");
    const changed = run("build", source, ws);
    expect(changed.status).toBe(0);
    expect(changed.stdout).toContain("msgs: built 3 package(s)");

    if (hasCommand("catkin_lint")) {
      const lint = spawnSync("catkin_lint", ["-W2", "--strict", path.join(ws, "src")], {
        encoding: "utf8",
      });
      expect({ status: lint.status, output: lint.stdout + lint.stderr }).toEqual({
        status: 0,
        output: expect.stringContaining("found 0 problems") as unknown,
      });
    }
  });

  test("a catkin failure is reported with the log, and the next run tries again", () => {
    const source = tempDir();
    // Valid to the pre-check, rejected by genmsg: a field name must start with a letter.
    writeTree(source, { "bad_msgs/msg/A.msg": "int32 9lives\n" });
    const ws = path.join(tempDir(), "ws");
    const result = run("build", source, ws);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`catkin_make failed (exit`);
    expect(result.stderr).toContain(path.join(ws, "catkin_make.log"));
    expect(existsSync(path.join(ws, ".noros-fingerprint"))).toBe(false);
  });
});
