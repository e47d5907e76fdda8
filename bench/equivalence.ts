/**
 * Structural equality of decoded messages across implementations: the reference builds class
 * instances and may return typed-array views, noros returns plain objects and copies; what must
 * agree is the shape (same fields, same typed-array kinds) and every value.
 */

/** The path of the first difference between `a` and `b`, or undefined when equivalent. */
export function firstDifference(a: unknown, b: unknown, path = "msg"): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${describe(a)} vs ${describe(b)}`;
  if (typeof a === "number") {
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (typeof a !== "object" || a === null || b === null) {
    return a === b ? undefined : `${path}: ${describe(a)} vs ${describe(b)}`;
  }
  const y = b as object;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(y)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(y)) {
      return `${path}: ${describe(a)} vs ${describe(y)}`;
    }
    if (a.constructor !== y.constructor) return `${path}: ${describe(a)} vs ${describe(y)}`;
    const ab = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const bb = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    if (ab.length !== bb.length) return `${path}: ${ab.length} bytes vs ${bb.length} bytes`;
    const at = ab.findIndex((x, i) => x !== bb[i]);
    return at < 0 ? undefined : `${path}: differs at byte ${at}`;
  }
  if (Array.isArray(a) !== Array.isArray(y)) return `${path}: ${describe(a)} vs ${describe(y)}`;
  if (Array.isArray(a)) {
    const ys = y as unknown[];
    if (a.length !== ys.length) return `${path}: length ${a.length} vs ${ys.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], ys[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const ak = Object.keys(a).sort();
  const bk = Object.keys(y).sort();
  if (ak.join() !== bk.join()) return `${path}: fields [${ak.join()}] vs [${bk.join()}]`;
  for (const k of ak) {
    const d = firstDifference(
      (a as Record<string, unknown>)[k],
      (y as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The index of the first differing byte, -1 when equal (a length difference counts). */
export function firstByteDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  return `${typeof x} ${String(x)}`;
}
