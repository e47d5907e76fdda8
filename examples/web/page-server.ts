/**
 * Serves a browser page over HTTP: an HTML file and one script bundled from TypeScript with
 * esbuild (platform "browser": the client then uses the browser's WebSocket and the bundle has
 * no `ws`). Used by the web example's command and by the browser tests, so both ship a page the
 * way an application would: bundled, minified, from the public API.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";

export interface PageServerOptions {
  /** The page's TypeScript entry point; served as `/app.js`. */
  readonly entry: string;
  /** The HTML file served as `/`; it loads `<script type="module" src="app.js">`. */
  readonly html: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface PageServer {
  /** `http://host:port/` */
  readonly url: string;
  readonly port: number;
  /** The minified bundle served as `/app.js`. */
  readonly bundle: Uint8Array;
  close(): Promise<void>;
}

/** Bundles `entry` for browsers: ES module, minified, ES2022 (what the package itself targets). */
export async function bundlePage(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return file.contents;
}

export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const [html, script] = [readFileSync(options.html), await bundlePage(options.entry)];
  const server = createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
    const body = pathname === "/" ? html : pathname === "/app.js" ? script : undefined;
    if (request.method !== "GET" || body === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const type = pathname === "/" ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8";
    response.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
  });
  const host = options.host ?? "127.0.0.1";
  await listen(server, host, options.port);
  const { port } = server.address() as AddressInfo;
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    url: `http://${urlHost}:${port}/`,
    port,
    bundle: script,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `port ${port} on ${host} is already in use (try --port 0 for a free one)`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
}
