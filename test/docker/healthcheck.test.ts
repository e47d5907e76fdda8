/**
 * docker/healthcheck.sh: healthy only while something accepts TCP connections on the bridge's
 * port. The listener is a real socket on loopback; the script reads the container's variables.
 */
import { spawnSync } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";

import { describeIf, hasCommand } from "../helpers/env.js";
import { freePort } from "./processes.js";

const healthcheck = path.resolve(__dirname, "..", "..", "docker", "healthcheck.sh");

function check(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(healthcheck, [], {
    env: { PATH: "/usr/bin:/bin", ...env },
    encoding: "utf8",
    timeout: 20000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

async function listen(port: number, host: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return server;
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describeIf(hasCommand("bash") && hasCommand("timeout"), "needs bash and timeout")(
  "healthcheck.sh",
  () => {
    test("healthy while the port accepts connections, unhealthy once it does not", async () => {
      const port = await freePort();
      const env = { FOXGLOVE_PORT: String(port) };
      const server = await listen(port, "127.0.0.1");
      try {
        // The default address 0.0.0.0 is probed on loopback.
        const healthy = check(env);
        expect(healthy.output).toContain(`127.0.0.1:${port}`);
        expect(healthy.status).toBe(0);
      } finally {
        await close(server);
      }
      const unhealthy = check(env);
      expect(unhealthy.status).toBe(1);
      expect(unhealthy.output).toContain(`nothing accepts connections on 127.0.0.1:${port}`);
    });

    test("probes the configured address, not just any", async () => {
      const port = await freePort();
      const server = await listen(port, "127.0.0.1");
      try {
        expect(check({ FOXGLOVE_PORT: String(port), FOXGLOVE_ADDRESS: "127.0.0.1" }).status).toBe(
          0,
        );
        // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1 only).
        const elsewhere = check({ FOXGLOVE_PORT: String(port), FOXGLOVE_ADDRESS: "127.0.0.2" });
        expect(elsewhere.status).toBe(1);
        expect(elsewhere.output).toContain(`127.0.0.2:${port}`);
      } finally {
        await close(server);
      }
    });

    test.each(["0", "http", "70000", "-1"])(
      "FOXGLOVE_PORT=%j is unhealthy with a reason",
      (value) => {
        const result = check({ FOXGLOVE_PORT: value });
        expect(result.status).toBe(1);
        expect(result.output).toMatch(/is not a port number/);
      },
    );
  },
);
