/**
 * Wall-clock pacing of recorded time: message k of a pass is due at
 * `passStart + (t_k - t_first) / rate`. A player that falls behind (slow disk, slow clients)
 * sends immediately until it has caught up; it never skips.
 */

/** Playback speed: 1 = as recorded, 2 = twice as fast; Infinity = as fast as clients take. */
export type Rate = number;

export function isUnpaced(rate: Rate): boolean {
  return rate === Infinity;
}

/** `--rate 0` is accepted on the command line as "unpaced". */
export function normalizeRate(rate: number): Rate {
  if (Number.isNaN(rate) || rate < 0) throw new RangeError(`rate must be >= 0, got ${rate}`);
  return rate === 0 ? Infinity : rate;
}

export class Pacer {
  #first: bigint | undefined;
  #wallStart = 0;

  constructor(private readonly rate: Rate) {}

  /** Starts a new pass: the next message is due at once. */
  restart(): void {
    this.#first = undefined;
  }

  /** Milliseconds to wait before sending a message recorded at `recorded` (ns); 0 = now. */
  delayFor(recorded: bigint): number {
    if (isUnpaced(this.rate)) return 0;
    const now = performance.now();
    if (this.#first === undefined) {
      this.#first = recorded;
      this.#wallStart = now;
      return 0;
    }
    const offsetMs = Number(recorded - this.#first) / 1e6 / this.rate;
    return Math.max(0, this.#wallStart + offsetMs - now);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
