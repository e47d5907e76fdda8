/**
 * docker/demo_publisher.py against Debian's roscore: a rospy subscriber
 * (test/docker/count_topics.py) counts what arrives in a 3 s window and checks the content.
 * The bounds are loose on purpose (half to one and a half times the documented rate): they catch
 * a missing or wrongly timed stream without depending on how busy the machine is.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describeIf, hasCommand, hasPython } from "../helpers/env.js";
import { killIfRunning, processTree, start, type Started } from "./processes.js";
import { startRoscore, stopRoscore, type Roscore } from "./ros.js";

const demo = path.resolve(__dirname, "..", "..", "docker", "demo_publisher.py");
const counter = path.join(__dirname, "count_topics.py");
const WINDOW_S = 3;

/** Documented in demo_publisher.py and docker/README.md. */
const RATES_HZ: Record<string, number> = {
  "/camera/image_raw": 15,
  "/camera/camera_info": 15,
  "/imu/data": 100,
  "/tf": 50,
};

interface Counted {
  ready: boolean;
  first_seen: string[];
  counts: Record<string, number>;
  static_frames: Array<[string, string]>;
  image: { width?: number; height?: number; encoding?: string };
  problems: string[];
}

describeIf(
  hasCommand("roscore") &&
    hasPython("rospy", "sensor_msgs.msg", "tf2_msgs.msg", "geometry_msgs.msg"),
  "needs Debian's roscore, rospy and the sensor_msgs/tf2_msgs/geometry_msgs Python packages",
)("demo_publisher.py", () => {
  let roscore: Roscore | undefined;
  let publisher: Started | undefined;
  let rosHome = "";

  afterEach(async () => {
    if (publisher !== undefined) {
      const tree = processTree(publisher.pid);
      if (!publisher.hasExited) publisher.child.kill("SIGKILL");
      killIfRunning(tree);
      await publisher.exit(10000).catch(() => undefined);
    }
    if (roscore !== undefined) await stopRoscore(roscore);
    rmSync(rosHome, { recursive: true, force: true });
    publisher = undefined;
    roscore = undefined;
  });

  test("publishes an image, camera info, an IMU and tf at the documented rates", async () => {
    rosHome = mkdtempSync(path.join(os.tmpdir(), "noros-demo-"));
    roscore = await startRoscore({ PATH: "/usr/bin:/bin", LANG: "C.UTF-8" });
    const env = { ...roscore.env, ROS_HOME: rosHome };
    publisher = start("/usr/bin/python3", [demo], { env });

    const result = spawnSync("/usr/bin/python3", [counter, String(WINDOW_S), "20"], {
      env,
      encoding: "utf8",
      timeout: 60000,
    });
    expect(result.stderr).not.toMatch(/Traceback/);
    const counted = JSON.parse(result.stdout) as Counted;
    expect(counted.ready).toBe(true);
    expect(counted.problems).toEqual([]);
    for (const [topic, rate] of Object.entries(RATES_HZ)) {
      const expected = rate * WINDOW_S;
      const count = counted.counts[topic] ?? 0;
      expect({ topic, count, atLeast: count >= expected / 2 }).toEqual({
        topic,
        count,
        atLeast: true,
      });
      expect({ topic, count, atMost: count <= expected * 1.5 }).toEqual({
        topic,
        count,
        atMost: true,
      });
    }
    expect(counted.image).toEqual({ width: 640, height: 480, encoding: "rgb8" });
    expect(counted.static_frames).toEqual([
      ["base_link", "camera_link"],
      ["base_link", "imu_link"],
      ["camera_link", "camera_optical_frame"],
    ]);

    // docker stop sends SIGTERM; the node must end on it.
    publisher.child.kill("SIGTERM");
    const exit = await publisher.exit(15000, "demo_publisher.py");
    expect(exit.signal === "SIGTERM" || exit.code === 0).toBe(true);
  });

  test("refuses a rate it cannot use", async () => {
    rosHome = mkdtempSync(path.join(os.tmpdir(), "noros-demo-"));
    roscore = await startRoscore({ PATH: "/usr/bin:/bin", LANG: "C.UTF-8" });
    publisher = start("/usr/bin/python3", [demo, "_imu_rate:=0"], {
      env: { ...roscore.env, ROS_HOME: rosHome },
    });
    const exit = await publisher.exit(15000, "demo_publisher.py");
    expect(exit.code).toBe(2);
    expect(publisher.stdout + publisher.stderr).toContain(
      "~imu_rate must be between 0 and 1000 Hz",
    );
  });
});
