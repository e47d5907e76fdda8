/**
 * examples/save-compressed-images.ts against the bridge-like server, fed with real recorded
 * sensor_msgs/CompressedImage messages: the committed golden bag (python3-rosbag) always, and a
 * real Raspberry Pi camera JPEG from the shared bags when present.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  imageFileName,
  main,
  saveCompressedImages,
} from "../../examples/save-compressed-images.js";
import type { Time } from "../../runtime/codec/types.js";
import { describeIf, sharedBagsDir } from "../helpers/env.js";
import { fromGoldenJson, GOLDEN_DIR, readJsonl } from "../helpers/golden.js";
import { readBag, type BagContents } from "./helpers/bags.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { newClient, until } from "./helpers/harness.js";

interface Image {
  header: { stamp: Time };
  format: string;
  data: Uint8Array;
}

let dir: string;
let server: BridgeServer;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "noros-images-"));
  server = await BridgeServer.start();
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Adds the bag's topic to the server; returns a function that publishes all its messages. */
function serveTopic(bag: BagContents, topic: string): () => void {
  const info = bag.topics.get(topic)!;
  const channel = server.addTopic(topic, info.datatype, info.definition);
  return () => {
    for (const m of bag.messages) if (m.topic === topic) server.publish(channel, m.data, m.timeNs);
  };
}

describe("save-compressed-images example", () => {
  const topic = "/std/sensor_msgs/CompressedImage";

  it("names files by stamp and format", () => {
    expect(imageFileName({ sec: 1700000000, nsec: 123 }, "jpeg")).toBe("1700000000_000000123.jpg");
    expect(imageFileName({ sec: 1, nsec: 0 }, "bgr8; jpeg compressed bgr8")).toBe(
      "1_000000000.jpg",
    );
    expect(imageFileName({ sec: 1, nsec: 0 }, "rgb8; png compressed rgb8")).toBe("1_000000000.png");
    expect(imageFileName({ sec: 1, nsec: 0 }, "xz:")).toBe("1_000000000.xz");
    expect(imageFileName({ sec: 1, nsec: 0 }, "../..")).toBe("1_000000000.bin");
  });

  it("saves every image of the golden bag with its bytes", async () => {
    const bag = await readBag(path.join(GOLDEN_DIR, "std.bag"), [topic]);
    const images = readJsonl(path.join(GOLDEN_DIR, "std.jsonl"))
      .filter((line) => line.topic === topic)
      .map((line) => fromGoldenJson(line.value) as Image);
    expect(images.length).toBeGreaterThan(1);
    const publish = serveTopic(bag, topic);
    const { client, events } = newClient(server.url);
    try {
      const saver = saveCompressedImages(client, topic, dir);
      await server.waitFor(() => server.subscribed.size === 1, "subscription");
      publish();
      await until(() => saver.saved.length === images.length, `${images.length} files`);
      expect(events.errors).toEqual([]);
      const names = saver.saved.map((file) => path.basename(file));
      expect(new Set(names).size).toBe(images.length);
      images.forEach((image, i) => {
        const expectedBase = imageFileName(image.header.stamp, image.format).replace(
          /\.[^.]+$/,
          "",
        );
        expect(names[i]!.startsWith(expectedBase)).toBe(true);
        expect(new Uint8Array(readFileSync(saver.saved[i]!))).toEqual(image.data);
      });
      expect(readdirSync(dir).sort()).toEqual([...names].sort()); // no .partial files left
    } finally {
      await client.close();
    }
  });

  it("runs from the command line until Ctrl-C, then closes the client", async () => {
    const bag = await readBag(path.join(GOLDEN_DIR, "std.bag"), [topic]);
    const publish = serveTopic(bag, topic);
    const errors: string[] = [];
    const spy = jest
      .spyOn(console, "error")
      .mockImplementation((text: string) => void errors.push(text));
    try {
      const run = main([topic, "--url", server.url, "--out", dir]);
      await server.waitFor(() => server.subscribed.size === 1, "subscription");
      publish();
      const count = bag.messages.length;
      await until(
        () => readdirSync(dir).filter((f) => !f.endsWith(".partial")).length === count,
        "files",
      );
      process.emit("SIGINT");
      await expect(run).resolves.toBe(0);
      await server.waitFor(() => server.connectionCount === 0, "the client to disconnect");
      expect(errors.at(-1)).toBe(`saved ${count} images`);
    } finally {
      spy.mockRestore();
    }
  });

  const built = path.join(__dirname, "..", "..", "dist", "examples", "save-compressed-images.js");
  (existsSync(built) ? it : it.skip)(
    "runs as the built program (node dist/examples/save-compressed-images.js) until SIGINT",
    async () => {
      const bag = await readBag(path.join(GOLDEN_DIR, "std.bag"), [topic]);
      const publish = serveTopic(bag, topic);
      const child = spawn(process.execPath, [built, topic, "--url", server.url, "--out", dir], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      try {
        await server.waitFor(() => server.subscribed.size === 1, "subscription");
        publish();
        const count = bag.messages.length;
        await until(
          () => readdirSync(dir).filter((f) => !f.endsWith(".partial")).length === count,
          "files",
        );
        child.kill("SIGINT");
        expect(await exited).toBe(0);
        expect(stderr.trim().split("\n").at(-1)).toBe(`saved ${count} images`);
      } finally {
        clearTimeout(timer);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  );

  it("rejects bad command lines with usage", async () => {
    const spy = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await expect(main([])).resolves.toBe(2);
      await expect(main(["/a", "--bogus"])).resolves.toBe(2);
      expect(String(spy.mock.calls[0]![0])).toMatch(/missing the topic\nusage:/);
    } finally {
      spy.mockRestore();
    }
  });
});

describeIf(sharedBagsDir() !== undefined, "../shared/bags is absent")(
  "with a real camera image",
  () => {
    it("saves the Raspberry Pi camera JPEG of fiducials__aruco_images.bag", async () => {
      const topic = "/raspicam_node/image/compressed";
      const bag = await readBag(path.join(sharedBagsDir()!, "fiducials__aruco_images.bag"), [
        topic,
      ]);
      const publish = serveTopic(bag, topic);
      const { client } = newClient(server.url);
      try {
        const saver = saveCompressedImages(client, topic, dir);
        await server.waitFor(() => server.subscribed.size === 1, "subscription");
        publish();
        await until(() => saver.saved.length === 1, "the image");
        const file = saver.saved[0]!;
        expect(path.basename(file)).toMatch(/^\d+_\d{9}\.jpg$/);
        const bytes = readFileSync(file);
        expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]); // JPEG start of image
        expect(bytes.byteLength).toBeGreaterThan(10_000);
      } finally {
        await client.close();
      }
    });
  },
);
