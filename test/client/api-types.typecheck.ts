/**
 * Compile-time tests of the client's typing, checked by `tsc --noEmit` (part of `npm test`); jest
 * does not run this file. Each `@ts-expect-error` line must be an error: if the typing got looser
 * and the line compiled, tsc would fail with "Unused '@ts-expect-error' directive".
 *
 * Message and service types are declared here by hand and added to the maps the way generated
 * modules add theirs, under a test-only package name so they never collide with generated ones.
 */
import type { Time } from "../../runtime/codec/types.js";
import type { MessageStream, Publisher, RosClient } from "../../runtime/client/index.js";

interface Vector3 {
  x: number;
  y: number;
  z: number;
}
interface Twist {
  linear: Vector3;
  angular: Vector3;
}
interface CompressedImage {
  header: { seq: number; stamp: Time; frame_id: string };
  format: string;
  data: Uint8Array;
}
interface Counter {
  count: bigint;
  samples: Float64Array;
}
interface SetFlagRequest {
  data: boolean;
}
interface SetFlagResponse {
  success: boolean;
  message: string;
}

declare module "../../runtime/codec/types.js" {
  interface MessageTypeMap {
    "typecheck_msgs/Twist": Twist;
    "typecheck_msgs/CompressedImage": CompressedImage;
    "typecheck_msgs/Counter": Counter;
  }
  interface ServiceTypeMap {
    "typecheck_srvs/SetFlag": { request: SetFlagRequest; response: SetFlagResponse };
  }
}

/** Never called: only compiled. */
export async function typeChecks(client: RosClient): Promise<void> {
  // --- subscribe: the callback's message type comes from the type name ---
  client.subscribe("/image", "typecheck_msgs/CompressedImage", (msg, receiveTimeNs) => {
    const data: Uint8Array = msg.data;
    const sec: number = msg.header.stamp.sec;
    const ns: bigint = receiveTimeNs;
    void [data, sec, ns];
    // @ts-expect-error a field the type does not have
    void msg.pixels;
    // @ts-expect-error format is a string
    const n: number = msg.format;
    void n;
  });
  // A callback written for the wrong type does not fit.
  // @ts-expect-error a Twist callback on a CompressedImage subscription
  client.subscribe("/image", "typecheck_msgs/CompressedImage", (msg: Twist) => void msg);
  // A mistyped type name is not in the map: the message is `unknown`, so using it as the
  // intended type does not compile.
  client.subscribe("/image", "typecheck_msgs/CompressedImag", (msg) => {
    // @ts-expect-error msg is unknown for a name that is not generated
    void msg.data;
  });
  // @ts-expect-error a typed callback with a mistyped name
  client.subscribe("/image", "typecheck_msgs/CompressedImag", (msg: CompressedImage) => void msg);
  // Names that are not generated are allowed and give `unknown`.
  client.subscribe("/custom", "custom_msgs/Thing", (msg) => {
    const value: unknown = msg;
    void value;
  });
  // int64 fields are bigint; numeric arrays are typed arrays.
  client.subscribe("/count", "typecheck_msgs/Counter", (msg) => {
    const count: bigint = msg.count;
    const first: number | undefined = msg.samples[0];
    void [count, first];
    // @ts-expect-error int64 is not a number
    const wrong: number = msg.count;
    void wrong;
  });

  // --- messages(): typed the same way ---
  const stream: MessageStream<Twist> = client.messages("/cmd_vel", "typecheck_msgs/Twist");
  for await (const { msg, receiveTimeNs } of stream) {
    const x: number = msg.linear.x;
    const t: bigint = receiveTimeNs;
    void [x, t];
    // @ts-expect-error no such field
    void msg.linear.w;
    break;
  }

  // --- publish: the message must have the type's fields ---
  const pub: Publisher<Twist> = await client.advertise("/cmd_vel", "typecheck_msgs/Twist");
  pub.publish({ linear: { x: 1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.5 } });
  // @ts-expect-error a misspelled field
  pub.publish({ linear: { x: 1, y: 0, z: 0 }, angualr: { x: 0, y: 0, z: 0.5 } });
  // @ts-expect-error a missing field
  pub.publish({ linear: { x: 1, y: 0, z: 0 } });
  // @ts-expect-error a field of the wrong type
  pub.publish({ linear: { x: "1", y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
  // Natural inputs are accepted where the codec takes them: numbers for int64, arrays for typed arrays.
  const counter = await client.advertise("/count", "typecheck_msgs/Counter");
  counter.publish({ count: 5, samples: [1.5, 2.5] });
  counter.publish({ count: 5n, samples: new Float64Array(2) });
  // @ts-expect-error strings are not int64
  counter.publish({ count: "5", samples: [] });
  // An untyped publisher takes anything (checked by its codec at run time).
  const untyped = await client.advertise("/custom", "custom_msgs/Thing", { definition: "int32 a" });
  untyped.publish({ a: 1 });

  // --- services: request and response typed by the service name ---
  const response = await client.callService("/set_flag", "typecheck_srvs/SetFlag", { data: true });
  const success: boolean = response.success;
  void success;
  // @ts-expect-error the response has no such field
  void response.ok;
  // @ts-expect-error the request field has the wrong type
  await client.callService("/set_flag", "typecheck_srvs/SetFlag", { data: "yes" });
  // @ts-expect-error the request is missing its field
  await client.callService("/set_flag", "typecheck_srvs/SetFlag", {});
  // A service type that is not generated gives unknown.
  const other = await client.callService("/other", "custom_srvs/Other", { anything: 1 });
  // @ts-expect-error unknown response
  void other.success;

  // --- events ---
  client.on("error", (error) => {
    const kind: "connection" | "closed" | string = error.kind;
    void [kind, error.context.topic];
  });
  client.on("drop", (event) => void event.dropped.toFixed());
  // @ts-expect-error not an event
  client.on("nonsense", () => undefined);
  // @ts-expect-error the disconnect listener gets an event object, not a number
  client.on("disconnect", (code: number) => void code);

  // --- parameters ---
  const params = await client.getParameters(["/rosdistro"]);
  void params["/rosdistro"];
  await client.setParameters({ "/x": 1, "/name": "robot", "/list": [1, 2] });
  // @ts-expect-error parameter values are JSON-like, not functions
  await client.setParameters({ "/f": () => 1 });
}
