/**
 * The standard ROS 2 set (common_interfaces, rcl_interfaces' types, tf2_msgs, ...: what ships as
 * `noros/ros2/msgs`) as the generator sees it when a user's ROS 2 types refer to it, as
 * standard.ts does for ROS 1: the definitions come from the committed `generated-ros2/` modules
 * (each codec's full definition starts with its type's own text), so a user package needs neither
 * a ROS 2 install nor generator/std-ros2, and its bindings import `noros/ros2/msgs/<pkg>`.
 */
import type { MessageSpec } from "../runtime/schema/model.js";
import type { TypeSet } from "../runtime/schema/resolve.js";
import { parseRos2FullDefinition } from "../runtime/schema/ros2-full-text.js";
import { codecs } from "../generated-ros2/index.js";

export interface StandardRos2Type {
  spec: MessageSpec;
  /** rosidl's name: `pkg/msg/Type`, `pkg/srv/X_Request`, `pkg/action/X_Goal`... */
  fullName: string;
}

let cached: StandardRos2Type[] | undefined;

export function standardRos2Types(): StandardRos2Type[] {
  if (cached !== undefined) return cached;
  // Parsed on first use: generating the standard set itself (`--msgs-import none`) never asks.
  cached = Object.values(codecs).map((codec) => {
    const { types, root } = parseRos2FullDefinition(codec.datatype, codec.definition);
    const spec = types.spec(root)!;
    return {
      spec: { ...spec, source: { file: `noros/ros2/msgs (${codec.datatype})`, firstLine: 1 } },
      fullName: codec.datatype,
    };
  });
  return cached;
}

/**
 * Adds to `types` the standard types it lacks, but for those of `skipPackages` (a generator's
 * input packages are the user's as a whole), naming them in `fullNames`. Returns the keys added.
 */
export function addStandardRos2Types(
  types: TypeSet,
  fullNames: Map<string, string>,
  skipPackages: ReadonlySet<string> = new Set(),
): string[] {
  const added: string[] = [];
  for (const { spec, fullName } of standardRos2Types()) {
    if (skipPackages.has(spec.package) || types.has(spec.fullName)) continue;
    types.add(spec);
    fullNames.set(spec.fullName, fullName);
    added.push(spec.fullName);
  }
  return added;
}
