/**
 * The `noros` commands where ROS behaviour matters (issue 16), in-process against `noros play` of
 * real bags: time going back in a looping replay, topics with several publishers, relative
 * names, recording over an existing file, and the small usability points.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

import { main } from "../../tools/cli";
import { startPlayServer, type PlayServer } from "../../tools/play/server";
import { describeIf, sharedBagsDir } from "../helpers/env";
import { tempDir } from "./helpers";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function noros(args: string[], signal = new AbortController().signal): Promise<Run> {
  const out = { stdout: "", stderr: "" };
  return main(args, {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    signal,
    env: {},
  }).then((code) => ({ code, ...out }));
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const bagsDir = sharedBagsDir() ?? "";

describeIf(sharedBagsDir() !== undefined, "needs ../shared/bags")("noros commands as ROS", () => {
  const servers: PlayServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function play(bag: string, options: Partial<Parameters<typeof startPlayServer>[0]> = {}) {
    const server = await startPlayServer({
      file: path.join(bagsDir, bag),
      port: 0,
      ...options,
    });
    servers.push(server);
    return server;
  }

  it("hz starts over when time goes back in a looping replay (no Infinity, no negative gap)", async () => {
    // 17 markers over 1.6 s; at --rate 4 a pass takes 0.4 s, so 2.5 s see several restarts.
    const server = await play("jsk_recognition__bunny_marker_array.bag", { loop: true, rate: 4 });
    const topic = server.channels[0]!.topic;
    const run = await noros(["hz", topic, "--url", server.url, "--duration", "2.5"]);
    expect(run.code).toBe(0);
    expect(server.stats().passes).toBeGreaterThanOrEqual(2);
    const reports = lines(run.stdout).filter((l) => l.startsWith("average rate"));
    expect(reports.length).toBeGreaterThanOrEqual(1);
    for (const report of reports) {
      expect(report).not.toMatch(/Infinity|NaN|min: -/);
      // 17 messages in 1.6 s at --rate 4: about 40 Hz, measured on the replay's receive times.
      const rate = Number(/average rate: ([\d.]+) Hz/.exec(report)?.[1]);
      expect(rate).toBeGreaterThan(20);
      expect(rate).toBeLessThan(80);
    }
    expect(run.stderr).toContain("time went back");
  });

  it("resolves relative names as rostopic does, on the served bag and on the command line", async () => {
    // cartographer's b0-short.bag was recorded with the relative names imu, horizontal_laser_2d...
    const server = await play("cartographer_ros__b0-short.bag", { rate: 0, loop: true });
    const topics = await noros(["topics", "--url", server.url, "--json"]);
    const names = lines(topics.stdout).map((l) => (JSON.parse(l) as { topic: string }).topic);
    expect(names.sort()).toEqual(["/horizontal_laser_2d", "/imu", "/vertical_laser_2d"]);
    for (const asked of ["/imu", "imu", "//imu/"]) {
      const run = await noros([
        "echo",
        asked,
        "-n",
        "1",
        "--url",
        server.url,
        "--fields",
        "header.frame_id",
      ]);
      expect([asked, run.code, run.stderr]).toEqual([asked, 0, ""]);
      expect(JSON.parse(run.stdout)).toBe("imu_link");
    }
    const hz = await noros(["hz", "imu", "--url", server.url, "--duration", "1"]);
    expect(hz.code).toBe(0);
    expect(hz.stdout).toContain("average rate");
    const privateName = await noros(["echo", "~imu", "--url", server.url]);
    expect(privateName.code).toBe(2);
    expect(lines(privateName.stderr)).toEqual([
      'noros echo: "~imu" is a private (~) name; give the topic\'s full name',
    ]);
  });
});
