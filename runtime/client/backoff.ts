/**
 * Reconnect delays: exponential growth with jitter, capped, so that many clients restarting with
 * a bridge do not reconnect in lockstep, and a bridge that is down for long is polled at most
 * every `maxDelayMs`.
 */

export interface ReconnectOptions {
  /** Delay before the first retry. Default 200 ms. */
  initialDelayMs?: number;
  /** Upper bound of any delay. Default 5000 ms. */
  maxDelayMs?: number;
  /** Growth factor per failed attempt. Default 2. */
  factor?: number;
  /** Fraction of each delay that is randomized (0 = none, 1 = full). Default 0.5. */
  jitter?: number;
}

export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: ReconnectOptions = {}, random: () => number = Math.random) {
    this.#initial = Math.max(0, options.initialDelayMs ?? 200);
    this.#max = Math.max(this.#initial, options.maxDelayMs ?? 5000);
    this.#factor = Math.max(1, options.factor ?? 2);
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.#random = random;
  }

  /** The delay before the next attempt; each call counts one more failed attempt. */
  next(): number {
    const base = Math.min(this.#max, this.#initial * this.#factor ** this.#attempt);
    this.#attempt++;
    // The jittered part is taken off the base, so the cap is never exceeded.
    return Math.round(base * (1 - this.#jitter * this.#random()));
  }

  /** Number of failed attempts since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /** Called once a connection works again. */
  reset(): void {
    this.#attempt = 0;
  }
}
