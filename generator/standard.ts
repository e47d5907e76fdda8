/**
 * The standard message set (std_msgs, geometry_msgs, sensor_msgs, ...) as the generator sees it
 * when a user's types refer to it: the definitions come from the committed `generated/` modules
 * (each codec carries its type's own text as the first block of its full definition), so users
 * need neither ROS nor the .msg files, and their bindings import `noros/msgs` instead of
 * re-emitting the standard types.
 */
import type { MessageSpec } from "../runtime/schema/model.js";
import { parseFullDefinition } from "../runtime/schema/full-text.js";
import type { Codec } from "../runtime/codec/types.js";

let cached: MessageSpec[] | undefined;

export function standardSpecs(): MessageSpec[] {
  if (cached !== undefined) return cached;
  // Loaded lazily: generating the standard set itself must not need a previous output.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const msgs = require("../generated/index.js") as { codecs: Record<string, Codec> };
  cached = Object.values(msgs.codecs).map((codec) => {
    const { types } = parseFullDefinition(codec.datatype, codec.definition);
    const spec = types.spec(codec.datatype)!;
    return { ...spec, source: { file: `noros/msgs (${codec.datatype})`, firstLine: 1 } };
  });
  return cached;
}
