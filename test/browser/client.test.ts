/**
 * RosClient in a real browser: Debian's Chromium loads a page that bundles the client from the
 * public API (test/browser/page/probe.ts, bundled by esbuild for browsers), connects to
 * `noros play` of test/fixtures/web/camera.bag, receives typed messages, decodes a
 * sensor_msgs/Image (rgb8 with padded rows) and a CompressedImage (a real PNG) and draws them on
 * canvases whose pixels, read back, must equal the recording's; publishes a message that a Node
 * client sees arrive through the server; and keeps working after the server restarts.
 * Skips with its reason where Chromium or playwright-core is absent.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";

import { startPageServer, type PageServer } from "../../examples/web/page-server.js";
import { std_msgs } from "../../generated/index.js";
import { RosClient } from "../../runtime/index.js";
import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { describeIf } from "../helpers/env.js";
import { browserMissing, launchChromium, type RunningChromium } from "./chromium.js";
import { EventLog } from "./events.js";
import {
  PNG_TOPIC,
  RAW_TOPIC,
  WEB_BAG,
  differingPixels,
  readFixture,
  type FixtureContent,
} from "./fixture.js";
import type { ProbeEvent } from "./page/events.js";

type ImageEvent = Extract<ProbeEvent, { kind: "image" }>;
const PAGE_DIR = path.join(__dirname, "page");
const OUT_DIR = path.join(__dirname, "out");
const missing = browserMissing();

describeIf(missing === undefined, missing ?? "")("RosClient in Chromium", () => {
  let fixture: FixtureContent;
  let chrome: RunningChromium | undefined;
  let pageServer: PageServer | undefined;
  let play: PlayServer | undefined;
  let watcher: RosClient | undefined;
  const log = new EventLog<ProbeEvent>();
  const pageErrors: string[] = [];
  const heard = new EventLog<string>();
  const measured: Record<string, number> = {};
  let page: Page;

  const serve = (port: number) =>
    startPlayServer({
      file: WEB_BAG,
      port,
      loop: true,
      rate: 1,
      name: "noros play (browser test)",
    });

  beforeAll(async () => {
    fixture = await readFixture();
    play = await serve(0);
    pageServer = await startPageServer({
      entry: path.join(PAGE_DIR, "probe.ts"),
      html: path.join(PAGE_DIR, "index.html"),
      port: 0,
    });
    measured.bundleBytes = pageServer.bundle.byteLength;
    measured.bundleGzipBytes = gzipSync(pageServer.bundle).byteLength;
    chrome = await launchChromium();
    const context = await chrome.browser.newContext();
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.exposeFunction("report", (event: ProbeEvent) => log.push(event));
    await page.goto(`${pageServer.url}?url=${encodeURIComponent(play.url)}`);
  }, 120_000);

  afterAll(async () => {
    await watcher?.close();
    await play?.close();
    await chrome?.close();
    await pageServer?.close();
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(
      path.join(OUT_DIR, "client-measurements.json"),
      `${JSON.stringify(measured, null, 2)}\n`,
    );
  }, 60_000);

  /** Waits for images of three different frames on each image topic, from event `from` on. */
  async function threeFramesEach(from: number): Promise<ImageEvent[]> {
    for (const topic of [RAW_TOPIC, PNG_TOPIC]) {
      const seen = new Set<number>();
      await log.waitFor(
        `three frames of ${topic}`,
        (e) => e.kind === "image" && e.topic === topic && seen.add(e.seq).size >= 3,
        { from },
      );
    }
    return log.events.slice(from).filter((e): e is ImageEvent => e.kind === "image");
  }

  function expectDrawnAsRecorded(images: ImageEvent[]): void {
    for (const e of images) {
      const expected = fixture.images.get(e.topic)?.get(e.seq);
      expect(expected).toBeDefined();
      const drawn = { width: e.width, height: e.height, rgba: Buffer.from(e.rgba, "base64") };
      expect({ topic: e.topic, seq: e.seq, differing: differingPixels(drawn, expected!) }).toEqual({
        topic: e.topic,
        seq: e.seq,
        differing: 0,
      });
      expect(e.frameId).toBe("camera_optical");
      expect(e.dataIsBytes).toBe(true);
      expect(e.format).toBe(e.topic === RAW_TOPIC ? "rgb8" : "rgb8; png compressed rgb8");
    }
  }

  it("receives typed messages and draws both images with exactly the recorded pixels", async () => {
    const connect = await log.waitFor("the first connection", (e) => e.kind === "connect");
    expect(connect).toMatchObject({ reconnected: false });
    const images = await threeFramesEach(0);
    expectDrawnAsRecorded(images);
    // The probe would report a broken decode as an error event; there must be none.
    expect(log.events.filter((e) => e.kind === "error")).toEqual([]);
    expect(images.find((e) => e.topic === RAW_TOPIC)).toMatchObject({ width: 32, height: 24 });
    expect(images.find((e) => e.topic === PNG_TOPIC)).toMatchObject({ width: 40, height: 30 });
    const chatter = await log.waitFor(
      "a /chatter message",
      (e): e is Extract<ProbeEvent, { kind: "chatter" }> => e.kind === "chatter",
    );
    expect(fixture.chatter).toContain(chatter.data);
    measured.pageFirstImageMs = Math.min(...images.map((e) => e.ms));
    expect(pageErrors).toEqual([]);
  }, 180_000); // event waits inside are 60 s each: generous for a loaded machine

  it("publishes: a Node client subscribed at the server receives what the page sends", async () => {
    await page.evaluate(() => window.probe.advertise());
    watcher = new RosClient(play!.url, { reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
    watcher.subscribe("/browser/chatter", std_msgs.StringCodec, (msg) => heard.push(msg.data));
    await play!.subscribed("/browser/chatter");
    await page.evaluate(() => window.probe.publish("hello from chromium 1"));
    await heard.waitFor("the page's message", (text) => text === "hello from chromium 1");
  }, 180_000); // event waits inside are 60 s each: generous for a loaded machine

  it("survives the server restarting: reconnects, receives, draws and publishes again", async () => {
    const port = play!.port;
    const from = log.events.length;
    const restartedAt = Date.now();
    await play!.close();
    play = undefined;
    play = await serve(port);
    const reconnect = await log.waitFor("the page reconnecting", (e) => e.kind === "connect", {
      from,
    });
    expect(reconnect).toMatchObject({ reconnected: true, sessionChanged: true });
    const images = await threeFramesEach(log.events.indexOf(reconnect));
    expectDrawnAsRecorded(images);
    measured.restartToImagesMs = Date.now() - restartedAt;

    const heardFrom = heard.events.length;
    await play.subscribed("/browser/chatter");
    await page.evaluate(() => window.probe.publish("hello from chromium 2"));
    await heard.waitFor(
      "the page's message after the restart",
      (t) => t === "hello from chromium 2",
      {
        from: heardFrom,
      },
    );
    expect(pageErrors).toEqual([]);
  }, 180_000); // event waits inside are 60 s each: generous for a loaded machine

  it("imports nothing but the package's public entry points", () => {
    // The page stands for a user's app: only "noros" (runtime/index), "noros/msgs" (generated/)
    // and the web example's own public-API modules.
    for (const file of ["page/probe.ts", "../../examples/web/images.ts"]) {
      const text = readFileSync(path.join(__dirname, file), "utf8");
      const specifiers = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
      for (const s of specifiers) {
        expect([
          s,
          /(runtime\/index|generated\/index|\.\/[\w-]+|web\/images)\.js$/.test(s),
        ]).toEqual([s, true]);
      }
    }
  });
});
