/**
 * The bench corpus: one realistic message per case, built from a fixed seed so every run measures
 * the same bytes. Messages have the decoded shape (typed arrays, `{ sec, nsec }`), so that decoding
 * their encoding must give them back exactly; float32 fields hold float32-representable values.
 */
import type {
  geometry_msgs,
  nav_msgs,
  sensor_msgs,
  std_msgs,
  tf2_msgs,
  visualization_msgs,
} from "../generated/index.js";
import { Prng } from "./prng.js";

/**
 * `objects`: many small values (the cost is building the object graph);
 * `payload`: one large byte array (the cost is moving bytes).
 */
export type CaseKind = "objects" | "payload";

export interface CorpusCase {
  /** Short id used in task ids and `--only`, e.g. `tf50`. */
  readonly name: string;
  readonly datatype: string;
  readonly kind: CaseKind;
  readonly description: string;
  build(): unknown;
}

const BASE_SEC = 1_700_000_000;

function header(prng: Prng, seq: number, frame_id: string): std_msgs.Header {
  return {
    seq,
    stamp: { sec: BASE_SEC + prng.int(0, 3600), nsec: prng.int(0, 999_999_999) },
    frame_id,
  };
}

function unitQuaternion(prng: Prng): geometry_msgs.Quaternion {
  const x = prng.range(-1, 1);
  const y = prng.range(-1, 1);
  const z = prng.range(-1, 1);
  const w = prng.range(-1, 1);
  const n = Math.hypot(x, y, z, w);
  return { x: x / n, y: y / n, z: z / n, w: w / n };
}

function vector3(prng: Prng, scale: number): geometry_msgs.Vector3 {
  return {
    x: prng.range(-scale, scale),
    y: prng.range(-scale, scale),
    z: prng.range(-scale, scale),
  };
}

/** A row-major n×n covariance with small positive variances on the diagonal. */
function covariance(prng: Prng, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) c[i * n + i] = prng.range(1e-4, 1e-2);
  return c;
}

function imu(): sensor_msgs.Imu {
  const prng = new Prng(1);
  return {
    header: header(prng, 4211, "imu_link"),
    orientation: unitQuaternion(prng),
    orientation_covariance: covariance(prng, 3),
    angular_velocity: vector3(prng, 0.5),
    angular_velocity_covariance: covariance(prng, 3),
    linear_acceleration: { x: prng.range(-0.3, 0.3), y: prng.range(-0.3, 0.3), z: 9.81 },
    linear_acceleration_covariance: covariance(prng, 3),
  };
}

/** A mobile manipulator's tf tree: base, sensors, wheels, then an arm chain to reach `count`. */
function tfTree(count: number): [parent: string, child: string][] {
  const edges: [string, string][] = [
    ["map", "odom"],
    ["odom", "base_footprint"],
    ["base_footprint", "base_link"],
    ["base_link", "imu_link"],
    ["base_link", "base_laser"],
    ["base_link", "camera_link"],
    ["camera_link", "camera_color_frame"],
    ["camera_color_frame", "camera_color_optical_frame"],
    ["camera_link", "camera_depth_frame"],
    ["camera_depth_frame", "camera_depth_optical_frame"],
    ["base_link", "wheel_left_link"],
    ["base_link", "wheel_right_link"],
    ["base_link", "caster_front_link"],
    ["base_link", "caster_rear_link"],
    ["base_link", "arm_base_link"],
  ];
  let parent = "arm_base_link";
  for (let i = 1; edges.length < count; i++) {
    const child = `arm_link_${i}`;
    edges.push([parent, child]);
    parent = child;
  }
  return edges.slice(0, count);
}

function tfMessage(count: number): tf2_msgs.TFMessage {
  const prng = new Prng(2);
  const stamp = { sec: BASE_SEC + 17, nsec: 250_000_000 };
  return {
    transforms: tfTree(count).map(([parent, child]) => ({
      header: { seq: 0, stamp: { ...stamp }, frame_id: parent },
      child_frame_id: child,
      transform: { translation: vector3(prng, 2), rotation: unitQuaternion(prng) },
    })),
  };
}

function laserScan(beams: number): sensor_msgs.LaserScan {
  const prng = new Prng(3);
  const ranges = new Float32Array(beams);
  const intensities = new Float32Array(beams);
  let wall = 4;
  for (let i = 0; i < beams; i++) {
    wall = Math.min(25, Math.max(0.3, wall + prng.range(-0.2, 0.2)));
    // A few beams see nothing (ROS reports +Inf), as real scans do.
    ranges[i] = prng.next() < 0.02 ? Infinity : wall;
    intensities[i] = prng.range(100, 3000);
  }
  const angleMin = Math.fround(-2.356194496154785);
  const angleMax = Math.fround(2.356194496154785);
  return {
    header: header(prng, 98_112, "base_laser"),
    angle_min: angleMin,
    angle_max: angleMax,
    angle_increment: Math.fround((angleMax - angleMin) / (beams - 1)),
    time_increment: Math.fround(1 / 40 / beams),
    scan_time: Math.fround(1 / 40),
    range_min: Math.fround(0.1),
    range_max: Math.fround(30),
    ranges,
    intensities,
  };
}

function color(prng: Prng): std_msgs.ColorRGBA {
  return {
    r: Math.fround(prng.next()),
    g: Math.fround(prng.next()),
    b: Math.fround(prng.next()),
    a: 1,
  };
}

function markerArray(markers: number, points: number): visualization_msgs.MarkerArray {
  const prng = new Prng(4);
  const stamp = { sec: BASE_SEC + 42, nsec: 500_000_000 };
  const out: visualization_msgs.Marker[] = [];
  for (let id = 0; id < markers; id++) {
    const path: geometry_msgs.Point[] = [];
    let x = prng.range(-10, 10);
    let y = prng.range(-10, 10);
    for (let i = 0; i < points; i++) {
      x += prng.range(-0.2, 0.2);
      y += prng.range(-0.2, 0.2);
      path.push({ x, y, z: 0.05 });
    }
    out.push({
      header: { seq: 0, stamp: { ...stamp }, frame_id: "map" },
      ns: "planned_paths",
      id,
      type: 4, // LINE_STRIP
      action: 0, // ADD
      pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      scale: { x: 0.05, y: 0, z: 0 },
      color: color(prng),
      lifetime: { sec: 0, nsec: 0 },
      frame_locked: false,
      points: path,
      colors: [],
      text: "",
      mesh_resource: "",
      mesh_use_embedded_materials: false,
    });
  }
  return { markers: out };
}

function odometry(): nav_msgs.Odometry {
  const prng = new Prng(5);
  return {
    header: header(prng, 77_310, "odom"),
    child_frame_id: "base_link",
    pose: {
      pose: { position: vector3(prng, 50), orientation: unitQuaternion(prng) },
      covariance: covariance(prng, 6),
    },
    twist: {
      twist: { linear: vector3(prng, 1), angular: vector3(prng, 0.5) },
      covariance: covariance(prng, 6),
    },
  };
}

function jointState(joints: number): sensor_msgs.JointState {
  const prng = new Prng(6);
  const fill = (scale: number) =>
    Float64Array.from({ length: joints }, () => prng.range(-scale, scale));
  return {
    header: header(prng, 501_223, ""),
    name: Array.from({ length: joints }, (_, i) => `joint_${i + 1}`),
    position: fill(Math.PI),
    velocity: fill(1.5),
    effort: fill(40),
  };
}

const FLOAT32 = 7;

/** An organized depth-camera cloud: x, y, z, rgb as float32, 16 bytes per point. */
function pointCloud(width: number, height: number): sensor_msgs.PointCloud2 {
  const prng = new Prng(7);
  const pointStep = 16;
  const data = new Uint8Array(width * height * pointStep);
  const floats = new Float32Array(data.buffer);
  const rgb = new Uint32Array(data.buffer);
  for (let v = 0, p = 0; v < height; v++) {
    for (let u = 0; u < width; u++, p += 4) {
      const z = 1.5 + prng.next();
      floats[p] = ((u - width / 2) / 525) * z;
      floats[p + 1] = ((v - height / 2) / 525) * z;
      floats[p + 2] = z;
      rgb[p + 3] = (prng.next() * 0x1000000) >>> 0;
    }
  }
  const field = (name: string, offset: number): sensor_msgs.PointField => ({
    name,
    offset,
    datatype: FLOAT32,
    count: 1,
  });
  return {
    header: header(prng, 3_310, "camera_depth_optical_frame"),
    height,
    width,
    fields: [field("x", 0), field("y", 4), field("z", 8), field("rgb", 12)],
    is_bigendian: false,
    point_step: pointStep,
    row_step: width * pointStep,
    data,
    is_dense: false,
  };
}

function image(width: number, height: number): sensor_msgs.Image {
  const prng = new Prng(8);
  const data = new Uint8Array(width * height * 3);
  prng.fill(data);
  return {
    header: header(prng, 12_004, "camera_color_optical_frame"),
    height,
    width,
    encoding: "rgb8",
    is_bigendian: 0,
    step: width * 3,
    data,
  };
}

function compressedImage(size: number): sensor_msgs.CompressedImage {
  const prng = new Prng(9);
  const data = new Uint8Array(size);
  prng.fill(data);
  data.set([0xff, 0xd8, 0xff, 0xe0], 0); // JPEG start of image + APP0
  data.set([0xff, 0xd9], size - 2); // end of image
  return {
    header: header(prng, 12_004, "camera_color_optical_frame"),
    format: "jpeg",
    data,
  };
}

export const CORPUS: readonly CorpusCase[] = [
  {
    name: "imu",
    datatype: "sensor_msgs/Imu",
    kind: "objects",
    description: "Imu",
    build: imu,
  },
  {
    name: "tf50",
    datatype: "tf2_msgs/TFMessage",
    kind: "objects",
    description: "TFMessage, 50 transforms",
    build: () => tfMessage(50),
  },
  {
    name: "laserscan1080",
    datatype: "sensor_msgs/LaserScan",
    kind: "objects",
    description: "LaserScan, 1080 ranges + intensities",
    build: () => laserScan(1080),
  },
  {
    name: "markers100x20",
    datatype: "visualization_msgs/MarkerArray",
    kind: "objects",
    description: "MarkerArray, 100 markers x 20 points",
    build: () => markerArray(100, 20),
  },
  {
    name: "odometry",
    datatype: "nav_msgs/Odometry",
    kind: "objects",
    description: "Odometry",
    build: odometry,
  },
  {
    name: "jointstate30",
    datatype: "sensor_msgs/JointState",
    kind: "objects",
    description: "JointState, 30 joints",
    build: () => jointState(30),
  },
  {
    name: "pointcloud640x480",
    datatype: "sensor_msgs/PointCloud2",
    kind: "payload",
    description: "PointCloud2 640x480, 16 B/point (4.9 MB)",
    build: () => pointCloud(640, 480),
  },
  {
    name: "image1080p",
    datatype: "sensor_msgs/Image",
    kind: "payload",
    description: "Image 1920x1080 rgb8 (6.2 MB)",
    build: () => image(1920, 1080),
  },
  {
    name: "compressed200k",
    datatype: "sensor_msgs/CompressedImage",
    kind: "payload",
    description: "CompressedImage jpeg, 200 kB",
    build: () => compressedImage(200_000),
  },
];
