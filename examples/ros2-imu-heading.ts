/**
 * ROS 2: where an IMU points in a fixed frame. Listens to /tf and /tf_static of a ROS 2
 * foxglove_bridge, subscribes to a sensor_msgs/msg/Imu topic (typed by its type name), and for
 * each message prints the IMU's orientation expressed in the fixed frame at the message's stamp
 * (tf2 interpolates between /tf samples, adds the static mount), one line per message, until
 * Ctrl-C or `--count` messages:
 *
 *   node dist/examples/ros2-imu-heading.js /imu --frame odom --url ws://localhost:8765
 *   1700000100.500000000 imu_link in odom: yaw 55.000 pitch 0.000 roll 0.000 (deg)
 *
 * A message whose transform is not available (yet, or any more) is reported on stderr with
 * tf2's reason. In an application, import from the packages: `import { RosClient, TfBuffer,
 * TransformListener, fromRos2Time } from "noros"` and `import "noros/ros2/msgs/register"`.
 */
// Registers the standard ROS 2 codecs and types the `sensor_msgs/msg/Imu` name.
import "../generated-ros2/register.js";
import type { Imu } from "../generated-ros2/sensor_msgs.js";
import { RosClient } from "../runtime/client/index.js";
import {
  TfBuffer,
  TransformError,
  TransformListener,
  fromRos2Time,
  type Quaternion,
} from "../runtime/tf/index.js";

/** Yaw (about z), pitch (y), roll (x) in degrees of a unit quaternion (ZYX, as tf2's getRPY). */
export function yawPitchRoll(q: Quaternion): { yaw: number; pitch: number; roll: number } {
  const deg = 180 / Math.PI;
  const sinp = 2 * (q.w * q.y - q.z * q.x);
  return {
    yaw: Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z)) * deg,
    pitch: Math.asin(Math.max(-1, Math.min(1, sinp))) * deg,
    roll: Math.atan2(2 * (q.w * q.x + q.y * q.z), 1 - 2 * (q.x * q.x + q.y * q.y)) * deg,
  };
}

/** The line printed for one IMU message: its orientation in `frame`, or tf2's reason why not. */
export function headingLine(buffer: TfBuffer, imu: Imu, frame: string): string {
  const stamp = fromRos2Time(imu.header.stamp);
  const when = `${stamp.sec}.${String(stamp.nsec).padStart(9, "0")}`;
  try {
    const pose = buffer.transformPose(
      {
        header: { stamp, frame_id: imu.header.frame_id },
        pose: { position: { x: 0, y: 0, z: 0 }, orientation: imu.orientation },
      },
      frame,
    );
    const { yaw, pitch, roll } = yawPitchRoll(pose.pose.orientation);
    return `${when} ${imu.header.frame_id} in ${frame}: yaw ${yaw.toFixed(3)} pitch ${pitch.toFixed(3)} roll ${roll.toFixed(3)} (deg)`;
  } catch (error) {
    if (!(error instanceof TransformError)) throw error;
    return `${when} ${imu.header.frame_id}: ${error.message}`;
  }
}

interface Args {
  topic: string;
  frame: string;
  url: string;
  count: number;
}

function parseArgs(argv: string[]): Args | string {
  const args: Partial<Args> = { frame: "odom", url: "ws://localhost:8765", count: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--url" || arg === "--frame" || arg === "--count") {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === "--count") {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) return `--count: not a positive integer: ${value}`;
        args.count = n;
      } else {
        args[arg === "--url" ? "url" : "frame"] = value;
      }
    } else if (arg.startsWith("--")) {
      return `unknown option ${arg}`;
    } else if (args.topic === undefined) {
      args.topic = arg;
    } else {
      return `unexpected argument ${arg}`;
    }
  }
  if (args.topic === undefined) return "missing the IMU topic";
  return args as Args;
}

export interface MainOptions {
  /** Where result lines go (default stdout). */
  out?: (line: string) => void;
  /** Where problems go (default stderr). */
  err?: (line: string) => void;
  /** Stops the program (default: SIGINT, Ctrl-C). */
  stop?: Promise<void>;
}

/** Runs until `--count` messages, or until stopped; resolves with the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const args = parseArgs(argv);
  if (typeof args === "string") {
    err(
      `${args}\nusage: ros2-imu-heading <imu topic> [--frame odom] [--url ws://host:8765] [--count n]`,
    );
    return 2;
  }
  const client = new RosClient(args.url);
  client.on("error", (error) => err(`error: ${error.message}`));
  client.on("warning", (warning) => err(`warning: ${warning.message}`));
  client.on("disconnect", (event) => {
    if (event.retryInMs !== undefined) err("disconnected; reconnecting...");
  });
  // /tf and /tf_static; a ROS 2 bridge's tf2_msgs/msg/TFMessage is recognised by its type.
  const buffer = new TfBuffer({ onWarning: (w) => err(`tf: ${w.message}`) });
  const listener = new TransformListener(client, buffer);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let seen = 0;
  client.subscribe(args.topic, "sensor_msgs/msg/Imu", (imu) => {
    if (seen >= args.count) return;
    seen += 1;
    const line = headingLine(buffer, imu, args.frame);
    // A line naming the fixed frame is a result; anything else is tf2's reason.
    (line.includes(` in ${args.frame}: `) ? out : err)(line);
    if (seen === args.count) done();
  });
  const stop =
    options.stop ?? new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  let code = 0;
  try {
    await client.connected({ timeoutMs: 10_000 });
    await Promise.race([finished, stop]);
  } catch (error) {
    err((error as Error).message);
    code = 1;
  }
  listener.close();
  await client.close();
  return code;
}

// Run as a program (node dist/examples/ros2-imu-heading.js), not when imported by a test.
if (/ros2-imu-heading\.js$/.test(process.argv[1] ?? "")) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
