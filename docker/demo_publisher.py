#!/usr/bin/env python3
"""Demo robot for newcomers: typed data at realistic rates, so a client sees something at once.

A small robot drives in a circle (radius 2 m, 1 m/s) with a camera and an IMU:

  topic                  type                     rate (default)  frame
  /camera/image_raw      sensor_msgs/Image        15 Hz           camera_optical_frame (rgb8 640x480)
  /camera/camera_info    sensor_msgs/CameraInfo   15 Hz           camera_optical_frame
  /imu/data              sensor_msgs/Imu          100 Hz          imu_link
  /tf                    tf2_msgs/TFMessage       50 Hz           odom -> base_link
  /tf_static             tf2_msgs/TFMessage       latched, once   base_link -> imu_link, camera_link;
                                                                  camera_link -> camera_optical_frame

Private parameters change the rates and the image size: ~image_rate, ~imu_rate, ~tf_rate (Hz),
~image_width, ~image_height (pixels). The image is a moving pattern of colour bands, made by
slicing one precomputed row per image line, so 15 Hz of 640x480 costs little CPU and no numpy.
Runs on Python 3.8 (the ros:noetic image) and later.
"""

from __future__ import annotations

import math
import signal
from typing import List

import rospy
from geometry_msgs.msg import Quaternion, TransformStamped, Vector3
from sensor_msgs.msg import CameraInfo, Image, Imu
from tf2_msgs.msg import TFMessage

RADIUS = 2.0  # m
SPEED = 1.0  # m/s
YAW_RATE = SPEED / RADIUS  # rad/s
GRAVITY = 9.80665  # m/s^2


def yaw_quaternion(yaw: float) -> Quaternion:
    return Quaternion(x=0.0, y=0.0, z=math.sin(yaw / 2.0), w=math.cos(yaw / 2.0))


def transform(parent: str, child: str, stamp: rospy.Time, xyz: List[float], q: Quaternion) -> TransformStamped:
    message = TransformStamped()
    message.header.stamp = stamp
    message.header.frame_id = parent
    message.child_frame_id = child
    message.transform.translation = Vector3(x=xyz[0], y=xyz[1], z=xyz[2])
    message.transform.rotation = q
    return message


def colour_bands(period: int) -> bytes:
    """One period of a hue wheel, rgb8."""
    out = bytearray()
    for i in range(period):
        hue = 6.0 * i / period
        sector, fraction = int(hue), hue - int(hue)
        rising, falling = int(255 * fraction), int(255 * (1.0 - fraction))
        out += bytes(
            [
                (255, falling, 0, 0, rising, 255)[sector],
                (rising, 255, 255, falling, 0, 0)[sector],
                (0, 0, rising, 255, 255, falling)[sector],
            ]
        )
    return bytes(out)


class DemoRobot:
    def __init__(self) -> None:
        self.image_rate = float(rospy.get_param("~image_rate", 15.0))
        self.imu_rate = float(rospy.get_param("~imu_rate", 100.0))
        self.tf_rate = float(rospy.get_param("~tf_rate", 50.0))
        self.width = int(rospy.get_param("~image_width", 640))
        self.height = int(rospy.get_param("~image_height", 480))
        for name, value in (("image_rate", self.image_rate), ("imu_rate", self.imu_rate), ("tf_rate", self.tf_rate)):
            if not 0 < value <= 1000:
                raise ValueError("~%s must be between 0 and 1000 Hz, got %s" % (name, value))
        if not (1 <= self.width <= 4096 and 1 <= self.height <= 4096):
            raise ValueError("~image_width and ~image_height must be 1..4096, got %dx%d" % (self.width, self.height))

        self.start = rospy.Time.now()
        self.period = 256
        band = colour_bands(self.period)
        # Long enough that every line is one slice: offset (< period) + width pixels.
        self.pattern = band * (1 + (self.width + self.period) // self.period)
        self.frame = 0

        self.image_pub = rospy.Publisher("/camera/image_raw", Image, queue_size=2)
        self.info_pub = rospy.Publisher("/camera/camera_info", CameraInfo, queue_size=2)
        self.imu_pub = rospy.Publisher("/imu/data", Imu, queue_size=50)
        self.tf_pub = rospy.Publisher("/tf", TFMessage, queue_size=50)
        self.static_pub = rospy.Publisher("/tf_static", TFMessage, queue_size=1, latch=True)

    def elapsed(self, now: rospy.Time) -> float:
        return (now - self.start).to_sec()

    def publish_static(self) -> None:
        now = rospy.Time.now()
        identity = yaw_quaternion(0.0)
        # REP 103 optical frame: z forward, x right, y down.
        optical = Quaternion(x=-0.5, y=0.5, z=-0.5, w=0.5)
        self.static_pub.publish(
            TFMessage(
                transforms=[
                    transform("base_link", "imu_link", now, [0.0, 0.0, 0.1], identity),
                    transform("base_link", "camera_link", now, [0.2, 0.0, 0.3], identity),
                    transform("camera_link", "camera_optical_frame", now, [0.0, 0.0, 0.0], optical),
                ]
            )
        )

    def publish_tf(self, _event: rospy.timer.TimerEvent) -> None:
        now = rospy.Time.now()
        angle = YAW_RATE * self.elapsed(now)
        position = [RADIUS * math.sin(angle), RADIUS * (1.0 - math.cos(angle)), 0.0]
        self.tf_pub.publish(TFMessage(transforms=[transform("odom", "base_link", now, position, yaw_quaternion(angle))]))

    def publish_imu(self, _event: rospy.timer.TimerEvent) -> None:
        now = rospy.Time.now()
        t = self.elapsed(now)
        message = Imu()
        message.header.stamp = now
        message.header.frame_id = "imu_link"
        message.orientation = yaw_quaternion(YAW_RATE * t)
        # A little deterministic vibration so plots look alive.
        message.angular_velocity = Vector3(x=0.01 * math.sin(7.0 * t), y=0.01 * math.cos(5.0 * t), z=YAW_RATE)
        # Centripetal acceleration points to the circle's centre: +y in the robot's frame.
        message.linear_acceleration = Vector3(
            x=0.05 * math.sin(11.0 * t), y=SPEED * SPEED / RADIUS, z=GRAVITY + 0.05 * math.cos(13.0 * t)
        )
        message.orientation_covariance = [0.001, 0.0, 0.0, 0.0, 0.001, 0.0, 0.0, 0.0, 0.001]
        message.angular_velocity_covariance = [0.0001, 0.0, 0.0, 0.0, 0.0001, 0.0, 0.0, 0.0, 0.0001]
        message.linear_acceleration_covariance = [0.01, 0.0, 0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.01]
        self.imu_pub.publish(message)

    def publish_image(self, _event: rospy.timer.TimerEvent) -> None:
        now = rospy.Time.now()
        self.frame += 1
        row_bytes = 3 * self.width
        rows = []
        for y in range(self.height):
            offset = 3 * ((y + 4 * self.frame) % self.period)
            rows.append(self.pattern[offset : offset + row_bytes])
        image = Image()
        image.header.stamp = now
        image.header.frame_id = "camera_optical_frame"
        image.height = self.height
        image.width = self.width
        image.encoding = "rgb8"
        image.is_bigendian = 0
        image.step = row_bytes
        image.data = b"".join(rows)
        self.image_pub.publish(image)

        info = CameraInfo()
        info.header = image.header
        info.height, info.width = self.height, self.width
        focal = 0.8 * self.width
        cx, cy = self.width / 2.0, self.height / 2.0
        info.distortion_model = "plumb_bob"
        info.D = [0.0, 0.0, 0.0, 0.0, 0.0]
        info.K = [focal, 0.0, cx, 0.0, focal, cy, 0.0, 0.0, 1.0]
        info.R = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
        info.P = [focal, 0.0, cx, 0.0, 0.0, focal, cy, 0.0, 0.0, 0.0, 1.0, 0.0]
        self.info_pub.publish(info)

    def run(self) -> None:
        self.publish_static()
        timers = [
            rospy.Timer(rospy.Duration(1.0 / self.tf_rate), self.publish_tf),
            rospy.Timer(rospy.Duration(1.0 / self.imu_rate), self.publish_imu),
            rospy.Timer(rospy.Duration(1.0 / self.image_rate), self.publish_image),
        ]
        rospy.loginfo(
            "demo robot: /camera/image_raw %dx%d at %g Hz, /imu/data at %g Hz, /tf at %g Hz",
            self.width,
            self.height,
            self.image_rate,
            self.imu_rate,
            self.tf_rate,
        )
        rospy.spin()
        for timer in timers:
            timer.shutdown()


def main() -> None:
    rospy.init_node("noros_demo_robot")
    # rospy stops on SIGINT only; `docker stop` sends SIGTERM.
    signal.signal(signal.SIGTERM, lambda _number, _frame: rospy.signal_shutdown("SIGTERM"))
    try:
        robot = DemoRobot()
    except ValueError as error:
        rospy.logfatal(str(error))
        raise SystemExit(2) from None
    robot.run()


if __name__ == "__main__":
    main()
