/**
 * What a decoder or encoder cannot beat, measured on the same machine in the same process:
 *
 * - the allocation floor: building the decoded object graph by hand from precomputed values
 *   (numbers from a Float64Array, strings already made), no bytes read at all. One hand-written
 *   constructor per case, producing a graph equivalent to the decoded message (the bench verifies
 *   that before timing); for payload messages the byte array is a view, as a decode returns it;
 * - the copy floor: `Uint8Array.prototype.set` of as many bytes as the message has on the wire,
 *   into a preallocated buffer (pure copy bandwidth);
 * - the fresh-buffer floor: `new Uint8Array(n)` then `set`: what any encode (or copying decode)
 *   that returns a new buffer pays; for megabytes, the fresh pages cost more than the copy.
 */
import type {
  geometry_msgs,
  nav_msgs,
  sensor_msgs,
  std_msgs,
  tf2_msgs,
  visualization_msgs,
} from "../generated/index.js";

/** A builder of the same object graph as `msg`, or undefined when the case has none. */
export function allocationFloor(caseName: string, msg: unknown): (() => unknown) | undefined {
  switch (caseName) {
    case "imu":
      return imuFloor(msg as sensor_msgs.Imu);
    case "tf50":
      return tfFloor(msg as tf2_msgs.TFMessage);
    case "laserscan1080":
      return laserScanFloor(msg as sensor_msgs.LaserScan);
    case "markers100x20":
      return markersFloor(msg as visualization_msgs.MarkerArray);
    case "odometry":
      return odometryFloor(msg as nav_msgs.Odometry);
    case "jointstate30":
      return jointStateFloor(msg as sensor_msgs.JointState);
    case "pointcloud640x480":
      return pointCloudFloor(msg as sensor_msgs.PointCloud2);
    case "image1080p":
      return imageFloor(msg as sensor_msgs.Image);
    case "compressed200k":
      return compressedImageFloor(msg as sensor_msgs.CompressedImage);
    default:
      return undefined;
  }
}

/** `dst.set(src)` for a buffer of `byteLength` bytes. */
export function copyFloor(byteLength: number): () => unknown {
  const src = new Uint8Array(byteLength).fill(0x5a);
  const dst = new Uint8Array(byteLength);
  return () => {
    dst.set(src);
    return dst;
  };
}

/** `new Uint8Array(byteLength)` then `set`: a copy into a buffer of its own. */
export function freshBufferFloor(byteLength: number): () => unknown {
  const src = new Uint8Array(byteLength).fill(0x5a);
  return () => {
    const dst = new Uint8Array(byteLength);
    dst.set(src);
    return dst;
  };
}

/**
 * Fresh typed arrays for the allocation floors, cut from a shared 64 KiB chunk: the cheapest way
 * to make a typed array that holds given values (an ArrayBuffer of its own per array, as
 * `slice()` makes, costs several times more than the copy for arrays of a few dozen elements).
 */
const CHUNK = 64 * 1024;
let chunk = new ArrayBuffer(CHUNK);
let chunkOffset = 0;

function carve(byteLength: number): number {
  let at = (chunkOffset + 7) & ~7;
  if (at + byteLength > CHUNK) {
    chunk = new ArrayBuffer(CHUNK);
    at = 0;
  }
  chunkOffset = at + byteLength;
  return at;
}

function copyFloat64s(src: Float64Array): Float64Array {
  const out = new Float64Array(chunk, carve(src.byteLength), src.length);
  out.set(src);
  return out;
}

function copyFloat32s(src: Float32Array): Float32Array {
  const out = new Float32Array(chunk, carve(src.byteLength), src.length);
  out.set(src);
  return out;
}

/** Numbers of a header in the order the builders read them: seq, sec, nsec. */
function headerValues(h: std_msgs.Header): number[] {
  return [h.seq, h.stamp.sec, h.stamp.nsec];
}

function imuFloor(m: sensor_msgs.Imu): () => sensor_msgs.Imu {
  const q = m.orientation;
  const av = m.angular_velocity;
  const la = m.linear_acceleration;
  const v = Float64Array.from([
    ...headerValues(m.header),
    q.x,
    q.y,
    q.z,
    q.w,
    av.x,
    av.y,
    av.z,
    la.x,
    la.y,
    la.z,
  ]);
  const frameId = m.header.frame_id;
  const oc = m.orientation_covariance.slice();
  const avc = m.angular_velocity_covariance.slice();
  const lac = m.linear_acceleration_covariance.slice();
  return () => ({
    header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
    orientation: { x: v[3]!, y: v[4]!, z: v[5]!, w: v[6]! },
    orientation_covariance: copyFloat64s(oc),
    angular_velocity: { x: v[7]!, y: v[8]!, z: v[9]! },
    angular_velocity_covariance: copyFloat64s(avc),
    linear_acceleration: { x: v[10]!, y: v[11]!, z: v[12]! },
    linear_acceleration_covariance: copyFloat64s(lac),
  });
}

function tfFloor(m: tf2_msgs.TFMessage): () => tf2_msgs.TFMessage {
  const n = m.transforms.length;
  const v = new Float64Array(n * 10);
  const frames: string[] = [];
  const children: string[] = [];
  m.transforms.forEach((t, i) => {
    const { translation: p, rotation: q } = t.transform;
    v.set([...headerValues(t.header), p.x, p.y, p.z, q.x, q.y, q.z, q.w], i * 10);
    frames.push(t.header.frame_id);
    children.push(t.child_frame_id);
  });
  return () => {
    const transforms: geometry_msgs.TransformStamped[] = [];
    for (let i = 0, o = 0; i < n; i++, o += 10) {
      transforms.push({
        header: { seq: v[o]!, stamp: { sec: v[o + 1]!, nsec: v[o + 2]! }, frame_id: frames[i]! },
        child_frame_id: children[i]!,
        transform: {
          translation: { x: v[o + 3]!, y: v[o + 4]!, z: v[o + 5]! },
          rotation: { x: v[o + 6]!, y: v[o + 7]!, z: v[o + 8]!, w: v[o + 9]! },
        },
      });
    }
    return { transforms };
  };
}

function laserScanFloor(m: sensor_msgs.LaserScan): () => sensor_msgs.LaserScan {
  const v = Float64Array.from([
    ...headerValues(m.header),
    m.angle_min,
    m.angle_max,
    m.angle_increment,
    m.time_increment,
    m.scan_time,
    m.range_min,
    m.range_max,
  ]);
  const frameId = m.header.frame_id;
  const ranges = m.ranges.slice();
  const intensities = m.intensities.slice();
  return () => ({
    header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
    angle_min: v[3]!,
    angle_max: v[4]!,
    angle_increment: v[5]!,
    time_increment: v[6]!,
    scan_time: v[7]!,
    range_min: v[8]!,
    range_max: v[9]!,
    ranges: copyFloat32s(ranges),
    intensities: copyFloat32s(intensities),
  });
}

const MARKER_VALUES = 24;

function markersFloor(m: visualization_msgs.MarkerArray): () => visualization_msgs.MarkerArray {
  const n = m.markers.length;
  const v = new Float64Array(n * MARKER_VALUES);
  const points: Float64Array[] = [];
  const strings: string[] = [];
  const flags: boolean[] = [];
  m.markers.forEach((k, i) => {
    const { position: p, orientation: q } = k.pose;
    v.set(
      [
        ...headerValues(k.header),
        k.id,
        k.type,
        k.action,
        p.x,
        p.y,
        p.z,
        q.x,
        q.y,
        q.z,
        q.w,
        k.scale.x,
        k.scale.y,
        k.scale.z,
        k.color.r,
        k.color.g,
        k.color.b,
        k.color.a,
        k.lifetime.sec,
        k.lifetime.nsec,
        k.points.length,
        k.colors.length,
      ],
      i * MARKER_VALUES,
    );
    points.push(Float64Array.from(k.points.flatMap((pt) => [pt.x, pt.y, pt.z])));
    strings.push(k.header.frame_id, k.ns, k.text, k.mesh_resource);
    flags.push(k.frame_locked, k.mesh_use_embedded_materials);
    if (k.colors.length !== 0) throw new Error("markers floor: per-point colors not modelled");
  });
  return () => {
    const markers: visualization_msgs.Marker[] = [];
    for (let i = 0, o = 0; i < n; i++, o += MARKER_VALUES) {
      const pv = points[i]!;
      const path: geometry_msgs.Point[] = [];
      for (let j = 0, end = v[o + 22]! * 3; j < end; j += 3) {
        path.push({ x: pv[j]!, y: pv[j + 1]!, z: pv[j + 2]! });
      }
      markers.push({
        header: {
          seq: v[o]!,
          stamp: { sec: v[o + 1]!, nsec: v[o + 2]! },
          frame_id: strings[i * 4]!,
        },
        ns: strings[i * 4 + 1]!,
        id: v[o + 3]!,
        type: v[o + 4]!,
        action: v[o + 5]!,
        pose: {
          position: { x: v[o + 6]!, y: v[o + 7]!, z: v[o + 8]! },
          orientation: { x: v[o + 9]!, y: v[o + 10]!, z: v[o + 11]!, w: v[o + 12]! },
        },
        scale: { x: v[o + 13]!, y: v[o + 14]!, z: v[o + 15]! },
        color: { r: v[o + 16]!, g: v[o + 17]!, b: v[o + 18]!, a: v[o + 19]! },
        lifetime: { sec: v[o + 20]!, nsec: v[o + 21]! },
        frame_locked: flags[i * 2]!,
        points: path,
        colors: [],
        text: strings[i * 4 + 2]!,
        mesh_resource: strings[i * 4 + 3]!,
        mesh_use_embedded_materials: flags[i * 2 + 1]!,
      });
    }
    return { markers };
  };
}

function odometryFloor(m: nav_msgs.Odometry): () => nav_msgs.Odometry {
  const { position: p, orientation: q } = m.pose.pose;
  const { linear: l, angular: a } = m.twist.twist;
  const v = Float64Array.from([
    ...headerValues(m.header),
    p.x,
    p.y,
    p.z,
    q.x,
    q.y,
    q.z,
    q.w,
    l.x,
    l.y,
    l.z,
    a.x,
    a.y,
    a.z,
  ]);
  const frameId = m.header.frame_id;
  const child = m.child_frame_id;
  const pc = m.pose.covariance.slice();
  const tc = m.twist.covariance.slice();
  return () => ({
    header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
    child_frame_id: child,
    pose: {
      pose: {
        position: { x: v[3]!, y: v[4]!, z: v[5]! },
        orientation: { x: v[6]!, y: v[7]!, z: v[8]!, w: v[9]! },
      },
      covariance: copyFloat64s(pc),
    },
    twist: {
      twist: {
        linear: { x: v[10]!, y: v[11]!, z: v[12]! },
        angular: { x: v[13]!, y: v[14]!, z: v[15]! },
      },
      covariance: copyFloat64s(tc),
    },
  });
}

function jointStateFloor(m: sensor_msgs.JointState): () => sensor_msgs.JointState {
  const v = Float64Array.from(headerValues(m.header));
  const frameId = m.header.frame_id;
  const names = m.name.slice();
  const position = m.position.slice();
  const velocity = m.velocity.slice();
  const effort = m.effort.slice();
  return () => ({
    header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
    name: names.slice(),
    position: copyFloat64s(position),
    velocity: copyFloat64s(velocity),
    effort: copyFloat64s(effort),
  });
}

/** The payload as a decode returns it: a view into a buffer holding the whole message. */
function payloadView(data: Uint8Array): { buffer: Uint8Array; start: number; end: number } {
  const buffer = new Uint8Array(data.length + 64);
  buffer.set(data, 37);
  return { buffer, start: 37, end: 37 + data.length };
}

function pointCloudFloor(m: sensor_msgs.PointCloud2): () => sensor_msgs.PointCloud2 {
  const v = Float64Array.from([
    ...headerValues(m.header),
    m.height,
    m.width,
    m.point_step,
    m.row_step,
    ...m.fields.flatMap((f) => [f.offset, f.datatype, f.count]),
  ]);
  const frameId = m.header.frame_id;
  const names = m.fields.map((f) => f.name);
  const flags = [m.is_bigendian, m.is_dense];
  const { buffer, start, end } = payloadView(m.data);
  return () => {
    const fields: sensor_msgs.PointField[] = [];
    for (let i = 0, o = 7; i < names.length; i++, o += 3) {
      fields.push({ name: names[i]!, offset: v[o]!, datatype: v[o + 1]!, count: v[o + 2]! });
    }
    return {
      header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
      height: v[3]!,
      width: v[4]!,
      fields,
      is_bigendian: flags[0]!,
      point_step: v[5]!,
      row_step: v[6]!,
      data: buffer.subarray(start, end),
      is_dense: flags[1]!,
    };
  };
}

function imageFloor(m: sensor_msgs.Image): () => sensor_msgs.Image {
  const v = Float64Array.from([
    ...headerValues(m.header),
    m.height,
    m.width,
    m.is_bigendian,
    m.step,
  ]);
  const frameId = m.header.frame_id;
  const encoding = m.encoding;
  const { buffer, start, end } = payloadView(m.data);
  return () => ({
    header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
    height: v[3]!,
    width: v[4]!,
    encoding,
    is_bigendian: v[5]!,
    step: v[6]!,
    data: buffer.subarray(start, end),
  });
}

function compressedImageFloor(m: sensor_msgs.CompressedImage): () => sensor_msgs.CompressedImage {
  const v = Float64Array.from(headerValues(m.header));
  const frameId = m.header.frame_id;
  const format = m.format;
  const { buffer, start, end } = payloadView(m.data);
  return () => ({
    header: { seq: v[0]!, stamp: { sec: v[1]!, nsec: v[2]! }, frame_id: frameId },
    format,
    data: buffer.subarray(start, end),
  });
}
