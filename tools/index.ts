/**
 * The `noros` command's parts as a library (`import { startPlayServer } from "noros-gen/tools"`):
 * reading recordings, serving one as a bridge, and recording a bridge to MCAP.
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
export { main } from "./cli.js";
