/**
 * The `noros` command's parts as a library (`import { startPlayServer } from "noros-gen/tools"`):
 * reading recordings, serving one as a bridge, recording a bridge to MCAP, and `startBridge`, a
 * ROS 1 node that serves the Foxglove protocol.
 */
export { openMessageSource, SourceError } from "./sources/index.js";
export type * from "./sources/types.js";
export {
  startPlayServer,
  type PlayServer,
  type PlayServerOptions,
  type PlayChannelInfo,
  type PlayStats,
  type PlayStart,
} from "./play/server.js";
export {
  record,
  type RecordOptions,
  type RecordProgress,
  type RecordResult,
  type RecordEnd,
} from "./record/recorder.js";
export {
  startBridge,
  rosAdvertiseHost,
  type Bridge,
  type BridgeOptions,
  type BridgeChannel,
  type BridgeService,
} from "./ros-bridge/server.js";
export { rosWebSocket } from "./ros-bridge/in-process.js";
export { main } from "./cli.js";
