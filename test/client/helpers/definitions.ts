/**
 * Full definition texts (gendeps --cat form) and md5sums of a few standard types, as Debian's genpy
 * classes report them (`_full_text`, `_md5sum`); `definitions.test.ts` checks them against genpy
 * when ROS Python is installed. Tests encode messages from these with the reference encoder
 * (@foxglove/rosmsg-serialization) and serve them as a bridge would.
 */

export interface Definition {
  datatype: string;
  md5sum: string;
  text: string;
}

export const DEFINITIONS = {
  "std_msgs/String": {
    datatype: "std_msgs/String",
    md5sum: "992ce8a1687cec8c8bd883ec73ca41d1",
    text: "string data\n",
  },
  "geometry_msgs/Twist": {
    datatype: "geometry_msgs/Twist",
    md5sum: "9f195f881246fdfa2798d1d3eebca84a",
    text: "# This expresses velocity in free space broken into its linear and angular parts.\nVector3  linear\nVector3  angular\n\n================================================================================\nMSG: geometry_msgs/Vector3\n# This represents a vector in free space. \n# It is only meant to represent a direction. Therefore, it does not\n# make sense to apply a translation to it (e.g., when applying a \n# generic rigid transformation to a Vector3, tf2 will only apply the\n# rotation). If you want your data to be translatable too, use the\n# geometry_msgs/Point message instead.\n\nfloat64 x\nfloat64 y\nfloat64 z",
  },
  "sensor_msgs/CompressedImage": {
    datatype: "sensor_msgs/CompressedImage",
    md5sum: "8f7a12909da2c9d3332d540a0977563f",
    text: "# This message contains a compressed image\n\nHeader header        # Header timestamp should be acquisition time of image\n                     # Header frame_id should be optical frame of camera\n                     # origin of frame should be optical center of camera\n                     # +x should point to the right in the image\n                     # +y should point down in the image\n                     # +z should point into to plane of the image\n\nstring format        # Specifies the format of the data\n                     #   Acceptable values:\n                     #     jpeg, png\nuint8[] data         # Compressed image buffer\n\n================================================================================\nMSG: std_msgs/Header\n# Standard metadata for higher-level stamped data types.\n# This is generally used to communicate timestamped data \n# in a particular coordinate frame.\n# \n# sequence ID: consecutively increasing ID \nuint32 seq\n#Two-integer timestamp that is expressed as:\n# * stamp.sec: seconds (stamp_secs) since epoch (in Python the variable is called 'secs')\n# * stamp.nsec: nanoseconds since stamp_secs (in Python the variable is called 'nsecs')\n# time-handling sugar is provided by the client library\ntime stamp\n#Frame this data is associated with\nstring frame_id\n",
  },
  "sensor_msgs/Imu": {
    datatype: "sensor_msgs/Imu",
    md5sum: "6a62c6daae103f4ff57a132d6f95cec2",
    text: "# This is a message to hold data from an IMU (Inertial Measurement Unit)\n#\n# Accelerations should be in m/s^2 (not in g's), and rotational velocity should be in rad/sec\n#\n# If the covariance of the measurement is known, it should be filled in (if all you know is the \n# variance of each measurement, e.g. from the datasheet, just put those along the diagonal)\n# A covariance matrix of all zeros will be interpreted as \"covariance unknown\", and to use the\n# data a covariance will have to be assumed or gotten from some other source\n#\n# If you have no estimate for one of the data elements (e.g. your IMU doesn't produce an orientation \n# estimate), please set element 0 of the associated covariance matrix to -1\n# If you are interpreting this message, please check for a value of -1 in the first element of each \n# covariance matrix, and disregard the associated estimate.\n\nHeader header\n\ngeometry_msgs/Quaternion orientation\nfloat64[9] orientation_covariance # Row major about x, y, z axes\n\ngeometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance # Row major about x, y, z axes\n\ngeometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance # Row major x, y z \n\n================================================================================\nMSG: std_msgs/Header\n# Standard metadata for higher-level stamped data types.\n# This is generally used to communicate timestamped data \n# in a particular coordinate frame.\n# \n# sequence ID: consecutively increasing ID \nuint32 seq\n#Two-integer timestamp that is expressed as:\n# * stamp.sec: seconds (stamp_secs) since epoch (in Python the variable is called 'secs')\n# * stamp.nsec: nanoseconds since stamp_secs (in Python the variable is called 'nsecs')\n# time-handling sugar is provided by the client library\ntime stamp\n#Frame this data is associated with\nstring frame_id\n\n================================================================================\nMSG: geometry_msgs/Quaternion\n# This represents an orientation in free space in quaternion form.\n\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n\n================================================================================\nMSG: geometry_msgs/Vector3\n# This represents a vector in free space. \n# It is only meant to represent a direction. Therefore, it does not\n# make sense to apply a translation to it (e.g., when applying a \n# generic rigid transformation to a Vector3, tf2 will only apply the\n# rotation). If you want your data to be translatable too, use the\n# geometry_msgs/Point message instead.\n\nfloat64 x\nfloat64 y\nfloat64 z",
  },
  "std_srvs/SetBoolRequest": {
    datatype: "std_srvs/SetBoolRequest",
    md5sum: "8b94c1b53db61fb6aed406028ad6332a",
    text: "bool data # e.g. for hardware enabling / disabling\n",
  },
  "std_srvs/SetBoolResponse": {
    datatype: "std_srvs/SetBoolResponse",
    md5sum: "937c9679a518e3a18d831e57125ea522",
    text: "bool success   # indicate successful run of triggered service\nstring message # informational, e.g. for error messages\n\n",
  },
  "roscpp/GetLoggersRequest": {
    datatype: "roscpp/GetLoggersRequest",
    md5sum: "d41d8cd98f00b204e9800998ecf8427e",
    text: "",
  },
  "roscpp/GetLoggersResponse": {
    datatype: "roscpp/GetLoggersResponse",
    md5sum: "32e97e85527d4678a8f9279894bb64b0",
    text: "Logger[] loggers\n\n================================================================================\nMSG: roscpp/Logger\nstring name\nstring level\n",
  },
} satisfies Record<string, Definition>;
