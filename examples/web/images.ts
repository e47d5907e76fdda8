/**
 * Drawing ROS images on a canvas in a browser. A `sensor_msgs/Image` carries raw pixels in one of
 * image_transport's encodings: they are converted to RGBA here (honouring `step`, which may pad
 * rows, and `is_bigendian` for 16-bit data). A `sensor_msgs/CompressedImage` carries PNG or JPEG
 * bytes that the browser's own decoder turns into a bitmap.
 */
import type { sensor_msgs } from "../../generated/index.js"; // in an app: from "noros/msgs"

/** Channel layout of the 8-bit colour encodings: bytes per pixel and where R, G, B (and A) are. */
const COLOR_LAYOUTS: Record<string, { bpp: number; r: number; g: number; b: number; a?: number }> =
  {
    rgb8: { bpp: 3, r: 0, g: 1, b: 2 },
    bgr8: { bpp: 3, r: 2, g: 1, b: 0 },
    "8UC3": { bpp: 3, r: 2, g: 1, b: 0 }, // OpenCV's default channel order
    rgba8: { bpp: 4, r: 0, g: 1, b: 2, a: 3 },
    bgra8: { bpp: 4, r: 2, g: 1, b: 0, a: 3 },
    "8UC4": { bpp: 4, r: 2, g: 1, b: 0, a: 3 },
  };
const MONO8 = new Set(["mono8", "8UC1"]);
const MONO16 = new Set(["mono16", "16UC1"]);

/** The encodings `imageToRgba` understands. */
export const SUPPORTED_ENCODINGS = [...Object.keys(COLOR_LAYOUTS), ...MONO8, ...MONO16];

/**
 * The pixels of a raw image as RGBA, row after row without padding. 16-bit images (depth in
 * millimetres, usually) are stretched from their smallest to their largest value, so that
 * something is visible. Throws an Error naming the problem for an encoding it does not know or a
 * `step`/`data` too short for the image.
 */
export function imageToRgba(msg: sensor_msgs.Image): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, step, encoding, data } = msg;
  const color = COLOR_LAYOUTS[encoding];
  const bpp = color?.bpp ?? (MONO8.has(encoding) ? 1 : MONO16.has(encoding) ? 2 : 0);
  if (bpp === 0) {
    throw new Error(
      `encoding "${encoding}" is not supported (supported: ${SUPPORTED_ENCODINGS.join(", ")})`,
    );
  }
  if (step < width * bpp) {
    throw new Error(`step ${step} is less than width ${width} x ${bpp} bytes (${encoding})`);
  }
  if (data.byteLength < step * (height - 1) + width * bpp) {
    throw new Error(
      `${data.byteLength} bytes of data for ${height} rows of step ${step} (${encoding})`,
    );
  }
  const out = new Uint8ClampedArray(width * height * 4);
  if (color !== undefined) {
    for (let y = 0; y < height; y++) {
      let i = y * step;
      let o = y * width * 4;
      for (let x = 0; x < width; x++, i += bpp, o += 4) {
        out[o] = data[i + color.r]!;
        out[o + 1] = data[i + color.g]!;
        out[o + 2] = data[i + color.b]!;
        out[o + 3] = color.a === undefined ? 255 : data[i + color.a]!;
      }
    }
  } else if (bpp === 1) {
    for (let y = 0; y < height; y++) {
      for (let x = 0, i = y * step, o = y * width * 4; x < width; x++, i++, o += 4) {
        out[o] = out[o + 1] = out[o + 2] = data[i]!;
        out[o + 3] = 255;
      }
    }
  } else {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const little = msg.is_bigendian === 0;
    let min = 65535;
    let max = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = view.getUint16(y * step + x * 2, little);
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    const scale = max > min ? 255 / (max - min) : 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0, o = y * width * 4; x < width; x++, o += 4) {
        out[o] = out[o + 1] = out[o + 2] = (view.getUint16(y * step + x * 2, little) - min) * scale;
        out[o + 3] = 255;
      }
    }
  }
  return out;
}

/** Draws a raw image at its own size (the canvas is resized to it). */
export function drawImage(canvas: HTMLCanvasElement, msg: sensor_msgs.Image): void {
  const pixels = imageToRgba(msg);
  resize(canvas, msg.width, msg.height);
  context(canvas).putImageData(new ImageData(pixels, msg.width, msg.height), 0, 0);
}

/**
 * Decodes a compressed image (PNG, JPEG: whatever the browser reads) and draws it at its own size.
 * `format` is image_transport's ("jpeg", "png", "bgr8; jpeg compressed bgr8", ...); the browser
 * recognises the bytes anyway, the type only helps it. Rejects when the bytes do not decode.
 */
export async function drawCompressedImage(
  canvas: HTMLCanvasElement,
  msg: sensor_msgs.CompressedImage,
): Promise<void> {
  const type = /png/i.test(msg.format) ? "image/png" : "image/jpeg";
  // The data is a view into the received frame: Blob copies it, so the frame can go.
  const blob = new Blob([msg.data as Uint8Array<ArrayBuffer>], { type });
  const bitmap = await createImageBitmap(blob);
  try {
    resize(canvas, bitmap.width, bitmap.height);
    context(canvas).drawImage(bitmap, 0, 0);
  } finally {
    bitmap.close();
  }
}

function resize(canvas: HTMLCanvasElement, width: number, height: number): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("this browser gives no 2D canvas context");
  return ctx;
}
