/**
 * The WebSocket server under a `FoxgloveServer` (`noros play`, `noros bridge`): listens, lets the
 * FoxgloveServer pick the subprotocol, and turns a port in use into a one-line `UserError`.
 */
import { WebSocketServer } from "ws";
import { UserError } from "./errors.js";
import type { FoxgloveServer } from "./ws-protocol.js";

export function listen(
  host: string,
  port: number,
  server: FoxgloveServer,
): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({
      host,
      port,
      handleProtocols: (protocols) => server.handleProtocols(protocols),
    });
    wss.once("listening", () => resolve(wss));
    wss.once("error", (error: NodeJS.ErrnoException) => {
      wss.close();
      reject(
        new UserError(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is already in use (try --port 0 for a free one)`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      );
    });
  });
}
