/**
 * The classes of @foxglove/ws-protocol, as values that work from ES modules and from CommonJS.
 * The package is CommonJS and re-exports its classes through getters, which Node's ESM loader
 * cannot see as named exports: from ESM they sit on the default export (`module.exports`); in
 * CommonJS (jest) on the namespace itself.
 */
import * as wsProtocol from "@foxglove/ws-protocol";

const mod = (
  "FoxgloveServer" in wsProtocol ? wsProtocol : (wsProtocol as { default: unknown }).default
) as typeof wsProtocol;

export const FoxgloveClient = mod.FoxgloveClient;
export type FoxgloveClient = wsProtocol.FoxgloveClient;
export const FoxgloveServer = mod.FoxgloveServer;
export type FoxgloveServer = wsProtocol.FoxgloveServer;
