/**
 * Turns task measurements into the comparison table, the geometric means over the corpus and the
 * verdict on each target. Ratios are "how many times faster than the reference" (higher is
 * better) and "how many times the floor" (lower is better, 1 is the floor itself).
 */
import type { Measurement } from "./harness.js";

/** Targets from the issue, on the geometric mean over the corpus. */
export const TARGETS = {
  decodeSpeedupVsMessageReader: 3,
  encodeSpeedupVsMessageWriter: 5,
  pointCloudEncodeTimesCopyFloor: 2,
} as const;

export const POINT_CLOUD_CASE = "pointcloud640x480";

export interface CaseInfo {
  name: string;
  datatype: string;
  kind: "objects" | "payload";
  bytes: number;
}

export interface Row {
  caseName: string;
  op: "decode" | "decode-copy" | "encode" | "encode-into" | "reencode";
  norosNs?: number;
  mbPerSec?: number;
  /** MessageReader (decode rows) or MessageWriter (encode rows). */
  referenceNs?: number;
  speedup?: number;
  lazyNs?: number;
  lazySpeedup?: number;
  /** Decoded arrays are views into the input: MB/s is not a bandwidth. */
  zeroCopy: boolean;
  floor?: "alloc" | "copy";
  floorNs?: number;
  timesFloor?: number;
  /** `new Uint8Array(n)` + `set` (payload cases): the least a fresh output buffer costs. */
  freshFloorNs?: number;
  timesFreshFloor?: number;
  compiledNs?: number;
  /** compiled / generated time. */
  compiledRatio?: number;
}

export interface Summary {
  cases: number;
  decodeSpeedupGeomean?: number;
  lazySpeedupGeomean?: number;
  encodeSpeedupGeomean?: number;
  reencodeSpeedupGeomean?: number;
  pointCloudEncodeTimesCopyFloor?: number;
  /** The fresh-buffer floor of the same size, in copy floors: what bounds an allocating encode. */
  pointCloudFreshFloorTimesCopyFloor?: number;
  targets: { name: string; goal: string; value?: number; met?: boolean }[];
}

export function buildRows(cases: readonly CaseInfo[], m: ReadonlyMap<string, Measurement>): Row[] {
  const rows: Row[] = [];
  for (const c of cases) {
    const ns = (op: string, impl: string) => m.get(`${c.name}/${op}/${impl}`)?.medianNs;
    const payload = c.kind === "payload";
    const ops: Row["op"][] = [
      "decode",
      ...(payload ? ["decode-copy" as const] : []),
      "encode",
      ...(payload ? ["encode-into" as const] : []),
      "reencode",
    ];
    for (const op of ops) {
      const norosNs = ns(op, "noros");
      // A payload decode returns views (the reference too); a copying decode has no reference
      // counterpart, only the copy floors.
      const referenceNs =
        op === "decode"
          ? ns("decode", "reader")
          : op === "decode-copy"
            ? undefined
            : ns(op === "encode-into" ? "encode" : op, "writer");
      const lazyNs = op === "decode" ? ns("decode", "lazy") : undefined;
      const floor = op === "decode" ? "alloc" : "copy";
      const floorNs = floor === undefined ? undefined : ns("floor", floor);
      const freshNs = payload && op !== "decode" ? ns("floor", "fresh") : undefined;
      const compiledNs = op === "decode" || op === "encode" ? ns(op, "compiled") : undefined;
      if ([norosNs, referenceNs, lazyNs, compiledNs].every((x) => x === undefined)) continue;
      const row: Row = { caseName: c.name, op, zeroCopy: payload && op === "decode" };
      if (floor !== undefined) row.floor = floor;
      if (norosNs !== undefined) {
        row.norosNs = norosNs;
        row.mbPerSec = c.bytes / 1e6 / (norosNs / 1e9);
      }
      if (referenceNs !== undefined) row.referenceNs = referenceNs;
      if (lazyNs !== undefined) row.lazyNs = lazyNs;
      if (floorNs !== undefined) row.floorNs = floorNs;
      if (freshNs !== undefined) row.freshFloorNs = freshNs;
      if (compiledNs !== undefined) row.compiledNs = compiledNs;
      if (norosNs !== undefined) {
        if (referenceNs !== undefined) row.speedup = referenceNs / norosNs;
        if (lazyNs !== undefined) row.lazySpeedup = lazyNs / norosNs;
        if (floorNs !== undefined) row.timesFloor = norosNs / floorNs;
        if (freshNs !== undefined) row.timesFreshFloor = norosNs / freshNs;
        if (compiledNs !== undefined) row.compiledRatio = compiledNs / norosNs;
      }
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Floors measured slower than what they bound: the floor hit a slow mode of the VM (see the
 * allocation-site pretenuring note in RESULTS.md) and its ratios are meaningless for this run.
 */
export function suspiciousFloors(rows: readonly Row[]): string[] {
  return rows
    .filter((r) => r.floor === "alloc" && r.floorNs !== undefined)
    .filter((r) => {
      const fastest = Math.min(r.norosNs ?? Infinity, r.referenceNs ?? Infinity);
      return r.floorNs! > 1.5 * fastest;
    })
    .map((r) => `${r.caseName}/floor/${r.floor ?? ""}`);
}

export function geomean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}

export function summarize(
  rows: readonly Row[],
  totalCases: number,
  pointCloudCase = POINT_CLOUD_CASE,
): Summary {
  const pick = (op: Row["op"], key: "speedup" | "lazySpeedup") =>
    rows.filter((r) => r.op === op && r[key] !== undefined).map((r) => r[key]!);
  const decode = pick("decode", "speedup");
  const encode = pick("encode", "speedup");
  const pcRow = rows.find((r) => r.caseName === pointCloudCase && r.op === "encode");
  const pc = pcRow?.timesFloor;
  const pcInto = rows.find(
    (r) => r.caseName === pointCloudCase && r.op === "encode-into",
  )?.timesFloor;
  const summary: Summary = { cases: totalCases, targets: [] };
  const set = <K extends keyof Summary>(k: K, v: Summary[K] | undefined) => {
    if (v !== undefined) summary[k] = v;
  };
  set("decodeSpeedupGeomean", geomean(decode));
  set("lazySpeedupGeomean", geomean(pick("decode", "lazySpeedup")));
  set("encodeSpeedupGeomean", geomean(encode));
  set("reencodeSpeedupGeomean", geomean(pick("reencode", "speedup")));
  set("pointCloudEncodeTimesCopyFloor", pc);
  if (pcRow?.freshFloorNs !== undefined && pcRow.floorNs !== undefined) {
    summary.pointCloudFreshFloorTimesCopyFloor = pcRow.freshFloorNs / pcRow.floorNs;
  }
  const partial = (n: number) => (n < totalCases ? ` (only ${n} of ${totalCases} cases)` : "");
  const target = (
    name: string,
    goal: string,
    value: number | undefined,
    met: (v: number) => boolean,
  ) =>
    summary.targets.push({
      name,
      goal,
      ...(value === undefined ? {} : { value, met: met(value) }),
    });
  target(
    `decode, geomean speedup vs MessageReader${partial(decode.length)}`,
    `>= ${TARGETS.decodeSpeedupVsMessageReader}x`,
    summary.decodeSpeedupGeomean,
    (v) => v >= TARGETS.decodeSpeedupVsMessageReader,
  );
  target(
    `encode, geomean speedup vs MessageWriter${partial(encode.length)}`,
    `>= ${TARGETS.encodeSpeedupVsMessageWriter}x`,
    summary.encodeSpeedupGeomean,
    (v) => v >= TARGETS.encodeSpeedupVsMessageWriter,
  );
  target(
    "encode of the 4.9 MB PointCloud2, time / copy floor",
    `<= ${TARGETS.pointCloudEncodeTimesCopyFloor}x`,
    pc,
    (v) => v <= TARGETS.pointCloudEncodeTimesCopyFloor,
  );
  target(
    "encodeInto (reused buffer) of the 4.9 MB PointCloud2, time / copy floor",
    `<= ${TARGETS.pointCloudEncodeTimesCopyFloor}x`,
    pcInto,
    (v) => v <= TARGETS.pointCloudEncodeTimesCopyFloor,
  );
  return summary;
}

export function formatNs(ns: number | undefined): string {
  if (ns === undefined) return "-";
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

function ratio(x: number | undefined): string {
  if (x === undefined) return "-";
  return `${x < 10 ? x.toFixed(2) : x.toFixed(1)}x`;
}

function mbs(x: number | undefined): string {
  return x === undefined ? "-" : x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

function table(header: string[], lines: string[][], rightFrom = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells
      .map((cell, i) => (i < rightFrom ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(fmt)].join("\n");
}

/** The console table: absolute medians, throughput and every ratio. */
export function formatTable(rows: readonly Row[]): string {
  return table(
    [
      "case",
      "op",
      "noros",
      "MB/s",
      "reference",
      "speedup",
      "lazy.toObject",
      "speedup",
      "floor",
      "x floor",
      "fresh-buffer floor",
      "x fresh",
    ],
    rows.map((r) => [
      r.caseName,
      r.op,
      formatNs(r.norosNs),
      r.zeroCopy ? "(views)" : mbs(r.mbPerSec),
      formatNs(r.referenceNs),
      ratio(r.speedup),
      formatNs(r.lazyNs),
      ratio(r.lazySpeedup),
      r.floorNs === undefined ? "-" : `${r.floor ?? ""} ${formatNs(r.floorNs)}`,
      ratio(r.timesFloor),
      formatNs(r.freshFloorNs),
      ratio(r.timesFreshFloor),
    ]),
  );
}

/** Generated vs run-time compiled codecs, where both were measured. */
export function formatCompiledTable(rows: readonly Row[]): string | undefined {
  const lines = rows
    .filter((r) => r.compiledNs !== undefined)
    .map((r) => [
      r.caseName,
      r.op,
      formatNs(r.norosNs),
      formatNs(r.compiledNs),
      ratio(r.compiledRatio),
    ]);
  if (lines.length === 0) return undefined;
  return table(["case", "op", "generated", "compileCodec", "compiled/generated"], lines);
}

export function formatSummary(s: Summary): string {
  const out = [
    `geomean over the corpus (${s.cases} cases):`,
    `  decode   speedup vs MessageReader          ${ratio(s.decodeSpeedupGeomean)}`,
    `  decode   speedup vs LazyMessageReader+toObject ${ratio(s.lazySpeedupGeomean)}`,
    `  encode   speedup vs MessageWriter          ${ratio(s.encodeSpeedupGeomean)}`,
    `  reencode speedup vs MessageWriter          ${ratio(s.reencodeSpeedupGeomean)}`,
    "targets:",
  ];
  for (const t of s.targets) {
    const verdict = t.met === undefined ? "not measured" : t.met ? "MET" : "NOT MET";
    out.push(`  ${t.name}: ${ratio(t.value)} (goal ${t.goal}) ${verdict}`);
  }
  if (s.pointCloudFreshFloorTimesCopyFloor !== undefined) {
    out.push(
      `  (for scale: new Uint8Array + set of the same 4.9 MB is ${ratio(s.pointCloudFreshFloorTimesCopyFloor)} ` +
        "the copy floor: what an encode that returns a fresh buffer pays, less at most the " +
        "zero-fill when the allocator reuses freed memory instead of faulting in new pages)",
    );
  }
  return out.join("\n");
}

/** Ratios only (absolute times depend on the machine): the table for RESULTS.md / README. */
export function formatMarkdown(rows: readonly Row[], s: Summary): string {
  const byCase = new Map<string, Row[]>();
  for (const r of rows) byCase.set(r.caseName, [...(byCase.get(r.caseName) ?? []), r]);
  const get = (rs: Row[], op: Row["op"]) => rs.find((r) => r.op === op);
  const lines = [
    "| message | decode vs MessageReader | decode vs Lazy+toObject | encode vs MessageWriter | re-encode vs MessageWriter | decode / alloc floor | encode / copy floor | encode / fresh-buffer floor |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [name, rs] of byCase) {
    const d = get(rs, "decode");
    const e = get(rs, "encode");
    const re = get(rs, "reencode");
    lines.push(
      `| ${name} | ${ratio(d?.speedup)} | ${ratio(d?.lazySpeedup)} | ${ratio(e?.speedup)} | ${ratio(re?.speedup)} | ${ratio(d?.timesFloor)} | ${ratio(e?.timesFloor)} | ${ratio(e?.timesFreshFloor)} |`,
    );
  }
  lines.push(
    `| **geomean** | **${ratio(s.decodeSpeedupGeomean)}** | **${ratio(s.lazySpeedupGeomean)}** | **${ratio(s.encodeSpeedupGeomean)}** | **${ratio(s.reencodeSpeedupGeomean)}** | | | |`,
  );
  return lines.join("\n");
}
