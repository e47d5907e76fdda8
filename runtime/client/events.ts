/**
 * A small typed event emitter that works the same in Node and browsers (no `node:events`).
 * A listener that throws never breaks the emitter or the caller: the exception goes to
 * `listenerThrew`, which the client turns into an `error` event.
 */

// `never[]` parameters make every function type acceptable as a listener signature.
type ListenerMap<E> = { [K in keyof E]: (...args: never[]) => void };

export class TypedEmitter<E extends ListenerMap<E>> {
  readonly #listeners = new Map<keyof E, Set<E[keyof E]>>();

  on<K extends keyof E>(name: K, listener: E[K]): this {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener);
    return this;
  }

  off<K extends keyof E>(name: K, listener: E[K]): this {
    this.#listeners.get(name)?.delete(listener);
    return this;
  }

  once<K extends keyof E>(name: K, listener: E[K]): this {
    const wrapper = ((...args: Parameters<E[K]>) => {
      this.off(name, wrapper);
      (listener as (...a: Parameters<E[K]>) => void)(...args);
    }) as E[K];
    return this.on(name, wrapper);
  }

  listenerCount(name: keyof E): number {
    return this.#listeners.get(name)?.size ?? 0;
  }

  /** Calls every listener of `name`; returns false when there was none. */
  protected emit<K extends keyof E>(name: K, ...args: Parameters<E[K]>): boolean {
    const set = this.#listeners.get(name);
    if (set === undefined || set.size === 0) return false;
    // Copy: a listener may remove itself (once) or others while we iterate.
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.listenerThrew(String(name), error);
      }
    }
    return true;
  }

  /** Called when a listener throws. Subclasses report it; the default writes to the console. */
  protected listenerThrew(event: string, error: unknown): void {
    console.error(`listener for "${event}" threw:`, error);
  }
}
