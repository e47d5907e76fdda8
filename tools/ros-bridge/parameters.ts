/**
 * Parameters between the Foxglove protocol and the ROS parameter server, as foxglove_bridge
 * 0.8.5 does it: `getParameters` with no names lists every parameter (leaf names from
 * `getParamNames`), missing names are left out of the reply and reported in one error status,
 * `setParameters` answers the requester (with its id) and informs subscribers, and
 * `subscribeParameterUpdates` subscribes the node on the master, whose `paramUpdate` calls
 * (e.g. `rosparam set`) then reach the subscribed clients.
 */
import { StatusLevel, type IWebSocket, type Parameter } from "@foxglove/ws-protocol";
import type { FoxgloveServer } from "../ws-protocol.js";

import type { RosNode } from "./node.js";
import type { XmlRpcValue } from "./xmlrpc.js";

type ParameterValue = Parameter["value"];

export function toParameter(name: string, value: XmlRpcValue): Parameter {
  if (value instanceof Uint8Array) {
    return { name, value: Buffer.from(value).toString("base64"), type: "byte_array" };
  }
  if (typeof value === "number" && !Number.isInteger(value)) {
    return { name, value, type: "float64" };
  }
  return { name, value: toValue(value) };
}

function toValue(value: XmlRpcValue): ParameterValue {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toValue) as ParameterValue;
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toValue(v)]),
    ) as ParameterValue;
  }
  return value;
}

export function toXmlRpc(parameter: Parameter): XmlRpcValue {
  if (parameter.type === "byte_array" && typeof parameter.value === "string") {
    return new Uint8Array(Buffer.from(parameter.value, "base64"));
  }
  return parameter.value as XmlRpcValue;
}

export class ParameterBridge {
  /** Parameter names some client subscribed to. */
  readonly #subscribed = new Set<string>();

  constructor(
    private readonly server: FoxgloveServer,
    private readonly node: RosNode,
    private readonly allowed: (name: string) => boolean,
    private readonly warn: (text: string) => void,
  ) {}

  attach(): void {
    const { server } = this;
    server.on("getParameters", ({ parameterNames, id }, connection) => {
      void this.#get(parameterNames, id, connection);
    });
    server.on("setParameters", ({ parameters, id }, connection) => {
      void this.#set(parameters, id, connection);
    });
    server.on("subscribeParameterUpdates", (names) => {
      for (const name of names.filter(this.allowed)) {
        this.#subscribed.add(name);
        this.node.subscribeParam(name).catch((error: unknown) => {
          this.warn(`cannot subscribe to parameter ${name}: ${String(error)}`);
        });
      }
    });
    server.on("unsubscribeParameterUpdates", (names) => {
      for (const name of names) {
        if (!this.#subscribed.delete(name)) continue;
        this.node.unsubscribeParam(name).catch(() => undefined);
      }
    });
  }

  /** A `paramUpdate` from the master: tell subscribed clients. */
  updated(key: string, value: XmlRpcValue): void {
    if (!this.#subscribed.has(key)) return;
    this.server.updateParameterValues([toParameter(key, value)]);
  }

  async #get(names: string[], id: string | undefined, connection: IWebSocket | undefined) {
    const master = this.node.master;
    try {
      const wanted = names.length === 0 ? await master.getParamNames() : names;
      const found: Parameter[] = [];
      const missing: string[] = [];
      await Promise.all(
        wanted.filter(this.allowed).map(async (name) => {
          try {
            found.push(toParameter(name, await master.getParam(name)));
          } catch {
            missing.push(name);
          }
        }),
      );
      const order = new Map(wanted.map((n, i) => [n, i]));
      found.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
      this.server.publishParameterValues(found, id, connection);
      if (missing.length > 0) {
        this.server.sendStatus(
          {
            level: StatusLevel.ERROR,
            message: `Failed to retrieve the following parameters: ${missing.join(", ")} (op: getParameters)`,
          },
          connection,
        );
      }
    } catch (error) {
      this.#error(`getParameters failed: ${String(error)}`, connection);
    }
  }

  async #set(parameters: Parameter[], id: string | undefined, connection: IWebSocket | undefined) {
    const master = this.node.master;
    const refused = parameters.filter((p) => !this.allowed(p.name)).map((p) => p.name);
    const done: Parameter[] = [];
    const failed: string[] = [...refused];
    for (const parameter of parameters.filter((p) => this.allowed(p.name))) {
      try {
        if (parameter.value === undefined || parameter.value === null) {
          await master.deleteParam(parameter.name);
        } else {
          await master.setParam(parameter.name, toXmlRpc(parameter));
          done.push(toParameter(parameter.name, await master.getParam(parameter.name)));
        }
      } catch {
        failed.push(parameter.name);
      }
    }
    if (id !== undefined) this.server.publishParameterValues(done, id, connection);
    // The master does not call us back for our own changes: inform subscribers here.
    const updates = done.filter((p) => this.#subscribed.has(p.name));
    if (updates.length > 0) this.server.updateParameterValues(updates);
    if (failed.length > 0) {
      this.#error(
        `Failed to set the following parameters: ${failed.join(", ")} (op: setParameters)`,
        connection,
      );
    }
  }

  #error(message: string, connection: IWebSocket | undefined) {
    this.server.sendStatus({ level: StatusLevel.ERROR, message }, connection);
  }
}
