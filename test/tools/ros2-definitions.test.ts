/**
 * `resolveRos2Definition` for what the shared recordings do not show: a pre-Foxy type name
 * (`std_msgs/String`) and no stored definition, and a stored text whose data does not decode
 * when the type is not in the standard set.
 */
import { resolveRos2Definition } from "../../tools/sources/ros2-definitions.js";

describe("ROS 2 definitions play serves", () => {
  it("serves an old pkg/Type name as pkg/msg/Type with the standard definition, and says so", async () => {
    // CDR little-endian header, then the string "hi" (length 3 with its NUL).
    const sample = Uint8Array.of(0, 1, 0, 0, 3, 0, 0, 0, 0x68, 0x69, 0);
    const resolved = await resolveRos2Definition({
      topic: "/chatter",
      type: "std_msgs/String",
      text: undefined,
      encoding: "",
      sample,
    });
    expect(resolved).toEqual({
      schemaName: "std_msgs/msg/String",
      schema: expect.stringContaining("string data") as unknown as string,
      notice:
        "type recorded as std_msgs/String (old name), served as std_msgs/msg/String; the recording has no definition of its type; serving the standard ROS 2 (Jazzy) definition of std_msgs/msg/String shipped with noros",
    });
  });

  it("refuses a name that is no ROS 2 type", async () => {
    expect(
      await resolveRos2Definition({
        topic: "/x",
        type: "nope",
        text: "int32 a",
        encoding: "ros2msg",
      }),
    ).toEqual({ skip: 'type "nope" is not a ROS 2 type name (pkg/msg/Type)' });
  });
});
