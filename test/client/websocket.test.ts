/** Which WebSocket implementation the client uses. */
import { WebSocket as WsWebSocket } from "ws";
import { defaultWebSocket, type WebSocketConstructor } from "../../runtime/client/websocket.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { newClient } from "./helpers/harness.js";

describe("WebSocket implementation", () => {
  it("is the ws package in Node, even where Node has a global WebSocket", () => {
    const g = globalThis as { WebSocket?: unknown };
    const saved = g.WebSocket;
    try {
      g.WebSocket = class NotUsed {};
      expect(defaultWebSocket()).toBe(WsWebSocket);
    } finally {
      if (saved === undefined) delete g.WebSocket;
      else g.WebSocket = saved;
    }
  });

  it("can be given in the options", async () => {
    const server = await BridgeServer.start();
    const opened: string[][] = [];
    class Recording extends WsWebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols);
        opened.push(protocols);
      }
    }
    const { client } = newClient(server.url, {
      WebSocket: Recording as unknown as WebSocketConstructor,
    });
    try {
      await client.connected();
      expect(opened).toEqual([["foxglove.websocket.v1", "foxglove.sdk.v1"]]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
