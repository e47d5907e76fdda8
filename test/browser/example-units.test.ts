/**
 * The web example's browser-independent pieces, in Node: raw image conversion (encodings, row
 * padding, byte order, errors) and the rate meter (rostopic hz's formula, the window).
 */
import { imageToRgba } from "../../examples/web/images.js";
import { RateMeter } from "../../examples/web/rates.js";
import type { sensor_msgs } from "../../generated/index.js";

function image(
  encoding: string,
  width: number,
  height: number,
  step: number,
  bytes: number[],
  bigEndian = 0,
): sensor_msgs.Image {
  return {
    header: { seq: 0, stamp: { sec: 0, nsec: 0 }, frame_id: "cam" },
    height,
    width,
    encoding,
    is_bigendian: bigEndian,
    step,
    data: Uint8Array.from(bytes),
  };
}

describe("imageToRgba", () => {
  it("reorders bgr8 and keeps rgba8's alpha, skipping row padding", () => {
    // 1x2 bgr8 with 2 padding bytes per row (0xEE must never show).
    expect([
      ...imageToRgba(image("bgr8", 1, 2, 5, [1, 2, 3, 0xee, 0xee, 4, 5, 6, 0xee, 0xee])),
    ]).toEqual([3, 2, 1, 255, 6, 5, 4, 255]);
    expect([...imageToRgba(image("rgba8", 1, 1, 4, [9, 8, 7, 6]))]).toEqual([9, 8, 7, 6]);
  });

  it("greys mono8 and stretches 16-bit images from their minimum to their maximum", () => {
    expect([...imageToRgba(image("mono8", 2, 1, 2, [10, 200]))]).toEqual([
      10, 10, 10, 255, 200, 200, 200, 255,
    ]);
    // Big-endian 1000, 3000, 2000 -> 0, 255, 127.5 (clamped arrays round half to even: 128).
    const depth = image("16UC1", 3, 1, 6, [0x03, 0xe8, 0x0b, 0xb8, 0x07, 0xd0], 1);
    expect([...imageToRgba(depth)].filter((_, i) => i % 4 === 0)).toEqual([0, 255, 128]);
    const little = image("mono16", 2, 1, 4, [0xe8, 0x03, 0xd0, 0x07]);
    expect([...imageToRgba(little)].filter((_, i) => i % 4 === 0)).toEqual([0, 255]);
  });

  it("names the problem for an unknown encoding, a short step and short data", () => {
    expect(() => imageToRgba(image("yuv422", 1, 1, 2, [0, 0]))).toThrow(
      /^encoding "yuv422" is not supported \(supported: rgb8, bgr8/,
    );
    expect(() => imageToRgba(image("rgb8", 2, 1, 5, [0, 0, 0, 0, 0]))).toThrow(
      "step 5 is less than width 2 x 3 bytes (rgb8)",
    );
    expect(() => imageToRgba(image("rgb8", 1, 2, 3, [0, 0, 0, 0]))).toThrow(
      "4 bytes of data for 2 rows of step 3 (rgb8)",
    );
  });
});

describe("RateMeter", () => {
  it("computes (n - 1) / span over the window, as rostopic hz", () => {
    const meter = new RateMeter(5000, 100);
    expect(meter.rate(0)).toBe(0);
    for (let i = 0; i < 11; i++) meter.add(i * 100, 50); // 10 Hz for one second
    expect(meter.rate(1000)).toBeCloseTo(10, 9);
    expect(meter.bandwidth(1000)).toBeCloseTo(500, 9);
    expect(meter.total).toBe(11);
    // Silence: once the samples are older than the window, the rate falls to 0.
    expect(meter.rate(5850)).toBeCloseTo(10, 9); // 900 and 1000 ms are still in the window
    expect(meter.rate(7000)).toBe(0);
  });

  it("keeps at most maxSamples", () => {
    const meter = new RateMeter(60_000, 3);
    for (const t of [0, 1000, 1100, 1200]) meter.add(t, 1);
    expect(meter.rate(1200)).toBeCloseTo(10, 9); // 0 ms dropped: 2 intervals over 200 ms
  });
});
