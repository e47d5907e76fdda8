/**
 * TfBuffer's own API around the tf2 core (which ground_truth.test.ts checks against real tf2):
 * frame ids with '/', waiting, applying transforms to points, poses and vectors, input checks,
 * warnings, error fields, message-type compatibility, browser safety.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import {
  ConnectivityError,
  ExtrapolationError,
  InvalidArgumentError,
  LookupError,
  TfBuffer,
  TransformError,
  TransformTimeoutError,
  type PointStampedInput,
  type PoseStampedInput,
  type TfWarning,
  type TransformStamped,
  type TransformStampedInput,
  type Vector3StampedInput,
} from "../../runtime/tf/index.js";
import { formatFixed, formatFixed9 } from "../../runtime/tf/time.js";

const T0 = 1_700_000_000;

function tf(
  parent: string,
  child: string,
  sec: number,
  nsec: number,
  t: [number, number, number],
  q: [number, number, number, number] = [0, 0, 0, 1],
): TransformStampedInput {
  return {
    header: { stamp: { sec, nsec }, frame_id: parent },
    child_frame_id: child,
    transform: {
      translation: { x: t[0], y: t[1], z: t[2] },
      rotation: { x: q[0], y: q[1], z: q[2], w: q[3] },
    },
  };
}

function yaw(angle: number): [number, number, number, number] {
  return [0, 0, Math.sin(angle / 2), Math.cos(angle / 2)];
}

function quietBuffer(warnings: TfWarning[] = []): TfBuffer {
  return new TfBuffer({ onWarning: (w) => warnings.push(w) });
}

/** map -> odom (dynamic, 2 samples), odom -> base_link (dynamic), base_link -> laser (static). */
function robot(): TfBuffer {
  const b = quietBuffer();
  b.setTransform(tf("map", "odom", T0, 0, [1, 0, 0]));
  b.setTransform(tf("map", "odom", T0 + 1, 0, [2, 0, 0]));
  b.setTransform(tf("odom", "base_link", T0, 0, [0, 1, 0], yaw(0)));
  b.setTransform(tf("odom", "base_link", T0 + 1, 0, [0, 3, 0], yaw(Math.PI / 2)));
  b.setTransform(tf("base_link", "laser", 0, 0, [0.5, 0, 0]), "test", true);
  return b;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected an exception");
}

describe("printf-compatible number formatting (tf2's %.9f)", () => {
  test("ties round to even on the exact binary value, unlike toFixed", () => {
    // Reference values from glibc printf("%.9f") / printf("%.6f").
    expect(formatFixed9(1 / 1024)).toBe("0.000976562");
    expect((1 / 1024).toFixed(9)).toBe("0.000976563");
    expect(formatFixed9(3 / 1024)).toBe("0.002929688");
    expect(formatFixed9(5e-10)).toBe("0.000000001");
    expect(formatFixed9(1700000000.0009765625)).toBe("1700000000.000976562");
    expect(formatFixed(1700000000.0009765625, 6)).toBe("1700000000.000977");
    expect(formatFixed9(-2.5)).toBe("-2.500000000");
    expect(formatFixed9(0)).toBe("0.000000000");
  });
});

describe("lookups", () => {
  test("interpolates along the chain and composes through the tree", () => {
    const b = robot();
    const t = b.lookupTransform("map", "laser", { sec: T0, nsec: 500_000_000 });
    // map->odom at 0.5: (1.5, 0, 0); odom->base_link: (0, 2, 0) turned 45 degrees; laser 0.5 ahead.
    const c = Math.SQRT1_2;
    expect(t.transform.translation.x).toBeCloseTo(1.5 + 0.5 * c, 12);
    expect(t.transform.translation.y).toBeCloseTo(2 + 0.5 * c, 12);
    expect(t.transform.rotation.z).toBeCloseTo(Math.sin(Math.PI / 8), 12);
    expect(t.header).toEqual({ seq: 0, stamp: { sec: T0, nsec: 500_000_000 }, frame_id: "map" });
    expect(t.child_frame_id).toBe("laser");
  });

  test("time omitted or zero means the latest common time", () => {
    const b = robot();
    b.setTransform(tf("map", "odom", T0 + 2, 0, [3, 0, 0]));
    const latest = b.lookupTransform("map", "base_link");
    expect(latest.header.stamp).toEqual({ sec: T0 + 1, nsec: 0 });
    expect(b.lookupTransform("map", "base_link", { sec: 0, nsec: 0 })).toEqual(latest);
    expect(b.getLatestCommonTime("map", "laser")).toEqual({ sec: T0 + 1, nsec: 0 });
    expect(b.getLatestCommonTime("base_link", "laser")).toEqual({ sec: 0, nsec: 0 });
  });

  test("a leading '/' names the same frame, in what is fed and in what is asked", () => {
    const b = quietBuffer();
    b.setTransform(tf("/map", "/odom", T0, 0, [1, 2, 3]));
    const plain = b.lookupTransform("map", "odom");
    expect(b.lookupTransform("/map", "odom")).toEqual(plain);
    expect(b.lookupTransform("map", "/odom")).toEqual(plain);
    expect(b.canTransform("/map", "/odom")).toBe(true);
    expect(b.frameExists("/odom")).toBe(true);
    expect(b.getFrameIds()).toEqual(["odom", "map"]);
  });

  test("errors are typed, carry the query and say what tf2 says", () => {
    const b = robot();
    b.setTransform(tf("world2", "other", T0, 0, [0, 0, 0]));
    const unknown = caught(() => b.lookupTransform("map", "nowhere"));
    expect(unknown).toBeInstanceOf(LookupError);
    expect(unknown).toBeInstanceOf(TransformError);
    expect((unknown as LookupError).frame).toBe("nowhere");
    expect((unknown as Error).message).toBe(
      '"nowhere" passed to lookupTransform argument source_frame does not exist. ',
    );
    const apart = caught(() => b.lookupTransform("map", "other"));
    expect(apart).toBeInstanceOf(ConnectivityError);
    expect((apart as ConnectivityError).query).toEqual({
      targetFrame: "map",
      sourceFrame: "other",
      time: { sec: 0, nsec: 0 },
    });
    const empty = caught(() => b.lookupTransform("", "map"));
    expect(empty).toBeInstanceOf(InvalidArgumentError);
    const badTime = caught(() => b.lookupTransform("map", "odom", { sec: 1.5, nsec: 0 }));
    expect(badTime).toBeInstanceOf(InvalidArgumentError);
    expect((badTime as Error).message).toContain("sec 1.5 is not an integer");
  });

  test("ExtrapolationError says how far, in its message and its fields", () => {
    const b = robot();
    const future = caught(() =>
      b.lookupTransform("map", "odom", { sec: T0 + 3, nsec: 250_000_000 }),
    );
    expect(future).toBeInstanceOf(ExtrapolationError);
    const e = future as ExtrapolationError;
    expect(e.direction).toBe("future");
    expect(e.seconds).toBe(2.25);
    expect(e.requestedTime).toEqual({ sec: T0 + 3, nsec: 250_000_000 });
    expect(e.dataTime).toEqual({ sec: T0 + 1, nsec: 0 });
    expect(e.message).toBe(
      "Lookup would require extrapolation 2.250000000s into the future.  Requested time " +
        "1700000003.250000000 but the latest data is at time 1700000001.000000000, when " +
        "looking up transform from frame [odom] to frame [map]",
    );
    const past = caught(() => b.lookupTransform("laser", "map", { sec: T0 - 1, nsec: 0 }));
    expect((past as ExtrapolationError).direction).toBe("past");
    expect((past as ExtrapolationError).seconds).toBe(1);
  });

  test("source == target is the identity, even for frames never seen (as in tf2)", () => {
    const b = robot();
    const id = b.lookupTransform("ghost", "ghost", { sec: 5, nsec: 6 });
    expect(id.transform).toEqual({
      translation: { x: 0, y: 0, z: 0 },
      rotation: { x: 0, y: 0, z: 0, w: 1 },
    });
    expect(id.header.stamp).toEqual({ sec: 5, nsec: 6 });
    expect(b.lookupTransform("odom", "odom").header.stamp).toEqual({ sec: T0 + 1, nsec: 0 });
    expect(b.canTransform("ghost", "ghost")).toBe(true);
  });

  test("canTransform never throws", () => {
    const b = robot();
    expect(b.canTransform("map", "laser", { sec: T0, nsec: 1 })).toBe(true);
    expect(b.canTransform("map", "laser", { sec: T0 + 5, nsec: 0 })).toBe(false);
    expect(b.canTransform("map", "nowhere")).toBe(false);
    expect(b.canTransform("", "map")).toBe(false);
    expect(b.canTransform("map", "odom", { sec: -1, nsec: 0 })).toBe(false);
  });

  test("time travel through a fixed frame (tf2's lookupTransform with fixed_frame)", () => {
    const b = robot();
    // Where was the laser (seen at T0) relative to base_link at T0 + 1, with odom fixed?
    const t = b.lookupTransformFull(
      "base_link",
      { sec: T0 + 1, nsec: 0 },
      "laser",
      { sec: T0, nsec: 0 },
      "odom",
    );
    // laser at T0 in odom: (0.5, 1, 0); base_link at T0 + 1: at (0, 3, 0) turned 90 degrees.
    expect(t.transform.translation.x).toBeCloseTo(-2, 12);
    expect(t.transform.translation.y).toBeCloseTo(-0.5, 12);
    expect(t.transform.rotation.z).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(t.header.stamp).toEqual({ sec: T0 + 1, nsec: 0 });
    expect(
      b.canTransformFull(
        "base_link",
        { sec: T0 + 1, nsec: 0 },
        "laser",
        { sec: T0, nsec: 0 },
        "odom",
      ),
    ).toBe(true);
    expect(
      b.canTransformFull(
        "base_link",
        { sec: T0 + 5, nsec: 0 },
        "laser",
        { sec: T0, nsec: 0 },
        "odom",
      ),
    ).toBe(false);
    expect(() =>
      b.lookupTransformFull(
        "base_link",
        { sec: T0, nsec: 0 },
        "laser",
        { sec: T0, nsec: 0 },
        "nowhere",
      ),
    ).toThrow('"nowhere" passed to lookupTransform argument fixed_frame does not exist. ');
  });

  test("clear() drops dynamic data and keeps statics", () => {
    const b = robot();
    b.clear();
    expect(b.canTransform("map", "odom", { sec: T0, nsec: 0 })).toBe(false);
    const emptied = caught(() => b.lookupTransform("map", "odom", { sec: T0, nsec: 0 }));
    expect(emptied).toBeInstanceOf(ExtrapolationError);
    expect((emptied as ExtrapolationError).direction).toBe("empty");
    expect((emptied as Error).message).toBe(
      ", when looking up transform from frame [odom] to frame [map]",
    );
    expect(b.lookupTransform("base_link", "laser").transform.translation.x).toBe(0.5);
    expect(b.allFramesAsString()).toBe(
      "Frame odom exists with parent NO_PARENT.\n" +
        "Frame base_link exists with parent NO_PARENT.\n" +
        "Frame laser exists with parent base_link.\n",
    );
  });
});

describe("the cache window", () => {
  test("keeps cacheTimeSec behind the newest sample of each link and ignores older data", () => {
    const warnings: TfWarning[] = [];
    const b = new TfBuffer({ cacheTimeSec: 2, onWarning: (w) => warnings.push(w) });
    for (let s = 0; s <= 5; s++) b.setTransform(tf("a", "b", T0 + s, 0, [s, 0, 0]));
    expect(b.canTransform("a", "b", { sec: T0 + 3, nsec: 0 })).toBe(true); // newest - 2 s: kept
    expect(b.canTransform("a", "b", { sec: T0 + 2, nsec: 999_999_999 })).toBe(false);
    expect(b.setTransform(tf("a", "b", T0 + 2, 0, [9, 9, 9]))).toBe(false);
    expect(b.setTransform(tf("a", "b", T0 + 4, 0, [9, 9, 9]))).toBe(false);
    expect(b.setTransform(tf("a", "b", T0 + 4, 5, [9, 9, 9]))).toBe(true); // out of order is fine
    expect(warnings.map((w) => w.code)).toEqual(["TF_OLD_DATA", "TF_REPEATED_DATA"]);
    expect(warnings[0]!.message).toBe(
      "TF_OLD_DATA ignoring data from the past (Possible reasons are listed at " +
        "http://wiki.ros.org/tf/Errors%20explained) for frame b at time 1700000002.000000 " +
        "according to authority default_authority",
    );
  });

  test("cacheTimeSec must be a positive duration", () => {
    expect(() => new TfBuffer({ cacheTimeSec: 0 })).toThrow(RangeError);
    expect(() => new TfBuffer({ cacheTimeSec: Number.NaN })).toThrow(/cacheTimeSec/);
  });
});

describe("input checks", () => {
  test("tf2's rejections are reported with tf2's codes, the frame and the authority", () => {
    const warnings: TfWarning[] = [];
    const b = quietBuffer(warnings);
    expect(b.setTransform(tf("a", "a", T0, 0, [0, 0, 0]), "node1")).toBe(false);
    expect(b.setTransform(tf("a", "b", T0, 0, [NaN, 0, 0]), "node1")).toBe(false);
    expect(b.setTransform(tf("a", "b", T0, 0, [0, 0, 0], [0, 0, 0, 2]), "node1")).toBe(false);
    expect(b.setTransform(tf("a", "", T0, 0, [0, 0, 0]), "node1")).toBe(false);
    expect(b.setTransform(tf("", "b", T0, 0, [0, 0, 0]), "node1")).toBe(false);
    expect(warnings.map((w) => w.code)).toEqual([
      "TF_SELF_TRANSFORM",
      "TF_NAN_INPUT",
      "TF_DENORMALIZED_QUATERNION",
      "TF_NO_CHILD_FRAME_ID",
      "TF_NO_FRAME_ID",
    ]);
    expect(warnings.every((w) => w.authority === "node1")).toBe(true);
    expect(b.getFrameIds()).toEqual([]);
  });

  test("input that is not a TransformStamped is reported by field, never thrown", () => {
    const warnings: TfWarning[] = [];
    const b = quietBuffer(warnings);
    const good = tf("a", "b", T0, 0, [0, 0, 0]);
    const bad: unknown[] = [
      null,
      { ...good, child_frame_id: 7 },
      { ...good, header: { frame_id: "a", stamp: { sec: T0, nsec: -1 } } },
      { ...good, header: { frame_id: "a" } },
      {
        ...good,
        transform: { translation: { x: 0, y: "1", z: 0 }, rotation: good.transform.rotation },
      },
      { ...good, transform: { translation: good.transform.translation } },
    ];
    for (const t of bad) expect(b.setTransform(t as TransformStampedInput, "pub")).toBe(false);
    expect(warnings.map((w) => w.message.split('"pub": ')[1])).toEqual([
      "not an object",
      "child_frame_id is not a string",
      "header.stamp: nsec -1 is negative",
      "header.stamp: is not a { sec, nsec } object",
      "transform.translation.y is not a number",
      "transform.rotation is missing",
    ]);
    expect(warnings.every((w) => w.code === "TF_INVALID_INPUT")).toBe(true);
    expect(b.setTransforms({ nope: 1 } as never, "/tf")).toBe(0);
    expect(warnings.at(-1)!.message).toContain(
      'authority "/tf" because it has no transforms array',
    );
  });

  test("nsec past one second carries into sec", () => {
    const b = quietBuffer();
    b.setTransform(tf("a", "b", T0, 1_500_000_000, [1, 0, 0]));
    expect(b.lookupTransform("a", "b").header.stamp).toEqual({ sec: T0 + 1, nsec: 500_000_000 });
  });

  test("the default warning goes to console.warn once per code, frame and authority", () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const b = new TfBuffer();
      b.setTransform(tf("a", "b", T0, 0, [0, 0, 0]));
      for (let i = 0; i < 5; i++) b.setTransform(tf("a", "b", T0, 0, [0, 0, 0]));
      b.setTransform(tf("a", "c", T0, 0, [0, 0, 0]));
      b.setTransform(tf("a", "c", T0, 0, [0, 0, 0]));
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[0]![0])).toMatch(/^TF_REPEATED_DATA .* for frame b /);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("waitForTransform", () => {
  test("resolves once the data arrives (one check per burst of transforms)", async () => {
    const b = robot();
    const at = { sec: T0 + 2, nsec: 0 };
    const waiting = b.waitForTransform("map", "laser", at, { timeoutMs: 5000 });
    b.setTransform(tf("map", "odom", T0 + 2, 0, [5, 0, 0]));
    b.setTransforms({ transforms: [tf("odom", "base_link", T0 + 2, 0, [0, 0, 0])] });
    const t = await waiting;
    expect(t.header.stamp).toEqual(at);
    expect(t.transform.translation.x).toBe(5.5);
  });

  test("resolves at once when the transform is already there", async () => {
    const b = robot();
    await expect(b.waitForTransform("map", "laser")).resolves.toMatchObject({
      child_frame_id: "laser",
    });
  });

  test("times out with TransformTimeoutError carrying the last lookup error", async () => {
    const b = robot();
    const err = await b
      .waitForTransform("map", "laser", { sec: T0 + 9, nsec: 0 }, { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransformTimeoutError);
    const e = err as TransformTimeoutError;
    expect(e.lastError).toBeInstanceOf(ExtrapolationError);
    expect(e.message).toMatch(
      /^Timed out after 30 ms waiting for the transform from frame \[laser\] to frame \[map\] at time 1700000009\.000000000: Lookup would require extrapolation/,
    );
  });

  test("an abort signal rejects with its reason", async () => {
    const b = robot();
    const controller = new AbortController();
    const waiting = b.waitForTransform("map", "nowhere", undefined, { signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    // Nothing is left waiting: data for the frame later resolves nothing and throws nothing.
    b.setTransform(tf("map", "nowhere", T0, 0, [0, 0, 0]));
    await Promise.resolve();
  });

  test("a bad time rejects with InvalidArgumentError", async () => {
    await expect(
      robot().waitForTransform("map", "odom", { sec: 0, nsec: 0.5 }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

// --- applying transforms: checked against plain quaternion algebra ----------------------------

type Q = [number, number, number, number];
function qmul(a: Q, b: Q): Q {
  return [
    a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
    a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
    a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
    a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
  ];
}
function qrot(q: Q, v: [number, number, number]): [number, number, number] {
  const r = qmul(qmul(q, [v[0], v[1], v[2], 0]), [-q[0], -q[1], -q[2], q[3]]);
  return [r[0], r[1], r[2]];
}

const unitQuat = fc
  .tuple(
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
  )
  .filter(([x, y, z, w]) => x * x + y * y + z * z + w * w > 0.01)
  .map(([x, y, z, w]): Q => {
    const n = Math.hypot(x, y, z, w);
    return [x / n, y / n, z / n, w / n];
  });
const vec = fc.tuple(
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.double({ min: -100, max: 100, noNaN: true }),
);

function close(a: readonly number[], b: readonly number[], eps = 1e-9): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= eps);
}

describe("transformPoint / transformPose / transformVector", () => {
  test("match quaternion algebra for any transform, at the message's own stamp", () => {
    fc.assert(
      fc.property(unitQuat, vec, unitQuat, vec, vec, unitQuat, (qa, ta, qb, tb, p, qp) => {
        const b = quietBuffer();
        b.setTransform(tf("map", "odom", T0, 0, ta, qa));
        b.setTransform(tf("odom", "cam", T0, 0, tb, qb));
        const header = { stamp: { sec: T0, nsec: 0 }, frame_id: "cam" };
        const tfMapCam = b.lookupTransform("map", "cam", header.stamp);
        const q = qmul(qa, qb);
        const t = qrot(qa, tb).map((v, i) => v + ta[i]!);

        const point: PointStampedInput = { header, point: { x: p[0], y: p[1], z: p[2] } };
        const outP = b.transformPoint(point, "map");
        const want = qrot(q, p).map((v, i) => v + t[i]!);
        if (!close([outP.point.x, outP.point.y, outP.point.z], want)) return false;
        if (outP.header.frame_id !== "map" || outP.header.stamp.sec !== T0) return false;

        const vector: Vector3StampedInput = { header, vector: { x: p[0], y: p[1], z: p[2] } };
        const outV = b.transformVector(vector, "map");
        if (!close([outV.vector.x, outV.vector.y, outV.vector.z], qrot(q, p))) return false;

        const pose: PoseStampedInput = {
          header,
          pose: {
            position: { x: p[0], y: p[1], z: p[2] },
            orientation: { x: qp[0], y: qp[1], z: qp[2], w: qp[3] },
          },
        };
        const outPose = b.transformPose(pose, "map");
        const o = outPose.pose.orientation;
        const wantQ = qmul(q, qp);
        const sign =
          Math.sign(o.w * wantQ[3] + o.x * wantQ[0] + o.y * wantQ[1] + o.z * wantQ[2]) || 1;
        const r = tfMapCam.transform.rotation;
        return (
          close(
            [outPose.pose.position.x, outPose.pose.position.y, outPose.pose.position.z],
            want,
          ) &&
          close(
            [o.x, o.y, o.z, o.w].map((v) => v * sign),
            wantQ,
          ) &&
          close([r.x, r.y, r.z, r.w], q, 1e-12)
        );
      }),
      { numRuns: 300 },
    );
  });

  test("throw the lookup's error when the frame cannot be reached", () => {
    const b = robot();
    const header = { stamp: { sec: T0 + 7, nsec: 0 }, frame_id: "laser" };
    expect(() => b.transformPoint({ header, point: { x: 0, y: 0, z: 0 } }, "map")).toThrow(
      ExtrapolationError,
    );
  });
});

// --- the message shapes ------------------------------------------------------------------------

/** The shape noros-gen gives geometry_msgs/TransformStamped (DESIGN.md: time as {sec, nsec}). */
interface GeneratedTransformStamped {
  header: { seq: number; stamp: { sec: number; nsec: number }; frame_id: string };
  child_frame_id: string;
  transform: {
    translation: { x: number; y: number; z: number };
    rotation: { x: number; y: number; z: number; w: number };
  };
}

describe("message shapes", () => {
  test("generated messages go in, and what comes out is a generated message", () => {
    const b = quietBuffer();
    const incoming: GeneratedTransformStamped = {
      header: { seq: 4, stamp: { sec: T0, nsec: 0 }, frame_id: "map" },
      child_frame_id: "odom",
      transform: { translation: { x: 1, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
    };
    // Type-checked by tsc (npm test): both directions must be assignable.
    const asInput: TransformStampedInput = incoming;
    expect(b.setTransform(asInput)).toBe(true);
    const out: GeneratedTransformStamped = b.lookupTransform("map", "odom");
    const alsoOut: TransformStamped = out;
    expect(alsoOut.transform.translation.x).toBe(1);
  });
});

describe("browser safety", () => {
  test("runtime/tf uses no Node-only API", () => {
    const dir = path.resolve(__dirname, "..", "..", "runtime", "tf");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(path.join(dir, file), "utf8");
      expect({
        file,
        nodeImport: /from\s+["'](node:|fs|path|os|events|child_process)/.test(text),
      }).toEqual({ file, nodeImport: false });
      expect({
        file,
        nodeGlobal: /\b(process\.|Buffer\.|require\(|__dirname|setImmediate)/.test(text),
      }).toEqual({ file, nodeGlobal: false });
    }
  });
});
