/**
 * The few pieces of tf2's LinearMath (Bullet-derived) that lookups and transforms use, written
 * with the same operations in the same order, so results agree with tf2 to the last bit wherever
 * no libm function is involved (only slerp's acos/sin may differ by an ulp between libms).
 *
 * Quaternions are (x, y, z, w) and are not normalised on the way, exactly as in tf2.
 */

/** Scratch output of `quatRotate` (x, y, z). */
export const rotated = new Float64Array(3);

/** tf2's quatRotate(r, v): r * v * r.inverse(), with `inverse` the conjugate. */
export function quatRotate(
  rx: number,
  ry: number,
  rz: number,
  rw: number,
  vx: number,
  vy: number,
  vz: number,
): void {
  // Quaternion * Vector3
  const qx = rw * vx + ry * vz - rz * vy;
  const qy = rw * vy + rz * vx - rx * vz;
  const qz = rw * vz + rx * vy - ry * vx;
  const qw = -rx * vx - ry * vy - rz * vz;
  // q *= r.inverse()
  const ix = -rx;
  const iy = -ry;
  const iz = -rz;
  rotated[0] = qw * ix + qx * rw + qy * iz - qz * iy;
  rotated[1] = qw * iy + qy * rw + qz * ix - qx * iz;
  rotated[2] = qw * iz + qz * rw + qx * iy - qy * ix;
}

/** Scratch output of `quatMultiply` (x, y, z, w). */
export const product = new Float64Array(4);

/** tf2's operator*(Quaternion q1, Quaternion q2). */
export function quatMultiply(
  ax: number,
  ay: number,
  az: number,
  aw: number,
  bx: number,
  by: number,
  bz: number,
  bw: number,
): void {
  product[0] = aw * bx + ax * bw + ay * bz - az * by;
  product[1] = aw * by + ay * bw + az * bx - ax * bz;
  product[2] = aw * bz + az * bw + ax * by - ay * bx;
  product[3] = aw * bw - ax * bx - ay * by - az * bz;
}

/** acos clamped to [-1, 1] (tf2Acos). */
function acosClamped(x: number): number {
  return Math.acos(x < -1 ? -1 : x > 1 ? 1 : x);
}

/** Scratch output of `slerp` (x, y, z, w). */
export const slerped = new Float64Array(4);

/** tf2's Quaternion::slerp(q, t): from a (t = 0) to b (t = 1), the short way round. */
export function slerp(
  ax: number,
  ay: number,
  az: number,
  aw: number,
  bx: number,
  by: number,
  bz: number,
  bw: number,
  t: number,
): void {
  // angleShortestPath(b) / 2
  const s = Math.sqrt(
    (ax * ax + ay * ay + az * az + aw * aw) * (bx * bx + by * by + bz * bz + bw * bw),
  );
  const dot = ax * bx + ay * by + az * bz + aw * bw;
  const angle = dot < 0 ? acosClamped(-dot / s) * 2.0 : acosClamped(dot / s) * 2.0;
  const theta = angle / 2.0;
  if (theta === 0) {
    slerped[0] = ax;
    slerped[1] = ay;
    slerped[2] = az;
    slerped[3] = aw;
    return;
  }
  const d = 1.0 / Math.sin(theta);
  const s0 = Math.sin((1.0 - t) * theta);
  const s1 = Math.sin(t * theta);
  if (dot < 0) {
    slerped[0] = (ax * s0 + -bx * s1) * d;
    slerped[1] = (ay * s0 + -by * s1) * d;
    slerped[2] = (az * s0 + -bz * s1) * d;
    slerped[3] = (aw * s0 + -bw * s1) * d;
  } else {
    slerped[0] = (ax * s0 + bx * s1) * d;
    slerped[1] = (ay * s0 + by * s1) * d;
    slerped[2] = (az * s0 + bz * s1) * d;
    slerped[3] = (aw * s0 + bw * s1) * d;
  }
}

/**
 * A rigid transform as tf2::Transform holds it: a 3x3 basis (row-major) and an origin. Used to
 * apply a looked-up transform to points, vectors and poses the way tf2_geometry_msgs does.
 */
export class Transform3 {
  /** Row-major basis: m[0..2] first row. */
  readonly m = new Float64Array(9);
  readonly origin = new Float64Array(3);

  /** Matrix3x3::setRotation(q) and the origin, as tf2::Transform(q, v). */
  static fromQuaternion(
    qx: number,
    qy: number,
    qz: number,
    qw: number,
    ox = 0,
    oy = 0,
    oz = 0,
  ): Transform3 {
    const t = new Transform3();
    const d = qx * qx + qy * qy + qz * qz + qw * qw;
    const s = 2.0 / d;
    const xs = qx * s;
    const ys = qy * s;
    const zs = qz * s;
    const wx = qw * xs;
    const wy = qw * ys;
    const wz = qw * zs;
    const xx = qx * xs;
    const xy = qx * ys;
    const xz = qx * zs;
    const yy = qy * ys;
    const yz = qy * zs;
    const zz = qz * zs;
    const m = t.m;
    m[0] = 1.0 - (yy + zz);
    m[1] = xy - wz;
    m[2] = xz + wy;
    m[3] = xy + wz;
    m[4] = 1.0 - (xx + zz);
    m[5] = yz - wx;
    m[6] = xz - wy;
    m[7] = yz + wx;
    m[8] = 1.0 - (xx + yy);
    t.origin[0] = ox;
    t.origin[1] = oy;
    t.origin[2] = oz;
    return t;
  }

  /** basis * v (Matrix3x3 * Vector3): each row dotted with v. */
  rotate(vx: number, vy: number, vz: number): [number, number, number] {
    const m = this.m;
    return [
      m[0]! * vx + m[1]! * vy + m[2]! * vz,
      m[3]! * vx + m[4]! * vy + m[5]! * vz,
      m[6]! * vx + m[7]! * vy + m[8]! * vz,
    ];
  }

  /** Transform * Vector3: row dot v, plus the origin (in that order per component). */
  apply(vx: number, vy: number, vz: number): [number, number, number] {
    const m = this.m;
    const o = this.origin;
    return [
      m[0]! * vx + m[1]! * vy + m[2]! * vz + o[0]!,
      m[3]! * vx + m[4]! * vy + m[5]! * vz + o[1]!,
      m[6]! * vx + m[7]! * vy + m[8]! * vz + o[2]!,
    ];
  }

  /** this * other (tf2::Transform::operator*): basis product, origin = this(other.origin). */
  multiply(other: Transform3): Transform3 {
    const out = new Transform3();
    const a = this.m;
    const b = other.m;
    for (let r = 0; r < 3; r++) {
      const x = a[3 * r]!;
      const y = a[3 * r + 1]!;
      const z = a[3 * r + 2]!;
      // m2.tdotx(m1[r]) = m2[0].x * m1[r].x + m2[1].x * m1[r].y + m2[2].x * m1[r].z
      out.m[3 * r] = b[0]! * x + b[3]! * y + b[6]! * z;
      out.m[3 * r + 1] = b[1]! * x + b[4]! * y + b[7]! * z;
      out.m[3 * r + 2] = b[2]! * x + b[5]! * y + b[8]! * z;
    }
    const [ox, oy, oz] = this.apply(other.origin[0]!, other.origin[1]!, other.origin[2]!);
    out.origin[0] = ox;
    out.origin[1] = oy;
    out.origin[2] = oz;
    return out;
  }

  /** Matrix3x3::getRotation: the quaternion of the basis, (x, y, z, w). */
  rotation(): [number, number, number, number] {
    const m = this.m;
    const el = (r: number, c: number): number => m[3 * r + c]!;
    const trace = el(0, 0) + el(1, 1) + el(2, 2);
    const q = [0, 0, 0, 0];
    if (trace > 0.0) {
      let s = Math.sqrt(trace + 1.0);
      q[3] = s * 0.5;
      s = 0.5 / s;
      q[0] = (el(2, 1) - el(1, 2)) * s;
      q[1] = (el(0, 2) - el(2, 0)) * s;
      q[2] = (el(1, 0) - el(0, 1)) * s;
    } else {
      const i = el(0, 0) < el(1, 1) ? (el(1, 1) < el(2, 2) ? 2 : 1) : el(0, 0) < el(2, 2) ? 2 : 0;
      const j = (i + 1) % 3;
      const k = (i + 2) % 3;
      let s = Math.sqrt(el(i, i) - el(j, j) - el(k, k) + 1.0);
      q[i] = s * 0.5;
      s = 0.5 / s;
      q[3] = (el(k, j) - el(j, k)) * s;
      q[j] = (el(j, i) + el(i, j)) * s;
      q[k] = (el(k, i) + el(i, k)) * s;
    }
    return [q[0]!, q[1]!, q[2]!, q[3]!];
  }
}
