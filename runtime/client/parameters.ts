/**
 * Parameter requests: `getParameters` / `setParameters` carry an id, and the server answers with
 * `parameterValues` carrying the same id (foxglove_bridge answers a `setParameters` with the
 * values now set). Requests in flight are matched by id, and time out.
 */
import type { ClientContext } from "./context.js";
import { RosClientError } from "./errors.js";
import type { Parameter, ParameterValue } from "./protocol.js";

interface Pending {
  resolve: (values: Record<string, ParameterValue>) => void;
  reject: (error: RosClientError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export type ParameterOp = "getParameters" | "setParameters";

export class Parameters {
  readonly #ctx: ClientContext;
  readonly #pending = new Map<string, Pending>();
  /**
   * The protocol type the server last reported per parameter (`float64`...). ROS 2 parameters
   * are typed: a double set from an integral JS number must still go out as `float64`, or the
   * node refuses the change (see `toParameters`).
   */
  readonly #types = new Map<string, NonNullable<Parameter["type"]>>();
  #nextId = 1;

  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /** Sends the request and awaits its answer until `deadline` (reporting the limit `timeoutMs`). */
  request(
    op: ParameterOp,
    body: object,
    deadline: number,
    timeoutMs: number,
  ): Promise<Record<string, ParameterValue>> {
    const id = `noros-${op}-${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined };
      if (Number.isFinite(deadline)) {
        pending.timer = setTimeout(
          () => {
            this.#pending.delete(id);
            reject(new RosClientError("timeout", `no answer to ${op} within ${timeoutMs} ms`));
          },
          Math.max(0, deadline - Date.now()),
        );
      }
      this.#pending.set(id, pending);
      if (!this.#ctx.send(JSON.stringify({ op, ...body, id }))) {
        this.#finish(id);
        reject(new RosClientError("connection", `cannot send ${op}: not connected`));
      }
    });
  }

  /** Parameter types the server reported, by name. */
  get knownTypes(): ReadonlyMap<string, NonNullable<Parameter["type"]>> {
    return this.#types;
  }

  onValues(parameters: Parameter[], id: string | undefined): void {
    for (const p of parameters) {
      if (p.type !== undefined) this.#types.set(p.name, p.type);
      else this.#types.delete(p.name);
    }
    if (id === undefined) return; // an update for a parameter subscription; none are made
    const pending = this.#pending.get(id);
    if (pending === undefined) return; // timed out
    this.#finish(id);
    const values: Record<string, ParameterValue> = {};
    for (const p of parameters) values[p.name] = p.value;
    pending.resolve(values);
  }

  failAll(makeError: () => RosClientError): void {
    for (const [id, pending] of [...this.#pending]) {
      this.#finish(id);
      pending.reject(makeError());
    }
  }

  #finish(id: string): void {
    const pending = this.#pending.get(id);
    if (pending?.timer !== undefined) clearTimeout(pending.timer);
    this.#pending.delete(id);
  }
}

/**
 * Parameters as the protocol carries them. JavaScript has one number type: non-integers go out
 * as `float64` (ROS doubles), integers as ROS ints; a numeric array with any non-integer as
 * `float64_array`. A parameter the server reported as `float64`/`float64_array` (`knownTypes`)
 * keeps that type for integral values too: ROS 2 refuses to change a parameter's type, so
 * `{ gain: 2 }` for a double parameter must be sent as the double 2.0.
 */
export function toParameters(
  values: Record<string, ParameterValue>,
  knownTypes: ReadonlyMap<string, NonNullable<Parameter["type"]>> = new Map(),
): Parameter[] {
  return Object.entries(values).map(([name, value]) => {
    const parameter: Parameter = { name, value };
    const known = knownTypes.get(name);
    if (typeof value === "number") {
      if (!Number.isInteger(value) || known === "float64") parameter.type = "float64";
    }
    const numbers =
      Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "number");
    if (numbers && (value.some((v) => !Number.isInteger(v)) || known === "float64_array")) {
      parameter.type = "float64_array";
    }
    return parameter;
  });
}
