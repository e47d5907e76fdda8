/**
 * ROS graph names as rostopic and rosbag resolve them for a node in the global namespace: a
 * relative name (`imu`, `zed/scan`) means `/imu`, `/zed/scan`. Bags recorded by nodes that used
 * relative names keep them as written, and users type them; the ROS master and foxglove_bridge
 * only ever know the resolved, global form, so both sides resolve before comparing.
 */

/** `imu` -> `/imu`, `//a//b/` -> `/a/b`; global names are returned as they are otherwise. */
export function resolveName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.startsWith("~")) {
    // A private name belongs to a node; a client has none (rostopic resolves it against its
    // own anonymous node, which no user means).
    throw new RangeError(`"${name}" is a private (~) name; give the topic's full name`);
  }
  const parts = trimmed.split("/").filter((part) => part !== "");
  return `/${parts.join("/")}`;
}
