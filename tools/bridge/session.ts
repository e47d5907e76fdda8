/**
 * A `RosClient` session for the decoding commands (echo, hz, pub, call, params), with what those
 * commands need on top: the definitions the server advertises (to check field paths, to fill in
 * and check typed-in messages), waiting for a topic or service to be advertised, and one-line
 * user errors for connection problems.
 */
import { RosClient, RosClientError } from "../../runtime/client/index.js";
import { ros2idl } from "../../runtime/ros2idl/index.js";
import { resolveName } from "../../runtime/client/names.js";
import { UserError, errorMessage } from "../errors.js";
import { normalizeBridgeUrl } from "./connection.js";

export interface TopicSchema {
  readonly topic: string;
  readonly schemaName: string;
  readonly schema: string;
}

export interface ServiceSchema {
  readonly name: string;
  readonly type: string;
  readonly request: string | undefined;
  readonly response: string | undefined;
}

/**
 * A topic or service name as typed, resolved as rostopic resolves it (`zed/scan` is
 * `/zed/scan`); a private `~name` is a user error.
 */
export function globalName(name: string): string {
  try {
    return resolveName(name);
  } catch (error) {
    throw new UserError(errorMessage(error), 2);
  }
}

/**
 * A ROS 2 parameter name as the ROS 2 bridge names parameters: `/node.param` (the node's fully
 * qualified name, a dot, the parameter's name, which may hold dots and slashes itself). A name
 * without a leading slash is taken from the root namespace (`talker.x` is `/talker.x`).
 */
export function ros2ParameterName(name: string): string {
  const dot = name.indexOf(".");
  if (dot <= 0 || dot === name.length - 1 || (name.startsWith("/") && dot === 1)) {
    throw new UserError(
      `"${name}" is not a ROS 2 parameter name: the ROS 2 bridge names parameters /node.parameter (e.g. /talker.use_sim_time)`,
      2,
    );
  }
  return name.startsWith("/") ? name : `/${name}`;
}

/** `std_msgs/String` as ROS 2 names it (`std_msgs/msg/String`), as `ros2 topic pub` accepts both. */
export function ros2MessageTypeName(type: string): string {
  const parts = type.split("/");
  return parts.length === 2 ? `${parts[0]}/msg/${parts[1]}` : type;
}

export function connectionProblem(url: string, error: unknown): UserError {
  const text = errorMessage(error);
  const hint = "is foxglove_bridge (or `noros play`) running there?";
  if (text.includes("ECONNREFUSED")) {
    return new UserError(`cannot reach bridge at ${url}: connection refused; ${hint}`);
  }
  if (text.includes("ENOTFOUND") || text.includes("EAI_AGAIN")) {
    return new UserError(`cannot reach bridge at ${url}: unknown host`);
  }
  return new UserError(`cannot connect to bridge at ${url}: ${text}`);
}

export interface SessionOptions {
  readonly connectTimeoutMs?: number;
  /** Errors the client reports while running (e.g. a message that cannot be decoded). */
  readonly onError?: (error: RosClientError) => void;
}

export class Session {
  #lost: UserError | undefined;
  #lostListeners: ((error: UserError) => void)[] = [];

  private constructor(
    readonly url: string,
    readonly client: RosClient,
  ) {
    client.on("disconnect", (event) => {
      this.#lost = new UserError(
        `connection to bridge at ${url} lost (code ${event.code}${event.reason === "" ? "" : `: ${event.reason}`})`,
      );
      for (const listener of this.#lostListeners) listener(this.#lost);
    });
  }

  static async open(urlText: string, options: SessionOptions = {}): Promise<Session> {
    const url = normalizeBridgeUrl(urlText);
    const client = new RosClient(url, {
      reconnect: false,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      // The command line has no bundle size to keep small: it reads IDL definitions always.
      schemaReaders: [ros2idl],
    });
    client.on("error", (error) => {
      if (error.kind !== "connection") options.onError?.(error);
    });
    client.on("warning", () => undefined);
    const session = new Session(url, client);
    try {
      await client.connected({ timeoutMs: options.connectTimeoutMs ?? 5000 });
    } catch (error) {
      await client.close();
      throw connectionProblem(url, error);
    }
    return session;
  }

  /**
   * True when the server is a ROS 2 bridge: it offers the `cdr` encoding and not `ros1`
   * (foxglove_bridge for ROS 2 announces `cdr` and sometimes `json`).
   */
  get ros2(): boolean {
    const encodings = this.client.serverInfo?.supportedEncodings ?? [];
    return encodings.includes("cdr") && !encodings.includes("ros1");
  }

  /** Calls `listener` once if the connection is lost (not after `close()`). */
  onLost(listener: (error: UserError) => void): void {
    if (this.#lost !== undefined) listener(this.#lost);
    else this.#lostListeners.push(listener);
  }

  topics(): TopicSchema[] {
    return this.client
      .topics()
      .map((t) => ({ topic: t.topic, schemaName: t.datatype, schema: t.definition }));
  }

  services(): ServiceSchema[] {
    return this.client.services().map((s) => ({
      name: s.name,
      type: s.datatype,
      request: s.requestDefinition,
      response: s.responseDefinition,
    }));
  }

  /** A definition the server advertises for `schemaName` on any topic, if any. */
  schemaFor(schemaName: string): string | undefined {
    return this.topics().find((t) => t.schemaName === schemaName && t.schema !== "")?.schema;
  }

  /**
   * Resolves when `find` returns something (re-checked on each advertisement), or with
   * undefined after `timeoutMs` (foxglove_bridge advertises right after connecting, and new ROS
   * topics within its discovery period).
   */
  waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => {
      const check = () => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        stop();
        resolve(value);
      };
      const stop = () => {
        this.client.off("advertise", check);
        this.client.off("advertiseServices", check);
      };
      this.client.on("advertise", check);
      this.client.on("advertiseServices", check);
      const timer = setTimeout(() => {
        stop();
        resolve(undefined);
      }, timeoutMs);
    });
  }

  /** The topic's advertisement; a `UserError` naming the advertised topics when it has none. */
  async topic(name: string, timeoutMs: number): Promise<TopicSchema> {
    const topic = globalName(name);
    const found = await this.waitFor(() => this.topics().find((t) => t.topic === topic), timeoutMs);
    if (found !== undefined) return found;
    const known = this.topics()
      .map((t) => t.topic)
      .sort();
    throw new UserError(
      `unknown topic ${topic}: the bridge does not advertise it (waited ${timeoutMs} ms)` +
        (known.length > 0 ? `; advertised: ${abbreviate(known)}` : "; it advertises no topics"),
    );
  }

  async service(serviceName: string, timeoutMs: number): Promise<ServiceSchema> {
    const name = globalName(serviceName);
    const found = await this.waitFor(() => this.services().find((s) => s.name === name), timeoutMs);
    if (found !== undefined) return found;
    const known = this.services()
      .map((s) => s.name)
      .sort();
    throw new UserError(
      `unknown service ${name}: the bridge does not advertise it (waited ${timeoutMs} ms)` +
        (known.length > 0 ? `; advertised: ${abbreviate(known)}` : "; it advertises no services"),
    );
  }

  close(): Promise<void> {
    this.#lostListeners = [];
    return this.client.close();
  }
}

function abbreviate(names: string[], max = 12): string {
  return names.length <= max
    ? names.join(", ")
    : `${names.slice(0, max).join(", ")}, ... (${names.length} in all)`;
}

/** A `RosClientError` from a request as a one-line user error (what went wrong, where). */
export function requestProblem(error: unknown): Error {
  if (error instanceof RosClientError && error.kind !== "callback")
    return new UserError(error.message);
  return error instanceof Error ? error : new Error(String(error));
}
