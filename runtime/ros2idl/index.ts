/**
 * `noros/ros2idl`: reading the OMG IDL definitions a ROS 2 bridge sends (`schemaEncoding:
 * "ros2idl"`, for types that have only an `.idl` file). A separate entry point because the IDL
 * parser (@foxglove/ros2idl-parser) would add about 13 KB gzip (40 %) to a client bundle (see
 * test/package/bundles.test.ts), which most apps never need: they opt in with
 *
 *     import { RosClient } from "noros";
 *     import { ros2idl } from "noros/ros2idl";
 *     const client = new RosClient(url, { schemaReaders: [ros2idl] });
 */
import type { SchemaReader } from "../client/schema-codecs.js";
import { ros2msgFromIdl } from "./convert.js";

export { ros2msgFromIdl, type Ros2msgFromIdl } from "./convert.js";

/** The `ros2idl` reader for `RosClientOptions.schemaReaders`. */
export const ros2idl: SchemaReader = {
  schemaEncoding: "ros2idl",
  toRos2msg: ros2msgFromIdl,
};
