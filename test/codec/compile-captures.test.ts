/**
 * compileCodec on what a real foxglove_bridge 0.8.5 sent: the advertised schemas and the
 * MessageData frames captured next to them (../shared/bridge-captures).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg-serialization";
import { parse } from "@foxglove/rosmsg";
import { compileCodec } from "../../runtime/codec/compile.js";
import { bridgeCapturesDir, describeIf } from "../helpers/env.js";

const dir = bridgeCapturesDir();

interface Channel {
  id: number;
  topic: string;
  schemaName: string;
  schema: string;
}

describeIf(dir !== undefined, "../shared/bridge-captures is absent")("bridge captures", () => {
  const channels: Channel[] = readdirSync(dir!)
    .filter((f) => f.startsWith("text_advertise_"))
    .flatMap(
      (f) =>
        (JSON.parse(readFileSync(path.join(dir!, f), "utf8")) as { channels: Channel[] }).channels,
    );

  const frameFile = (topic: string) => `bin_message_${topic.replace(/\//g, "_")}.bin`;
  const withFrames = channels.filter((c) => existsSync(path.join(dir!, frameFile(c.topic))));

  it.each(channels.map((c) => [c.topic, c] as const))(
    "compiles the schema of %s",
    (_topic, channel) => {
      const codec = compileCodec(channel.schemaName, channel.schema);
      expect(codec.md5sum).toMatch(/^[0-9a-f]{32}$/);
      expect(codec.definition).toBe(channel.schema);
    },
  );

  it("has captured frames to decode", () => expect(withFrames.length).toBeGreaterThanOrEqual(3));

  it.each(withFrames.map((c) => [c.topic, c] as const))(
    "decodes %s like the reference",
    (topic, channel) => {
      const frame = readFileSync(path.join(dir!, frameFile(topic)));
      expect(frame[0]).toBe(1);
      const payload = new Uint8Array(frame.subarray(13));
      const codec = compileCodec(channel.schemaName, channel.schema);
      const decoded = codec.decode(payload, { strict: true });
      const reference = new MessageReader(parse(channel.schema)).readMessage(payload);
      expect(JSON.stringify(decoded, replacer)).toEqual(JSON.stringify(reference, replacer));
      expect(codec.encode(decoded as never)).toEqual(payload);
      expect(new MessageWriter(parse(channel.schema)).writeMessage(decoded)).toEqual(payload);
    },
  );
});

function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as Uint8Array);
  if (typeof value === "bigint") return value.toString();
  return value;
}
