/**
 * The part of the Compose Specification that docker/compose*.yaml use, as explicit checks (no
 * Docker Compose on the test machines): reading a file (YAML anchors and merge keys, the
 * `!reset` tag), variable interpolation, merging an override file onto a base file, and
 * structural validation of the result. Each rule cites what the spec says.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Mapping = { [key: string]: Json };

/** Stands for a value tagged `!reset`: merging it removes the key (compose 2.24.4+). */
export const RESET = "\u0000compose-reset";

/** Reads a compose file: anchors and `<<` merge keys resolved, `!reset` values marked. */
export function readComposeFile(file: string): Mapping {
  const doc = YAML.parseDocument(readFileSync(file, "utf8"), { merge: true });
  if (doc.errors.length > 0)
    throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
  const unexpected = doc.warnings.filter((w) => !w.message.includes("!reset"));
  if (unexpected.length > 0)
    throw new Error(`${file}: ${unexpected.map((w) => w.message).join("; ")}`);
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isNode(pair.value) && pair.value.tag === "!reset") {
        pair.value = doc.createNode(RESET);
      }
    },
  });
  const value = doc.toJS({ maxAliasCount: 100 }) as Json;
  if (!isMapping(value)) throw new Error(`${file}: top level is not a mapping`);
  return value;
}

export function isMapping(value: Json | undefined): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Compose interpolation: `$$` is a literal `$`; `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and `$VAR`. Throws on malformed
 * uses and on a required variable that is unset (the message is compose's error text).
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c !== "$") {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = text.indexOf("}", i);
      if (end < 0) throw new Error(`unclosed \${ in ${JSON.stringify(text)}`);
      const body = text.slice(i + 2, end);
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(body);
      if (match === null)
        throw new Error(`bad substitution \${${body}} in ${JSON.stringify(text)}`);
      const [, name, op, arg] = match as unknown as [
        string,
        string,
        string | undefined,
        string | undefined,
      ];
      const value = vars[name];
      const empty = value === undefined || (op?.startsWith(":") === true && value === "");
      if (op === undefined) out += value ?? "";
      else if (op.endsWith("-")) out += empty ? interpolate(arg ?? "", vars) : (value as string);
      else if (op.endsWith("?")) {
        if (empty) throw new Error(`required variable ${name} is missing a value: ${arg ?? ""}`);
        out += value as string;
      } else out += empty ? "" : interpolate(arg ?? "", vars);
      i = end + 1;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (bare === null)
      throw new Error(`lone $ in ${JSON.stringify(text)} (write $$ for a dollar sign)`);
    out += vars[bare[0]] ?? "";
    i += 1 + bare[0].length;
  }
  return out;
}

/** Interpolates every string value (keys are not interpolated). */
export function interpolateAll(value: Json, vars: Record<string, string>): Json {
  if (typeof value === "string") return value === RESET ? value : interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, vars));
  if (isMapping(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, vars)]));
  }
  return value;
}

/**
 * Merges an override file onto a base (compose's "merge" rules for the keys used here):
 * mappings merge key by key; `ports` and `volumes` sequences are concatenated, a volume with the
 * same target replacing the base one; other sequences and scalars are replaced; `!reset` removes.
 */
export function mergeCompose(base: Json, override: Json, key = ""): Json | undefined {
  if (override === RESET) return undefined;
  if (isMapping(base) && isMapping(override)) {
    const out: Mapping = { ...base };
    for (const [k, v] of Object.entries(override)) {
      const merged = k in base ? mergeCompose(base[k] as Json, v, k) : v === RESET ? undefined : v;
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override) && (key === "ports" || key === "volumes")) {
    const targetOf = (v: Json): Json | undefined => (isMapping(v) ? v["target"] : undefined);
    const replaced = new Set(override.map(targetOf).filter((t) => t !== undefined));
    return [...base.filter((v) => !replaced.has(targetOf(v) as Json)), ...override];
  }
  return override;
}

const TOP_LEVEL = new Set([
  "name",
  "services",
  "volumes",
  "networks",
  "configs",
  "secrets",
  "include",
]);
const SERVICE_KEYS = new Set([
  "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose",
  "volumes", "networks", "network_mode", "profiles", "depends_on", "healthcheck", "restart",
  "init", "hostname", "stop_grace_period", "stop_signal", "user", "working_dir", "extra_hosts",
  "labels", "container_name", "pull_policy", "deploy", "logging", "tty", "stdin_open",
]); // prettier-ignore
const BUILD_KEYS = new Set(["context", "dockerfile", "args", "additional_contexts", "target"]);
const HEALTHCHECK_KEYS = new Set([
  "test",
  "interval",
  "timeout",
  "retries",
  "start_period",
  "start_interval",
  "disable",
]);
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;
const RESTART = new Set(["no", "always", "on-failure", "unless-stopped"]);
const CONDITIONS = new Set([
  "service_started",
  "service_healthy",
  "service_completed_successfully",
]);
const PROFILE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
// [[host_ip:]host_port:]container_port[/protocol], ranges allowed
const PORT = /^(?:(?:\[?[0-9a-fA-F.:]+\]?:)?(?:\d+(?:-\d+)?)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp))?$/;

/**
 * Problems of an interpolated (and, for overrides, merged) compose model; [] when valid.
 * `dir` is the compose file's folder, against which build contexts resolve.
 */
export function validateCompose(
  model: Mapping,
  dir: string,
  exists: (p: string) => boolean,
): string[] {
  const problems: string[] = [];
  const problem = (where: string, text: string): void => void problems.push(`${where}: ${text}`);
  for (const key of Object.keys(model)) {
    if (!TOP_LEVEL.has(key) && !key.startsWith("x-")) problem(key, "unknown top-level key");
  }
  const services = model["services"];
  if (!isMapping(services)) return [...problems, "services: missing or not a mapping"];
  const volumes = isMapping(model["volumes"]) ? model["volumes"] : {};
  for (const [name, service] of Object.entries(services)) {
    const at = `services.${name}`;
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) problem(at, "invalid service name");
    if (!isMapping(service)) {
      problem(at, "not a mapping");
      continue;
    }
    for (const key of Object.keys(service)) {
      if (!SERVICE_KEYS.has(key) && !key.startsWith("x-"))
        problem(`${at}.${key}`, "unknown service key");
    }
    if (service["image"] === undefined && service["build"] === undefined)
      problem(at, "needs image or build");
    checkBuild(service["build"], `${at}.build`, dir, exists, problem);
    checkEnvironment(service["environment"], `${at}.environment`, problem);
    const ports = service["ports"];
    if (ports !== undefined) {
      if (!Array.isArray(ports)) problem(`${at}.ports`, "not a sequence");
      else
        for (const p of ports)
          if (typeof p !== "string" || !PORT.test(p))
            problem(`${at}.ports`, `bad port ${JSON.stringify(p)}`);
    }
    const mode = service["network_mode"];
    if (mode !== undefined) {
      if (typeof mode !== "string" || !/^(host|none|bridge|service:.+|container:.+)$/.test(mode)) {
        problem(`${at}.network_mode`, `bad value ${JSON.stringify(mode)}`);
      }
      // Docker publishes no ports for a container on the host's network; networks conflict.
      if (mode === "host" && Array.isArray(ports) && ports.length > 0)
        problem(at, "ports with network_mode: host");
      if (service["networks"] !== undefined) problem(at, "networks with network_mode");
    }
    const profiles = service["profiles"];
    if (profiles !== undefined) {
      if (
        !Array.isArray(profiles) ||
        !profiles.every((p) => typeof p === "string" && PROFILE.test(p))
      ) {
        problem(`${at}.profiles`, "must be a sequence of profile names");
      }
    }
    checkHealthcheck(service["healthcheck"], `${at}.healthcheck`, problem);
    const dependsOn = service["depends_on"];
    if (dependsOn !== undefined) {
      if (!isMapping(dependsOn))
        problem(`${at}.depends_on`, "use the long form (service: {condition})");
      else
        for (const [other, spec] of Object.entries(dependsOn)) {
          if (!(other in services)) problem(`${at}.depends_on`, `unknown service ${other}`);
          const condition = isMapping(spec) ? spec["condition"] : undefined;
          if (typeof condition !== "string" || !CONDITIONS.has(condition)) {
            problem(`${at}.depends_on.${other}`, `bad condition ${JSON.stringify(condition)}`);
          }
        }
    }
    const vols = service["volumes"];
    if (vols !== undefined) {
      if (!Array.isArray(vols)) problem(`${at}.volumes`, "not a sequence");
      else
        for (const v of vols) {
          if (!isMapping(v)) {
            problem(`${at}.volumes`, "use the long syntax (type, source, target)");
            continue;
          }
          if (!["bind", "volume", "tmpfs"].includes(v["type"] as string))
            problem(`${at}.volumes`, `bad type ${JSON.stringify(v["type"])}`);
          if (typeof v["target"] !== "string" || !v["target"].startsWith("/"))
            problem(`${at}.volumes`, "target must be an absolute path");
          if (
            v["type"] === "volume" &&
            !(typeof v["source"] === "string" && v["source"] in volumes)
          ) {
            problem(
              `${at}.volumes`,
              `named volume ${JSON.stringify(v["source"])} is not declared under top-level volumes`,
            );
          }
          if (v["type"] === "bind" && typeof v["source"] !== "string")
            problem(`${at}.volumes`, "bind needs a source");
          if (v["read_only"] !== undefined && typeof v["read_only"] !== "boolean")
            problem(`${at}.volumes`, "read_only must be a boolean");
        }
    }
    const restart = service["restart"];
    if (restart !== undefined && !(typeof restart === "string" && RESTART.has(restart)))
      problem(`${at}.restart`, `bad value ${JSON.stringify(restart)}`);
    if (service["init"] !== undefined && typeof service["init"] !== "boolean")
      problem(`${at}.init`, "must be a boolean");
    const grace = service["stop_grace_period"];
    if (grace !== undefined && !(typeof grace === "string" && DURATION.test(grace)))
      problem(`${at}.stop_grace_period`, "bad duration");
    const command = service["command"];
    if (
      command !== undefined &&
      typeof command !== "string" &&
      !(Array.isArray(command) && command.every((c) => typeof c === "string"))
    ) {
      problem(`${at}.command`, "must be a string or a sequence of strings");
    }
  }
  return problems;
}

function checkBuild(
  build: Json | undefined,
  at: string,
  dir: string,
  exists: (p: string) => boolean,
  problem: (where: string, text: string) => void,
): void {
  if (build === undefined) return;
  if (typeof build === "string") {
    if (!exists(path.resolve(dir, build))) problem(at, `context ${build} does not exist`);
    return;
  }
  if (!isMapping(build)) return problem(at, "must be a string or a mapping");
  for (const key of Object.keys(build))
    if (!BUILD_KEYS.has(key)) problem(`${at}.${key}`, "unknown build key");
  const context = typeof build["context"] === "string" ? build["context"] : ".";
  const contextDir = path.resolve(dir, context);
  if (!exists(contextDir)) problem(`${at}.context`, `${contextDir} does not exist`);
  const dockerfile = typeof build["dockerfile"] === "string" ? build["dockerfile"] : "Dockerfile";
  if (!exists(path.resolve(contextDir, dockerfile)))
    problem(`${at}.dockerfile`, `${dockerfile} not found in ${contextDir}`);
}

function checkEnvironment(
  env: Json | undefined,
  at: string,
  problem: (w: string, t: string) => void,
): void {
  if (env === undefined) return;
  if (!isMapping(env)) return problem(at, "use the mapping form");
  for (const [key, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) problem(`${at}.${key}`, "bad variable name");
    if (value !== null && typeof value === "object") problem(`${at}.${key}`, "must be a scalar");
  }
}

function checkHealthcheck(
  check: Json | undefined,
  at: string,
  problem: (w: string, t: string) => void,
): void {
  if (check === undefined) return;
  if (!isMapping(check)) return problem(at, "not a mapping");
  for (const key of Object.keys(check))
    if (!HEALTHCHECK_KEYS.has(key)) problem(`${at}.${key}`, "unknown healthcheck key");
  const test = check["test"];
  if (test !== undefined) {
    const ok =
      typeof test === "string" ||
      (Array.isArray(test) &&
        test.every((t) => typeof t === "string") &&
        (test[0] === "NONE" ||
          ((test[0] === "CMD" || test[0] === "CMD-SHELL") && test.length > 1)));
    if (!ok) problem(`${at}.test`, "must be a string or [CMD|CMD-SHELL, ...] or [NONE]");
  }
  for (const key of ["interval", "timeout", "start_period", "start_interval"]) {
    const value = check[key];
    if (value !== undefined && !(typeof value === "string" && DURATION.test(value)))
      problem(`${at}.${key}`, "bad duration");
  }
  const retries = check["retries"];
  if (
    retries !== undefined &&
    !(typeof retries === "number" && Number.isInteger(retries) && retries >= 0)
  ) {
    problem(`${at}.retries`, "must be a whole number");
  }
}
