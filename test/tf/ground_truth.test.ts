/**
 * TfBuffer against real tf2 (Debian python3-tf2, tf2_py.BufferCore): the same transforms fed in
 * the same order, the same lookups asked; every answer must agree (same success or the same
 * exception class with the same message, the same stamp, numbers within TOLERANCE).
 *
 * - The committed fixture (test/fixtures/tf/synthetic.json) comes from the synthetic bag
 *   scripts/tf_ground_truth.py writes; with tf2 installed, the script is run again and must
 *   reproduce it exactly.
 * - With tf2 and ../shared/bags present, the script runs over every real bag that carries /tf
 *   and the buffer must agree with tf2 there too.
 *
 * TOLERANCE: the buffer does tf2's arithmetic operation for operation (same formulas, same
 * order), so results are bit-identical except where slerp calls acos/sin: V8's and glibc's libm
 * may differ in the last bit there, and that difference travels through the chain scaled by the
 * magnitudes involved. 1e-9 is the bound asked for; measured: 96% of the synthetic file's
 * successful lookups bit-identical, worst difference 1.3e-15; the four real bags bit-identical.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describeIf, hasPython, ROS_PYTHON, rosEnv, sharedBagsDir } from "../helpers/env.js";
import { loadGroundTruth, replay, type GroundTruth } from "./replay.js";

const TOLERANCE = 1e-9;
const ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "tf_ground_truth.py");
const FIXTURE = path.join(ROOT, "test", "fixtures", "tf", "synthetic.json");
const haveTf2 = hasPython("tf2_py", "rosbag", "rospy");
const bagsDir = sharedBagsDir();

/** The bags of ../shared/bags that carry /tf (see its INDEX.md). */
const TF_BAGS = [
  "navigation__robot_pose_ekf_gps_data.bag", // tf/tfMessage, leading-slash frame ids
  "jsk_recognition__watercan.bag", // a humanoid: ~90 links, deep chains
  "rosbagjs__example-bz2.bag", // tf/tfMessage on /tf and /tf_static
  "webviz__only-a-cube.bag", // a single transform
];

function runScript(args: string[]): void {
  const r = spawnSync(ROS_PYTHON, [SCRIPT, ...args], {
    env: rosEnv,
    encoding: "utf8",
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `tf_ground_truth.py ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stderr.slice(-4000)}`,
    );
  }
}

function expectAgreement(truth: GroundTruth): void {
  const report = replay(truth, TOLERANCE);
  expect(report.mismatches).toEqual([]);
  expect(report.queries).toBeGreaterThan(0);
}

describe("TfBuffer agrees with tf2 on the committed synthetic ground truth", () => {
  const truth = loadGroundTruth(FIXTURE);
  const report = replay(truth, TOLERANCE);

  test("every lookup and canTransform answer agrees", () => {
    expect(report.mismatches).toEqual([]);
  });

  test("the fixture covers every outcome, both walks' error paths and slashed ids", () => {
    expect(report.queries).toBeGreaterThanOrEqual(2000);
    for (const kind of [
      "ok",
      "LookupException",
      "ConnectivityException",
      "ExtrapolationException",
      "InvalidArgumentException",
    ]) {
      expect(report.outcomes[kind] ?? 0).toBeGreaterThan(20);
    }
    expect(report.slashed).toBeGreaterThan(20);
    expect(report.full).toBeGreaterThan(100);
    const messages = truth.checkpoints.flatMap((c) =>
      c.queries.map((q) => (typeof q.result[1] === "string" ? q.result[1] : "")),
    );
    for (const fragment of [
      "into the past",
      "into the future",
      "but only time",
      "contains a loop",
      "does not exist",
      "cannot be empty",
      "cannot start with a '/'",
      "not part of the same tree",
    ]) {
      expect(messages.some((m) => m.includes(fragment))).toBe(true);
    }
  });

  test("numbers agree within the tolerance, nearly all bit for bit", () => {
    expect(report.maxAbsDiff).toBeLessThanOrEqual(TOLERANCE);
    const ok = report.outcomes.ok ?? 0;
    expect(report.identical).toBeGreaterThan(ok * 0.5);
  });

  test("the samples tf2 ignores are ignored here too, with tf2's codes", () => {
    const codes = new Set(report.warnings.map((w) => w.code));
    for (const code of [
      "TF_SELF_TRANSFORM",
      "TF_NAN_INPUT",
      "TF_DENORMALIZED_QUATERNION",
      "TF_NO_CHILD_FRAME_ID",
      "TF_NO_FRAME_ID",
      "TF_OLD_DATA",
      "TF_REPEATED_DATA",
    ]) {
      expect(codes).toContain(code);
    }
  });
});

describeIf(haveTf2, "needs Debian python3-tf2 and python3-rosbag (/usr/bin/python3)")(
  "the ground-truth script with real tf2",
  () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), "noros-tf-"));
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    test("regenerating the synthetic ground truth reproduces the committed fixture", () => {
      const out = path.join(dir, "synthetic.json");
      runScript(["synthetic", "--out", out]);
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(
        JSON.parse(readFileSync(FIXTURE, "utf8")),
      );
    });
  },
);

describeIf(
  haveTf2 && bagsDir !== undefined,
  "needs python3-tf2, python3-rosbag and ../shared/bags",
)("TfBuffer agrees with tf2 on the real bags that carry /tf", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "noros-tf-bags-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test.each(TF_BAGS)("%s", (bag) => {
    const out = path.join(dir, `${bag}.json`);
    runScript(["bag", path.join(bagsDir!, bag), "--out", out, "--queries", "2000"]);
    expectAgreement(loadGroundTruth(out));
  });
});
