/**
 * What every `noros` command shares: where output goes, the Ctrl-C signal, the bridge URL
 * option, and waiting for the end of a long-running command.
 */
import type { Argv } from "yargs";

import { DEFAULT_BRIDGE_URL } from "../bridge/connection.js";

export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIO {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Aborted on Ctrl-C (the `noros` binary wires SIGINT); tests abort it to stop a command. */
  readonly signal: AbortSignal;
  /** The environment (for NOROS_BRIDGE_URL). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface BridgeArgs {
  url: string;
  timeout: number;
}

/** `--url` and `--timeout`, for commands that talk to a bridge. */
export function withBridgeOptions<T>(yargs: Argv<T>, env: CliIO["env"]): Argv<T & BridgeArgs> {
  return yargs
    .option("url", {
      alias: "u",
      type: "string",
      default: env.NOROS_BRIDGE_URL ?? DEFAULT_BRIDGE_URL,
      defaultDescription: "$NOROS_BRIDGE_URL or ws://localhost:8765",
      describe: "WebSocket URL of the bridge (foxglove_bridge or `noros play`)",
    })
    .option("timeout", {
      type: "number",
      default: 5,
      describe: "seconds to wait for the bridge, and for a topic or service to be advertised",
    }) as unknown as Argv<T & BridgeArgs>;
}

export function line(out: Output, text: string): void {
  out.write(`${text}\n`);
}

/** Resolves when `signal` aborts (immediately if it already has). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

/** Resolves after `ms`, or earlier when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** "12.3 MB" style sizes for progress lines. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
