/**
 * examples/ros2-imu-heading.ts against a server configured like the ROS 2 foxglove_bridge
 * (test/helpers/ros2-bridge-server.ts), over real sockets: /tf_static (a mount, handed to each
 * subscriber as transient-local data is), /tf (odom -> base_link turning) and a
 * sensor_msgs/msg/Imu topic, all CDR from the reference writer. The printed headings must be
 * what tf2's interpolation gives, and a stamp past the data tf2's extrapolation error. Run
 * in-process and as the built program (`node dist/examples/ros2-imu-heading.js`, ESM).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { main, yawPitchRoll } from "../../examples/ros2-imu-heading.js";
import { Ros2BridgeServer } from "../helpers/ros2-bridge-server.js";

const root = path.resolve(__dirname, "..", "..");
const SEC = 1_700_000_100;

/** A rotation of `deg` degrees about z. */
function yaw(deg: number) {
  const h = (deg * Math.PI) / 360;
  return { x: 0, y: 0, z: Math.sin(h), w: Math.cos(h) };
}

function transform(parent: string, child: string, sec: number, nanosec: number, deg: number) {
  return {
    header: { stamp: { sec, nanosec }, frame_id: parent },
    child_frame_id: child,
    transform: { translation: { x: 1, y: 0, z: 0 }, rotation: yaw(deg) },
  };
}

function imu(sec: number, nanosec: number) {
  const zeros = new Float64Array(9);
  return {
    header: { stamp: { sec, nanosec }, frame_id: "imu_link" },
    orientation: { x: 0, y: 0, z: 0, w: 1 },
    orientation_covariance: zeros,
    angular_velocity: { x: 0, y: 0, z: 0 },
    angular_velocity_covariance: zeros,
    linear_acceleration: { x: 0, y: 0, z: 9.81 },
    linear_acceleration_covariance: zeros,
  };
}

/** The bridge with the three topics; once a client has subscribed to all, the data is sent. */
async function serveRobot(): Promise<Ros2BridgeServer> {
  const bridge = await Ros2BridgeServer.start();
  const tf = bridge.addTopic("/tf", "tf2_msgs/msg/TFMessage");
  const tfStatic = bridge.addTopic("/tf_static", "tf2_msgs/msg/TFMessage");
  const imuChannel = bridge.addTopic("/imu", "sensor_msgs/msg/Imu");
  bridge.server.on("subscribe", (id) => {
    if (id === tfStatic) {
      bridge.publishMessage(id, { transforms: [transform("base_link", "imu_link", 0, 0, 10)] });
    }
    if ([tf, tfStatic, imuChannel].every((c) => bridge.subscribed.has(c) || c === id)) {
      // One socket keeps the order: /tf samples at SEC and SEC + 1, then the IMU messages.
      bridge.publishMessage(tf, { transforms: [transform("odom", "base_link", SEC, 0, 0)] });
      bridge.publishMessage(tf, { transforms: [transform("odom", "base_link", SEC + 1, 0, 90)] });
      bridge.publishMessage(imuChannel, imu(SEC, 500_000_000));
      bridge.publishMessage(imuChannel, imu(SEC + 1, 0));
      bridge.publishMessage(imuChannel, imu(SEC + 3, 0));
    }
  });
  return bridge;
}

describe("ros2-imu-heading example", () => {
  it("computes headings from a quaternion as tf2's getRPY", () => {
    expect(yawPitchRoll(yaw(55)).yaw).toBeCloseTo(55, 9);
    expect(yawPitchRoll({ x: 0, y: Math.SQRT1_2, z: 0, w: Math.SQRT1_2 }).pitch).toBeCloseTo(90, 6);
    expect(yawPitchRoll({ x: 1, y: 0, z: 0, w: 0 }).roll).toBeCloseTo(180, 9);
  });

  it("prints each IMU message's heading in the fixed frame, tf2's error past the data", async () => {
    const bridge = await serveRobot();
    try {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(["/imu", "--frame", "odom", "--url", bridge.url, "--count", "3"], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        stop: new Promise(() => undefined),
      });
      expect(code).toBe(0);
      // Halfway between 0 and 90 degrees (slerp), plus the 10 degree mount; then at the sample.
      expect(out).toEqual([
        `${SEC}.500000000 imu_link in odom: yaw 55.000 pitch 0.000 roll 0.000 (deg)`,
        `${SEC + 1}.000000000 imu_link in odom: yaw 100.000 pitch 0.000 roll 0.000 (deg)`,
      ]);
      expect(err).toEqual([
        `${SEC + 3}.000000000 imu_link: Lookup would require extrapolation 2.000000000s into the future.  Requested time ${SEC + 3}.000000000 but the latest data is at time ${SEC + 1}.000000000, when looking up transform from frame [imu_link] to frame [odom]`,
      ]);
    } finally {
      await bridge.close();
    }
  });

  it("says what is wrong with its arguments (exit 2) and an unreachable bridge (exit 1)", async () => {
    const err: string[] = [];
    const quiet = { err: (l: string) => err.push(l), stop: Promise.resolve() };
    await expect(main([], quiet)).resolves.toBe(2);
    await expect(main(["/imu", "--count", "0"], quiet)).resolves.toBe(2);
    expect(err[0]).toMatch(/^missing the IMU topic\nusage: ros2-imu-heading/);
    expect(err[1]).toMatch(/^--count: not a positive integer: 0/);
    await expect(main(["/imu", "--url", "ws://127.0.0.1:9"], quiet)).resolves.toBe(1);
    expect(err.slice(2).join("\n")).toMatch(/127\.0\.0\.1:9/);
  });

  const built = path.join(root, "dist", "examples", "ros2-imu-heading.js");
  (existsSync(built) ? it : it.skip)(
    "runs as the built program (node dist/examples/ros2-imu-heading.js)",
    async () => {
      const bridge = await serveRobot();
      const child = spawn(process.execPath, [built, "/imu", "--url", bridge.url, "--count", "2"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      try {
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        expect(stderr).toBe("");
        expect(code).toBe(0);
        expect(stdout.trim().split("\n")).toEqual([
          `${SEC}.500000000 imu_link in odom: yaw 55.000 pitch 0.000 roll 0.000 (deg)`,
          `${SEC + 1}.000000000 imu_link in odom: yaw 100.000 pitch 0.000 roll 0.000 (deg)`,
        ]);
      } finally {
        clearTimeout(timer);
        if (child.exitCode === null) child.kill("SIGKILL");
        await bridge.close();
      }
    },
  );
});
