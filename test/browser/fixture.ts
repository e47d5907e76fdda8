/**
 * The recording the browser tests serve (test/fixtures/web/camera.bag, written by
 * scripts/make_web_recording.py with Debian's python3-rosbag) and what its images hold, read
 * here in Node, independently of the page: raw rgb8 rows without their padding, PNGs decoded by
 * png.ts. Frames are numbered by header.seq.
 */
import * as path from "node:path";

import { sensor_msgs, std_msgs } from "../../generated/index.js";
import { openMessageSource } from "../../tools/sources/index.js";
import { decodePng, type RgbaImage } from "./png.js";

export const WEB_BAG = path.resolve(__dirname, "..", "fixtures", "web", "camera.bag");
export const RAW_TOPIC = "/camera/image_raw";
export const PNG_TOPIC = "/camera/image_raw/compressed";

export interface FixtureContent {
  /** seq -> pixels, per image topic. */
  images: Map<string, Map<number, RgbaImage>>;
  chatter: string[];
  topics: { topic: string; datatype: string }[];
}

export async function readFixture(): Promise<FixtureContent> {
  const source = await openMessageSource(WEB_BAG);
  try {
    const raw = new Map<number, RgbaImage>();
    const png = new Map<number, RgbaImage>();
    const chatter: string[] = [];
    for await (const m of source.messages()) {
      if (m.topic === RAW_TOPIC) {
        const img = sensor_msgs.ImageCodec.decode(m.data);
        if (img.encoding !== "rgb8") throw new Error(`fixture: ${img.encoding}`);
        const rgba = new Uint8Array(img.width * img.height * 4);
        for (let y = 0; y < img.height; y++) {
          for (let x = 0; x < img.width; x++) {
            const i = y * img.step + x * 3;
            rgba.set(
              [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, 255],
              (y * img.width + x) * 4,
            );
          }
        }
        raw.set(img.header.seq, { width: img.width, height: img.height, rgba });
      } else if (m.topic === PNG_TOPIC) {
        const img = sensor_msgs.CompressedImageCodec.decode(m.data);
        png.set(img.header.seq, decodePng(img.data));
      } else if (m.topic === "/chatter") {
        chatter.push(std_msgs.StringCodec.decode(m.data).data);
      }
    }
    return {
      images: new Map([
        [RAW_TOPIC, raw],
        [PNG_TOPIC, png],
      ]),
      chatter,
      topics: source.channels.map((c) => ({ topic: c.topic, datatype: c.schemaName })),
    };
  } finally {
    await source.close();
  }
}

/** Number of pixels that differ between two RGBA images of the same size (all when sizes differ). */
export function differingPixels(a: RgbaImage, b: RgbaImage, tolerance = 0): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.width * a.height, 1);
  let count = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    for (let k = 0; k < 4; k++) {
      if (Math.abs(a.rgba[i + k]! - b.rgba[i + k]!) > tolerance) {
        count++;
        break;
      }
    }
  }
  return count;
}
