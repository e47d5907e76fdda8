/** The bounded buffers behind publish queues and `messages()`, and the reconnect backoff. */
import { Backoff } from "../../runtime/client/backoff.js";
import { MessageIterator, RingBuffer } from "../../runtime/client/bounded-queue.js";

describe("RingBuffer", () => {
  it("keeps the newest `capacity` items in order and hands back the dropped ones", () => {
    const ring = new RingBuffer<number>(3);
    const dropped: number[] = [];
    for (let i = 0; i < 7; i++) {
      const result = ring.push(i);
      if (result.dropped) dropped.push(result.oldest!);
    }
    expect(dropped).toEqual([0, 1, 2, 3]);
    expect(ring.size).toBe(3);
    expect([ring.shift(), ring.shift(), ring.shift(), ring.shift()]).toEqual([4, 5, 6, undefined]);
    ring.push(10);
    ring.clear();
    expect(ring.size).toBe(0);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer, got 0/);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});

describe("MessageIterator", () => {
  const noop = () => undefined;

  it("resolves waiting next() calls in order, then buffers", async () => {
    const it = new MessageIterator<number>(10, noop, noop);
    const a = it.next();
    const b = it.next();
    it.push(1);
    it.push(2);
    it.push(3);
    await expect(a).resolves.toEqual({ value: 1, done: false });
    await expect(b).resolves.toEqual({ value: 2, done: false });
    await expect(it.next()).resolves.toEqual({ value: 3, done: false });
  });

  it("drops the oldest when full and counts drops", async () => {
    const totals: number[] = [];
    const it = new MessageIterator<number>(2, (total) => totals.push(total), noop);
    for (let i = 0; i < 5; i++) it.push(i);
    expect(it.dropped).toBe(3);
    expect(totals).toEqual([1, 2, 3]);
    await expect(it.next()).resolves.toEqual({ value: 3, done: false });
    await expect(it.next()).resolves.toEqual({ value: 4, done: false });
  });

  it("delivers what is buffered after end(), then done", async () => {
    const it = new MessageIterator<number>(5, noop, noop);
    it.push(1);
    it.end();
    it.push(2); // ignored after the end
    await expect(it.next()).resolves.toEqual({ value: 1, done: false });
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("fail() rejects a waiting next() or the next one after the buffer", async () => {
    const waiting = new MessageIterator<number>(5, noop, noop);
    const pending = waiting.next();
    waiting.fail(new Error("boom"));
    await expect(pending).rejects.toThrow("boom");
    await expect(waiting.next()).resolves.toEqual({ value: undefined, done: true });

    const buffered = new MessageIterator<number>(5, noop, noop);
    buffered.push(1);
    buffered.fail(new Error("later"));
    await expect(buffered.next()).resolves.toEqual({ value: 1, done: false });
    await expect(buffered.next()).rejects.toThrow("later");
  });

  it("calls onReturn once when a for-await loop breaks", async () => {
    let returns = 0;
    const it = new MessageIterator<number>(5, noop, () => returns++);
    it.push(1);
    it.push(2);
    for await (const value of it) {
      expect(value).toBe(1);
      break;
    }
    await it.return();
    expect(returns).toBe(1);
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });
  });
});

describe("Backoff", () => {
  it("grows by the factor up to the cap, and restarts after reset", () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempts).toBe(6);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("takes the jitter off the base delay, never past the cap", () => {
    const delay = (random: number) =>
      new Backoff({ initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.5 }, () => random).next();
    expect([delay(0), delay(0.5), delay(1)]).toEqual([1000, 750, 500]);
  });
});
