/**
 * examples/web in Chromium, started the way its README says (`node dist/examples/web/main.js
 * --url ...`, what `npm run example:web` runs), connected to `noros play` of
 * test/fixtures/web/camera.bag: the topic list with types and rates, the image view and the TF
 * tree are checked in the page, and screenshots (test/browser/out/web-example*.png) must show one
 * of the recording's frames, pixel for pixel, where the image view is: of the Image topic, then of
 * the CompressedImage (PNG) topic.
 * Skips with its reason where Chromium or playwright-core is absent; needs `npm run build`
 * (which `npm ci` runs) for the command.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";

import { startPlayServer, type PlayServer } from "../../tools/play/server.js";
import { describeIf } from "../helpers/env.js";
import { browserMissing, launchChromium, type RunningChromium } from "./chromium.js";
import {
  PNG_TOPIC,
  RAW_TOPIC,
  WEB_BAG,
  differingPixels,
  readFixture,
  type FixtureContent,
} from "./fixture.js";
import { decodePng, type RgbaImage } from "./png.js";

const ROOT = path.resolve(__dirname, "..", "..");
const MAIN = path.join(ROOT, "dist", "examples", "web", "main.js");
const OUT_DIR = path.join(__dirname, "out");
const missing = browserMissing() ?? (existsSync(MAIN) ? undefined : "needs dist/ (npm run build)");

/** Starts the example's command; resolves with the address it prints. */
function startExample(url: string): Promise<{ child: ChildProcess; open: string }> {
  const child = spawn(process.execPath, [MAIN, "--url", url, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m !== null) resolve({ child, open: m[1]! });
    });
    child.once("exit", (code) => reject(new Error(`example exited ${code}: ${err}${out}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    process.kill(child.pid!, "SIGTERM");
  });
}

describeIf(missing === undefined, missing ?? "")("examples/web in Chromium", () => {
  let play: PlayServer | undefined;
  let example: ChildProcess | undefined;
  let chrome: RunningChromium | undefined;
  let fixture: FixtureContent;

  afterAll(async () => {
    if (example !== undefined) await stop(example);
    await play?.close();
    await chrome?.close();
  }, 60_000);

  /**
   * Saves a screenshot as `name` and reads the image view from it: each source pixel is a block
   * of whole screen pixels there (the page enlarges small images without smoothing), sampled at
   * the blocks' centres. Returns how many pixels differ from the closest recorded frame of
   * `topic` (0: the screenshot shows one of them exactly).
   */
  async function shownFrame(
    page: Page,
    name: string,
    width: number,
    height: number,
    topic: string,
  ): Promise<number> {
    const shot = decodePng(await page.screenshot({ path: path.join(OUT_DIR, name) }));
    const box = (await page.locator("#image").boundingBox())!;
    const cell = (box.width - 2) / width; // inside its 1 px border
    expect(cell).toBeGreaterThanOrEqual(4);
    const shown: RgbaImage = { width, height, rgba: new Uint8Array(width * height * 4) };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sx = Math.floor(box.x + 1 + (x + 0.5) * cell);
        const sy = Math.floor(box.y + 1 + (y + 0.5) * cell);
        const i = (sy * shot.width + sx) * 4;
        shown.rgba.set(shot.rgba.subarray(i, i + 4), (y * width + x) * 4);
      }
    }
    const recorded = [...fixture.images.get(topic)!.values()];
    return Math.min(...recorded.map((frame) => differingPixels(shown, frame)));
  }

  it("lists topics with types and rates, shows both kinds of image and the TF tree", async () => {
    fixture = await readFixture();
    play = await startPlayServer({ file: WEB_BAG, port: 0, loop: true, rate: 1 });
    const started = await startExample(play.url);
    example = started.child;
    expect(started.open).toContain(`?url=${encodeURIComponent(play.url)}`);
    chrome = await launchChromium();
    const context = await chrome.browser.newContext({ viewport: { width: 1400, height: 760 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const loadedAt = Date.now();
    await page.goto(started.open);

    // Every topic of the recording listed with its type; the 10 Hz ones with a rate above 0.
    const rateOf = (topic: string) =>
      page.locator(`tr[data-topic="${topic}"] td.rate`).textContent({ timeout: 60_000 });
    const live = ["/camera/image_raw", "/camera/image_raw/compressed", "/tf", "/chatter"];
    await page.waitForFunction(
      (topics) =>
        topics.every(
          (t) => Number(document.querySelector(`tr[data-topic="${t}"] td.rate`)?.textContent) > 0,
        ),
      live,
      { timeout: 60_000 },
    );
    const firstRatesMs = Date.now() - loadedAt;
    const rows = await page
      .locator("#topics tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
      );
    expect(rows.map(([topic, type]) => `${topic} ${type}`)).toEqual(
      fixture.topics.map((t) => `${t.topic} ${t.datatype}`).sort(),
    );
    const rates = Object.fromEntries(
      await Promise.all(live.map(async (t) => [t, Number(await rateOf(t))] as const)),
    );
    for (const t of live) expect(rates[t]).toBeGreaterThan(0);

    // The image view shows the first image topic, /camera/image_raw, and says what it shows.
    await page.waitForFunction(
      () =>
        /^32x24 rgb8, frame camera_optical, seq \d+$/.test(
          document.getElementById("image-info")?.textContent ?? "",
        ),
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.locator("#image-topic").inputValue()).toBe(RAW_TOPIC);

    // TF: the tree from /tf_static and /tf, positions in the root frame (map).
    await page.waitForFunction(
      () => (document.getElementById("frames")?.textContent ?? "").includes("camera_optical"),
      undefined,
      { timeout: 60_000 },
    );
    const frames = (await page.locator("#frames").textContent())!.split("\n");
    expect(frames[0]).toBe("map");
    expect(frames[1]).toBe("  odom  (2.00, 0.00, 0.00) in map");
    expect(frames[2]).toMatch(/^ {4}base_link {2}\(\d\.\d\d, 0\.00, 0\.00\) in map$/);
    expect(frames[3]).toMatch(/^ {6}camera_link {2}\(\d\.\d\d, 0\.00, 0\.50\) in map$/);
    expect(frames[4]).toMatch(/^ {8}camera_optical {2}\(\d\.\d\d, 0\.00, 0\.50\) in map$/);

    mkdirSync(OUT_DIR, { recursive: true });
    expect(await shownFrame(page, "web-example.png", 32, 24, RAW_TOPIC)).toBe(0);

    // The other image topic: a PNG in a CompressedImage, decoded by the browser.
    await page.selectOption("#image-topic", PNG_TOPIC);
    await page.waitForFunction(
      () =>
        /^40x30 rgb8; png compressed rgb8, frame camera_optical, seq \d+$/.test(
          document.getElementById("image-info")?.textContent ?? "",
        ),
      undefined,
      { timeout: 60_000 },
    );
    expect(await shownFrame(page, "web-example-compressed.png", 40, 30, PNG_TOPIC)).toBe(0);
    expect(pageErrors).toEqual([]);

    writeFileSync(
      path.join(OUT_DIR, "web-example-measurements.json"),
      `${JSON.stringify({ firstRatesMs, rates }, null, 2)}\n`,
    );
  }, 300_000); // several 60 s waits inside: generous for a loaded machine
});
