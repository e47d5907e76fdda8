/**
 * What `#node-websocket` resolves to outside Node (see websocket.ts): no `ws`, so that bundles
 * for browsers neither contain nor try to load it.
 */
export const WebSocket: undefined = undefined;
