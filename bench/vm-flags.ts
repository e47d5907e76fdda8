/**
 * V8 settings for the measurements, applied before any measured code runs (this module is the
 * first import of run.ts). Allocation-site pretenuring is switched off unless `--vm-defaults` is
 * given: on this bench's allocation pattern (a stream of short-lived messages of hundreds of
 * objects each) V8 now and then decides to allocate one decoder's objects straight in the old
 * generation, and that task then runs 5-7x slower for the rest of the process: one median in a
 * few runs became a coin toss (markers100x20 decode 32 µs or 210 µs). See bench/RESULTS.md.
 */
import * as v8 from "node:v8";

export const vmDefaults = process.argv.includes("--vm-defaults");

export const vmFlags: string[] = vmDefaults ? [] : ["--no-allocation-site-pretenuring"];

for (const flag of vmFlags) v8.setFlagsFromString(flag);
