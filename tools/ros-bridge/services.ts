/**
 * TCPROS service client: probing a provider for its service type and md5 (what `rosservice
 * info` does: a connection header with `probe=1`), and calling a service with a request that
 * is already encoded. Bytes in, bytes out: the bridge never decodes requests or responses.
 */
import * as net from "node:net";

import { MAX_FRAME_BYTES, decodeHeader, encodeHeader, frame } from "./tcpros.js";

const MAX_HEADER_BYTES = 1024 * 1024;

export interface ServiceHeader {
  readonly type: string;
  readonly md5sum: string;
  readonly callerid: string;
}

/** `rosrpc://host:port` -> host and port. */
export function parseRosrpc(uri: string): { host: string; port: number } {
  const m = /^rosrpc:\/\/\[?([^\]]+?)\]?:(\d+)\/?$/.exec(uri);
  if (m === null) throw new Error(`not a rosrpc URI: ${uri}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * One exchange with a service provider: our header, its header, then (for a call) one request
 * and one response. Resolves with what the provider sent; rejects on errors and timeouts.
 */
function exchange(
  uri: string,
  header: Record<string, string>,
  request: Uint8Array | undefined,
  timeoutMs: number,
): Promise<{ header: Record<string, string>; ok?: boolean; payload?: Buffer }> {
  const { host, port } = parseRosrpc(uri);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    let done = false;
    const finish = (error: Error | undefined, value?: Parameters<typeof resolve>[0]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${uri} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    // Reply: a u32-length-prefixed header; for a call then one ok byte and a u32-length-prefixed
    // payload (the response, or an error text when ok is 0).
    let buffered: Buffer = Buffer.alloc(0);
    let replyHeader: Record<string, string> | undefined;
    // The request goes out only after the provider's header: rospy reads the header with a
    // buffer it then discards, so a request sent along with our header can be lost (and the
    // call would hang). rosservice waits the same way.
    socket.on("connect", () => socket.write(encodeHeader(header)));
    socket.on("data", (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        if (replyHeader === undefined) {
          if (buffered.length < 4) return;
          const length = buffered.readUInt32LE(0);
          if (length > MAX_HEADER_BYTES) throw new Error(`header length ${length} from ${uri}`);
          if (buffered.length < 4 + length) return;
          replyHeader = decodeHeader(buffered.subarray(4, 4 + length));
          buffered = buffered.subarray(4 + length);
          if (replyHeader.error !== undefined) return finish(new Error(replyHeader.error));
          if (request === undefined) return finish(undefined, { header: replyHeader });
          socket.write(frame(request));
        }
        if (buffered.length < 5) return;
        const length = buffered.readUInt32LE(1);
        if (length > MAX_FRAME_BYTES) throw new Error(`response length ${length} from ${uri}`);
        if (buffered.length < 5 + length) return;
        finish(undefined, {
          header: replyHeader,
          ok: buffered[0] !== 0,
          payload: Buffer.from(buffered.subarray(5, 5 + length)),
        });
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error(`${uri} closed the connection`)));
  });
}

/** The provider's service type and md5, as `rosservice info` reads them. */
export async function probeService(
  uri: string,
  service: string,
  callerId: string,
  timeoutMs = 5000,
): Promise<ServiceHeader> {
  const { header } = await exchange(
    uri,
    { callerid: callerId, service, md5sum: "*", probe: "1" },
    undefined,
    timeoutMs,
  );
  if (header.type === undefined || header.md5sum === undefined) {
    throw new Error(`${service} at ${uri} sent no type or md5sum in its header`);
  }
  return { type: header.type, md5sum: header.md5sum, callerid: header.callerid ?? "" };
}

export class ServiceCallFailed extends Error {
  override name = "ServiceCallFailed";
}

/** Calls `service` at `uri` with an encoded request; resolves with the encoded response. */
export async function callService(
  uri: string,
  service: string,
  md5sum: string,
  callerId: string,
  request: Uint8Array,
  timeoutMs: number,
): Promise<Buffer> {
  const reply = await exchange(
    uri,
    { callerid: callerId, service, md5sum, persistent: "0" },
    request,
    timeoutMs,
  );
  if (reply.ok !== true) {
    throw new ServiceCallFailed(reply.payload?.toString("utf8") || `${service} failed`);
  }
  return reply.payload!;
}
