/**
 * The web example: what a bridge (or `noros play`) offers, live, in a browser page. A topic list
 * with types, rates and bandwidth; a live view of any image topic (sensor_msgs/Image and
 * CompressedImage); the TF frame tree with each frame's position in the tree's root frame.
 *
 * Built from the public API only: in an application the two imports below read
 * `from "noros"` and `from "noros/msgs"`. See README.md beside this file.
 */
import {
  RosClient,
  TfBuffer,
  TransformListener,
  type Subscription,
  type TopicInfo,
} from "../../runtime/index.js";
import { sensor_msgs, tf2_msgs } from "../../generated/index.js";

import { drawCompressedImage, drawImage } from "./images.js";
import { RateMeter } from "./rates.js";

const IMAGE_TYPES = new Set(["sensor_msgs/Image", "sensor_msgs/CompressedImage"]);
const REFRESH_MS = 500;

const params = new URLSearchParams(location.search);
const url = params.get("url") ?? `ws://${location.hostname || "localhost"}:8765`;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $<HTMLDivElement>("status");
const topicRows = $<HTMLTableSectionElement>("topics");
const imageSelect = $<HTMLSelectElement>("image-topic");
const imageInfo = $<HTMLDivElement>("image-info");
const canvas = $<HTMLCanvasElement>("image");
const framesView = $<HTMLPreElement>("frames");

// Generated codecs for the types this page decodes: the client prefers them over compiling the
// bridge's definitions (and the bundle carries only these).
const client = new RosClient(url, {
  reconnect: true,
  codecs: [sensor_msgs.ImageCodec, sensor_msgs.CompressedImageCodec, tf2_msgs.TFMessageCodec],
});

function setStatus(text: string, state: "connected" | "disconnected" | ""): void {
  statusLine.textContent = text;
  statusLine.className = state;
}
setStatus(`connecting to ${url}...`, "");
client.on("connect", ({ serverInfo }) =>
  setStatus(`connected to ${url} (${serverInfo.name})`, "connected"),
);
client.on("reconnect", ({ sessionChanged }) =>
  setStatus(`reconnected to ${url}${sessionChanged ? " (the server restarted)" : ""}`, "connected"),
);
client.on("disconnect", ({ retryInMs }) =>
  setStatus(
    `disconnected from ${url}` +
      (retryInMs !== undefined ? `; retrying in ${(retryInMs / 1000).toFixed(1)} s` : ""),
    "disconnected",
  ),
);
client.on("error", (error) => console.warn("noros:", error.message));

// --- topics: a raw subscription per topic (nothing is decoded) feeds its rate meter ----------

interface TopicRow {
  info: TopicInfo;
  meter: RateMeter;
  subscription: Subscription;
  row: HTMLTableRowElement;
}
const topics = new Map<string, TopicRow>();

function addTopic(info: TopicInfo): void {
  if (topics.has(info.topic)) return;
  const meter = new RateMeter();
  const subscription = client.subscribeRaw(info.topic, info.datatype, (bytes) =>
    meter.add(performance.now(), bytes.byteLength),
  );
  const row = document.createElement("tr");
  row.dataset["topic"] = info.topic;
  for (const name of ["topic", "type", "rate", "bandwidth"]) {
    const cell = row.insertCell();
    cell.className = name;
  }
  row.cells[0]!.textContent = info.topic;
  row.cells[1]!.textContent = info.datatype;
  topics.set(info.topic, { info, meter, subscription, row });
  renderTopics();
  updateImageChoices();
}

function removeTopic(topic: string): void {
  const entry = topics.get(topic);
  if (entry === undefined) return;
  entry.subscription.unsubscribe();
  topics.delete(topic);
  renderTopics();
  updateImageChoices();
}

function renderTopics(): void {
  const now = performance.now();
  const sorted = [...topics.values()].sort((a, b) => a.info.topic.localeCompare(b.info.topic));
  for (const { meter, row } of sorted) {
    row.cells[2]!.textContent = meter.rate(now).toFixed(1);
    row.cells[3]!.textContent = formatBandwidth(meter.bandwidth(now));
  }
  topicRows.replaceChildren(...sorted.map((t) => t.row));
}

function formatBandwidth(bytesPerSec: number): string {
  if (bytesPerSec >= 1e6) return `${(bytesPerSec / 1e6).toFixed(1)} MB/s`;
  if (bytesPerSec >= 1e3) return `${(bytesPerSec / 1e3).toFixed(1)} KB/s`;
  return `${bytesPerSec.toFixed(0)} B/s`;
}

client.on("advertise", (added) => added.forEach(addTopic));
client.on("unadvertise", (removed) => removed.forEach((t) => removeTopic(t.topic)));

// --- the image view --------------------------------------------------------------------------

let imageSubscription: Subscription | undefined;
let shownTopic: string | undefined;
/** A compressed image waiting while the previous one decodes: only the newest is kept. */
let pending: sensor_msgs.CompressedImage | undefined;
let decoding = false;

function updateImageChoices(): void {
  const choices = [...topics.values()]
    .filter((t) => IMAGE_TYPES.has(t.info.datatype))
    .map((t) => t.info.topic)
    .sort();
  const current = [...imageSelect.options].map((o) => o.value);
  if (choices.join("\n") !== current.join("\n")) {
    imageSelect.replaceChildren(...choices.map((topic) => new Option(topic, topic)));
  }
  const wanted = params.get("image");
  const choice =
    shownTopic !== undefined && choices.includes(shownTopic)
      ? shownTopic
      : wanted !== null && choices.includes(wanted)
        ? wanted
        : choices[0];
  if (choice !== undefined) imageSelect.value = choice;
  if (choice !== shownTopic) showImages(choice);
}

function showImages(topic: string | undefined): void {
  imageSubscription?.unsubscribe();
  imageSubscription = undefined;
  shownTopic = topic;
  imageInfo.textContent = topic === undefined ? "no image topic" : "waiting for an image...";
  if (topic === undefined) return;
  const datatype = topics.get(topic)?.info.datatype;
  if (datatype === "sensor_msgs/Image") {
    imageSubscription = client.subscribe(topic, sensor_msgs.ImageCodec, (msg) => {
      try {
        drawImage(canvas, msg);
        describeImage(`${msg.width}x${msg.height} ${msg.encoding}`, msg.header);
      } catch (error) {
        showImageError(error);
      }
    });
  } else {
    imageSubscription = client.subscribe(topic, sensor_msgs.CompressedImageCodec, (msg) => {
      pending = msg;
      void decodeNext();
    });
  }
}

async function decodeNext(): Promise<void> {
  if (decoding) return;
  decoding = true;
  try {
    while (pending !== undefined) {
      const msg = pending;
      pending = undefined;
      try {
        await drawCompressedImage(canvas, msg);
        describeImage(`${canvas.width}x${canvas.height} ${msg.format}`, msg.header);
      } catch (error) {
        showImageError(error);
      }
    }
  } finally {
    decoding = false;
  }
}

function describeImage(what: string, header: { seq: number; frame_id: string }): void {
  // Small images are shown enlarged (whole pixels, no smoothing), large ones fit the column.
  const scale = Math.max(1, Math.floor(480 / Math.max(canvas.width, 1)));
  canvas.style.width = `${canvas.width * scale}px`;
  imageInfo.textContent = `${what}, frame ${header.frame_id}, seq ${header.seq}`;
  imageInfo.className = "";
}

function showImageError(error: unknown): void {
  imageInfo.textContent = `cannot show ${shownTopic ?? "?"}: ${(error as Error).message}`;
  imageInfo.className = "error";
}

imageSelect.addEventListener("change", () => showImages(imageSelect.value));

// --- TF: the frame tree, each frame with its position in the root frame ----------------------

const tf = new TfBuffer({ cacheTimeSec: 10 });
new TransformListener(client, tf);

function renderFrames(): void {
  // tf2's allFramesAsString is the buffer's own account of each frame's parent.
  const parents = new Map<string, string>();
  for (const line of tf.allFramesAsString().split("\n")) {
    const m = /^Frame (.+) exists with parent (.+)\.$/.exec(line);
    if (m !== null) parents.set(m[1]!, m[2]!);
  }
  const children = new Map<string, string[]>();
  for (const [child, parent] of parents) {
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  // A frame whose parent tf2 does not know yet is listed under "NO_PARENT": a root as well.
  const roots = [
    ...[...children.keys()].filter((f) => !parents.has(f) && f !== "NO_PARENT"),
    ...(children.get("NO_PARENT") ?? []),
  ];
  const lines: string[] = [];
  const visit = (frame: string, depth: number, root: string): void => {
    let where = "";
    if (frame !== root) {
      try {
        const { x, y, z } = tf.lookupTransform(root, frame).transform.translation;
        where = `  (${x.toFixed(2)}, ${y.toFixed(2)}, ${z.toFixed(2)}) in ${root}`;
      } catch (error) {
        where = `  ${(error as Error).message}`;
      }
    }
    lines.push(`${"  ".repeat(depth)}${frame}${where}`);
    for (const child of (children.get(frame) ?? []).sort()) visit(child, depth + 1, root);
  };
  for (const root of roots.sort()) visit(root, 0, root);
  framesView.textContent = lines.length > 0 ? lines.join("\n") : "no transforms yet";
}

setInterval(() => {
  renderTopics();
  renderFrames();
}, REFRESH_MS);
