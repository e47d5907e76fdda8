/**
 * The browser tests' recording: what it holds (read in Node, without a browser), and that the
 * committed file is exactly what scripts/make_web_recording.py writes with Debian's rosbag.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { ROS_PYTHON, describeIf, hasPython, rosEnv } from "../helpers/env.js";
import { PNG_TOPIC, RAW_TOPIC, WEB_BAG, differingPixels, readFixture } from "./fixture.js";

describe("test/fixtures/web/camera.bag", () => {
  it("holds 30 frames of each image topic, tf, and chatter", async () => {
    const fixture = await readFixture();
    expect(fixture.topics.map((t) => `${t.topic} ${t.datatype}`).sort()).toEqual([
      `${RAW_TOPIC} sensor_msgs/Image`,
      `${PNG_TOPIC} sensor_msgs/CompressedImage`,
      "/chatter std_msgs/String",
      "/tf tf2_msgs/TFMessage",
      "/tf_static tf2_msgs/TFMessage",
    ]);
    const raw = fixture.images.get(RAW_TOPIC)!;
    const png = fixture.images.get(PNG_TOPIC)!;
    expect([...raw.keys()]).toEqual([...Array(30).keys()]);
    expect([...png.keys()]).toEqual([...Array(30).keys()]);
    // Consecutive frames differ, so a test can tell which one a page drew.
    for (const frames of [raw, png]) {
      for (let seq = 1; seq < 30; seq++) {
        expect(differingPixels(frames.get(seq)!, frames.get(seq - 1)!)).toBeGreaterThan(0);
      }
    }
    // The script's formulas (make_web_recording.py raw_pixel / png_pixel), pixel (5, 3) of frame 2.
    const at = (img: { width: number; rgba: Uint8Array }, x: number, y: number) => [
      ...img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
    ];
    expect(at(raw.get(2)!, 5, 3)).toEqual([40, 30, 250, 255]);
    expect(at(png.get(2)!, 5, 3)).toEqual([230, 30, 40, 255]);
    expect(fixture.chatter).toHaveLength(15);
  });
});

describeIf(hasPython("rosbag", "sensor_msgs.msg", "tf2_msgs.msg"), "needs Debian python3-rosbag")(
  "scripts/make_web_recording.py",
  () => {
    it("writes exactly the committed bag", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "noros-web-bag-"));
      try {
        const out = path.join(dir, "camera.bag");
        const script = path.resolve(__dirname, "..", "..", "scripts", "make_web_recording.py");
        execFileSync(ROS_PYTHON, [script, "--out", out], { env: rosEnv, stdio: "ignore" });
        expect(readFileSync(out).equals(readFileSync(WEB_BAG))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
