/**
 * Definitions of hostile size: a 50 MB schema gives a short error, and neither it nor many
 * distinct definitions stay cached after use.
 */
import { SchemaCodecs } from "../../runtime/client/schema-codecs.js";
import type { RosClient } from "../../runtime/client/index.js";
import { BridgeServer } from "./helpers/bridge-server.js";
import { newClient, until } from "./helpers/harness.js";

describe("schema size bounds", () => {
  const clients: RosClient[] = [];
  const servers: BridgeServer[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("reports a 50 MB bad schema in a short error, quoting an excerpt", async () => {
    const server = await BridgeServer.start();
    servers.push(server);
    const { client, events } = newClient(server.url);
    clients.push(client);
    await client.connected();
    const bad = `int32 ok\n${"y".repeat(50_000_000)} z w\n`;
    server.addTopic("/huge", "pkg/Huge", bad);
    client.subscribe("/huge", "*", () => undefined);
    await until(() => events.errors.length > 0, "the schema error", 20000);
    expect(events.errors).toHaveLength(1);
    const message = events.errors[0]!.message;
    expect(message.length).toBeLessThan(500);
    expect(message).toContain(`invalid declaration '${"y".repeat(120)}... (50000004 characters)'`);
  }, 60000);

  it("keeps neither a huge definition nor more than its bounds in the codec cache", () => {
    const codecs = new SchemaCodecs();
    const huge = `# ${"c".repeat(20_000_000)}\nint32 x\n`;
    expect(codecs.compile("pkg/Huge", huge).decode(Uint8Array.of(7, 0, 0, 0))).toEqual({ x: 7 });
    expect(codecs.cacheStats).toEqual({ entries: 0, chars: 0 });
    expect(() => codecs.compile("pkg/Bad", `x${"\u001b".repeat(10)} a b\n`)).toThrow(
      /invalid declaration 'x\\x1b\\x1b\\x1b/,
    );
    for (let i = 0; i < 1000; i++) codecs.compile("pkg/N", `int32 x${i}\n`);
    expect(codecs.cacheStats.entries).toBeLessThanOrEqual(256);
  });
});
