/**
 * ros::Time arithmetic as tf2 does it, on `{ sec, nsec }` pairs: exact comparisons (a stamp in
 * nanoseconds does not fit a double), durations normalised like ros::Duration, `toSec()` as
 * `sec + 1e-9 * nsec`, and printf's `%.9f` for the numbers in tf2's messages.
 */
import type { Time } from "../codec/types.js";

export const NSEC_PER_SEC = 1_000_000_000;
const UINT32_LIMIT = 2 ** 32;

export const ZERO_TIME: Readonly<Time> = Object.freeze({ sec: 0, nsec: 0 });

/** <0, 0 or >0 as (aSec, aNsec) is before, at or after (bSec, bNsec). */
export function compareStamps(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec !== bSec ? aSec - bSec : aNsec - bNsec;
}

/** `(a - b).toSec()` for two times, as ros::Duration computes it (nsec normalised to [0, 1e9)). */
export function durationSec(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  let sec = aSec - bSec;
  let nsec = aNsec - bNsec;
  if (nsec < 0) {
    nsec += NSEC_PER_SEC;
    sec -= 1;
  }
  return sec + 1e-9 * nsec;
}

/** ros::Time::toSec. */
export function timeToSec(sec: number, nsec: number): number {
  return sec + 1e-9 * nsec;
}

/** A duration in seconds as ros::Duration::fromSec stores it: floor for sec, rounded nsec. */
export function durationFromSec(seconds: number): Time {
  let sec = Math.floor(seconds);
  let nsec = Math.round((seconds - sec) * 1e9); // >= 0 here: Math.round is boost::math::round
  sec += Math.floor(nsec / NSEC_PER_SEC);
  nsec %= NSEC_PER_SEC;
  return { sec, nsec };
}

/**
 * A time checked and normalised: whole numbers, sec within uint32, nsec carried into sec (as
 * rospy's Time does). Returns a reason instead when it cannot be a ROS time.
 */
export function normalizeTime(t: unknown): Time | string {
  if (typeof t !== "object" || t === null) return "is not a { sec, nsec } object";
  const { sec, nsec } = t as { sec?: unknown; nsec?: unknown };
  if (typeof sec !== "number" || !Number.isInteger(sec))
    return `sec ${String(sec)} is not an integer`;
  if (typeof nsec !== "number" || !Number.isInteger(nsec)) {
    return `nsec ${String(nsec)} is not an integer`;
  }
  if (sec < 0) return `sec ${sec} is negative`;
  if (nsec < 0) return `nsec ${nsec} is negative`;
  const total = sec + Math.floor(nsec / NSEC_PER_SEC);
  if (total >= UINT32_LIMIT) return `sec ${total} does not fit ROS time (uint32)`;
  return nsec < NSEC_PER_SEC ? { sec, nsec } : { sec: total, nsec: nsec % NSEC_PER_SEC };
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** printf("%.9f", x); see formatFixed. */
export function formatFixed9(x: number): string {
  return formatFixed(x, 9);
}

/**
 * printf("%.<digits>f", x): the exact binary value of the double rounded to `digits` decimals,
 * ties to even (glibc). `Number.prototype.toFixed` breaks ties away from zero, so it differs for
 * values such as 1/1024; this does not. Used only to build messages.
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
  F64[0] = x;
  const hi = U32[LITTLE_ENDIAN ? 1 : 0]!;
  const lo = U32[LITTLE_ENDIAN ? 0 : 1]!;
  const negative = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  // |x| = mantissa * 2^exponent; scaled = |x| * 10^digits rounded to an integer, ties to even.
  const unit = 10n ** BigInt(digits);
  let scaled: bigint;
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * unit;
  } else {
    const num = mantissa * unit;
    const shift = BigInt(-exponent);
    const den = 1n << shift;
    scaled = num >> shift;
    const rem2 = (num - (scaled << shift)) * 2n;
    if (rem2 > den || (rem2 === den && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const whole = (scaled / unit).toString();
  if (digits === 0) return `${negative ? "-" : ""}${whole}`;
  const frac = (scaled % unit).toString().padStart(digits, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** snprintf into a buffer of `size` bytes keeps at most size - 1 of them (ASCII here). */
export function truncateLikeSnprintf(text: string, size: number): string {
  return text.length < size ? text : text.slice(0, size - 1);
}
