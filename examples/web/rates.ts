/**
 * Message rate and bandwidth of a topic, measured as `rostopic hz` / `rostopic bw` do: from the
 * arrival times of the last messages (here at most `maxSamples` within `windowMs`).
 */
export class RateMeter {
  readonly #times: number[] = [];
  readonly #sizes: number[] = [];
  #total = 0;

  constructor(
    readonly windowMs = 5000,
    readonly maxSamples = 100,
  ) {}

  /** A message of `bytes` arrived at `nowMs` (e.g. `performance.now()`). */
  add(nowMs: number, bytes: number): void {
    this.#times.push(nowMs);
    this.#sizes.push(bytes);
    this.#total++;
    this.#prune(nowMs);
  }

  /** Messages received since the meter was made. */
  get total(): number {
    return this.#total;
  }

  /**
   * Messages per second over the window: (n - 1) / (last - first) as rostopic hz computes it;
   * 0 when fewer than two messages arrived within the window.
   */
  rate(nowMs: number): number {
    this.#prune(nowMs);
    const n = this.#times.length;
    if (n < 2) return 0;
    const span = this.#times[n - 1]! - this.#times[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  /** Bytes per second over the window (0 with fewer than two messages in it). */
  bandwidth(nowMs: number): number {
    this.#prune(nowMs);
    const n = this.#times.length;
    if (n < 2) return 0;
    const span = this.#times[n - 1]! - this.#times[0]!;
    let bytes = 0;
    for (let i = 1; i < n; i++) bytes += this.#sizes[i]!;
    return span > 0 ? (bytes * 1000) / span : 0;
  }

  #prune(nowMs: number): void {
    while (
      this.#times.length > 0 &&
      (this.#times.length > this.maxSamples || nowMs - this.#times[0]! > this.windowMs)
    ) {
      this.#times.shift();
      this.#sizes.shift();
    }
  }
}
