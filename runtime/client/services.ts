/**
 * Service calls: the services the server advertises on the current socket (both the legacy
 * `requestSchema`/`responseSchema` strings of foxglove_bridge 0.8.5 and the newer
 * `request`/`response` objects), their codecs, and the calls in flight by call id. A call ends
 * with the decoded response, or a rejection for `serviceCallFailure`, a timeout, the service
 * going away or the connection dropping.
 */
import type { Codec, Encodable } from "../codec/types.js";
import type { ClientContext } from "./context.js";
import { describeError, RosClientError, type RosClientErrorContext } from "./errors.js";
import {
  describeFrame,
  encodeServiceCallRequest,
  type Service,
  type ServiceCallResponseFrame,
} from "./protocol.js";
import {
  CDR_ENCODING,
  channelFormat,
  describeMismatch,
  isRos2TypeName,
  MESSAGE_ENCODING,
  wireOf,
  type ChannelFormat,
} from "./schema-codecs.js";
import type { ServiceInfo } from "./types.js";

interface ServiceCodecs {
  request: Codec;
  response: Codec;
}

interface PendingCall {
  service: Service;
  response: Codec;
  resolve: (value: unknown) => void;
  reject: (error: RosClientError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Services {
  readonly #ctx: ClientContext;
  readonly #services = new Map<number, Service>();
  readonly #codecs = new Map<number, ServiceCodecs>();
  readonly #pending = new Map<number, PendingCall>();
  #nextCallId = 1;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  find(name: string): Service | undefined {
    for (const service of this.#services.values()) if (service.name === name) return service;
    return undefined;
  }

  list(): ServiceInfo[] {
    return [...this.#services.values()].map(info);
  }

  /** Records advertised services; returns them. */
  onAdvertise(services: Service[]): ServiceInfo[] {
    for (const service of services) {
      this.#services.set(service.id, service);
      this.#codecs.delete(service.id);
    }
    return services.map(info);
  }

  /** Forgets services (failing their pending calls); returns the ones that were known. */
  onUnadvertise(serviceIds: number[]): ServiceInfo[] {
    const removed: ServiceInfo[] = [];
    for (const id of serviceIds) {
      const known = this.#services.get(id);
      if (known !== undefined) removed.push(info(known));
      this.#services.delete(id);
      this.#codecs.delete(id);
      for (const [callId, pending] of [...this.#pending]) {
        if (pending.service.id !== id) continue;
        this.#finish(callId);
        pending.reject(
          new RosClientError(
            "service-failure",
            `service ${pending.service.name} went away during the call`,
            { service: pending.service.name, serviceId: id, callId },
          ),
        );
      }
    }
    return removed;
  }

  /** The socket ended: service ids were the server's. (Calls in flight are failed separately.) */
  resetSocket(): void {
    this.#services.clear();
    this.#codecs.clear();
  }

  /** Rejects every call in flight. */
  failAll(makeError: () => RosClientError): void {
    for (const [callId, pending] of [...this.#pending]) {
      this.#finish(callId);
      pending.reject(makeError());
    }
  }

  /**
   * Encodes `request` (throws a `request` error if it does not fit), sends it and awaits the
   * answer until `deadline` (a `Date.now()` time; the reported limit is `timeoutMs`).
   */
  call(service: Service, request: unknown, deadline: number, timeoutMs: number): Promise<unknown> {
    const context = { service: service.name, datatype: service.type, serviceId: service.id };
    const codecs = this.#codecsFor(service);
    let payload: Uint8Array;
    try {
      payload = codecs.request.encode(request as Encodable<unknown>);
    } catch (error) {
      throw new RosClientError(
        "request",
        `bad request for ${service.name}: ${describeError(error)}`,
        { ...context, cause: error },
      );
    }
    const callId = this.#nextCallId++;
    return new Promise((resolve, reject) => {
      const pending: PendingCall = {
        service,
        response: codecs.response,
        resolve,
        reject,
        timer: undefined,
      };
      if (Number.isFinite(deadline)) {
        pending.timer = setTimeout(
          () => {
            this.#finish(callId);
            reject(
              new RosClientError(
                "timeout",
                `service ${service.name} did not answer within ${timeoutMs} ms`,
                { ...context, callId },
              ),
            );
          },
          Math.max(0, deadline - Date.now()),
        );
      }
      this.#pending.set(callId, pending);
      // The request goes in the wire its codec writes (a ROS 2 bridge answers in the same).
      const encoding = wireOf(codecs.request) === "cdr" ? CDR_ENCODING : MESSAGE_ENCODING;
      const frame = encodeServiceCallRequest(service.id, callId, encoding, payload);
      if (!this.#ctx.send(frame)) {
        this.#finish(callId);
        reject(
          new RosClientError("connection", `cannot call ${service.name}: not connected`, context),
        );
      }
    });
  }

  onResponse(frame: ServiceCallResponseFrame, bytes: Uint8Array): void {
    const pending = this.#pending.get(frame.callId);
    if (pending === undefined) {
      if (frame.callId < this.#nextCallId) return; // the answer to a call that timed out
      this.#ctx.report(
        new RosClientError("protocol", `service response for unknown call id ${frame.callId}`, {
          serviceId: frame.serviceId,
          callId: frame.callId,
          frame: describeFrame(bytes),
        }),
      );
      return;
    }
    this.#finish(frame.callId);
    const { service } = pending;
    const context: RosClientErrorContext = {
      service: service.name,
      datatype: service.type,
      serviceId: frame.serviceId,
      callId: frame.callId,
    };
    if (frame.serviceId !== service.id) {
      pending.reject(
        new RosClientError(
          "protocol",
          `response to call ${frame.callId} names service id ${frame.serviceId}, ` +
            `the call went to ${service.id}`,
          context,
        ),
      );
    } else if (
      frame.encoding !== (wireOf(pending.response) === "cdr" ? CDR_ENCODING : MESSAGE_ENCODING)
    ) {
      pending.reject(
        new RosClientError(
          "schema",
          `service ${service.name} answered in encoding "${frame.encoding}"`,
          context,
        ),
      );
    } else {
      try {
        pending.resolve(pending.response.decode(frame.payload, { strict: true }));
      } catch (error) {
        pending.reject(
          new RosClientError(
            "decode",
            `cannot decode the response of ${service.name}: ${describeError(error)}`,
            { ...context, cause: error },
          ),
        );
      }
    }
  }

  onFailure(serviceId: number, callId: number, message: string): void {
    const pending = this.#pending.get(callId);
    if (pending === undefined) return; // already timed out
    this.#finish(callId);
    pending.reject(
      new RosClientError(
        "service-failure",
        `service ${pending.service.name} (${pending.service.type}) failed: ${message}`,
        { service: pending.service.name, serviceId, callId },
      ),
    );
  }

  #finish(callId: number): void {
    const pending = this.#pending.get(callId);
    if (pending?.timer !== undefined) clearTimeout(pending.timer);
    this.#pending.delete(callId);
  }

  /** Request and response codecs of a service, from its advertised definitions (either form). */
  #codecsFor(service: Service): ServiceCodecs {
    let codecs = this.#codecs.get(service.id);
    if (codecs === undefined) {
      codecs = {
        request: this.#partCodec(service, "request"),
        response: this.#partCodec(service, "response"),
      };
      this.#codecs.set(service.id, codecs);
    }
    return codecs;
  }

  #partCodec(service: Service, which: "request" | "response"): Codec {
    const modern = service[which];
    const legacy = which === "request" ? service.requestSchema : service.responseSchema;
    const ros2 = isRos2TypeName(service.type);
    // ROS 1 names the parts `pkg/SrvRequest` (as genpy does), ROS 2 `pkg/srv/Srv_Request`.
    const suffix = which === "request" ? "Request" : "Response";
    const datatype = modern?.schemaName ?? `${service.type}${ros2 ? "_" : ""}${suffix}`;
    const context = { service: service.name, datatype, serviceId: service.id };
    let format: ChannelFormat | { error: string };
    if (modern !== undefined) {
      format = channelFormat(modern.encoding, modern.schemaEncoding, modern.schema);
    } else {
      // The legacy strings say nothing of encodings: ROS 2 bridges (0.8.x) send them too, and
      // their service types are named `pkg/srv/Type`.
      format = ros2
        ? { wire: "cdr", schemaEncoding: "ros2msg" }
        : { wire: "ros1", schemaEncoding: "ros1msg" };
    }
    if ("error" in format) {
      throw new RosClientError(
        "schema",
        `cannot call ${service.name}: ${which} ${format.error}`,
        context,
      );
    }
    let definition = modern?.schema ?? legacy ?? "";
    if (definition === "" && format.wire === "cdr") {
      // A ROS 2 bridge sends "" both for a part without fields (std_srvs/Empty's request) and
      // for a type it could not find. A schema object, or a definition for the other part, says
      // the bridge found the type: then "" is a real empty type ("\n" is one with no fields).
      const other = which === "request" ? "response" : "request";
      const otherText =
        service[other]?.schema ??
        (other === "request" ? service.requestSchema : service.responseSchema) ??
        "";
      if (modern !== undefined || otherText !== "") definition = "\n";
    }
    const resolution = this.#ctx.codecs.resolve(datatype, definition, format);
    if ("error" in resolution) {
      throw new RosClientError(
        "schema",
        `cannot call ${service.name}: ${resolution.error}`,
        context,
      );
    }
    if (resolution.mismatch !== undefined) {
      const told = describeMismatch(resolution.mismatch);
      this.#ctx.warn({
        kind: "schema-mismatch",
        message:
          `service ${service.name}: the server's definition of ${datatype} (${told.advertised}) ` +
          `differs from the generated one (${told.generated}); using the server's definition`,
        service: service.name,
        // The datatype with the md5s (ROS 1) or type hashes (ROS 2) compared.
        ...resolution.mismatch,
      });
    }
    if (resolution.warning !== undefined) {
      this.#ctx.warn({
        kind: "schema",
        message: `service ${service.name}: ${resolution.warning}`,
        service: service.name,
        datatype,
      });
    }
    return resolution.codec;
  }
}

/** What `services()` and the service events tell about a service. */
function info(s: Service): ServiceInfo {
  return {
    name: s.name,
    datatype: s.type,
    requestDefinition: s.request?.schema ?? s.requestSchema,
    responseDefinition: s.response?.schema ?? s.responseSchema,
  };
}
