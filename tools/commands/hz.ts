/** `noros hz TOPIC`: the publishing rate of a topic. */
import type { Argv } from "yargs";

import { Session } from "../bridge/session.js";
import { UserError } from "../errors.js";
import { delay, line, withBridgeOptions, type BridgeArgs, type CliIO } from "./common.js";

interface HzArgs extends BridgeArgs {
  topic: string;
  window: number;
  duration: number | undefined;
}

export interface RateStats {
  /** Messages per second over the window. */
  rate: number;
  /** Shortest, longest and standard deviation of the gaps, in seconds. */
  min: number;
  max: number;
  stdDev: number;
  /** Messages in the window. */
  window: number;
}

/** Rate statistics over the last `size` receive times (ns), like `rostopic hz`. */
export class RateWindow {
  readonly #times: bigint[] = [];
  constructor(private readonly size: number) {}

  add(timeNs: bigint): void {
    this.#times.push(timeNs);
    if (this.#times.length > this.size) this.#times.shift();
  }

  stats(): RateStats | undefined {
    const times = this.#times;
    if (times.length < 2) return undefined;
    const gaps: number[] = [];
    for (let i = 1; i < times.length; i++) gaps.push(Number(times[i]! - times[i - 1]!) / 1e9);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
    return {
      rate: mean > 0 ? 1 / mean : Infinity,
      min: Math.min(...gaps),
      max: Math.max(...gaps),
      stdDev: Math.sqrt(variance),
      window: times.length,
    };
  }
}

export function formatRate(stats: RateStats): string {
  return (
    `average rate: ${stats.rate.toFixed(3)} Hz  min: ${stats.min.toFixed(4)} s  ` +
    `max: ${stats.max.toFixed(4)} s  std dev: ${stats.stdDev.toFixed(5)} s  window: ${stats.window}`
  );
}

export const hzCommand = {
  command: "hz <topic>",
  describe: "print the publishing rate of a topic every second",
  builder: (yargs: Argv, env: CliIO["env"]) =>
    withBridgeOptions(yargs, env)
      .positional("topic", { type: "string", describe: "topic name" })
      .option("window", {
        alias: "w",
        type: "number",
        default: 100,
        describe: "messages the statistics cover",
      })
      .option("duration", { alias: "d", type: "number", describe: "stop after this many seconds" })
      .example("$0 hz /imu", "the rate of /imu until Ctrl-C")
      .example("$0 hz /scan --window 20 --duration 5", "over the last 20 messages, for 5 seconds")
      .epilog(
        "Gaps are measured between the bridge's receive times (not the arrival at this machine), " +
          "so network jitter does not show.",
      ),
  async run(args: HzArgs, io: CliIO): Promise<number> {
    if (!(Number.isInteger(args.window) && args.window >= 2)) {
      throw new UserError(`--window must be an integer >= 2, got ${args.window}`);
    }
    const session = await Session.open(args.url, { connectTimeoutMs: args.timeout * 1000 });
    try {
      await session.topic(args.topic, args.timeout * 1000);
      const window = new RateWindow(args.window);
      let count = 0;
      let reported = 0;
      const subscription = session.client.subscribeRaw(args.topic, "*", (_bytes, receiveTimeNs) => {
        window.add(receiveTimeNs);
        count++;
      });
      let lost: UserError | undefined;
      const stop = new AbortController();
      io.signal.addEventListener("abort", () => stop.abort(), { once: true });
      session.onLost((error) => {
        lost = error;
        stop.abort();
      });
      const report = () => {
        const stats = window.stats();
        if (count === reported || stats === undefined) line(io.stdout, "no new messages");
        else line(io.stdout, formatRate(stats));
        reported = count;
      };
      const end = args.duration !== undefined ? Date.now() + args.duration * 1000 : Infinity;
      while (!stop.signal.aborted && Date.now() < end) {
        await delay(Math.min(1000, end - Date.now()), stop.signal);
        if (!stop.signal.aborted || count > reported) report();
      }
      subscription.unsubscribe();
      if (lost !== undefined) throw lost;
      return 0;
    } finally {
      await session.close();
    }
  },
};
