/**
 * TCPROS framing: connection headers (`key=value` fields, each with a u32 length) and the
 * u32-length-prefixed frames that follow them. The bridge reads frames as bytes and never decodes
 * the messages inside: what a publisher sends is what a Foxglove client receives.
 */

/** A frame longer than this is taken for a corrupt stream (ROS itself allows up to 1 GB). */
export const MAX_FRAME_BYTES = 1024 * 1024 * 1024;

export function encodeHeader(fields: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const text = Buffer.from(`${key}=${value}`, "utf8");
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(text.length, 0);
    parts.push(length, text);
  }
  const body = Buffer.concat(parts);
  const prefix = Buffer.allocUnsafe(4);
  prefix.writeUInt32LE(body.length, 0);
  return Buffer.concat([prefix, body]);
}

/** Parses a header body (without its own length prefix); throws on a malformed field. */
export function decodeHeader(body: Uint8Array): Record<string, string> {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const fields: Record<string, string> = {};
  let offset = 0;
  while (offset < buffer.length) {
    if (offset + 4 > buffer.length) throw new Error("truncated TCPROS header field length");
    const length = buffer.readUInt32LE(offset);
    offset += 4;
    if (offset + length > buffer.length) throw new Error("TCPROS header field overruns header");
    const text = buffer.toString("utf8", offset, offset + length);
    offset += length;
    const eq = text.indexOf("=");
    if (eq < 0) throw new Error(`TCPROS header field without "=": ${JSON.stringify(text)}`);
    fields[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return fields;
}

/** Frames a payload with its u32 length. */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.byteLength);
  out.writeUInt32LE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

/**
 * Cuts a byte stream into length-prefixed frames. Chunks are kept as they arrive and only the
 * bytes of a frame that spans chunks are copied once; a frame inside one chunk is a view.
 */
export class FrameReader {
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  #need: number | undefined;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /**
   * Appends `chunk` and hands every frame now complete to `onFrame`, in order; throws on an
   * impossible length (after handing over the frames before it).
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#need === undefined) {
        if (this.#buffered < 4) return;
        const length = this.#take(4).readUInt32LE(0);
        if (length > this.maxFrameBytes) {
          throw new Error(`frame length ${length} exceeds ${this.maxFrameBytes} bytes`);
        }
        this.#need = length;
      }
      if (this.#buffered < this.#need) return;
      const frame = this.#take(this.#need);
      this.#need = undefined;
      onFrame(frame);
    }
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    this.#buffered -= n;
    return out;
  }
}
