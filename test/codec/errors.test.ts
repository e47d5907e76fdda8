/**
 * Bad bytes and bad values: truncated or corrupt input throws a DecodeError naming the field
 * path and offset (before allocating anything large), wrong values throw an EncodeError naming
 * the field path; never another exception, a hang or a silent wrong value.
 */
import fc from "fast-check";
import { geometry_msgs, sensor_msgs, std_msgs, visualization_msgs } from "../../generated/index.js";
import { compileCodec } from "../../runtime/codec/compile.js";
import { DecodeError, EncodeError } from "../../runtime/codec/types.js";

const header = () => ({ seq: 7, stamp: { sec: 1700000000, nsec: 5 }, frame_id: "base_link" });
const point = (x: number) => ({ x, y: x + 1, z: x + 2 });

function markerArray(): visualization_msgs.MarkerArray {
  const marker = (id: number): visualization_msgs.Marker => ({
    header: header(),
    ns: "ns",
    id,
    type: visualization_msgs.Marker.LINE_STRIP,
    action: 0,
    pose: { position: point(1), orientation: { x: 0, y: 0, z: 0, w: 1 } },
    scale: point(0.1),
    color: { r: 1, g: 0, b: 0, a: 1 },
    lifetime: { sec: -1, nsec: 5 },
    frame_locked: true,
    points: [point(1), point(2)],
    colors: [{ r: 0, g: 1, b: 0, a: 1 }],
    text: "héllo",
    mesh_resource: "",
    mesh_use_embedded_materials: false,
  });
  return { markers: [marker(1), marker(2)] };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("decode errors", () => {
  const codec = visualization_msgs.MarkerArrayCodec;
  const bytes = codec.encode(markerArray());

  it("every truncation is a DecodeError with a path and offset", () => {
    for (let cut = 0; cut < bytes.length; cut++) {
      const error = catchError(() => codec.decode(bytes.subarray(0, cut)));
      expect(error).toBeInstanceOf(DecodeError);
      const e = error as DecodeError;
      expect(e.datatype).toBe("visualization_msgs/MarkerArray");
      expect(e.offset).toBeLessThanOrEqual(cut);
      expect(e.message).toContain(e.path);
    }
  });

  it("names nested array elements in the path", () => {
    // The second marker ends with points (52 bytes), colors (20), text (10), mesh_resource (4)
    // and a bool (1): 60 bytes short, its points no longer fit.
    let error = catchError(() => codec.decode(bytes.subarray(0, bytes.length - 60))) as DecodeError;
    expect(error.path).toBe("markers[1].points");
    expect(error.message).toMatch(/array count 2 is impossible: needs at least 48 bytes/);
    error = catchError(() => codec.decode(bytes.subarray(0, bytes.length - 3))) as DecodeError;
    expect(error.path).toBe("markers[1].mesh_resource");
  });

  it("rejects an impossible array count before allocating", () => {
    const corrupt = bytes.slice();
    new DataView(corrupt.buffer).setUint32(0, 0xffffffff, true);
    const error = catchError(() => codec.decode(corrupt)) as DecodeError;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.path).toBe("markers");
    expect(error.offset).toBe(0);
    expect(error.message).toMatch(/array count 4294967295 is impossible/);
  });

  it("rejects a string length past the end", () => {
    const msg = std_msgs.StringCodec.encode({ data: "abc" });
    new DataView(msg.buffer, msg.byteOffset).setUint32(0, 1000, true);
    const error = catchError(() => std_msgs.StringCodec.decode(msg)) as DecodeError;
    expect(error.message).toMatch(/data: string length 1000 runs past the end/);
  });

  it("caps arrays of empty messages", () => {
    const codec = compileCodec(
      "t/Empties",
      "std_msgs/Empty[] e\n================================================================================\nMSG: std_msgs/Empty\n",
    );
    const ok = new Uint8Array([3, 0, 0, 0]);
    expect(codec.decode(ok)).toEqual({ e: [{}, {}, {}] });
    const error = catchError(() =>
      codec.decode(new Uint8Array([255, 255, 255, 255])),
    ) as DecodeError;
    expect(error.message).toMatch(/more than 16777216 empty elements/);
  });

  it("reports leftover bytes only in strict mode", () => {
    const extra = new Uint8Array([...std_msgs.UInt8Codec.encode({ data: 5 }), 1, 2]);
    expect(std_msgs.UInt8Codec.decode(extra)).toEqual({ data: 5 });
    const error = catchError(() =>
      std_msgs.UInt8Codec.decode(extra, { strict: true }),
    ) as DecodeError;
    expect(error.message).toMatch(/2 bytes left over/);
  });

  it("rejects what is not a Uint8Array", () => {
    expect(catchError(() => std_msgs.UInt8Codec.decode("x" as never))).toBeInstanceOf(DecodeError);
  });

  it("random corruption never throws anything but DecodeError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        fc.nat(bytes.length),
        (edits, cut) => {
          const corrupt = bytes.slice(0, cut);
          for (const [at, value] of edits) if (at < corrupt.length) corrupt[at] = value;
          try {
            codec.decode(corrupt);
          } catch (error) {
            if (!(error instanceof DecodeError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("encode errors and inputs", () => {
  it("names the path of a missing or wrong field", () => {
    const bad = markerArray() as unknown as {
      markers: { header: { frame_id?: unknown }; points: unknown[] }[];
    };
    delete bad.markers[1]!.header.frame_id;
    let e = catchError(() =>
      visualization_msgs.MarkerArrayCodec.encode(bad as never),
    ) as EncodeError;
    expect(e).toBeInstanceOf(EncodeError);
    expect(e.message).toBe(
      "visualization_msgs/MarkerArray: markers[1].header.frame_id: expected a string, got undefined",
    );

    const bad2 = markerArray() as unknown as { markers: { points: { y: unknown }[] }[] };
    bad2.markers[0]!.points[1]!.y = "1";
    e = catchError(() => visualization_msgs.MarkerArrayCodec.encode(bad2 as never)) as EncodeError;
    expect(e.path).toBe("markers[0].points[1].y");
  });

  it("checks integer ranges and integrality", () => {
    expect(
      (catchError(() => std_msgs.UInt8Codec.encode({ data: 256 })) as EncodeError).message,
    ).toMatch(/data: expected an integer in 0\.\.255 \(uint8\), got number 256/);
    expect(catchError(() => std_msgs.Int32Codec.encode({ data: 1.5 }))).toBeInstanceOf(EncodeError);
    expect(catchError(() => std_msgs.BoolCodec.encode({ data: 1 as never }))).toBeInstanceOf(
      EncodeError,
    );
    expect(catchError(() => std_msgs.Int64Codec.encode({ data: 2n ** 63n }))).toBeInstanceOf(
      EncodeError,
    );
    expect(catchError(() => std_msgs.UInt64Codec.encode({ data: -1 }))).toBeInstanceOf(EncodeError);
    expect(catchError(() => std_msgs.Int64Codec.encode({ data: 2 ** 60 }))).toBeInstanceOf(
      EncodeError,
    );
  });

  it("checks fixed-length arrays", () => {
    const msg = sensor_msgs.ImuCodec.decode(sensor_msgs.ImuCodec.encode(imu()));
    const e = catchError(() =>
      sensor_msgs.ImuCodec.encode({ ...msg, orientation_covariance: [1, 2, 3] }),
    ) as EncodeError;
    expect(e.message).toMatch(/orientation_covariance: expected exactly 9 elements, got 3/);
  });

  it("accepts the natural JS inputs and produces the same bytes", () => {
    const a = sensor_msgs.ImuCodec.encode(imu());
    const b = sensor_msgs.ImuCodec.encode({
      ...imu(),
      orientation_covariance: new Float64Array(imu().orientation_covariance),
    });
    expect(Buffer.compare(a, b)).toBe(0);
    expect(
      Buffer.compare(
        std_msgs.Int64Codec.encode({ data: -5 }),
        std_msgs.Int64Codec.encode({ data: -5n }),
      ),
    ).toBe(0);
    const bytes = [1, 2, 3, 250];
    const viaArray = std_msgs.UInt8MultiArrayCodec.encode({
      layout: { dim: [], data_offset: 0 },
      data: bytes,
    });
    const viaBuffer = std_msgs.UInt8MultiArrayCodec.encode({
      layout: { dim: [], data_offset: 0 },
      data: Buffer.from(bytes),
    });
    expect(Buffer.compare(viaArray, viaBuffer)).toBe(0);
    expect(
      catchError(() =>
        std_msgs.UInt8MultiArrayCodec.encode({ layout: { dim: [], data_offset: 0 }, data: [256] }),
      ),
    ).toBeInstanceOf(EncodeError);
  });

  it("rejects what is not a message", () => {
    expect(
      (catchError(() => std_msgs.UInt8Codec.encode(null as never)) as EncodeError).message,
    ).toMatch(/expected a message object, got null/);
  });
});

describe("views and copies", () => {
  it("uint8[] decodes as a view unless copy is asked for; other arrays are aligned copies", () => {
    const msg = {
      header: header(),
      height: 1,
      width: 2,
      encoding: "mono8",
      is_bigendian: 0,
      step: 2,
      data: new Uint8Array([9, 8]),
    };
    const bytes = sensor_msgs.ImageCodec.encode(msg);
    const view = sensor_msgs.ImageCodec.decode(bytes);
    const copy = sensor_msgs.ImageCodec.decode(bytes, { copy: true });
    expect(view.data.buffer).toBe(bytes.buffer);
    expect(copy.data.buffer).not.toBe(bytes.buffer);
    bytes[bytes.length - 1] = 42;
    expect(view.data[1]).toBe(42);
    expect(copy.data[1]).toBe(8);

    const imuBytes = new Uint8Array(1 + sensor_msgs.ImuCodec.encodedSize(imu()));
    imuBytes.set(sensor_msgs.ImuCodec.encode(imu()), 1); // odd offset: a view could not be aligned
    const decoded = sensor_msgs.ImuCodec.decode(imuBytes.subarray(1));
    expect(decoded.orientation_covariance).toBeInstanceOf(Float64Array);
    expect(decoded.orientation_covariance.buffer).not.toBe(imuBytes.buffer);
    expect(Array.from(decoded.orientation_covariance)).toEqual(imu().orientation_covariance);
  });
});

function imu(): Parameters<typeof sensor_msgs.ImuCodec.encode>[0] & {
  orientation_covariance: number[];
} {
  const v = (x: number): geometry_msgs.Vector3 => ({ x, y: -x, z: x / 3 });
  return {
    header: header(),
    orientation: { x: 0.1, y: 0.2, z: 0.3, w: 0.9 },
    orientation_covariance: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    angular_velocity: v(0.5),
    angular_velocity_covariance: new Array(9).fill(0.01),
    linear_acceleration: v(9.81),
    linear_acceleration_covariance: new Array(9).fill(-0),
  };
}

describe("encodeInto", () => {
  it("writes the same bytes as encode into a caller's buffer, at an offset", () => {
    const msg = { header: header(), format: "jpeg", data: new Uint8Array(10000).fill(7) };
    const expected = sensor_msgs.CompressedImageCodec.encode(msg);
    const target = new Uint8Array(20000);
    const n = sensor_msgs.CompressedImageCodec.encodeInto(msg, target, 3);
    expect(n).toBe(expected.byteLength);
    expect(Buffer.compare(target.subarray(3, 3 + n), expected)).toBe(0);
    expect(sensor_msgs.CompressedImageCodec.encodedSize(msg)).toBe(n);
  });

  it("says how much room a message needs when the target is too small", () => {
    const msg = { header: header(), format: "jpeg", data: new Uint8Array(100) };
    const e = catchError(() =>
      sensor_msgs.CompressedImageCodec.encodeInto(msg, new Uint8Array(130), 10),
    ) as EncodeError;
    expect(e.message).toMatch(
      /the target is too small: the message takes 137 bytes, 120 are left from offset 10/,
    );
  });

  it("says the target is too small when only a trailing string's bytes do not fit", () => {
    // The typed array drops writes past its end silently: the codec must notice the overrun.
    const ros1 = compileCodec("test_msgs/Tail", "uint32 id\nstring name");
    const cdr = compileCodec("test_msgs/msg/Tail", "uint32 id\nstring name", { encoding: "cdr" });
    const msg = { id: 7, name: "a name longer than the room" };
    for (const codec of [ros1, cdr]) {
      const needed = codec.encode(msg).byteLength;
      const target = new Uint8Array(needed - 5);
      const e = catchError(() => codec.encodeInto(msg, target)) as EncodeError;
      expect(e).toBeInstanceOf(EncodeError);
      expect(e.message).toContain(
        `the target is too small: the message takes ${needed} bytes, ${needed - 5} are left`,
      );
      expect(codec.encodeInto(msg, new Uint8Array(needed))).toBe(needed);
    }
  });

  it("keeps multibyte strings exact although sizes are bounds", () => {
    const msg = { data: "héllo 日本 😀 \ud800 end" };
    const bytes = std_msgs.StringCodec.encode(msg);
    const expected = new TextEncoder().encode(msg.data);
    expect(bytes.byteLength).toBe(4 + expected.byteLength);
    expect(std_msgs.StringCodec.encodedSize(msg)).toBe(bytes.byteLength);
    expect(Buffer.compare(bytes.subarray(4), expected)).toBe(0);
  });
});
