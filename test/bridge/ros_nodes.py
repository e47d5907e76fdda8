#!/usr/bin/env python3
"""A rospy node for the `noros bridge` tests: publishes /chatter (std_msgs/String "hello"),
/image_raw (sensor_msgs/Image, 4x3 rgb8) and /image_raw/compressed (sensor_msgs/CompressedImage,
PNG bytes) at 10 Hz, with --big also /big (sensor_msgs/Image, 1 MB) at 20 Hz, and serves /noros_test/set_flag (std_srvs/SetBool: success = data,
message = "flag is <data>"). Prints "ready" once everything is advertised."""

import sys

import rospy
from sensor_msgs.msg import CompressedImage, Image
from std_msgs.msg import String
from std_srvs.srv import SetBool, SetBoolResponse

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a2cdb14a0000000049454e44ae426082"
)


def main() -> None:
    rospy.init_node("noros_test_nodes")
    chatter = rospy.Publisher("/chatter", String, queue_size=10)
    image = rospy.Publisher("/image_raw", Image, queue_size=10)
    compressed = rospy.Publisher("/image_raw/compressed", CompressedImage, queue_size=10)
    rospy.Service(
        "/noros_test/set_flag",
        SetBool,
        lambda req: SetBoolResponse(success=req.data, message="flag is %s" % req.data),
    )
    big = None
    if "--big" in sys.argv:
        big = rospy.Publisher("/big", Image, queue_size=2)
        big_msg = Image(height=512, width=682, encoding="rgb8", is_bigendian=0, step=682 * 3)
        big_msg.data = bytes(682 * 3 * 512)
    print("ready", flush=True)
    rate = rospy.Rate(20 if big is not None else 10)
    seq = 0
    while not rospy.is_shutdown():
        seq += 1
        if big is not None:
            big.publish(big_msg)
        chatter.publish(String(data="hello"))
        msg = Image(height=3, width=4, encoding="rgb8", is_bigendian=0, step=12)
        msg.header.frame_id = "camera"
        msg.header.seq = seq
        msg.data = bytes(range(36))
        image.publish(msg)
        c = CompressedImage(format="png", data=PNG_1X1)
        c.header.frame_id = "camera"
        compressed.publish(c)
        rate.sleep()


if __name__ == "__main__":
    try:
        main()
    except (rospy.ROSInterruptException, KeyboardInterrupt):
        sys.exit(0)
