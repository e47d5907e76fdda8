/**
 * The web example's command: bundles the page from this checkout's sources and serves it.
 *
 *   npm run example:web -- --url ws://localhost:8765 [--port 8080] [--host 127.0.0.1]
 *
 * (`npm ci` builds dist/; this file runs as dist/examples/web/main.js.) It prints the address to
 * open; the page connects to the bridge at `--url` from the browser, not through this server.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { startPageServer } from "./page-server.js";

const USAGE =
  "usage: npm run example:web -- [--url ws://localhost:8765] [--port 8080] [--host 127.0.0.1]";

/** dist/examples/web/main.js -> examples/web/ of the checkout, where app.ts and index.html are. */
const SOURCES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../examples/web");

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: "string", default: "ws://localhost:8765" },
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port: expected a port number, got "${values.port}"\n${USAGE}\n`);
    return 2;
  }
  if (!/^wss?:\/\/[^/]/.test(values.url)) {
    process.stderr.write(`--url: expected ws://host:port or wss://..., got "${values.url}"\n`);
    return 2;
  }
  const entry = path.join(SOURCES, "app.ts");
  if (!existsSync(entry)) {
    process.stderr.write(`${entry} not found: run this from a checkout of noros\n`);
    return 1;
  }
  let server;
  try {
    server = await startPageServer({
      entry,
      html: path.join(SOURCES, "index.html"),
      port,
      host: values.host,
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message.split("\n")[0]}\n`);
    return 1;
  }
  const open = `${server.url}?url=${encodeURIComponent(values.url)}`;
  process.stdout.write(`noros web example: open ${open}\n(Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
