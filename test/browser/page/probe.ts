/**
 * The page the browser test loads: RosClient in Chromium, from the public API only (the package's
 * entry and its generated messages; the image drawing of the web example, itself public-API
 * code). It reports what it sees through `window.report` (a binding the test exposes): each
 * connection, each image with the pixels read back from the canvas it was drawn on, each
 * /chatter message. `window.probe.advertise()` then `publish(text)` publish std_msgs/String
 * messages on /browser/chatter.
 */
import { RosClient, type Publisher } from "../../../runtime/index.js";
import { sensor_msgs, std_msgs } from "../../../generated/index.js";
import { drawCompressedImage, drawImage } from "../../../examples/web/images.js";

import type { ProbeEvent } from "./events.js";

declare global {
  interface Window {
    report(event: ProbeEvent): void;
    probe: { advertise(): Promise<void>; publish(text: string): void };
  }
}

const started = performance.now();
const url = new URLSearchParams(location.search).get("url");
if (url === null) throw new Error("the page needs ?url=ws://...");

const client = new RosClient(url, { reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
const report = (event: ProbeEvent) => window.report(event);
const since = () => Math.round(performance.now() - started);

client.on("connect", (e) =>
  report({
    kind: "connect",
    reconnected: e.reconnected,
    sessionChanged: e.sessionChanged,
    ms: since(),
  }),
);
client.on("error", (e) => report({ kind: "error", message: e.message, ms: since() }));

/** The canvas' pixels as base64 RGBA: what the page really shows, not what it meant to draw. */
function readBack(canvas: HTMLCanvasElement): string {
  const ctx = canvas.getContext("2d")!;
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let binary = "";
  for (let i = 0; i < data.length; i += 0x8000) {
    binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const rawCanvas = document.getElementById("raw") as HTMLCanvasElement;
client.subscribe("/camera/image_raw", sensor_msgs.ImageCodec, (msg) => {
  // Typed: msg is sensor_msgs.Image, its data a Uint8Array view into the received frame.
  drawImage(rawCanvas, msg);
  report({
    kind: "image",
    topic: "/camera/image_raw",
    seq: msg.header.seq,
    frameId: msg.header.frame_id,
    format: msg.encoding,
    dataIsBytes: msg.data instanceof Uint8Array,
    width: rawCanvas.width,
    height: rawCanvas.height,
    rgba: readBack(rawCanvas),
    ms: since(),
  });
});

const compressedCanvas = document.getElementById("compressed") as HTMLCanvasElement;
// Decoding is asynchronous: images are drawn one after another, in order.
let drawing = Promise.resolve();
client.subscribe("/camera/image_raw/compressed", sensor_msgs.CompressedImageCodec, (msg) => {
  drawing = drawing.then(async () => {
    try {
      await drawCompressedImage(compressedCanvas, msg);
    } catch (error) {
      report({ kind: "error", message: (error as Error).message, ms: since() });
      return;
    }
    report({
      kind: "image",
      topic: "/camera/image_raw/compressed",
      seq: msg.header.seq,
      frameId: msg.header.frame_id,
      format: msg.format,
      dataIsBytes: msg.data instanceof Uint8Array,
      width: compressedCanvas.width,
      height: compressedCanvas.height,
      rgba: readBack(compressedCanvas),
      ms: since(),
    });
  });
});

client.subscribe("/chatter", std_msgs.StringCodec, (msg) =>
  report({ kind: "chatter", data: msg.data, ms: since() }),
);

let publisher: Publisher<std_msgs.String> | undefined;
window.probe = {
  async advertise() {
    publisher ??= await client.advertise("/browser/chatter", std_msgs.StringCodec);
  },
  publish(text: string) {
    if (publisher === undefined) throw new Error("advertise first");
    publisher.publish({ data: text });
  },
};
