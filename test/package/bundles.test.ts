/**
 * What a browser app ships: small apps bundled with esbuild (minified, browser platform) against
 * the assembled `noros` package, so that `exports`, `sideEffects` and the `#node-websocket`
 * import are exercised as a user's bundler sees them. Budgets (gzip): one generated codec with
 * the runtime it needs <= 8 KB; RosClient + one generated codec <= 35 KB, for ROS 1 and ROS 2
 * alike, without the IDL parser (only apps importing `noros/ros2idl` ship it). An app that names
 * three types ships exactly those three codecs. Sizes are written to test/package/out/bundle-sizes.json.
 */
import { build } from "esbuild";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { assemblePackages, REPO } from "./helpers.js";

const KB = 1024;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "noros-bundles-"));
  assemblePackages(path.join(dir, "packages"));
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(path.join(dir, "packages", "noros"), path.join(dir, "node_modules", "noros"), "dir");
  // The package's dependencies, installed beside it as npm would (from this repository's).
  const manifest = JSON.parse(
    readFileSync(path.join(dir, "packages", "noros", "package.json"), "utf8"),
  ) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    mkdirSync(path.dirname(path.join(dir, "node_modules", dep)), { recursive: true });
    symlinkSync(path.join(REPO, "node_modules", dep), path.join(dir, "node_modules", dep), "dir");
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Bundle {
  bytes: number;
  gzip: number;
  text: string;
  inputs: string[];
}

async function bundle(name: string, source: string): Promise<Bundle> {
  const entry = path.join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const out = result.outputFiles[0]!;
  const text = out.text;
  return {
    bytes: out.contents.length,
    gzip: gzipSync(out.contents, { level: 9 }).length,
    text,
    inputs: Object.keys(result.metafile.inputs),
  };
}

const sizes: Record<string, { minified: number; gzip: number }> = {};
function note(name: string, b: Bundle): void {
  sizes[name] = { minified: b.bytes, gzip: b.gzip };
}
afterAll(() => {
  const outDir = path.join(REPO, "test", "package", "out");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "bundle-sizes.json"), JSON.stringify(sizes, null, 2) + "\n");
});

describe("browser bundles of the noros package (esbuild, minified)", () => {
  it("one generated codec with the runtime it needs is at most 8 KB gzip", async () => {
    const b = await bundle(
      "one-codec",
      `import { ImuCodec } from "noros/msgs/sensor_msgs";
       const msg = ImuCodec.decode(new Uint8Array(ImuCodec.encodedSize({} as never)));
       console.log(msg.orientation.w);`,
    );
    note("one codec (sensor_msgs/Imu)", b);
    expect(b.gzip).toBeLessThanOrEqual(8 * KB);
    expect(b.text).toContain("6a62c6daae103f4ff57a132d6f95cec2"); // Imu's md5: the codec is in
    expect(b.text).not.toContain("sensor_msgs/PointCloud2");
    // Neither the client nor the run-time compiler comes along with a codec.
    expect(b.inputs.some((f) => f.includes("/client/"))).toBe(false);
    expect(b.inputs.some((f) => f.includes("/emit/"))).toBe(false);
  });

  it("one generated ROS 2 (CDR) codec is at most 8 KB gzip too", async () => {
    const b = await bundle(
      "one-ros2-codec",
      `import { ImuCodec } from "noros/ros2/msgs/sensor_msgs";
       const msg = ImuCodec.decode(ImuCodec.encode({} as never));
       console.log(msg.orientation.w, ImuCodec.typeHash);`,
    );
    note("one ROS 2 codec (sensor_msgs/msg/Imu)", b);
    expect(b.gzip).toBeLessThanOrEqual(8 * KB);
    expect(b.text).toContain('datatype:"sensor_msgs/msg/Imu"');
    expect(b.text).not.toContain('datatype:"sensor_msgs/msg/PointCloud2"');
  });

  it("RosClient with one generated codec is at most 35 KB gzip, and has no ws", async () => {
    const b = await bundle(
      "client-one-codec",
      `import { RosClient } from "noros";
       import { ImuCodec } from "noros/msgs/sensor_msgs";
       const client = new RosClient("ws://localhost:8765");
       client.subscribe("/imu", ImuCodec, (msg) => console.log(msg.angular_velocity.x));`,
    );
    note("RosClient + one codec", b);
    expect(b.gzip).toBeLessThanOrEqual(35 * KB);
    expect(b.inputs.some((f) => f.includes("node_modules/ws/"))).toBe(false);
    expect(b.inputs.some((f) => f.endsWith("no-node-websocket.js"))).toBe(true);
    expect(b.inputs.some((f) => f.includes("ros2idl"))).toBe(false);
  });

  it("RosClient with one ROS 2 codec is at most 35 KB gzip, without the IDL parser", async () => {
    const b = await bundle(
      "client-one-ros2-codec",
      `import { RosClient } from "noros";
       import { LaserScanCodec } from "noros/ros2/msgs/sensor_msgs";
       const client = new RosClient("ws://localhost:8765");
       client.subscribe("/scan", LaserScanCodec, (msg) => console.log(msg.ranges.length));`,
    );
    note("RosClient + one ROS 2 codec", b);
    expect(b.gzip).toBeLessThanOrEqual(35 * KB);
    // The client only names the reader's interface: neither the entry nor its parser comes along.
    expect(b.inputs.some((f) => f.includes("ros2idl"))).toBe(false);
    expect(b.text).not.toContain("IDL_GRAMMAR");
  });

  it("RosClient with noros/ros2idl ships the IDL parser (reported, opt-in)", async () => {
    const b = await bundle(
      "client-ros2idl",
      `import { RosClient } from "noros";
       import { ros2idl } from "noros/ros2idl";
       const client = new RosClient("ws://localhost:8765", { schemaReaders: [ros2idl] });
       client.subscribe("/scan", "*", (msg) => console.log(msg));`,
    );
    note("RosClient + noros/ros2idl", b);
    expect(b.inputs.some((f) => f.includes("node_modules/@foxglove/ros2idl-parser/"))).toBe(true);
    expect(b.inputs.some((f) => f.endsWith("ros2idl/convert.js"))).toBe(true);
  });

  it("an app that names three types ships those three codecs and no other", async () => {
    const b = await bundle(
      "three-codecs",
      `import { RosClient } from "noros";
       import { ImuCodec, NavSatFixCodec } from "noros/msgs/sensor_msgs";
       import { TwistCodec } from "noros/msgs/geometry_msgs";
       const client = new RosClient("ws://localhost:8765", { codecs: [ImuCodec, NavSatFixCodec] });
       client.subscribe("/imu", "sensor_msgs/Imu", (m) => console.log(m));
       client.subscribe("/fix", "sensor_msgs/NavSatFix", (m) => console.log(m));
       void client.advertise("/cmd_vel", TwistCodec);`,
    );
    note("RosClient + three codecs", b);
    // Each codec is a `defineCodec({ datatype: "pkg/Type", md5sum: ... })` call: exactly three.
    const { codecs } = await import("../../generated/index.js");
    const shipped = Object.values(codecs)
      .filter((c) => b.text.includes(`datatype:"${c.datatype}",md5sum:"${c.md5sum}"`))
      .map((c) => c.datatype);
    expect(shipped.sort()).toEqual([
      "geometry_msgs/Twist",
      "sensor_msgs/Imu",
      "sensor_msgs/NavSatFix",
    ]);
  });

  it("through the noros/msgs index, ships the packages used, not the whole set", async () => {
    const b = await bundle(
      "through-index",
      `import { sensor_msgs } from "noros/msgs";
       console.log(sensor_msgs.ImuCodec.decode(new Uint8Array(400)).orientation.w);`,
    );
    note("one codec through the noros/msgs index (esbuild keeps its package)", b);
    expect(b.text).toContain('datatype:"sensor_msgs/Imu"');
    // Packages the app never names stay out, although the index imports all of them.
    expect(b.text).not.toContain('datatype:"visualization_msgs/Marker"');
    expect(b.text).not.toContain('datatype:"nav_msgs/Odometry"');
  });

  it("reports compileCodec alone and the whole standard set", async () => {
    note(
      "compileCodec alone",
      await bundle(
        "compile",
        `import { compileCodec } from "noros";
         console.log(compileCodec("a/B", "int32 x").decode(new Uint8Array(4)));`,
      ),
    );
    const all = await bundle(
      "everything",
      `import "noros/msgs/register";
       import { RosClient } from "noros";
       new RosClient("ws://localhost:8765").subscribe("/imu", "sensor_msgs/Imu", (m) => console.log(m));`,
    );
    note("RosClient + noros/msgs/register (every standard codec)", all);
    // Registration is an explicit import, and then really ships the whole set.
    expect(all.text).toContain("sensor_msgs/PointCloud2");
    expect(all.text).toContain("visualization_msgs/MarkerArray");
  });
});
