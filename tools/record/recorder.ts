/**
 * `record`: subscribes (raw, through the project's RosClient) to a bridge's topics and writes
 * every received message with its schema to MCAP. Recording needs no codecs: the bytes are stored
 * exactly as the bridge sent them and the definition text exactly as it advertised it.
 *
 * A ROS 1 bridge gives a `ros1` profile file (channels carry `callerid` and `latching`); a ROS 2
 * bridge (it offers `cdr`, not `ros1`) a `ros2` one as rosbag2 writes it (`cdr` channels with
 * `offered_qos_profiles` and `topic_type_hash`, the `rosbag2` metadata record with the bridge's
 * ROS_DISTRO; see rosbag2-metadata.ts), with `callerid` kept for `noros play`.
 *
 * A lost connection does not end the recording by default: the client reconnects with backoff
 * and subscribes again (a bridge restart costs only the messages sent while it was down).
 *
 * Ending: `signal` (Ctrl-C in the CLI), `limit` messages, `durationSec`, or (with
 * `reconnect: false`) the bridge closing the connection. In every case the messages received so
 * far are written, and the file is finished (summary, index) and renamed from `.part`. A failed
 * write (full disk) ends the recording at once with a `UserError`: the `.part` keeps what reached
 * the disk. A killed process loses at most the last `flushIntervalMs` of messages (see
 * mcap-writer.ts); `recoverRecording` (recover.ts) makes a whole file of its `.part`.
 */
import { existsSync } from "node:fs";

import {
  ANY_TYPE,
  RosClient,
  type MessageInfo,
  type RosClientError,
} from "../../runtime/client/index.js";
import { normalizeBridgeUrl } from "../bridge/connection.js";
import { connectionProblem, globalName } from "../bridge/session.js";
import { UserError } from "../errors.js";
import { McapRecordingWriter, checkOutputPath, type RecordingProfile } from "./mcap-writer.js";
import { TopicPublishers } from "./publishers.js";
import { ros2ChannelMetadata } from "./rosbag2-metadata.js";

export interface RecordProgress {
  readonly messages: number;
  /** Bytes written to the file so far. */
  readonly bytes: number;
  readonly elapsedMs: number;
  /** Messages per second since the previous progress report. */
  readonly rate: number;
  /** Channels (topic, type, definition) recorded so far. */
  readonly channels: number;
  /** Topics recorded so far (a topic with several definition texts has several channels). */
  readonly topics: number;
}

export interface RecordOptions {
  /** Bridge URL, e.g. ws://localhost:8765. */
  readonly url: string;
  /** Output file (`.mcap`); written as `<out>.part` until finished. */
  readonly out: string;
  /** Topics to record (exact names). Empty or absent: every topic, including ones advertised later. */
  readonly topics?: readonly string[];
  /** Aborting ends the recording cleanly (the CLI aborts on Ctrl-C). */
  readonly signal?: AbortSignal;
  /** End after this many messages in total. */
  readonly limit?: number;
  /** End after this many seconds. */
  readonly durationSec?: number;
  /** Replace `out` when it exists (default false: refuse, so no recording is lost). */
  readonly force?: boolean;
  /**
   * Topics to mark latched in the file (`latching=1`), so `noros play` hands their last message
   * to late subscribers. The protocol does not say which topics are latched; /tf_static always is.
   */
  readonly latched?: readonly string[];
  /** Reconnect after a lost connection (default true); false ends the recording instead. */
  readonly reconnect?: boolean;
  /** Time allowed for the first connection. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Called every `progressIntervalMs` (default 1000) while recording. */
  readonly onProgress?: (progress: RecordProgress) => void;
  readonly progressIntervalMs?: number;
  /** A new channel (topic, type, definition) got its first message. */
  readonly onChannel?: (info: MessageInfo) => void;
  /** Something worth telling the user that does not stop the recording. */
  readonly onWarning?: (message: string) => void;
  /** Longest time a received message waits in memory before it is written (default 1000 ms). */
  readonly flushIntervalMs?: number;
}

export type RecordEnd = "signal" | "limit" | "duration" | "disconnect" | "write-error";

export interface RecordResult {
  readonly path: string;
  readonly messages: number;
  readonly bytes: number;
  readonly messagesByTopic: ReadonlyMap<string, number>;
  /** Requested topics that were never advertised. */
  readonly missingTopics: readonly string[];
  readonly endedBy: RecordEnd;
  /** For `disconnect`: what the bridge said. */
  readonly disconnect?: { code: number; reason: string };
}

/**
 * Resolves once the client is connected; rejects on the first failed attempt (a mistyped URL
 * or a bridge that is not running should fail at once, not after retrying).
 */
async function firstConnection(client: RosClient, url: string, timeoutMs: number): Promise<void> {
  let onError: ((error: RosClientError) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    onError = (error) => {
      if (error.kind === "connection") reject(connectionProblem(url, error));
    };
    client.on("error", onError);
  });
  try {
    await Promise.race([
      client.connected({ timeoutMs }).catch((e: unknown) => {
        throw connectionProblem(url, e);
      }),
      failed,
    ]);
  } catch (error) {
    await client.close();
    throw error;
  } finally {
    if (onError !== undefined) client.off("error", onError);
  }
}

/**
 * How long messages wait for the connection graph to name publishers before being written
 * without callerid (`noros play` answers after 1 s; a just-started foxglove_bridge after up to
 * 5 s, a running one at once). Held messages are in memory only: this is also how much longer
 * than `flushIntervalMs` the very first messages can take to reach the disk.
 */
const GRAPH_WAIT_MS = 1500;

export async function record(options: RecordOptions): Promise<RecordResult> {
  const url = normalizeBridgeUrl(options.url);
  const wanted =
    options.topics !== undefined && options.topics.length > 0
      ? new Set(options.topics.map(globalName))
      : undefined;
  const latched = new Set(["/tf_static", ...(options.latched ?? []).map(globalName)]);
  // A bad output path fails now, not after the whole recording; an existing file needs --force.
  await checkOutputPath(options.out);
  if (options.force !== true && existsSync(options.out)) {
    throw new UserError(`${options.out} exists; pass --force to overwrite it`);
  }
  const reconnect = options.reconnect ?? true;
  const client = new RosClient(url, { reconnect });
  await firstConnection(client, url, options.connectTimeoutMs ?? 5000);
  const serverInfo = client.serverInfo;
  const encodings = serverInfo?.supportedEncodings ?? [];
  const profile: RecordingProfile =
    encodings.includes("cdr") && !encodings.includes("ros1") ? "ros2" : "ros1";
  let writer: McapRecordingWriter;
  try {
    const flush = options.flushIntervalMs;
    writer = await McapRecordingWriter.create(options.out, undefined, {
      profile,
      rosDistro: serverInfo?.metadata?.ROS_DISTRO ?? "",
      ...(flush !== undefined ? { flushIntervalMs: flush } : {}),
    });
  } catch (error) {
    await client.close();
    throw error;
  }

  const seenTopics = new Set<string>();
  const messagesByTopic = new Map<string, number>();
  /** One MCAP channel per distinct (topic, type, definition): channel ids change with bridge runs. */
  const mcapChannels = new Map<string, Promise<number>>();
  let messages = 0;

  let endedBy: RecordEnd | undefined;
  let resolveEnd!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  const end = (why: RecordEnd) => {
    if (endedBy !== undefined) return;
    endedBy = why;
    resolveEnd();
  };
  let writeError: unknown;
  void writer.failed.then((error) => {
    writeError = error;
    end("write-error");
  });

  // The publishers (for callerid) come from the connection graph, over a second connection.
  // Messages received before it answered (at most GRAPH_WAIT_MS) are held, then written in order.
  let held: [Uint8Array, bigint, MessageInfo][] | undefined = [];
  let publishers: TopicPublishers | undefined;
  const graphWatched = TopicPublishers.watch(url, GRAPH_WAIT_MS).then((watching) => {
    publishers = watching;
    const messagesSoFar = held ?? [];
    held = undefined;
    for (const message of messagesSoFar) write(...message);
  });
  const onMessage = (bytes: Uint8Array, receiveTimeNs: bigint, info: MessageInfo) => {
    if (endedBy !== undefined) return;
    if (held !== undefined) held.push([bytes, receiveTimeNs, info]);
    else write(bytes, receiveTimeNs, info);
  };
  const write = (bytes: Uint8Array, receiveTimeNs: bigint, info: MessageInfo) => {
    if (options.limit !== undefined && messages >= options.limit) return;
    const key = `${info.topic}\n${info.datatype}\n${info.definition}`;
    let channel = mcapChannels.get(key);
    if (channel === undefined) {
      if (info.definition === "") {
        options.onWarning?.(
          `${info.topic}: the bridge has no definition of ${info.datatype} (not installed on its host, or a type without fields); recording with an empty schema`,
        );
      }
      // callerid lists every publisher, comma-separated (ROS names have no commas).
      const callerid = publishers?.of(info.topic).join(",") ?? "";
      const isLatched = latched.has(info.topic);
      channel = writer.addChannel({
        topic: info.topic,
        schemaName: info.datatype,
        schema: info.definition,
        ...(profile === "ros2"
          ? {
              // As advertised: `ros2idl` definitions stay IDL. A channel the bridge has no
              // definition for comes with an empty encoding; its messages are still CDR.
              messageEncoding: info.encoding || "cdr",
              schemaEncoding: info.schemaEncoding ?? "ros2msg",
              metadata: {
                ...ros2ChannelMetadata(info.datatype, info.definition, { latched: isLatched }),
                ...(callerid !== "" ? { callerid } : {}),
              },
            }
          : {
              metadata: {
                ...(callerid !== "" ? { callerid } : {}),
                ...(isLatched ? { latching: "1" } : {}),
              },
            }),
      });
      mcapChannels.set(key, channel);
      options.onChannel?.(info);
    }
    // The client hands a view into the received frame, which is not reused: safe to keep.
    writer.addMessage(channel, receiveTimeNs, bytes);
    messages++;
    messagesByTopic.set(info.topic, (messagesByTopic.get(info.topic) ?? 0) + 1);
    if (options.limit !== undefined && messages >= options.limit) end("limit");
  };

  const subscribed = new Set<string>();
  const subscribe = (topic: string) => {
    seenTopics.add(topic);
    if (subscribed.has(topic) || (wanted !== undefined && !wanted.has(topic))) return;
    subscribed.add(topic);
    client.subscribeRaw(topic, ANY_TYPE, onMessage);
  };
  client.on("advertise", (topics) => topics.forEach((t) => subscribe(t.topic)));
  for (const { topic } of client.topics()) subscribe(topic);
  // Requested topics not advertised yet: the client subscribes when they appear.
  for (const topic of wanted ?? []) {
    if (!subscribed.has(topic)) {
      subscribed.add(topic);
      client.subscribeRaw(topic, ANY_TYPE, onMessage);
    }
  }

  let disconnect: { code: number; reason: string } | undefined;
  client.on("error", (error) => {
    if (error.kind !== "connection") options.onWarning?.(error.message);
  });
  client.on("warning", (warning) => options.onWarning?.(warning.message));
  client.on("status", ({ level, message }) => {
    if (level !== "info") options.onWarning?.(`bridge: ${message}`);
  });
  client.on("disconnect", ({ code, reason, retryInMs }) => {
    if (endedBy !== undefined) return; // our own close()
    if (retryInMs === undefined) {
      disconnect = { code, reason };
      end("disconnect");
    } else {
      options.onWarning?.(`connection to ${url} lost (code ${code}); reconnecting`);
    }
  });
  client.on("reconnect", ({ sessionChanged }) =>
    options.onWarning?.(`reconnected to ${url}${sessionChanged ? " (a new bridge session)" : ""}`),
  );

  const started = performance.now();
  let last = { at: started, messages: 0 };
  const progress = (): RecordProgress => {
    const now = performance.now();
    const rate = ((messages - last.messages) * 1000) / Math.max(1, now - last.at);
    last = { at: now, messages };
    return {
      messages,
      bytes: writer.stats().bytes,
      elapsedMs: now - started,
      rate,
      channels: mcapChannels.size,
      topics: messagesByTopic.size,
    };
  };
  const progressTimer =
    options.onProgress !== undefined
      ? setInterval(() => options.onProgress?.(progress()), options.progressIntervalMs ?? 1000)
      : undefined;
  const durationTimer =
    options.durationSec !== undefined
      ? setTimeout(() => end("duration"), options.durationSec * 1000)
      : undefined;
  const onAbort = () => end("signal");
  if (options.signal?.aborted === true) end("signal");
  options.signal?.addEventListener("abort", onAbort);

  try {
    await ended;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    clearInterval(progressTimer);
    clearTimeout(durationTimer);
  }
  // Stop receiving first, so the count below is final; queued messages are still written.
  await client.close();
  await graphWatched;
  await publishers?.close();
  if (writeError !== undefined) {
    await writer.abandon();
    throw new UserError(writer.describeFailure(writeError));
  }
  const stats = await writer.finish();
  return {
    path: options.out,
    messages: stats.messages,
    bytes: stats.bytes,
    messagesByTopic,
    missingTopics: wanted !== undefined ? [...wanted].filter((t) => !seenTopics.has(t)) : [],
    endedBy: endedBy ?? "signal",
    ...(disconnect !== undefined ? { disconnect } : {}),
  };
}
