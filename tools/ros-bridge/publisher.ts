/**
 * The publishing half of TCPROS: one listening socket for the node; each subscriber that
 * connects sends its header naming a topic, gets ours (type, md5, full definition, latching)
 * and then the frames we publish. Payloads are the bytes a Foxglove client sent, framed as
 * they are. A latched topic sends its last message to each new subscriber first.
 */
import * as net from "node:net";
import type { AddressInfo } from "node:net";

import { FrameReader, decodeHeader, encodeHeader, frame } from "./tcpros.js";

export interface PublicationInfo {
  readonly topic: string;
  readonly type: string;
  readonly md5sum: string;
  readonly definition: string;
  readonly latching: boolean;
}

/** Bytes queued to a subscriber beyond which messages to it are dropped (it is too slow). */
const SUBSCRIBER_QUEUE_BYTES = 64 * 1024 * 1024;

interface Subscriber {
  readonly socket: net.Socket;
  readonly callerId: string;
}

export class Publication {
  readonly subscribers = new Set<Subscriber>();
  #last: Buffer | undefined;

  constructor(readonly info: PublicationInfo) {}

  publish(payload: Uint8Array): void {
    const framed = frame(payload);
    if (this.info.latching) this.#last = framed;
    for (const { socket } of this.subscribers) {
      if (socket.writableLength > SUBSCRIBER_QUEUE_BYTES) continue;
      socket.write(framed);
    }
  }

  add(subscriber: Subscriber): void {
    this.subscribers.add(subscriber);
    if (this.#last !== undefined) subscriber.socket.write(this.#last);
    subscriber.socket.on("close", () => this.subscribers.delete(subscriber));
  }

  close(): void {
    for (const { socket } of this.subscribers) socket.destroy();
    this.subscribers.clear();
  }
}

export class TcprosServer {
  readonly publications = new Map<string, Publication>();
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();

  constructor(
    private readonly callerId: string,
    private readonly warn: (text: string) => void,
  ) {
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(0, host, () => {
        this.#server.off("error", reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const publication of this.publications.values()) publication.close();
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    const reader = new FrameReader(1024 * 1024);
    let done = false;
    const onData = (chunk: Buffer) => {
      try {
        reader.push(chunk, (first) => {
          if (done) return;
          done = true;
          socket.off("data", onData);
          this.#handshake(socket, first);
        });
      } catch (error) {
        this.warn(`bad TCPROS header from ${socket.remoteAddress ?? "?"}: ${String(error)}`);
        socket.destroy();
      }
    };
    socket.on("data", onData);
  }

  #handshake(socket: net.Socket, headerFrame: Buffer): void {
    let fields: Record<string, string>;
    try {
      fields = decodeHeader(headerFrame);
    } catch (error) {
      this.warn(`bad TCPROS header from ${socket.remoteAddress ?? "?"}: ${String(error)}`);
      socket.destroy();
      return;
    }
    const refuse = (error: string) => {
      socket.end(encodeHeader({ error }));
    };
    const topic = fields.topic;
    const publication = topic !== undefined ? this.publications.get(topic) : undefined;
    if (publication === undefined) {
      return refuse(`${this.callerId} does not publish ${topic ?? "(no topic in header)"}`);
    }
    const { info } = publication;
    const md5 = fields.md5sum;
    if (md5 !== undefined && md5 !== "*" && md5 !== info.md5sum) {
      return refuse(
        `md5sum mismatch for ${info.topic}: ${info.type} is ${info.md5sum}, subscriber has ${md5}`,
      );
    }
    socket.write(
      encodeHeader({
        callerid: this.callerId,
        topic: info.topic,
        type: info.type,
        md5sum: info.md5sum,
        message_definition: info.definition,
        latching: info.latching ? "1" : "0",
      }),
    );
    // A subscriber sends nothing after its header; anything more is ignored.
    socket.on("data", () => undefined);
    publication.add({ socket, callerId: fields.callerid ?? "" });
  }
}
