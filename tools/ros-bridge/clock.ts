/**
 * Receive timestamps in nanoseconds since the epoch with sub-millisecond resolution:
 * `Date.now()` once, then the monotonic clock (so timestamps never go backwards while running).
 */
const originNs = BigInt(Date.now()) * 1_000_000n;
const originHr = process.hrtime.bigint();

export function nowNs(): bigint {
  return originNs + (process.hrtime.bigint() - originHr);
}
