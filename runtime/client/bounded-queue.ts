/**
 * Bounded FIFO buffers. `RingBuffer` keeps the newest `capacity` items and counts what it drops
 * (used for publishes queued while disconnected); `MessageIterator` is an async iterator over such
 * a buffer (`client.messages()`), so a consumer slower than the topic loses the oldest messages
 * instead of growing memory without bound.
 */

export class RingBuffer<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends; when full, the oldest item is dropped and returned (`undefined` otherwise). */
  push(item: T): { dropped: boolean; oldest?: T } {
    if (this.#size === this.capacity) {
      const oldest = this.#items[this.#head] as T;
      this.#items[this.#head] = item;
      this.#head = (this.#head + 1) % this.capacity;
      return { dropped: true, oldest };
    }
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return { dropped: false };
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the item be collected
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }
}

/**
 * Async iterator fed by `push`. `next()` resolves at once when items are buffered, otherwise when
 * the next item arrives. `end()` finishes it (pending `next()` gets `done`); `fail(error)` makes
 * the next `next()` reject. `return()` (a `break` in `for await`) calls `onReturn` once.
 */
export class MessageIterator<T> implements AsyncIterableIterator<T> {
  readonly #buffer: RingBuffer<T>;
  readonly #onDrop: (total: number) => void;
  readonly #onReturn: () => void;
  /** Pending `next()` calls; only non-empty while the buffer is empty. */
  readonly #waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] =
    [];
  #done = false;
  #error: { error: unknown } | undefined;
  #dropped = 0;

  constructor(capacity: number, onDrop: (total: number) => void, onReturn: () => void) {
    this.#buffer = new RingBuffer<T>(capacity);
    this.#onDrop = onDrop;
    this.#onReturn = onReturn;
  }

  /** Messages dropped so far because the consumer fell `capacity` messages behind. */
  get dropped(): number {
    return this.#dropped;
  }

  push(item: T): void {
    if (this.#done) return;
    const waiting = this.#waiting.shift();
    if (waiting !== undefined) {
      waiting.resolve({ value: item, done: false });
      return;
    }
    if (this.#buffer.push(item).dropped) {
      this.#dropped++;
      this.#onDrop(this.#dropped);
    }
  }

  /** No more items; what is buffered is still delivered first. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    for (const waiting of this.#waiting.splice(0))
      waiting.resolve({ value: undefined, done: true });
  }

  /** Ends with an error, raised by `next()` once the buffer is drained. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    const waiting = this.#waiting.splice(0);
    if (waiting.length === 0) this.#error = { error };
    for (const w of waiting) w.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#buffer.size > 0) {
      return Promise.resolve({ value: this.#buffer.shift() as T, done: false });
    }
    if (this.#error !== undefined) {
      const { error } = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.#done) {
      this.end();
      this.#onReturn();
    }
    this.#buffer.clear();
    this.#error = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
