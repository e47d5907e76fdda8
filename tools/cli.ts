/**
 * The `noros` command: rostopic/rosbag-like jobs over a Foxglove WebSocket bridge.
 * `main(argv, io?)` returns the exit code: 0 done, 1 a problem to fix (one line on stderr),
 * 2 a usage mistake. Tests call it in-process with their own output sinks and abort signal.
 */
import yargs, { type Argv } from "yargs";

import { bridgeCommand } from "./commands/bridge.js";
import { callCommand } from "./commands/call.js";
import type { CliIO } from "./commands/common.js";
import { echoCommand } from "./commands/echo.js";
import { hzCommand } from "./commands/hz.js";
import { paramsCommand } from "./commands/params.js";
import { playCommand } from "./commands/play.js";
import { pubCommand } from "./commands/pub.js";
import { recordCommand } from "./commands/record.js";
import { topicsCommand } from "./commands/topics.js";
import { UserError } from "./errors.js";

export type { CliIO } from "./commands/common.js";

interface Command {
  command: string;
  describe: string;
  builder: (yargs: Argv, env: CliIO["env"]) => Argv<unknown>;
  // Each command declares the shape of its own arguments.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run: (args: any, io: CliIO) => Promise<number>;
}

const COMMANDS: Command[] = [
  topicsCommand,
  echoCommand,
  hzCommand,
  pubCommand,
  callCommand,
  paramsCommand,
  recordCommand,
  playCommand,
  bridgeCommand,
];

/** stdout/stderr of the process, and a signal aborted by the first Ctrl-C (or SIGTERM). */
function processIO(overrides: Partial<CliIO>): { io: CliIO; dispose(): void } {
  const controller = new AbortController();
  const stop = () => {
    // The first Ctrl-C ends the command cleanly; with the handler gone a second one kills.
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    controller.abort();
  };
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") controller.abort(); // e.g. `noros echo /x | head -3`
  };
  const ownSignal = overrides.signal === undefined;
  if (ownSignal) {
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  }
  if (overrides.stdout === undefined) process.stdout.on("error", onStdoutError);
  const io: CliIO = {
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
    signal: overrides.signal ?? controller.signal,
    env: overrides.env ?? process.env,
  };
  return {
    io,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.stdout.off("error", onStdoutError);
    },
  };
}

interface Parsed {
  error: Error | undefined;
  output: string;
  selected: { command: Command; args: unknown } | undefined;
}

/** Help text width: the terminal's, at most 100 columns. */
function helpWidth(): number {
  return Math.min(100, process.stdout.columns ?? 100);
}

/**
 * Below 100 columns yargs squeezes examples into a narrow command column and breaks commands
 * across lines. There each example becomes a `# description` line followed by the whole command
 * on a line of its own, which still copies and pastes.
 */
function examplesOnTheirOwnLines(y: Argv, width: number): Argv {
  if (width >= 100) return y;
  const example = y.example.bind(y) as (command: string, description: string) => Argv;
  const oneExample = (command: string, description?: string): Argv => {
    if (description !== undefined && description !== "") example(`# ${description}`, "");
    return example(command, "");
  };
  return Object.assign(y, { example: oneExample });
}

/** Commands close to `name` (a typo: one edit per three letters), closest first. */
function similarNames(name: string, names: string[]): string[] {
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) {
        const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
        current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
      }
      previous = current;
    }
    return previous[b.length]!;
  };
  return names
    .map((candidate) => ({ candidate, d: distance(name, candidate) }))
    .filter(({ d }) => d <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d)
    .map(({ candidate }) => candidate);
}

function parse(argv: string[], io: CliIO, version: string): Promise<Parsed> {
  let selected: Parsed["selected"];
  const width = helpWidth();
  const parser = yargs(argv)
    .scriptName("noros")
    .usage(
      "$0 <command> [options]\n\nROS 1 topics, services, parameters and recordings over a Foxglove WebSocket bridge.",
    )
    .strict()
    .demandCommand(1, "name a command")
    .recommendCommands()
    .help()
    .alias("help", "h")
    .version(version)
    .wrap(width)
    .epilog("Run `noros <command> --help` for a command's options and examples.");
  for (const command of COMMANDS) {
    parser.command(
      command.command,
      command.describe,
      (y) => command.builder(examplesOnTheirOwnLines(y, width), io.env),
      (args) => {
        selected = { command, args };
      },
    );
  }
  return new Promise((resolve) => {
    void parser.parse(argv, {}, (error: Error | undefined | null, _args, output: string) => {
      resolve({ error: error ?? undefined, output, selected });
    });
  });
}

/**
 * Runs one `noros` command line. `version` is what `--version` prints: the bin script reads it
 * from the package it ships in (the tools ship in `noros-gen`, not in the runtime package).
 */
export async function main(
  argv: string[],
  overrides: Partial<CliIO> & { version?: string } = {},
): Promise<number> {
  const { io, dispose } = processIO(overrides);
  const name = COMMANDS.map((c) => c.command.split(" ")[0]).find((n) => n === argv[0]);
  const prefix = name !== undefined ? `noros ${name}` : "noros";
  try {
    const first = argv[0];
    if (first !== undefined && !first.startsWith("-") && name === undefined) {
      const names = COMMANDS.map((c) => c.command.split(" ")[0]!);
      const similar = similarNames(first, names);
      const guess = similar.length > 0 ? `; did you mean "${similar[0]}"?` : "";
      io.stderr.write(
        `noros: unknown command "${first}"${guess} (commands: ${names.join(", ")})\n`,
      );
      io.stderr.write("Run `noros --help` for usage.\n");
      return 2;
    }
    const { error, output, selected } = await parse(argv, io, overrides.version ?? "unknown");
    if (error !== undefined) {
      io.stderr.write(`${prefix}: ${error.message}\n`);
      io.stderr.write(`Run \`${prefix} --help\` for usage.\n`);
      return 2;
    }
    if (selected === undefined) {
      // --help or --version: yargs collected the text instead of printing it.
      if (output !== "") io.stdout.write(`${output}\n`);
      return 0;
    }
    return await selected.command.run(selected.args, io);
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr.write(`${prefix}: ${error.message}\n`);
      return error.exitCode;
    }
    // Not the user's doing: keep the whole story for the bug report.
    io.stderr.write(
      `${prefix}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  } finally {
    dispose();
  }
}
