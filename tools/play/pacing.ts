/**
 * Wall-clock pacing of recorded time: message k of a pass is due at
 * `passStart + (t_k - t_first) / rate`. A player that falls behind (slow disk, slow clients)
 * sends immediately until it has caught up; it never skips.
 *
 * Replay time: what a subscriber sees as receive time is the recorded time with the pass's
 * offsets scaled by the rate (`t_first + (t_k - t_first) / rate`), as a bridge stamping messages
 * that `rosbag play --rate` publishes would see them: at `--rate 2`, 20 messages per second
 * arrive and their receive times are 50 ms apart. Between messages the replay clock advances
 * with the wall clock, which is what client publishes are stamped with.
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

  /** The receive time a subscriber sees for a message recorded at `recorded` (ns). */
  replayTime(recorded: bigint): bigint {
    if (isUnpaced(this.rate) || this.rate === 1 || this.#first === undefined) return recorded;
    const offset = Number(recorded - this.#first) / this.rate;
    return this.#first + BigInt(Math.round(offset));
  }

  /** Replay time now (ns), or undefined before the pass's first message. */
  clock(): bigint | undefined {
    if (isUnpaced(this.rate) || this.#first === undefined) return undefined;
    const elapsedNs = Math.round((performance.now() - this.#wallStart) * 1e6);
    return this.#first + BigInt(elapsedNs);
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
