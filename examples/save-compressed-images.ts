/**
 * Saves every image of a sensor_msgs/CompressedImage topic to a file named by the image's stamp
 * and format, until Ctrl-C:
 *
 *   node dist/examples/save-compressed-images.js /camera/image/compressed \
 *     --url ws://localhost:8765 --out images      (npm ci builds dist/)
 *
 * Images from image_transport carry formats such as "jpeg", "png" or "bgr8; jpeg compressed bgr8";
 * the file extension is taken from the format. In an application, import from the package:
 * `import { RosClient } from "noros"` and `import { CompressedImageCodec } from "noros/msgs/sensor_msgs"`.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
// The generated codec of the standard type: passing it to subscribe types the messages and hands
// the client the codec (no registration of the whole standard set).
import { CompressedImageCodec, type CompressedImage } from "../generated/sensor_msgs.js";
import { RosClient, type Subscription } from "../runtime/client/index.js";
import type { Time } from "../runtime/codec/types.js";

/** "1700000000_000000123.jpg": seconds, zero-padded nanoseconds, extension from the format. */
export function imageFileName(stamp: Time, format: string): string {
  const nsec = String(stamp.nsec).padStart(9, "0");
  return `${stamp.sec}_${nsec}.${extensionOf(format)}`;
}

function extensionOf(format: string): string {
  if (/png/i.test(format)) return "png";
  if (/jpe?g/i.test(format)) return "jpg";
  const cleaned = format.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return cleaned === "" ? "bin" : cleaned;
}

export interface ImageSaver {
  subscription: Subscription;
  /** Files written so far, in order. */
  readonly saved: string[];
}

/**
 * Subscribes to `topic` and writes each image to `outDir`. A file is written under a temporary
 * name and then renamed, so an interrupted run never leaves a half-written image; two images
 * with the same stamp and format get `_1`, `_2`... suffixes instead of overwriting each other.
 */
export function saveCompressedImages(client: RosClient, topic: string, outDir: string): ImageSaver {
  mkdirSync(outDir, { recursive: true });
  const saved: string[] = [];
  const used = new Set<string>();
  const subscription = client.subscribe(topic, CompressedImageCodec, (msg: CompressedImage) => {
    const base = imageFileName(msg.header.stamp, msg.format);
    let name = base;
    for (let n = 1; used.has(name); n++) name = base.replace(/(\.[^.]+)$/, `_${n}$1`);
    used.add(name);
    const file = path.join(outDir, name);
    writeFileSync(`${file}.partial`, msg.data);
    renameSync(`${file}.partial`, file);
    saved.push(file);
  });
  return { subscription, saved };
}

interface Args {
  topic: string;
  url: string;
  out: string;
}

function parseArgs(argv: string[]): Args | string {
  const args: Partial<Args> = { url: "ws://localhost:8765", out: "images" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--url" || arg === "--out") {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      args[arg === "--url" ? "url" : "out"] = value;
    } else if (arg.startsWith("--")) {
      return `unknown option ${arg}`;
    } else if (args.topic === undefined) {
      args.topic = arg;
    } else {
      return `unexpected argument ${arg}`;
    }
  }
  if (args.topic === undefined) return "missing the topic";
  return args as Args;
}

/** Runs until SIGINT (Ctrl-C), then closes the client; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(
      `${args}\nusage: save-compressed-images <topic> [--url ws://host:8765] [--out dir]`,
    );
    return 2;
  }
  // Wait for a bridge that is not up yet (reconnecting after a drop is on by default).
  const client = new RosClient(args.url, { waitForServer: true });
  client.on("error", (error) => console.error(`error: ${error.message}`));
  client.on("warning", (warning) => console.error(`warning: ${warning.message}`));
  client.on("disconnect", () => console.error("disconnected; reconnecting..."));
  const saver = saveCompressedImages(client, args.topic, args.out);
  const stopped = new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  try {
    await Promise.race([client.connected({ timeoutMs: Infinity }), stopped]);
    if (client.state === "connected")
      console.error(`saving ${args.topic} from ${args.url} to ${args.out}/`);
  } catch (error) {
    console.error((error as Error).message);
    await client.close();
    return 1;
  }
  await stopped;
  await client.close();
  console.error(`saved ${saver.saved.length} images`);
  return 0;
}

// Run as a program (node dist/examples/save-compressed-images.js), not when imported by a test.
// (The build is ES modules: there is no `require.main` to compare with.)
if (/save-compressed-images\.js$/.test(process.argv[1] ?? "")) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
