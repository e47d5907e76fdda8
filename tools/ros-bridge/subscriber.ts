/**
 * The subscribing half of TCPROS: asking a publisher node for a topic (`requestTopic` over
 * XML-RPC), connecting, exchanging connection headers, then reading frames as bytes. One
 * `TopicSubscriber` holds the connections to every publisher of one topic and follows the
 * master's `publisherUpdate` calls. A connection whose stream turns out corrupt is dropped with a
 * warning; the others carry on.
 */
import * as net from "node:net";

import { FrameReader, decodeHeader, encodeHeader } from "./tcpros.js";
import { xmlRpcCall } from "./xmlrpc.js";

/** The publisher spoke TCPROS wrongly (bad header, impossible frame length, refusal). */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

export interface PublisherHeader {
  readonly callerid: string;
  readonly type: string;
  readonly md5sum: string;
  readonly definition: string;
  readonly latching: boolean;
}

export interface ConnectOptions {
  readonly topic: string;
  /** Type to ask for; "*" accepts whatever the publisher has. */
  readonly type: string;
  readonly callerId: string;
  readonly timeoutMs?: number;
}

/** `requestTopic` on a publisher's XML-RPC API: where to connect over TCPROS. */
export async function requestTopic(
  publisherApi: string,
  options: ConnectOptions,
): Promise<{ host: string; port: number }> {
  const reply = await xmlRpcCall(
    publisherApi,
    "requestTopic",
    [options.callerId, options.topic, [["TCPROS"]]],
    options.timeoutMs ?? 5000,
  );
  const [code, message, protocol] = reply as [number, string, [string, string, number]];
  if (code !== 1 || !Array.isArray(protocol) || protocol[0] !== "TCPROS") {
    throw new Error(`requestTopic ${options.topic} at ${publisherApi}: ${message}`);
  }
  return { host: protocol[1], port: protocol[2] };
}

/** A live TCPROS connection to one publisher. */
export class PublisherConnection {
  readonly #socket: net.Socket;
  readonly #reader = new FrameReader();
  #header: PublisherHeader | undefined;
  #closed = false;
  readonly ready: Promise<PublisherHeader>;

  constructor(
    readonly publisherApi: string,
    address: { host: string; port: number },
    options: ConnectOptions,
    private readonly events: {
      message(bytes: Buffer, connection: PublisherConnection): void;
      /** The connection ended (`error` set when it was dropped for a reason). */
      closed(connection: PublisherConnection, error: Error | undefined): void;
    },
  ) {
    this.#socket = net.connect({ host: address.host, port: address.port });
    this.#socket.setNoDelay(true);
    let resolveReady!: (header: PublisherHeader) => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => undefined);
    const timeout = setTimeout(
      () => this.#fail(new Error(`no TCPROS header within ${options.timeoutMs ?? 5000} ms`)),
      options.timeoutMs ?? 5000,
    );
    this.#socket.on("connect", () => {
      this.#socket.write(
        encodeHeader({
          callerid: options.callerId,
          topic: options.topic,
          type: options.type,
          md5sum: "*",
          tcp_nodelay: "1",
        }),
      );
    });
    const onFrame = (frame: Buffer) => {
      if (this.#closed) return;
      if (this.#header === undefined) {
        clearTimeout(timeout);
        this.#header = parsePublisherHeader(frame);
        resolveReady(this.#header);
      } else {
        this.events.message(frame, this);
      }
    };
    this.#socket.on("data", (chunk: Buffer) => {
      if (this.#closed) return;
      try {
        this.#reader.push(chunk, onFrame);
      } catch (error) {
        this.#fail(error instanceof ProtocolError ? error : new ProtocolError(errorText(error)));
      }
    });
    this.#socket.on("error", (error) => this.#fail(error));
    this.#socket.on("close", () => {
      clearTimeout(timeout);
      if (this.#header === undefined) rejectReady(new Error("closed before the TCPROS header"));
      if (!this.#closed) {
        this.#closed = true;
        this.events.closed(this, undefined);
      }
    });
    this.#fail = (error: Error) => {
      clearTimeout(timeout);
      rejectReady(error);
      if (this.#closed) return;
      this.#closed = true;
      this.#socket.destroy();
      this.events.closed(this, error);
    };
  }

  get header(): PublisherHeader | undefined {
    return this.#header;
  }

  get bytesReceived(): number {
    return this.#socket.bytesRead;
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }

  #fail: (error: Error) => void;
}

function parsePublisherHeader(frame: Buffer): PublisherHeader {
  const fields = decodeHeader(frame);
  if (fields.error !== undefined) throw new ProtocolError(`publisher refused: ${fields.error}`);
  if (fields.type === undefined || fields.md5sum === undefined) {
    throw new ProtocolError("TCPROS header without type or md5sum");
  }
  return {
    callerid: fields.callerid ?? "",
    type: fields.type,
    md5sum: fields.md5sum,
    definition: fields.message_definition ?? "",
    latching: fields.latching === "1",
  };
}

/** Connects to `publisherApi` for `topic` and resolves with its connection header. */
export async function probePublisher(
  publisherApi: string,
  options: ConnectOptions,
): Promise<PublisherHeader> {
  const address = await requestTopic(publisherApi, options);
  const connection = new PublisherConnection(publisherApi, address, options, {
    message: () => undefined,
    closed: () => undefined,
  });
  try {
    return await connection.ready;
  } finally {
    connection.close();
  }
}

export interface TopicSubscriberEvents {
  message(bytes: Buffer, connection: PublisherConnection): void;
  warning(text: string): void;
}

/** Connections to all publishers of one topic. */
/** Retry delays for a publisher that could not be reached (its XML-RPC or TCP side). */
const RETRY_DELAYS_MS = [500, 1000, 2000, 5000, 10000];

export class TopicSubscriber {
  readonly #connections = new Map<string, PublisherConnection>();
  /** Publisher APIs being connected to (requestTopic in flight). */
  readonly #pending = new Set<string>();
  /**
   * Publishers whose stream was dropped for a protocol error (corrupt frames, a bad header):
   * not retried until they re-register.
   */
  readonly #dropped = new Set<string>();
  /** Publishers that could not be reached, with their retry timer and attempt count. */
  readonly #retries = new Map<string, { timer: NodeJS.Timeout | undefined; attempt: number }>();
  /** The master's current publisher list. */
  #wanted = new Set<string>();
  #closed = false;

  constructor(
    readonly topic: string,
    readonly type: string,
    private readonly callerId: string,
    private readonly events: TopicSubscriberEvents,
  ) {}

  /** Makes the set of connected publishers `publisherApis` (the master's current list). */
  update(publisherApis: readonly string[]): void {
    if (this.#closed) return;
    this.#wanted = new Set(publisherApis);
    for (const api of this.#dropped) if (!this.#wanted.has(api)) this.#dropped.delete(api);
    for (const [api, retry] of this.#retries) {
      if (this.#wanted.has(api)) continue;
      clearTimeout(retry.timer);
      this.#retries.delete(api);
    }
    for (const [api, connection] of this.#connections) {
      if (!this.#wanted.has(api)) {
        this.#connections.delete(api);
        connection.close();
      }
    }
    for (const api of this.#wanted) this.#ensure(api);
  }

  connections(): PublisherConnection[] {
    return [...this.#connections.values()];
  }

  close(): void {
    this.#closed = true;
    for (const retry of this.#retries.values()) clearTimeout(retry.timer);
    this.#retries.clear();
    for (const connection of this.#connections.values()) connection.close();
    this.#connections.clear();
  }

  #ensure(api: string): void {
    if (this.#closed || !this.#wanted.has(api)) return;
    if (this.#connections.has(api) || this.#pending.has(api) || this.#dropped.has(api)) return;
    const retry = this.#retries.get(api);
    if (retry?.timer !== undefined) return;
    void this.#connect(api);
  }

  /** Tries `api` again later (it is still a publisher, but could not be reached). */
  #retryLater(api: string, reason: string): void {
    const retry = this.#retries.get(api) ?? { timer: undefined, attempt: 0 };
    if (retry.attempt === 0) {
      this.events.warning(`cannot subscribe to ${this.topic} at ${api}: ${reason}; retrying`);
    }
    const delay = RETRY_DELAYS_MS[Math.min(retry.attempt, RETRY_DELAYS_MS.length - 1)]!;
    retry.attempt++;
    retry.timer = setTimeout(() => {
      retry.timer = undefined;
      this.#ensure(api);
    }, delay);
    this.#retries.set(api, retry);
  }

  async #connect(api: string): Promise<void> {
    this.#pending.add(api);
    const options = { topic: this.topic, type: this.type, callerId: this.callerId };
    let connection: PublisherConnection | undefined;
    try {
      const address = await requestTopic(api, options);
      if (this.#closed || !this.#wanted.has(api)) return;
      connection = new PublisherConnection(api, address, options, {
        message: (bytes, from) => this.events.message(bytes, from),
        closed: (from, error) => {
          if (this.#connections.get(api) === from) this.#connections.delete(api);
          if (this.#closed || from.header === undefined) return; // not connected: see below
          if (error !== undefined) {
            this.#dropped.add(api);
            this.events.warning(
              `dropped the connection to ${from.header.callerid} for ${this.topic}: ${error.message}`,
            );
          } else {
            // The publisher closed a working connection but may still be registered.
            this.#retryLater(api, "the publisher closed the connection");
          }
        },
      });
      this.#connections.set(api, connection);
      await connection.ready;
      this.#retries.delete(api);
    } catch (error) {
      if (this.#closed) return;
      if (connection !== undefined && this.#connections.get(api) === connection) {
        this.#connections.delete(api);
      }
      // A publisher that answers with a bad header or refuses the connection is not retried.
      if (error instanceof ProtocolError) {
        this.#dropped.add(api);
        this.events.warning(`dropped the connection to ${api} for ${this.topic}: ${error.message}`);
      } else {
        this.#retryLater(api, errorText(error));
      }
    } finally {
      this.#pending.delete(api);
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
