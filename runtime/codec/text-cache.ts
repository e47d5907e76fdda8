/**
 * A cache keyed by definition text, bounded in entries and in the characters of its keys, oldest
 * entry out first. Definitions come from servers and recordings: a 50 MB schema must not stay on
 * the heap after its channel is gone, nor a thousand of them.
 */
export class TextKeyedCache<V> {
  readonly #entries = new Map<string, V>();
  #chars = 0;

  constructor(
    private readonly maxEntries: number,
    /** Total characters of all keys; a key longer than a quarter of this is not cached. */
    private readonly maxChars: number,
  ) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      // Most recently used last.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.#entries.has(key)) {
      this.#entries.delete(key);
      this.#chars -= key.length;
    }
    if (key.length > this.maxChars / 4) return;
    this.#entries.set(key, value);
    this.#chars += key.length;
    while (this.#entries.size > this.maxEntries || this.#chars > this.maxChars) {
      const oldest = this.#entries.keys().next().value!;
      this.#entries.delete(oldest);
      this.#chars -= oldest.length;
    }
  }

  /** Entries and key characters held now. */
  get stats(): { entries: number; chars: number } {
    return { entries: this.#entries.size, chars: this.#chars };
  }
}
