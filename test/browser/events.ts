/** Events pushed from a page, and event-driven waits on them (no polling, no fixed sleeps). */
export class EventLog<E> {
  readonly events: E[] = [];
  readonly #waiters = new Set<() => void>();

  push(event: E): void {
    this.events.push(event);
    for (const wake of [...this.#waiters]) wake();
  }

  /**
   * Resolves with the first event from index `from` on that satisfies `test`; rejects after
   * `timeoutMs` naming `what` and the last events seen.
   */
  waitFor<T extends E>(
    what: string,
    test: (event: E) => event is T,
    options?: { from?: number; timeoutMs?: number },
  ): Promise<T>;
  waitFor(
    what: string,
    test: (event: E) => boolean,
    options?: { from?: number; timeoutMs?: number },
  ): Promise<E>;
  waitFor(
    what: string,
    test: (event: E) => boolean,
    { from = 0, timeoutMs = 60_000 }: { from?: number; timeoutMs?: number } = {},
  ): Promise<E> {
    return new Promise((resolve, reject) => {
      let next = from;
      const check = () => {
        for (; next < this.events.length; next++) {
          const event = this.events[next]!;
          if (test(event)) {
            done();
            resolve(event);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        const tail = this.events.slice(-5).map((e) => JSON.stringify(e).slice(0, 200));
        reject(new Error(`waited ${timeoutMs} ms for ${what}; last events:\n${tail.join("\n")}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }
}
