/**
 * Debian's Chromium, headless, for the browser tests. The test starts the browser itself (so it
 * stops it by its own PID) with the flags a closed network needs (no background networking,
 * component updates, sync or QUIC, which otherwise stall start-up waiting for the network) and a
 * fresh profile, then drives it with playwright-core over the DevTools protocol. Browser
 * downloads are impossible here: only the installed executable is used.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const ROOT = path.resolve(__dirname, "..", "..");

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `needs ${CHROMIUM} (apt-get install chromium)`;
  if (!existsSync(path.join(ROOT, "node_modules", "playwright-core", "package.json"))) {
    return "needs the playwright-core devDependency (npm ci)";
  }
  return undefined;
}

export interface RunningChromium {
  readonly browser: Browser;
  readonly pid: number;
  /** Disconnects, stops the browser process by its PID and removes its profile. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function launchChromium(): Promise<RunningChromium> {
  const profile = mkdtempSync(path.join(tmpdir(), "noros-chromium-"));
  const child = spawn(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      "--disable-breakpad",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    // Its own process group (led by its PID), so that stopping it stops its helpers too.
    { stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  const stopProcess = () =>
    stop(child).finally(() =>
      // Retried: the last helper processes may still be leaving files as the group goes down.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
    );
  try {
    const endpoint = await devToolsEndpoint(child);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.connectOverCDP(endpoint, { timeout: START_TIMEOUT_MS });
    return {
      browser,
      pid: child.pid!,
      close: async () => {
        await browser.close().catch(() => undefined);
        await stopProcess();
      },
    };
  } catch (error) {
    await stopProcess();
    throw error;
  }
}

/** The `DevTools listening on ws://...` line Chromium prints on stderr once it is ready. */
function devToolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(
      () => fail(`Chromium did not start within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}; its stderr:\n${log.slice(-2000)}`));
    };
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      log = (log + chunk).slice(-20_000); // keeps reading, so the pipe never fills up
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("error", (error) => fail(`cannot start ${CHROMIUM}: ${error.message}`));
    child.once("exit", (code, signal) => fail(`Chromium exited (${signal ?? code})`));
  });
}

/**
 * SIGTERM to the browser's process group (its PID), SIGKILL if the browser is still there after
 * 10 s; once it has exited, SIGKILL to whatever of its group is left.
 */
function stop(child: ChildProcess): Promise<void> {
  const group = -child.pid!;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(group, name);
    } catch {
      // ESRCH: nothing left in the group.
    }
  };
  const exited = child.exitCode !== null || child.signalCode !== null;
  return new Promise<void>((resolve) => {
    if (exited) return resolve();
    const kill = setTimeout(() => signal("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    signal("SIGTERM");
  }).then(() => signal("SIGKILL"));
}
