#!/usr/bin/python3
"""Writes small ROS 1 bags with Debian's python3-rosbag for the `noros` tool tests.

usage: make-recordings.py OUT_DIR

Writes recording-none.bag, recording-bz2.bag and recording-lz4.bag with the same content
(several chunks each), and prints one JSON line: the file paths, and every message as python3-rosbag
reads it back ([topic, receive time ns, sha1 of the raw ROS 1 bytes]) as ground truth.
"""
import hashlib
import json
import math
import os
import sys

import rosbag
import rospy
from geometry_msgs.msg import TransformStamped
from sensor_msgs.msg import Image, Imu
from std_msgs.msg import Int64, String
from tf2_msgs.msg import TFMessage

T0 = 1700000000


def header(msg, topic, callerid, latching=False):
    h = {
        "topic": topic,
        "type": msg._type,
        "md5sum": msg._md5sum,
        "message_definition": msg._full_text,
        "callerid": callerid,
    }
    if latching:
        h["latching"] = "1"
    return h


def messages():
    """(time, topic, msg, connection header) in time order."""
    out = []
    tf = TFMessage()
    for i, child in enumerate(["base_link", "laser"]):
        t = TransformStamped()
        t.header.stamp = rospy.Time(T0, 0)
        t.header.frame_id = "odom" if i == 0 else "base_link"
        t.child_frame_id = child
        t.transform.translation.x = 1.5 * (i + 1)
        t.transform.rotation.w = 1.0
        tf.transforms.append(t)
    out.append((rospy.Time(T0, 0), "/tf_static", tf, header(tf, "/tf_static", "/static_tf", True)))
    for i in range(20):
        s = String(data="hello %d" % i)
        out.append((rospy.Time(T0, 50_000_000 * i + 1_000), "/chatter", s, header(s, "/chatter", "/talker")))
    for i in range(50):
        m = Imu()
        m.header.seq = i
        m.header.stamp = rospy.Time(T0, 20_000_000 * i + 2_000)
        m.header.frame_id = "imu_link"
        m.orientation.w = math.cos(i / 10.0)
        m.orientation.z = math.sin(i / 10.0)
        m.angular_velocity.z = 0.1 * i
        m.linear_acceleration.z = 9.81
        m.orientation_covariance = [0.01 * k for k in range(9)]
        out.append((m.header.stamp, "/imu", m, header(m, "/imu", "/imu_driver")))
    for i in range(5):
        img = Image()
        img.header.stamp = rospy.Time(T0, 200_000_000 * i + 3_000)
        img.header.frame_id = "camera"
        img.height, img.width, img.encoding, img.step = 6, 8, "rgb8", 24
        img.data = bytes((i * 7 + k) % 256 for k in range(6 * 24))
        out.append((img.header.stamp, "/camera/image_raw", img, header(img, "/camera/image_raw", "/camera")))
    for i in range(5):
        n = Int64(data=(1 << 60) + i if i % 2 else -i)
        out.append((rospy.Time(T0, 200_000_000 * i + 4_000), "/counter", n, header(n, "/counter", "/counter")))
    out.sort(key=lambda e: e[0])
    return out


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    msgs = messages()
    files = {}
    for compression in ["none", "bz2", "lz4"]:
        path = os.path.join(out_dir, "recording-%s.bag" % compression)
        with rosbag.Bag(path, "w", compression=compression, chunk_threshold=4096) as bag:
            for t, topic, msg, conn in msgs:
                bag.write(topic, msg, t, connection_header=conn)
        files[compression] = path
    # Ground truth for readers under test: what python3-rosbag reads back, raw bytes hashed.
    listing = []
    with rosbag.Bag(files["none"]) as bag:
        for topic, raw, t in bag.read_messages(raw=True):
            listing.append([topic, str(t.to_nsec()), hashlib.sha1(raw[1]).hexdigest()])
    print(json.dumps({"files": files, "messages": listing}))


if __name__ == "__main__":
    main()
