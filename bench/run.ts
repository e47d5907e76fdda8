/**
 * `npm run bench`: noros codecs against @foxglove/rosmsg-serialization on a fixed corpus, in one
 * process and one run; then generation time, generated code size and TF lookups. Prints a table
 * and the verdict on the targets, writes everything to bench/results/latest.json.
 * Not part of `npm test`: performance is measured here, never asserted in tests.
 */
import { vmFlags } from "./vm-flags.js"; // first: V8 flags must be set before measured code runs
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CORPUS } from "./corpus.js";
import {
  measureCodeSize,
  measureGeneration,
  type CodeSize,
  type GenerationResult,
} from "./generation.js";
import { measureGroup, type Measurement } from "./harness.js";
import { parseOptions, UsageRequest, type BenchOptions } from "./options.js";
import {
  buildRows,
  formatCompiledTable,
  formatMarkdown,
  formatNs,
  formatSummary,
  formatTable,
  POINT_CLOUD_CASE,
  summarize,
  suspiciousFloors,
  type CaseInfo,
} from "./report.js";
import { prepareCase, selectTasks, tasksOf, verifyCase, type BenchTask } from "./suite.js";
import { prepareRos2Case, ros2TasksOf } from "./ros2.js";
import { measureTfLookups, type TfLookupsResult } from "./tf-lookups.js";

/** dist/bench/run.js -> the repository root. */
const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Every op/impl pair a case can have: to decide which cases `--only` needs without building them. */
const ID_PARTS = [
  "decode/noros",
  "decode/reader",
  "decode/lazy",
  "decode/compiled",
  "decode-copy/noros",
  "encode/noros",
  "encode/writer",
  "encode/compiled",
  "reencode/noros",
  "reencode/writer",
  "floor/alloc",
  "floor/copy",
  "floor/fresh",
];

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    /** 1-minute load average when the bench started: other work on the machine skews figures. */
    loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function runCodecs(options: BenchOptions) {
  const wanted = CORPUS.filter(
    (c) =>
      options.only === undefined || ID_PARTS.some((p) => `${c.name}/${p}`.includes(options.only!)),
  );
  if (wanted.length > 0) log(`building and verifying ${wanted.length} corpus message(s)...`);
  const prepared = wanted.map((c) => {
    const p = prepareCase(c);
    verifyCase(p);
    return p;
  });
  const cases: CaseInfo[] = prepared.map((p) => ({
    name: p.name,
    datatype: p.datatype,
    kind: p.kind,
    bytes: p.bytes.length,
  }));
  if (wanted.length > 0) {
    log("verified: noros and the reference agree on every message (bytes and decoded values)");
  }

  const measurements = new Map<string, Measurement>();
  for (const p of prepared) {
    const tasks: BenchTask[] = selectTasks(tasksOf(p), options.only, options.floors);
    const group = await measureGroup(tasks, options.harness, (id, m) =>
      log(`  ${id.padEnd(40)} ${formatNs(m.medianNs).padStart(10)}  (${m.samples} x ${m.batch})`),
    );
    for (const [id, m] of group) measurements.set(id, m);
  }
  const rows = buildRows(cases, measurements);
  const summary = summarize(rows, CORPUS.length);
  return { cases, measurements, rows, summary };
}

/**
 * `noros bridge` relay cost (bench/bridge-relay.ts) in its own process: it starts roscore and
 * the built bridge, and must not share this process's V8 flags or heap.
 */
function measureBridgeRelay(quick: boolean): string {
  const found = childProcess.spawnSync("sh", ["-c", "command -v roscore"], { stdio: "ignore" });
  if (found.status !== 0) return "noros bridge relay: skipped (needs Debian's roscore)";
  log("noros bridge relay cost (roscore, a publisher node, the built bridge)...");
  const run = childProcess.spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, "dist", "bench", "bridge-relay.js"), ...(quick ? ["--quick"] : [])],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (run.status !== 0) return `noros bridge relay: failed\n${run.stderr}`;
  return run.stdout.trimEnd();
}

/** ROS 2 rows: the corpus CDR-encoded, against @foxglove/rosmsg2-serialization (bench/ros2.ts). */
async function runRos2Codecs(options: BenchOptions) {
  const wanted = CORPUS.filter(
    (c) =>
      options.only === undefined ||
      ID_PARTS.some((p) => `ros2-${c.name}/${p}`.includes(options.only!)),
  );
  if (wanted.length > 0) log(`building and verifying ${wanted.length} ROS 2 corpus message(s)...`);
  const prepared = wanted.map(prepareRos2Case);
  const cases: CaseInfo[] = prepared.map((p) => ({
    name: p.name,
    datatype: p.datatype,
    kind: p.kind,
    bytes: p.bytes.length,
  }));
  const measurements = new Map<string, Measurement>();
  for (const p of prepared) {
    const tasks = selectTasks(ros2TasksOf(p), options.only, options.floors);
    const group = await measureGroup(tasks, options.harness, (id, m) =>
      log(`  ${id.padEnd(40)} ${formatNs(m.medianNs).padStart(10)}  (${m.samples} x ${m.batch})`),
    );
    for (const [id, m] of group) measurements.set(id, m);
  }
  const rows = buildRows(cases, measurements);
  const summary = summarize(rows, CORPUS.length, `ros2-${POINT_CLOUD_CASE}`);
  return { cases, measurements, rows, summary };
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(
      process.argv.slice(2),
      path.join(REPO_ROOT, "bench", "results", "latest.json"),
    );
  } catch (error) {
    if (error instanceof UsageRequest) {
      console.log(error.message);
      return 0;
    }
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  const started = Date.now();
  const m = machine();
  if (m.loadAverage > m.cores / 2) {
    log(
      `warning: load average ${m.loadAverage} on ${m.cores} cores: other processes compete for ` +
        "the CPU (and the garbage collector's helper threads); expect noisy figures",
    );
  }
  const codecs = await runCodecs(options);
  const ros2 = await runRos2Codecs(options);

  let generation: GenerationResult | { skipped: string } = { skipped: "not selected by --only" };
  let codeSize: CodeSize | undefined;
  if (options.only === undefined || "generation".includes(options.only)) {
    log(`noros-gen over the standard set, ${options.generationRuns} cold runs...`);
    generation = measureGeneration(REPO_ROOT, options.generationRuns);
    codeSize = measureCodeSize(REPO_ROOT);
  }
  let tf: TfLookupsResult = { note: "not selected by --only" };
  if (options.only === undefined || "tf-lookups".includes(options.only)) {
    tf = await measureTfLookups(options.quick);
  }

  let bridgeRelay = "not selected by --only";
  if (options.only === undefined || "bridge-relay".includes(options.only)) {
    bridgeRelay = measureBridgeRelay(options.quick);
  }

  const out: string[] = [];
  out.push(
    `noros bench: ${m.cpu}, ${m.cores} cores, Node ${m.node}, load ${m.loadAverage}` +
      `${vmFlags.length > 0 ? `, V8 ${vmFlags.join(" ")}` : ""}${options.quick ? " (--quick)" : ""}`,
  );
  out.push("");
  if (codecs.rows.length > 0) {
    out.push(
      "median time per message; speedup = reference time / noros time; x floor = noros / floor",
    );
    out.push(formatTable(codecs.rows));
    const suspicious = suspiciousFloors(codecs.rows);
    if (suspicious.length > 0) {
      out.push(
        `warning: ${suspicious.join(", ")} measured slower than the decoders it bounds: a V8 slow ` +
          "mode (allocation-site pretenuring, see bench/RESULTS.md) hit it in this run; rerun.",
      );
    }
    const compiled = formatCompiledTable(codecs.rows);
    if (compiled !== undefined)
      out.push("", "run-time compiled codecs (compileCodec) vs generated:", compiled);
    out.push("");
  }
  if (ros2.rows.length > 0) {
    out.push(
      "ROS 2 (CDR): run-time compiled codecs vs @foxglove/rosmsg2-serialization MessageReader/Writer",
    );
    out.push(
      formatTable(ros2.rows),
      "",
      formatSummary(ros2.summary).replace("geomean", "ROS 2 geomean"),
      "",
    );
  }
  if ("medianMs" in generation) {
    out.push(
      `generation: noros-gen standard set, cold, median of ${generation.runs}: ${generation.medianMs.toFixed(0)} ms ` +
        `(runs: ${generation.wallMs.map((x) => x.toFixed(0)).join(", ")} ms; ${generation.filesWritten} files)`,
    );
    out.push(`  tool says: ${generation.toolReport.split("\n").pop() ?? ""}`);
  }
  if (codeSize !== undefined) {
    const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    out.push(
      `generated code: ${codeSize.source.files} .ts files ${kb(codeSize.source.bytes)} (gzip ${kb(codeSize.source.gzipBytes)}); ` +
        `${codeSize.compiled.files} compiled .js ${kb(codeSize.compiled.bytes)} (gzip ${kb(codeSize.compiled.gzipBytes)})`,
    );
  }
  if (tf.lookupsPerSec !== undefined) {
    out.push(
      `TF lookups: ${Math.round(tf.lookupsPerSec).toLocaleString("en-US")} /s (${tf.source ?? ""})`,
    );
  } else if (tf.raw !== undefined) {
    out.push(`TF lookups (${tf.source ?? ""}): ${JSON.stringify(tf.raw)}`);
  } else {
    out.push(`TF lookups: ${tf.note ?? "-"}`);
  }
  out.push("", bridgeRelay);
  if (codecs.rows.length > 0) out.push("", formatSummary(codecs.summary));
  out.push("", `total bench time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(out.join("\n"));

  const json = {
    machine: m,
    options: { only: options.only ?? null, quick: options.quick, harness: options.harness },
    v8Flags: vmFlags,
    date: new Date().toISOString(),
    cases: codecs.cases,
    tasks: Object.fromEntries(codecs.measurements),
    rows: codecs.rows,
    summary: codecs.summary,
    ros2: {
      cases: ros2.cases,
      tasks: Object.fromEntries(ros2.measurements),
      rows: ros2.rows,
      summary: ros2.summary,
    },
    generation,
    codeSize: codeSize ?? null,
    tfLookups: tf,
    bridgeRelay,
  };
  fs.mkdirSync(path.dirname(options.json), { recursive: true });
  fs.writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
  log(`results written to ${path.relative(process.cwd(), options.json)}`);
  if (options.markdown !== undefined) {
    fs.mkdirSync(path.dirname(options.markdown), { recursive: true });
    fs.writeFileSync(options.markdown, `${formatMarkdown(codecs.rows, codecs.summary)}\n`);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
