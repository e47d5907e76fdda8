/**
 * An in-memory parameter server for `noros play`, so clients that read or write parameters can be
 * exercised without a ROS master. It starts empty (a bag holds no parameters) and answers like
 * foxglove_bridge: `getParameters` with no names returns every parameter, unknown names are left
 * out of the reply, `setParameters` replies to the requester (when it gave an id) and informs
 * clients subscribed to those names; a parameter set without a value is deleted.
 */
import type { FoxgloveServer, Parameter } from "@foxglove/ws-protocol";

export class ParameterStore {
  readonly #values = new Map<string, Parameter>();

  constructor(initial: readonly Parameter[] = []) {
    for (const parameter of initial) this.#values.set(parameter.name, parameter);
  }

  attach(server: FoxgloveServer): void {
    server.on("getParameters", ({ parameterNames, id }, connection) => {
      const values =
        parameterNames.length === 0
          ? [...this.#values.values()]
          : parameterNames.flatMap((name) => this.#values.get(name) ?? []);
      server.publishParameterValues(values, id, connection);
    });
    server.on("setParameters", ({ parameters, id }, connection) => {
      for (const parameter of parameters) {
        if (parameter.value === undefined || parameter.value === null) {
          this.#values.delete(parameter.name);
        } else {
          this.#values.set(parameter.name, parameter);
        }
      }
      const names = parameters.map((p) => p.name);
      const current = names.flatMap((name) => this.#values.get(name) ?? []);
      if (id !== undefined) server.publishParameterValues(current, id, connection);
      server.updateParameterValues(current);
    });
  }

  get(name: string): Parameter | undefined {
    return this.#values.get(name);
  }
}
