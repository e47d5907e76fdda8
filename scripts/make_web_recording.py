#!/usr/bin/python3
"""Writes test/fixtures/web/camera.bag with Debian's python3-rosbag: the recording the browser
tests serve with `noros play` and the web example can be tried with.

usage: make_web_recording.py [--out FILE]

Three seconds of a small robot with a camera:
  /camera/image_raw             sensor_msgs/Image, rgb8, 32x24, step 100 (4 padding bytes per
                                row, filled with 0xEE so that a viewer ignoring `step` shows it),
                                10 Hz
  /camera/image_raw/compressed  sensor_msgs/CompressedImage, a real PNG (40x30 RGB), 10 Hz
  /tf                           tf2_msgs/TFMessage, odom -> base_link moving along x, 10 Hz
  /tf_static                    tf2_msgs/TFMessage, latched: map -> odom, base_link -> camera_link,
                                camera_link -> camera_optical
  /chatter                      std_msgs/String "hello N", 5 Hz
Every image has its frame number as header.seq, and its pixels are a function of that number (see
raw_pixel / png_pixel), so a test can tell which frame it is looking at. The PNG is written with
filter type 0 on every row and no colour-space chunks, so any decoder gives these exact pixels.
Deterministic: running it twice gives byte-identical files.
"""
import argparse
import os
import struct
import sys
import tempfile
import zlib

import rosbag
import rospy
from geometry_msgs.msg import TransformStamped
from sensor_msgs.msg import CompressedImage, Image
from std_msgs.msg import String
from tf2_msgs.msg import TFMessage

T0 = 1700000000
FRAMES = 30
RAW_W, RAW_H, RAW_STEP = 32, 24, 100
PNG_W, PNG_H = 40, 30
DEFAULT_OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "web", "camera.bag"
)


def raw_pixel(frame, x, y):
    """Gradients with a vertical bar moving right by one pixel per frame."""
    bar = (x - frame) % RAW_W < 4
    return ((x * 8) & 255, (y * 10) & 255, 250 if bar else 40)


def png_pixel(frame, x, y):
    """A checkerboard whose phase flips every frame, over a colour gradient."""
    on = (x // 5 + y // 5 + frame) % 2 == 1
    return (230 if on else 20, (x * 6) & 255, (y * 8 + frame * 8) & 255)


def png_bytes(width, height, pixel):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type 0 (None)
        for x in range(width):
            rows.extend(pixel(x, y))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def connection(msg, topic, callerid, latching=False):
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


def transform(parent, child, stamp, x=0.0, y=0.0, z=0.0):
    t = TransformStamped()
    t.header.stamp = stamp
    t.header.frame_id = parent
    t.child_frame_id = child
    t.transform.translation.x, t.transform.translation.y, t.transform.translation.z = x, y, z
    t.transform.rotation.w = 1.0
    return t


def messages():
    """(time, topic, msg, connection header), in time order."""
    out = []
    start = rospy.Time(T0, 0)
    static = TFMessage()
    static.transforms = [
        transform("map", "odom", start, x=2.0),
        transform("base_link", "camera_link", start, x=0.3, z=0.5),
        transform("camera_link", "camera_optical", start),
    ]
    out.append((start, "/tf_static", static, connection(static, "/tf_static", "/static_tf", True)))
    for i in range(FRAMES):
        stamp = rospy.Time(T0, 100_000_000 * i + 1_000_000)
        tf = TFMessage()
        tf.transforms = [transform("odom", "base_link", stamp, x=0.1 * i)]
        out.append((stamp, "/tf", tf, connection(tf, "/tf", "/odometry")))

        img = Image()
        img.header.seq = i
        img.header.stamp = rospy.Time(T0, 100_000_000 * i + 2_000_000)
        img.header.frame_id = "camera_optical"
        img.height, img.width, img.encoding, img.step = RAW_H, RAW_W, "rgb8", RAW_STEP
        data = bytearray()
        for y in range(RAW_H):
            for x in range(RAW_W):
                data.extend(raw_pixel(i, x, y))
            data.extend(b"\xee" * (RAW_STEP - 3 * RAW_W))
        img.data = bytes(data)
        out.append((img.header.stamp, "/camera/image_raw", img,
                    connection(img, "/camera/image_raw", "/camera")))

        png = CompressedImage()
        png.header.seq = i
        png.header.stamp = rospy.Time(T0, 100_000_000 * i + 52_000_000)
        png.header.frame_id = "camera_optical"
        png.format = "rgb8; png compressed rgb8"
        png.data = png_bytes(PNG_W, PNG_H, lambda x, y, i=i: png_pixel(i, x, y))
        out.append((png.header.stamp, "/camera/image_raw/compressed", png,
                    connection(png, "/camera/image_raw/compressed", "/camera")))
        if i % 2 == 0:
            s = String(data="hello %d" % (i // 2))
            t = rospy.Time(T0, 100_000_000 * i + 3_000_000)
            out.append((t, "/chatter", s, connection(s, "/chatter", "/talker")))
    out.sort(key=lambda e: e[0])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    out = os.path.abspath(parser.parse_args().out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    # Written beside the target, then renamed: an interrupted run leaves the old file intact.
    fd, tmp = tempfile.mkstemp(prefix=".tmp.", suffix=".bag", dir=os.path.dirname(out))
    os.close(fd)
    try:
        with rosbag.Bag(tmp, "w") as bag:
            for t, topic, msg, conn in messages():
                bag.write(topic, msg, t, connection_header=conn)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    print(out, file=sys.stderr)


if __name__ == "__main__":
    main()
