/**
 * Sending recorded or relayed messages to Foxglove clients, as `noros play` and `noros bridge`
 * both do: MessageData frames, and foxglove_bridge's back-pressure (a client with more than 10 MB
 * queued loses messages, and is told so once with a warning status).
 */
import { StatusLevel, type IWebSocket } from "@foxglove/ws-protocol";
import type { WebSocket } from "ws";
import type { PlayClient } from "./play/clients.js";
import type { FoxgloveServer } from "./ws-protocol.js";

/** Bytes queued on a client's socket beyond which its messages are dropped (foxglove_bridge). */
export const SLOW_CLIENT_BYTES = 10 * 1024 * 1024;
/** Payloads from this size on are sent without being copied behind the frame header. */
const LARGE_PAYLOAD_BYTES = 64 * 1024;

/** `ws` sockets implement the protocol library's structural `IWebSocket` at run time. */
export function asProtocolSocket(ws: WebSocket): IWebSocket {
  return ws as unknown as IWebSocket;
}

/** MessageData: op 0x01, u32 subscription id, u64 receive time (ns), then the ROS 1 payload. */
export function sendMessageData(
  ws: WebSocket,
  subscriptionId: number,
  time: bigint,
  data: Uint8Array,
): void {
  const header = Buffer.allocUnsafe(13);
  header.writeUInt8(1, 0);
  header.writeUInt32LE(subscriptionId, 1);
  header.writeBigUInt64LE(time, 5);
  if (data.byteLength < LARGE_PAYLOAD_BYTES) {
    ws.send(Buffer.concat([header, data], 13 + data.byteLength));
    return;
  }
  // Large payloads go out as one WebSocket message in two fragments (header, then the bytes as
  // received), which spares copying megabytes per message. Nothing can be sent between the two
  // calls: both are queued in order, synchronously.
  ws.send(header, { binary: true, fin: false });
  ws.send(data, { binary: true, fin: true });
}

/**
 * Sends a message to one subscriber, unless its socket is closing or (with `dropWhenSlow`) it has
 * more than `SLOW_CLIENT_BYTES` queued: then the message is dropped, and the client warned once
 * (`who` names the server in the warning).
 */
export function sendToSubscriber(
  server: FoxgloveServer,
  client: PlayClient,
  subscriptionId: number,
  time: bigint,
  data: Uint8Array,
  who: string,
  dropWhenSlow = true,
): void {
  if (client.ws.readyState !== client.ws.OPEN) return;
  if (dropWhenSlow && client.ws.bufferedAmount > SLOW_CLIENT_BYTES) {
    if (!client.warnedSlow) {
      client.warnedSlow = true;
      server.sendStatus(
        {
          level: StatusLevel.WARNING,
          message: `${who}: client too slow, more than 10 MB queued; dropping messages`,
        },
        asProtocolSocket(client.ws),
      );
    }
    return;
  }
  sendMessageData(client.ws, subscriptionId, time, data);
}
