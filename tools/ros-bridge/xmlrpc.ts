/**
 * XML-RPC over node:http, with the (de)serializer of @foxglove/xmlrpc. Our own transport because
 * the bridge needs what that package's fetch client and server do not give: a timeout on every
 * call (an unreachable master must not hang discovery), and a server whose open connections can
 * be closed at shutdown.
 */
import * as xmlrpc from "@foxglove/xmlrpc";
import type { XmlRpcValue } from "@foxglove/xmlrpc";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

// CommonJS package: named exports come through the namespace in jest (CommonJS) and the default
// export under Node's ESM loader, as for @foxglove/ws-protocol.
const lib = (
  "Deserializer" in xmlrpc ? xmlrpc : (xmlrpc as { default: unknown }).default
) as typeof xmlrpc;

export type { XmlRpcValue };

export const DEFAULT_XMLRPC_TIMEOUT_MS = 5000;

/**
 * Calls in flight per server. roscpp's XML-RPC server serves few connections at a time: a
 * bridge subscribing to 160 topics of one node at once would see most `requestTopic` calls time
 * out. Calls beyond the limit wait their turn (the time limit starts when a call is sent).
 */
const MAX_CALLS_PER_SERVER = 4;
const inFlight = new Map<string, { count: number; queue: (() => void)[] }>();

async function turn(url: string): Promise<() => void> {
  let slot = inFlight.get(url);
  if (slot === undefined) inFlight.set(url, (slot = { count: 0, queue: [] }));
  if (slot.count >= MAX_CALLS_PER_SERVER) {
    await new Promise<void>((resolve) => slot.queue.push(resolve));
  }
  slot.count++;
  return () => {
    slot.count--;
    const next = slot.queue.shift();
    if (next !== undefined) next();
    else if (slot.count === 0) inFlight.delete(url);
  };
}

/** Calls `method` at `url`; rejects on HTTP errors, XML-RPC faults and after `timeoutMs`. */
export async function xmlRpcCall(
  url: string,
  method: string,
  params: XmlRpcValue[],
  timeoutMs = DEFAULT_XMLRPC_TIMEOUT_MS,
): Promise<XmlRpcValue> {
  const done = await turn(url);
  try {
    return await send(url, method, params, timeoutMs);
  } finally {
    done();
  }
}

function send(
  url: string,
  method: string,
  params: XmlRpcValue[],
  timeoutMs: number,
): Promise<XmlRpcValue> {
  const body = lib.serializeMethodCall(method, params);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) },
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          if (response.statusCode !== 200) {
            reject(new Error(`${method} at ${url}: HTTP ${response.statusCode ?? "?"}`));
            return;
          }
          new lib.Deserializer()
            .deserializeMethodResponse(Buffer.concat(chunks).toString("utf8"))
            .then(resolve, (error: unknown) =>
              reject(new Error(`${method} at ${url}: ${String(error)}`)),
            );
        });
      },
    );
    request.on("timeout", () => {
      request.destroy(new Error(`${method} at ${url}: no answer within ${timeoutMs} ms`));
    });
    request.on("error", reject);
    request.end(body);
  });
}

export type XmlRpcHandler = (args: XmlRpcValue[]) => XmlRpcValue | Promise<XmlRpcValue>;

/** An XML-RPC server on node:http; `close()` also ends idle keep-alive connections. */
export class XmlRpcHttpServer {
  readonly #handlers = new Map<string, XmlRpcHandler>();
  readonly #server: http.Server;

  constructor() {
    this.#server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        void this.#answer(Buffer.concat(chunks).toString("utf8")).then((text) => {
          res.writeHead(200, {
            "Content-Type": "text/xml",
            "Content-Length": Buffer.byteLength(text),
          });
          res.end(text);
        });
      });
    });
  }

  on(method: string, handler: XmlRpcHandler): void {
    this.#handlers.set(method, handler);
  }

  listen(host: string, port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #answer(body: string): Promise<string> {
    try {
      const [method, args] = await new lib.Deserializer().deserializeMethodCall(body);
      const handler = this.#handlers.get(method);
      if (handler === undefined) {
        return lib.serializeFault(new lib.XmlRpcFault(`method "${method}" not found`, -32601));
      }
      return lib.serializeMethodResponse(await handler(args));
    } catch (error) {
      return lib.serializeFault(new lib.XmlRpcFault(String(error)));
    }
  }
}
