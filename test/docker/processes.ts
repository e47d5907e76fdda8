/**
 * Process helpers for the docker/ tests: start a program and keep its output, wait for a
 * condition, find free ports, and follow process trees through /proc so a test can check by PID
 * that nothing it started outlives it (and kill by PID whatever does).
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as net from "node:net";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started program with its output so far and a promise of its exit. */
export class Started {
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  private exitValue: Exit | undefined;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    // "close" (not "exit"): the output streams are complete and closed by then.
    this.exited = new Promise((resolve) =>
      child.on("close", (code, signal) => {
        this.exitValue = { code, signal };
        resolve(this.exitValue);
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("process did not start");
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitValue !== undefined;
  }

  /** The exit, or an error naming `what` and showing the output if it takes over `ms`. */
  async exit(ms: number, what = "process"): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not exit within ${ms} ms\n${this.output()}`)),
        ms,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  output(): string {
    return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }
}

export function start(command: string, args: string[], options: SpawnOptions): Started {
  return new Started(spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options }));
}

/** Polls `check` until it returns something other than undefined/false. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

interface ProcStat {
  pid: number;
  ppid: number;
  state: string;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ")".
    const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
    return { pid, state: fields[0] ?? "?", ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

/** `root` and all its running descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === undefined || stat.state === "Z") continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat.pid);
    children.set(stat.ppid, siblings);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (isRunning(pid)) tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The command line of a process ("" when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

/** SIGKILL each pid still running: the last resort of a test's cleanup. */
export function killIfRunning(pids: Iterable<number>): void {
  for (const pid of pids) {
    if (!isRunning(pid)) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone in the meantime.
    }
  }
}

/** True when something accepts TCP connections on host:port. */
export function acceptsConnections(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(2000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
