/**
 * How a call names the message or service type it works with. A type name must be one the
 * program knows (a key of `MessageTypeMap`/`ServiceTypeMap`, which generated modules augment), so
 * a typo is a compile error; a type known only at run time is an explicit `runtimeType(...)`;
 * a generated codec or service descriptor can be passed itself, which also hands the client that
 * codec (and lets a bundler ship only the codecs an app names).
 */
import type { Codec, MessageTypeMap, ServiceTypeMap } from "../codec/types.js";
import type { ANY_TYPE } from "./context.js";

/** A type the program has no bindings for: data is decoded as the server advertises it. */
export interface RuntimeType {
  readonly runtimeType: string;
}

/**
 * Names a type that is not in the generated bindings (`pkg/Type` for ROS 1, `pkg/msg/Type` or
 * `pkg/srv/Type` for ROS 2): an explicit opt-in, since
 * such messages are `unknown` to the compiler. `subscribe("/x", runtimeType("my_pkg/Foo"), cb)`.
 */
export function runtimeType(datatype: string): RuntimeType {
  if (
    typeof datatype !== "string" ||
    !/^[A-Za-z][\w]*\/(?:(?:msg|srv|action)\/)?[A-Za-z][\w]*$/.test(datatype)
  ) {
    throw new TypeError(
      `runtimeType(${JSON.stringify(datatype)}): expected a "pkg/Type" (ROS 1) or "pkg/msg/Type" (ROS 2) name`,
    );
  }
  return { runtimeType: datatype };
}

/** What a generated service module exports per service (`std_srvs.SetBoolService`). */
export interface ServiceDescriptor<Req = unknown, Res = unknown> {
  readonly datatype: string;
  /** ROS 1 services have one; generated ROS 2 services do not (their parts carry type hashes). */
  readonly md5sum?: string;
  readonly request: Codec<Req>;
  readonly response: Codec<Res>;
}

/** A generated message type name, or `"*"`. */
export type MessageTypeName = (keyof MessageTypeMap & string) | typeof ANY_TYPE;
/** A generated service type name, or `"*"`. */
export type ServiceTypeName = (keyof ServiceTypeMap & string) | typeof ANY_TYPE;

/** A message type as calls name it: a generated name, a codec, or `runtimeType(...)`. */
export type MessageTypeRef = MessageTypeName | Codec<unknown> | RuntimeType;
/** A service type as calls name it: a generated name, a service descriptor, or `runtimeType(...)`. */
export type ServiceTypeRef = ServiceTypeName | ServiceDescriptor | RuntimeType;

/** The decoded message type a reference stands for. */
export type MessageOfRef<K> =
  K extends Codec<infer T> ? T : K extends keyof MessageTypeMap ? MessageTypeMap[K] : unknown;

export type ServiceRequestOf<K> =
  K extends ServiceDescriptor<infer Req, unknown>
    ? Req
    : K extends keyof ServiceTypeMap
      ? ServiceTypeMap[K] extends { request: infer R }
        ? R
        : unknown
      : unknown;
export type ServiceResponseOf<K> =
  K extends ServiceDescriptor<unknown, infer Res>
    ? Res
    : K extends keyof ServiceTypeMap
      ? ServiceTypeMap[K] extends { response: infer R }
        ? R
        : unknown
      : unknown;

function isCodec(ref: object): ref is Codec {
  const c = ref as Partial<Codec>;
  return typeof c.datatype === "string" && typeof c.decode === "function";
}

/**
 * The type name a reference stands for, and the codec it carries if any. Checked at run time
 * too, for JavaScript callers and values that lie about their type.
 */
export function messageRef(ref: unknown, call: string): { datatype: string; codec?: Codec } {
  if (typeof ref === "string" && ref !== "") return { datatype: ref };
  if (typeof ref === "object" && ref !== null) {
    if (typeof (ref as RuntimeType).runtimeType === "string") {
      return { datatype: (ref as RuntimeType).runtimeType };
    }
    if (isCodec(ref)) return { datatype: ref.datatype, codec: ref };
  }
  throw new TypeError(
    `${call}: expected a type name, a generated codec or runtimeType("pkg/Type"), got ${typeof ref}`,
  );
}

export function serviceRef(
  ref: unknown,
  call: string,
): { datatype: string; codecs?: { request: Codec; response: Codec } } {
  if (typeof ref === "string" && ref !== "") return { datatype: ref };
  if (typeof ref === "object" && ref !== null) {
    if (typeof (ref as RuntimeType).runtimeType === "string") {
      return { datatype: (ref as RuntimeType).runtimeType };
    }
    const d = ref as Partial<ServiceDescriptor>;
    if (
      typeof d.datatype === "string" &&
      d.request !== undefined &&
      isCodec(d.request) &&
      d.response !== undefined &&
      isCodec(d.response)
    ) {
      return { datatype: d.datatype, codecs: { request: d.request, response: d.response } };
    }
  }
  throw new TypeError(
    `${call}: expected a service type name, a generated service or runtimeType("pkg/Srv"), got ${typeof ref}`,
  );
}
