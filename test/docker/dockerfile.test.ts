/**
 * The image definition and its scripts, checked without a Docker engine: dockerfile-utils'
 * validator, shellcheck, Python syntax for the image's Python 3.8, and cross-checks between the
 * Dockerfile and the files it copies and runs.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validate } from "dockerfile-utils";

import { describeIf, hasCommand, ROS_PYTHON } from "../helpers/env.js";
import {
  copiesOf,
  envOf,
  execForm,
  finalStage,
  readInstructions,
  type Instruction,
} from "./dockerfile_instructions.js";

const dockerDir = path.resolve(__dirname, "..", "..", "docker");
const dockerfile = path.join(dockerDir, "Dockerfile");
const PYTHON_FILES = [
  "bridge_settings.py",
  "ros_network.py",
  "msgs_workspace.py",
  "demo_publisher.py",
];
const SHELL_FILES = ["entrypoint.sh", "healthcheck.sh"];

function single(stage: Instruction[], keyword: string): Instruction {
  const found = stage.filter((i) => i.keyword === keyword);
  expect(found.map((i) => i.keyword)).toEqual([keyword]);
  return found[0] as Instruction;
}

describe("docker/Dockerfile", () => {
  const instructions = readInstructions(dockerfile);
  const stage = finalStage(instructions);

  test("passes dockerfile-utils' validator with no diagnostics at all", () => {
    const diagnostics = validate(readFileSync(dockerfile, "utf8"));
    expect(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  test("the validator does flag a broken Dockerfile (so the check above can fail)", () => {
    const broken =
      "FROM ros:noetic-ros-base\nCOPY --chmode=0755 a /b\nHEALTHCHECK --interval=soon CMD true\n";
    expect(validate(broken).length).toBeGreaterThanOrEqual(2);
  });

  test("builds on ros:noetic-ros-base and installs foxglove_bridge and common message packages", () => {
    expect(stage[0]?.args).toBe("ros:noetic-ros-base");
    const install = stage.filter((i) => i.keyword === "RUN" && i.args.includes("apt-get install"));
    expect(install).toHaveLength(1);
    const run = install[0]?.args ?? "";
    expect(run).toContain("--no-install-recommends");
    expect(run).toContain("rm -rf /var/lib/apt/lists/*");
    for (const pkg of ["foxglove-bridge", "tf2-msgs", "foxglove-msgs", "vision-msgs", "pcl-msgs"]) {
      expect(run).toMatch(new RegExp(`\\bros-noetic-${pkg}\\b`));
    }
    expect(run).toContain("${EXTRA_APT_PACKAGES}");
  });

  test("copies every file it runs, from files that exist in docker/", () => {
    const copied = new Map<string, string>();
    for (const copy of copiesOf(stage).filter(
      (c) => !c.flags.some((f) => f.startsWith("--from")),
    )) {
      expect(copy.destination.endsWith("/")).toBe(true);
      for (const source of copy.sources) {
        expect({ source, exists: existsSync(path.join(dockerDir, source)) }).toEqual({
          source,
          exists: true,
        });
        copied.set(path.posix.join(copy.destination, source), source);
      }
    }
    for (const file of [...PYTHON_FILES, ...SHELL_FILES, "noros_bridge.launch"]) {
      expect(copied.get(`/opt/noros/${file}`)).toBe(file);
    }
    // The scripts and Python tools are made executable in the image.
    const scripts = copiesOf(stage).find((c) => c.sources.includes("entrypoint.sh"));
    expect(scripts?.flags).toContain("--chmod=0755");
    expect(scripts?.sources).toEqual(expect.arrayContaining([...SHELL_FILES, ...PYTHON_FILES]));
  });

  test("runs as a non-root user, with an exec-form entrypoint and the port healthcheck", () => {
    const users = stage.filter((i) => i.keyword === "USER");
    expect(users.map((u) => u.args)).toEqual(["ros"]);
    const entrypoint = single(stage, "ENTRYPOINT");
    expect(users[0]?.line).toBeLessThan(entrypoint.line);
    // Exec form: the entrypoint itself gets docker stop's SIGTERM.
    expect(execForm(entrypoint.args)).toEqual(["/opt/noros/entrypoint.sh"]);
    const health = single(stage, "HEALTHCHECK");
    expect(execForm(health.args)).toEqual(["/opt/noros/healthcheck.sh"]);
    expect(health.args).toMatch(/--start-period=\d+s/);
    expect(single(stage, "EXPOSE").args.split(/\s+/)).toContain("8765");
  });

  test("ENV defaults agree with the scripts and give `ros` a writable workspace cache", () => {
    const env = envOf(stage);
    expect(env.get("FOXGLOVE_PORT")).toBe("8765");
    expect(env.get("FOXGLOVE_ADDRESS")).toBe("0.0.0.0");
    expect(env.get("NOROS_MSGS_DIR")).toBe("/msgs");
    const cache = env.get("NOROS_MSGS_WS") ?? "";
    expect(cache.startsWith("/home/ros/.cache/noros/")).toBe(true);
    const setup = stage.find(
      (i) => i.keyword === "RUN" && i.args.includes("useradd"),
    ) as Instruction;
    expect(setup.args).toContain("mkdir -p /home/ros/.cache/noros");
    expect(setup.args).toContain("chown -R ros:ros /home/ros");
    // The image's own packages are built where the entrypoint looks for them.
    const imageWs = env.get("NOROS_IMAGE_WS") ?? "";
    expect(
      stage.some(
        (i) =>
          i.keyword === "RUN" &&
          i.args.includes(`msgs_workspace.py build /opt/noros/image_msgs ${imageWs}`),
      ),
    ).toBe(true);
  });

  test("the default `msgs` build context holds no packages", () => {
    const first = instructions[0] as Instruction;
    expect(first.keyword).toBe("FROM");
    expect(first.args).toBe("scratch AS msgs");
    expect(copiesOf(stage).some((c) => c.flags.includes("--from=msgs"))).toBe(true);
    const ws = mkdtempSync(path.join(os.tmpdir(), "noros-none-"));
    try {
      const result = spawnSync(
        ROS_PYTHON,
        [path.join(dockerDir, "msgs_workspace.py"), "build", path.join(dockerDir, "msgs-none"), ws],
        { encoding: "utf8" },
      );
      expect(result.stdout).toContain("no message packages");
      expect(result.status).toBe(0);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe("docker/ scripts", () => {
  test.each([...SHELL_FILES, ...PYTHON_FILES])("%s is executable", (file) => {
    expect(statSync(path.join(dockerDir, file)).mode & 0o111).toBe(0o111);
  });

  describeIf(hasCommand("shellcheck"), "needs shellcheck (apt-get install shellcheck)")(
    "shellcheck",
    () => {
      test.each(SHELL_FILES)("%s passes shellcheck", (file) => {
        const result = spawnSync("shellcheck", ["--severity=style", path.join(dockerDir, file)], {
          encoding: "utf8",
        });
        expect(result.stdout + result.stderr).toBe("");
        expect(result.status).toBe(0);
      });
    },
  );

  // The image runs Ubuntu focal's Python 3.8; this machine's Python is newer.
  test.each(PYTHON_FILES)("%s parses as Python 3.8", (file) => {
    const code = [
      "import ast, sys",
      "source = open(sys.argv[1]).read()",
      "ast.parse(source, filename=sys.argv[1], feature_version=(3, 8))",
      // Library calls newer than 3.8 that ast cannot see.
      "bad = [n for n in ('removeprefix', 'removesuffix', 'functools.cache', 'zoneinfo', 'str | ', 'dict[', 'list[', 'tuple[') if n in source]",
      "print(','.join(bad))",
    ].join("\n");
    const result = spawnSync(ROS_PYTHON, ["-c", code, path.join(dockerDir, file)], {
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("");
  });
});
