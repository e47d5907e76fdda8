/**
 * TF lookups per second, from `benchTfLookups` when another part of the tree provides it
 * (bench/tf.ts or runtime/tf). It is loaded by path at run time, so the bench builds and runs
 * whether or not it exists yet; when absent the result says so instead of a figure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export interface TfLookupsResult {
  /** Compiled module the function came from, relative to dist/. */
  source?: string;
  /** Lookups per second when the function returned a number or an object with one. */
  lookupsPerSec?: number | undefined;
  /** What the function returned, as is (JSON-safe). */
  raw?: unknown;
  note?: string;
}

/** Compiled candidates, relative to dist/bench/ (this file's directory once built). */
const CANDIDATES = ["tf.js", "../runtime/tf/index.js"];

type BenchFn = (options?: { quick?: boolean }) => unknown;

export async function measureTfLookups(quick: boolean): Promise<TfLookupsResult> {
  for (const candidate of CANDIDATES) {
    const file = path.join(import.meta.dirname, candidate);
    if (!fs.existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const fn =
      mod.benchTfLookups ?? (mod.default as Record<string, unknown> | undefined)?.benchTfLookups;
    if (typeof fn !== "function") continue;
    const raw: unknown = await (fn as BenchFn)({ quick });
    return {
      source: path.relative(path.join(import.meta.dirname, ".."), file),
      lookupsPerSec: rate(raw),
      raw: jsonSafe(raw),
    };
  }
  return {
    note: "skipped: neither bench/tf.ts nor runtime/tf exports benchTfLookups (yet)",
  };
}

/** A number, or the first numeric field whose name says "per second" / "ops". */
function rate(raw: unknown): number | undefined {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "object" || raw === null) return undefined;
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "number" && /per_?sec|persecond|ops|hz|rate/i.test(k)) return v;
  }
  return undefined;
}

function jsonSafe(raw: unknown): unknown {
  return JSON.parse(
    JSON.stringify(raw, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null",
  ) as unknown;
}
