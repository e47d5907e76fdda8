/**
 * docker/compose.yaml and its two variants, read with the `yaml` package and checked against the
 * compose-spec rules they rely on (test/docker/compose_spec.ts), then cross-checked with the
 * Dockerfile and the scripts: every variable the files set is one the container reads, every path
 * they name is one the image has.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";

import { copiesOf, envOf, finalStage, readInstructions } from "./dockerfile_instructions.js";
import {
  interpolate,
  interpolateAll,
  isMapping,
  mergeCompose,
  readComposeFile,
  validateCompose,
  type Json,
  type Mapping,
} from "./compose_spec.js";

const dockerDir = path.resolve(__dirname, "..", "..", "docker");
const stage = finalStage(readInstructions(path.join(dockerDir, "Dockerfile")));
const imageEnv = envOf(stage);
const imageFiles = new Set(
  copiesOf(stage).flatMap((c) => c.sources.map((s) => path.posix.join(c.destination, s))),
);

/** Variables the container's scripts read (names in quotes or ${...} in docker/*.sh|*.py). */
const readByContainer = new Set(
  readdirSync(dockerDir)
    .filter((f) => /\.(sh|py)$/.test(f))
    .flatMap((f) => [
      ...readFileSync(path.join(dockerDir, f), "utf8").matchAll(
        /\b((?:FOXGLOVE|NOROS|ROS)_[A-Z_]+)\b/g,
      ),
    ])
    .map((m) => m[1] as string),
);

function load(file: string, vars: Record<string, string> = {}): Mapping {
  return interpolateAll(readComposeFile(path.join(dockerDir, file)), vars) as Mapping;
}

function merged(files: string[], vars: Record<string, string> = {}): Mapping {
  let model: Json = {};
  for (const file of files) model = mergeCompose(model, load(file, vars)) ?? {};
  return model as Mapping;
}

function service(model: Mapping, name: string): Mapping {
  const services = model["services"] as Mapping;
  const found = services[name];
  if (!isMapping(found)) throw new Error(`no service ${name}`);
  return found;
}

function environment(svc: Mapping): Record<string, string> {
  const env = svc["environment"];
  return isMapping(env)
    ? (Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? "")])) as Record<
        string,
        string
      >)
    : {};
}

describe("compose_spec checks (they must be able to fail)", () => {
  test("interpolation follows compose's rules", () => {
    const vars = { SET: "a", EMPTY: "" };
    expect(interpolate("${SET}-${UNSET:-d}-${EMPTY:-d}-${EMPTY-d}-$$-$SET", vars)).toBe(
      "a-d-d--$-a",
    );
    expect(interpolate("${SET:+x}${UNSET:+x}", vars)).toBe("x");
    expect(() => interpolate("${UNSET:?set it}", vars)).toThrow(
      "required variable UNSET is missing a value: set it",
    );
    expect(() => interpolate("${SET", vars)).toThrow("unclosed");
    expect(() => interpolate("cost: 5$", vars)).toThrow("lone $");
  });

  test("the validator rejects what compose rejects", () => {
    const bad: Mapping = {
      servces: {},
      services: {
        a: {
          image: "x",
          ports: ["80:80"],
          network_mode: "host",
          profiles: "demo",
          healthcheck: { test: ["RUN", "x"], interval: "10 seconds" },
          depends_on: { b: { condition: "service_ready" } },
          volumes: [{ type: "volume", source: "undeclared", target: "relative" }],
          restrat: "always",
        },
      },
    };
    const problems = validateCompose(bad, dockerDir, existsSync);
    for (const expected of [
      "servces: unknown top-level key",
      "services.a: ports with network_mode: host",
      "services.a.profiles: must be a sequence of profile names",
      "services.a.healthcheck.test",
      "services.a.healthcheck.interval: bad duration",
      "services.a.depends_on: unknown service b",
      'services.a.depends_on.b: bad condition "service_ready"',
      'named volume "undeclared" is not declared',
      "target must be an absolute path",
      "services.a.restrat: unknown service key",
    ]) {
      expect(problems.join("\n")).toContain(expected);
    }
  });

  test("merging: mappings merge, volumes by target, !reset removes", () => {
    const base: Mapping = {
      services: {
        a: {
          ports: ["1:1"],
          environment: { A: "1", B: "2" },
          volumes: [{ target: "/x", source: "a" }],
        },
      },
    };
    const override: Mapping = {
      services: {
        a: {
          ports: "\u0000compose-reset",
          environment: { B: "3" },
          volumes: [
            { target: "/x", source: "b" },
            { target: "/y", source: "c" },
          ],
        },
      },
    };
    expect(mergeCompose(base, override)).toEqual({
      services: {
        a: {
          environment: { A: "1", B: "3" },
          volumes: [
            { target: "/x", source: "b" },
            { target: "/y", source: "c" },
          ],
        },
      },
    });
  });
});

describe("docker/compose.yaml", () => {
  const model = merged(["compose.yaml"]);
  const bridge = service(model, "bridge");
  const demo = service(model, "demo");

  test("is a valid compose model", () => {
    expect(validateCompose(model, dockerDir, existsSync)).toEqual([]);
  });

  test("the bridge runs by default and publishes the bridge port", () => {
    expect(bridge["profiles"]).toBeUndefined();
    expect(bridge["ports"]).toEqual(["8765:8765"]);
    expect(merged(["compose.yaml"], { FOXGLOVE_PORT: "9000" })["services"]).toMatchObject({
      bridge: { ports: ["9000:9000"], environment: { FOXGLOVE_PORT: "9000" } },
    });
    expect(bridge["init"]).toBe(true);
  });

  test("its healthcheck is the image's script", () => {
    const check = bridge["healthcheck"] as Mapping;
    expect(check["test"]).toEqual(["CMD", "/opt/noros/healthcheck.sh"]);
    expect(imageFiles.has("/opt/noros/healthcheck.sh")).toBe(true);
  });

  test("the demo robot is a profile that waits for a healthy bridge on the same network", () => {
    expect(demo["profiles"]).toEqual(["demo"]);
    expect(demo["depends_on"]).toEqual({ bridge: { condition: "service_healthy" } });
    const command = demo["command"] as string[];
    expect(imageFiles.has(command[1] as string)).toBe(true);
    expect(demo["image"]).toBe(bridge["image"]);
    expect(demo["build"]).toEqual(bridge["build"]);
    // Nodes call each other back by the names they advertise: the compose service names.
    const bridgeEnv = environment(bridge);
    const demoEnv = environment(demo);
    expect(bridgeEnv["ROS_MASTER_URI"]).toBe("http://bridge:11311");
    expect(demoEnv["ROS_MASTER_URI"]).toBe(bridgeEnv["ROS_MASTER_URI"]);
    expect(bridgeEnv["ROS_HOSTNAME"]).toBe("bridge");
    expect(demoEnv["ROS_HOSTNAME"]).toBe("demo");
  });

  test("every variable it sets is one the container reads", () => {
    for (const svc of [bridge, demo]) {
      for (const name of Object.keys(environment(svc))) {
        expect({ name, read: readByContainer.has(name) }).toEqual({ name, read: true });
      }
    }
    // And every FOXGLOVE_* setting of the container can be passed from the host.
    const settings = readFileSync(path.join(dockerDir, "bridge_settings.py"), "utf8");
    const foxglove = [
      ...new Set(settings.match(/"FOXGLOVE_[A-Z_]+"/g)?.map((s) => s.slice(1, -1))),
    ];
    const raw = readFileSync(path.join(dockerDir, "compose.yaml"), "utf8");
    for (const name of foxglove) {
      if (name === "FOXGLOVE_ADDRESS") continue; // fixed at 0.0.0.0: the port is published
      expect({ name, passed: raw.includes(`${name}: \${${name}`) }).toEqual({ name, passed: true });
    }
  });
});

describe("docker/compose.msgs.yaml", () => {
  const model = merged(["compose.yaml", "compose.msgs.yaml"]);
  const bridge = service(model, "bridge");

  test("is a valid compose model on top of compose.yaml", () => {
    expect(validateCompose(model, dockerDir, existsSync)).toEqual([]);
  });

  test("mounts the message folder where the entrypoint builds it, and caches the workspace", () => {
    const volumes = bridge["volumes"] as Mapping[];
    const bind = volumes.find((v) => v["type"] === "bind") as Mapping;
    expect(bind["target"]).toBe(imageEnv.get("NOROS_MSGS_DIR"));
    expect(environment(bridge)["NOROS_MSGS_DIR"]).toBe(bind["target"]);
    expect(bind["read_only"]).toBe(true);
    // By default the repository's msgs/ folder, the one `noros-gen` reads.
    expect(path.resolve(dockerDir, bind["source"] as string)).toBe(
      path.resolve(dockerDir, "..", "msgs"),
    );
    const cache = volumes.find((v) => v["type"] === "volume") as Mapping;
    expect(imageEnv.get("NOROS_MSGS_WS")?.startsWith(`${cache["target"] as string}/`)).toBe(true);
    const other = merged(["compose.yaml", "compose.msgs.yaml"], {
      NOROS_MSGS: "/home/me/robot/msgs",
    });
    expect((service(other, "bridge")["volumes"] as Mapping[])[0]?.["source"]).toBe(
      "/home/me/robot/msgs",
    );
  });
});

describe("docker/compose.robot.yaml", () => {
  const vars = { ROS_MASTER_URI: "http://robot.local:11311", ROS_IP: "192.168.1.50" };
  const model = merged(["compose.yaml", "compose.robot.yaml"], vars);
  const bridge = service(model, "bridge");

  test("is a valid compose model on top of compose.yaml", () => {
    expect(validateCompose(model, dockerDir, existsSync)).toEqual([]);
  });

  test("uses the host's network, starts no roscore and needs the robot's master", () => {
    expect(bridge["network_mode"]).toBe("host");
    expect(bridge["ports"]).toBeUndefined();
    const env = environment(bridge);
    expect(env).toMatchObject({
      ROS_MASTER_URI: vars.ROS_MASTER_URI,
      ROS_IP: vars.ROS_IP,
      NOROS_ROSCORE: "no",
    });
    expect(() => merged(["compose.yaml", "compose.robot.yaml"])).toThrow(
      /required variable ROS_MASTER_URI is missing a value: set ROS_MASTER_URI to the robot's master/,
    );
  });
});
