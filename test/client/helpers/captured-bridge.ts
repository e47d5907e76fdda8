/**
 * A server replaying frames of the real foxglove_bridge 0.8.5 (../shared/bridge-captures) for the
 * connection graph: serverInfo and advertisements on connect; to `subscribeConnectionGraph` the
 * empty first reply, the full graph `discoveryMs` later, and `discoveryMs` after that the update
 * sent when a publishing node (`rostopic pub /appearing`) exited.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { WebSocketServer, type WebSocket } from "ws";

import { bridgeCapturesDir } from "../../helpers/env.js";

function capture(name: string): string {
  return readFileSync(path.join(bridgeCapturesDir() ?? "", name), "utf8");
}

export interface CapturedBridge {
  readonly url: string;
  /** The ops the clients sent, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function capturedBridge(discoveryMs: number): Promise<CapturedBridge> {
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: () => "foxglove.websocket.v1",
  });
  await new Promise((resolve) => wss.once("listening", resolve));
  const timers: NodeJS.Timeout[] = [];
  const requests: string[] = [];
  wss.on("connection", (ws: WebSocket) => {
    ws.send(capture("text_serverInfo_1795462855309.json"));
    ws.send(capture("text_advertise_1795462855310.json"));
    ws.on("message", (data) => {
      const op = (JSON.parse(String(data)) as { op: string }).op;
      requests.push(op);
      if (op !== "subscribeConnectionGraph") return;
      ws.send(capture("text_connectionGraphUpdate_1_reply_to_first_subscribe.json"));
      timers.push(
        setTimeout(() => {
          ws.send(capture("text_connectionGraphUpdate_2_next_discovery.json"));
          timers.push(
            setTimeout(
              () => ws.send(capture("text_connectionGraphUpdate_3_publisher_gone.json")),
              discoveryMs,
            ),
          );
        }, discoveryMs),
      );
    });
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    requests,
    close: async () => {
      timers.forEach(clearTimeout);
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}
