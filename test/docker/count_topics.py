#!/usr/bin/python3
"""Subscribes to the demo robot's topics and reports, as JSON on stdout, how many messages of
each arrived in a window and whether their content is what docker/demo_publisher.py documents.

Usage: count_topics.py WINDOW_SECONDS FIRST_MESSAGE_TIMEOUT_SECONDS
The window starts when every streaming topic has delivered its first message (subscribing and
connecting takes a moment), so the counts measure the publishing rate, not start-up time.
"""

import json
import math
import sys
import threading
import time

import rospy
from sensor_msgs.msg import CameraInfo, Image, Imu
from tf2_msgs.msg import TFMessage

STREAMS = {
    "/camera/image_raw": Image,
    "/camera/camera_info": CameraInfo,
    "/imu/data": Imu,
    "/tf": TFMessage,
}

window = float(sys.argv[1])
first_timeout = float(sys.argv[2])
lock = threading.Lock()
counting_since = None  # wall time when the window opened
counts = {topic: 0 for topic in STREAMS}
first_seen = {}
problems = []
last_stamp = {}
static_frames = []
image_info = {}


def problem(text):
    with lock:
        if len(problems) < 20:
            problems.append(text)


def check(topic, message):
    if topic == "/camera/image_raw":
        if message.encoding != "rgb8" or message.step != 3 * message.width:
            problem("image: encoding %s step %d width %d" % (message.encoding, message.step, message.width))
        if len(message.data) != message.height * message.step:
            problem("image: %d data bytes for %dx%d" % (len(message.data), message.width, message.height))
        if message.header.frame_id != "camera_optical_frame":
            problem("image: frame_id %r" % message.header.frame_id)
        image_info.update(width=message.width, height=message.height, encoding=message.encoding)
    elif topic == "/imu/data":
        q = message.orientation
        norm = math.sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w)
        if abs(norm - 1.0) > 1e-6:
            problem("imu: orientation norm %f" % norm)
        if message.header.frame_id != "imu_link":
            problem("imu: frame_id %r" % message.header.frame_id)
        if not 9.0 < message.linear_acceleration.z < 10.5:
            problem("imu: linear_acceleration.z %f (expected gravity)" % message.linear_acceleration.z)
    elif topic == "/tf":
        pairs = [(t.header.frame_id, t.child_frame_id) for t in message.transforms]
        if pairs != [("odom", "base_link")]:
            problem("tf: transforms %r" % pairs)
    if hasattr(message, "header"):
        stamp = message.header.stamp.to_sec()
    else:
        stamp = message.transforms[0].header.stamp.to_sec()
    with lock:
        if topic in last_stamp and stamp < last_stamp[topic]:
            problem("%s: stamp went back from %f to %f" % (topic, last_stamp[topic], stamp))
        last_stamp[topic] = stamp


def on_message(message, topic):
    now = time.monotonic()
    with lock:
        first_seen.setdefault(topic, now)
        if counting_since is not None and now <= counting_since + window:
            counts[topic] += 1
    check(topic, message)


def on_static(message):
    with lock:
        static_frames.extend((t.header.frame_id, t.child_frame_id) for t in message.transforms)


rospy.init_node("noros_count_topics", anonymous=True, disable_signals=True)
subscribers = [
    rospy.Subscriber(topic, kind, on_message, callback_args=topic, queue_size=200, buff_size=2**24)
    for topic, kind in STREAMS.items()
]
subscribers.append(rospy.Subscriber("/tf_static", TFMessage, on_static))

deadline = time.monotonic() + first_timeout
while time.monotonic() < deadline:
    with lock:
        if len(first_seen) == len(STREAMS):
            counting_since = time.monotonic()
            break
    time.sleep(0.01)
if counting_since is not None:
    time.sleep(window + 0.2)  # let the last callbacks of the window run
with lock:
    result = {
        "ready": counting_since is not None,
        "first_seen": sorted(first_seen),
        "window": window,
        "counts": dict(counts),
        "static_frames": sorted(static_frames),
        "image": dict(image_info),
        "problems": list(problems),
    }
for subscriber in subscribers:
    subscriber.unregister()
rospy.signal_shutdown("done")
print(json.dumps(result))
