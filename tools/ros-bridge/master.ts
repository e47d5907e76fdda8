/**
 * The ROS master's XML-RPC API (master and parameter server), as the bridge uses it. Every call
 * answers `[code, statusMessage, value]`; a code other than 1 becomes an error naming the call.
 */
import { xmlRpcCall, type XmlRpcValue } from "./xmlrpc.js";

export interface SystemState {
  /** topic -> publishing nodes */
  readonly publishers: Map<string, string[]>;
  /** topic -> subscribing nodes */
  readonly subscribers: Map<string, string[]>;
  /** service -> providing nodes */
  readonly services: Map<string, string[]>;
}

/** A master call failed because the master answered with an error (not a network problem). */
export class MasterRefused extends Error {
  override name = "MasterRefused";
}

export class MasterClient {
  constructor(
    readonly uri: string,
    private readonly callerId: string,
    private readonly timeoutMs = 5000,
  ) {}

  async call(method: string, ...args: XmlRpcValue[]): Promise<XmlRpcValue> {
    const reply = await xmlRpcCall(this.uri, method, [this.callerId, ...args], this.timeoutMs);
    if (!Array.isArray(reply) || reply.length < 2) {
      throw new Error(`${method}: malformed reply from the master at ${this.uri}`);
    }
    const [code, message, value] = reply as [number, string, XmlRpcValue];
    if (code !== 1) throw new MasterRefused(`${method}: ${message}`);
    return value;
  }

  async getPid(): Promise<number> {
    return (await this.call("getPid")) as number;
  }

  async systemState(): Promise<SystemState> {
    const [pubs, subs, srvs] = (await this.call("getSystemState")) as [string, string[]][][];
    const toMap = (entries: [string, string[]][] | undefined) => new Map(entries ?? []);
    return { publishers: toMap(pubs), subscribers: toMap(subs), services: toMap(srvs) };
  }

  /** topic -> type, for every topic with a publisher or subscriber that declared a type. */
  async topicTypes(): Promise<Map<string, string>> {
    return new Map((await this.call("getTopicTypes")) as [string, string][]);
  }

  async registerSubscriber(topic: string, type: string, api: string): Promise<string[]> {
    return (await this.call("registerSubscriber", topic, type, api)) as string[];
  }

  async unregisterSubscriber(topic: string, api: string): Promise<void> {
    await this.call("unregisterSubscriber", topic, api);
  }

  async registerPublisher(topic: string, type: string, api: string): Promise<string[]> {
    return (await this.call("registerPublisher", topic, type, api)) as string[];
  }

  async unregisterPublisher(topic: string, api: string): Promise<void> {
    await this.call("unregisterPublisher", topic, api);
  }

  /** `rosrpc://host:port` of the service's provider. */
  async lookupService(service: string): Promise<string> {
    return (await this.call("lookupService", service)) as string;
  }

  async lookupNode(node: string): Promise<string> {
    return (await this.call("lookupNode", node)) as string;
  }

  async getParamNames(): Promise<string[]> {
    return (await this.call("getParamNames")) as string[];
  }

  async getParam(key: string): Promise<XmlRpcValue> {
    return this.call("getParam", key);
  }

  async setParam(key: string, value: XmlRpcValue): Promise<void> {
    await this.call("setParam", key, value);
  }

  async deleteParam(key: string): Promise<void> {
    await this.call("deleteParam", key);
  }

  async subscribeParam(api: string, key: string): Promise<XmlRpcValue> {
    return this.call("subscribeParam", api, key);
  }

  async unsubscribeParam(api: string, key: string): Promise<void> {
    await this.call("unsubscribeParam", api, key);
  }
}
