#!/usr/bin/python3
"""Write the golden bags and their dumps: test/fixtures/golden/{std,edge}.bag + .jsonl.

Usage: /usr/bin/python3 scripts/make_golden.py [--out-dir DIR]

Everything is written by real ROS: genpy classes (Debian's, or built by genpy.dynamic for the
noros_test package defined below) serialize the messages and python3-rosbag writes the bags;
each .jsonl is then produced by dump_bag.py reading the bag back (so the values are what genpy
decodes from the bytes, with the bag's own definitions).

- std.bag: 2-3 messages of random content for every standard message type (the list that
  std_types.py discovers, plus generator/std-extra types when that folder exists) and for the
  request/response classes of every standard service. Topics /std/<type> and /srv/<type>.
- edge.bag: integer extremes, NaN/-0/Inf in float32 and float64, multibyte/empty/NUL/BOM strings,
  a string with invalid UTF-8 (written raw, as in the real smach bag), times past 2^31, negative
  durations, fixed-size arrays, empty arrays and messages, deep nesting, and the noros_test
  types (every builtin in scalar, variable-array and fixed-array form, constants-only message,
  bare names from the own package, Header, field names that are JavaScript built-ins).
  Topics /edge/<what> and /custom/<Type>/<what>.

Deterministic: content comes from random.Random seeded per type name, record times are fixed, and
rosbag writes no wall-clock data, so running twice gives byte-identical files. The noros_test
definitions are also written as test/fixtures/golden/noros_test/msg/*.msg for the TS generator.
"""

import argparse
import importlib
import math
import os
import random
import struct
import sys

sys.dont_write_bytecode = True  # no scripts/__pycache__ next to committed sources
import tempfile

import genmsg
import genpy
import genpy.dynamic
import rosbag
from genmsg import gentools, msg_loader

import std_types
from atomic_write import write_atomically
from dump_bag import write_dump

REPO = std_types.REPO
DEFAULT_OUT = os.path.join(REPO, "test", "fixtures", "golden")
CUSTOM_PKG = "noros_test"

# The noros_test package: types beyond the standard ones. Comments, blank lines, odd spacing and
# a string constant holding '#' are deliberate: generators must hash and lay these out right.
CUSTOM_MSGS = {
    "Scalars": """# Every builtin scalar once.
bool flag
int8 i8
uint8 u8
int16 i16
uint16 u16
int32 i32
uint32 u32
int64 i64
uint64 u64
float32 f32
float64 f64
string text
time stamp
duration span
char c    # deprecated alias: uint8 on the wire, spelled char in the md5 text
byte b    # deprecated alias: int8 on the wire
""",
    "Arrays": """# Every builtin as a variable-length array.
bool[] bools
int8[] i8s
uint8[] u8s
int16[] i16s
uint16[] u16s
int32[] i32s
uint32[] u32s
int64[] i64s
uint64[] u64s
float32[] f32s
float64[] f64s
string[] texts
time[] stamps
duration[] spans
char[] chars
byte[] bytes
""",
    "FixedArrays": """# Every builtin as a fixed-size array (no count on the wire), and messages too.
bool[3] bools
int8[2] i8s
uint8[4] u8s
int16[2] i16s
uint16[2] u16s
int32[2] i32s
uint32[2] u32s
int64[2] i64s
uint64[2] u64s
float32[2] f32s
float64[3] f64s
string[3] texts
time[2] stamps
duration[2] spans
char[2] chars
byte[2] bytes
geometry_msgs/Point[2] points
""",
    "Constants": """# Only constants, no fields: 0 bytes on the wire.
int8 I8_MIN=-128
int8 I8_MAX=127
uint8 U8_MAX=255
int16 I16_MIN=-32768
uint16 U16_MAX=65535
int32 I32_MIN=-2147483648
uint32 U32_MAX=4294967295
int64 I64_MIN=-9223372036854775808
int64 I64_MAX=9223372036854775807
uint64 U64_MAX=18446744073709551615
float32 F32=-1.5e-3
float64 F64=3.14159265358979
float64 F64_INT=2
bool YES=True
bool NO=0
char C=65
byte B=-1
string S=  keeps # this, not a comment  
string EMPTY=
""",
    "Inner": """uint8 KIND_POINT=1
uint8 KIND_LINE=2

uint8   kind     # extra spaces around the name
string name
geometry_msgs/Point32[] points
Constants nothing   # a bare name from this package; no fields, 0 bytes
""",
    "Names": """# Field names that are also JavaScript built-in property names.
int32 constructor
string prototype
uint8 length
bool toString
float64 valueOf
Inner hasOwnProperty
""",
    "Local": """# Header, bare names from this package, nested fixed arrays of messages.
Header header
Scalars scalars
Arrays arrays
FixedArrays fixed
Inner[] inners
Inner[2] inner_pair
std_msgs/Empty[] empties
noros_test/Constants[3] constants_triple
Names names
""",
}

INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "uint8": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
    "char": (0, 2**8 - 1),
    "byte": (-(2**7), 2**7 - 1),
}

# Pieces random strings are made of: ASCII, 2-, 3- and 4-byte UTF-8.
STRING_PIECES = list("abcxyzABC019 _-/.:") + ["é", "ü", "ß", "日本", "語", "🤖", "😀", "Ω"]

FLOAT32_MAX = struct.unpack("<f", struct.pack("<I", 0x7F7FFFFF))[0]
FLOAT32_MIN_SUBNORMAL = struct.unpack("<f", struct.pack("<I", 1))[0]
NEG_NAN = struct.unpack("<d", struct.pack("<Q", 0xFFF8000000000000))[0]  # x86's default NaN


def to_float32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


class Types:
    """Finds the genpy class of a type name: noros_test (dynamic), std-extra, or installed."""

    def __init__(self):
        self.dynamic = {}

    def add_dynamic(self, type_name, full_text):
        classes = genpy.dynamic.generate_dynamic(type_name, full_text)
        cls = classes[type_name]
        self.dynamic[type_name] = cls
        return cls

    def get(self, type_name):
        if type_name == "Header":
            type_name = "std_msgs/Header"
        if type_name in self.dynamic:
            return self.dynamic[type_name]
        pkg, name = type_name.split("/")
        return getattr(importlib.import_module(pkg + ".msg"), name)


class RandomFiller:
    """Random, small, valid values for every field of a genpy message, from one seeded Random."""

    def __init__(self, types, rng):
        self.types = types
        self.rng = rng

    def message(self, cls):
        msg = cls()
        for name, ros_type in zip(cls.__slots__, cls._slot_types):
            setattr(msg, name, self.field(ros_type))
        return msg

    def field(self, ros_type):
        base, bracket, rest = ros_type.partition("[")
        if not bracket:
            return self.scalar(base)
        size = rest[:-1]
        n = int(size) if size else self.rng.randint(0, 5)
        if base in ("uint8", "char"):
            return bytes(self.rng.randrange(256) for _ in range(n))
        return [self.scalar(base) for _ in range(n)]

    def scalar(self, base):
        rng = self.rng
        if base == "bool":
            return rng.random() < 0.5
        if base in INT_RANGES:
            lo, hi = INT_RANGES[base]
            if rng.random() < 0.5:
                return rng.randint(lo, hi)
            return max(lo, min(hi, rng.randint(-10, 10)))
        if base in ("float32", "float64"):
            pick = rng.random()
            if pick < 0.3:
                v = float(rng.randint(-100, 100))
            elif pick < 0.8:
                v = rng.uniform(-1000.0, 1000.0)
            else:
                v = rng.uniform(-1.0, 1.0) * 10.0 ** rng.randint(-30, 30)
            return to_float32(v) if base == "float32" else v
        if base == "string":
            return "".join(rng.choice(STRING_PIECES) for _ in range(rng.randint(0, 12)))
        if base == "time":
            return genpy.Time(rng.randrange(2**32), rng.randrange(10**9))
        if base == "duration":
            return genpy.Duration(rng.randrange(-(2**31), 2**31), rng.randrange(10**9))
        return self.message(self.types.get(base))


class BagWriter:
    """Writes messages with increasing, fixed record times (1 ms apart) into one rosbag."""

    START = genpy.Time(1600000000, 0)

    def __init__(self, bag):
        self.bag = bag
        self.count = 0

    def _next_time(self):
        t = self.START + genpy.Duration(0, self.count * 1000000)
        self.count += 1
        return t

    def write(self, topic, msg):
        self.bag.write(topic, msg, self._next_time())

    def write_raw(self, topic, cls, data):
        self.bag.write(topic, (cls._type, data, cls._md5sum, cls), self._next_time(), raw=True)


# ---------------------------------------------------------------------------------------------
# noros_test package


def write_custom_msgs(out_dir):
    """Write the noros_test .msg files; returns their folder."""
    msg_dir = os.path.join(out_dir, CUSTOM_PKG, "msg")
    os.makedirs(msg_dir, exist_ok=True)
    for name, text in CUSTOM_MSGS.items():
        write_atomically(os.path.join(msg_dir, name + ".msg"), lambda out, t=text: out.write(t))
    stale = set(os.listdir(msg_dir)) - {n + ".msg" for n in CUSTOM_MSGS}
    for f in sorted(stale):
        os.unlink(os.path.join(msg_dir, f))
    return msg_dir


def load_custom_types(types, msg_dir):
    """Full text by genmsg from the .msg files, then classes by genpy.dynamic from that text."""
    search_path = {CUSTOM_PKG: [msg_dir]}
    for pkg in sorted(os.listdir(std_types.SHARE)):
        d = os.path.join(std_types.SHARE, pkg, "msg")
        if os.path.isdir(d):
            search_path[pkg] = [d]
    for name in CUSTOM_MSGS:
        full_type = "%s/%s" % (CUSTOM_PKG, name)
        ctx = genmsg.MsgContext.create_default()
        spec = msg_loader.load_msg_from_file(ctx, os.path.join(msg_dir, name + ".msg"), full_type)
        msg_loader.load_depends(ctx, spec, search_path)
        cls = types.add_dynamic(full_type, gentools.compute_full_text(ctx, spec))
        if cls._md5sum != gentools.compute_md5(ctx, spec):
            raise SystemExit("make_golden.py: genpy and genmsg md5 differ for " + full_type)


# ---------------------------------------------------------------------------------------------
# std.bag


def standard_classes(types, extra_dir):
    """(topic, class) for every standard message and service request/response type."""
    out = []
    for pkg in std_types.PACKAGES:
        for name in std_types.discover(pkg, "msg"):
            cls = getattr(importlib.import_module(pkg + ".msg"), name)
            out.append(("/std/" + cls._type, cls))
    if extra_dir and os.path.isdir(extra_dir):
        gm = std_types.Genmsg(extra_dir)
        for full_type, entry in sorted(std_types.collect_extra(gm, extra_dir, {}).items()):
            out.append(("/std/" + full_type, types.add_dynamic(full_type, entry["fullText"])))
    for pkg in std_types.PACKAGES:
        for name in std_types.discover(pkg, "srv"):
            srv = getattr(importlib.import_module(pkg + ".srv"), name)
            for cls in (srv._request_class, srv._response_class):
                out.append(("/srv/" + cls._type, cls))
    return out


def write_std_bag(writer, types, extra_dir):
    for topic, cls in standard_classes(types, extra_dir):
        rng = random.Random("noros-golden:" + cls._type)
        filler = RandomFiller(types, rng)
        for _ in range(rng.randint(2, 3)):
            writer.write(topic, filler.message(cls))


# ---------------------------------------------------------------------------------------------
# edge.bag


def int_extremes(base):
    lo, hi = INT_RANGES[base]
    values = [lo, hi, 0]
    if lo < 0:
        values.append(-1)
    if base in ("int64", "uint64"):
        # Around the largest integer a JavaScript number holds exactly.
        values += [2**53 - 1, 2**53, 2**53 + 1]
        if lo < 0:
            values += [-(2**53) + 1, -(2**53), -(2**53) - 1]
        else:
            values += [2**63, 2**64 - 2]
    return list(dict.fromkeys(values))  # unsigned: lo is 0 already


FLOAT64_SPECIALS = [
    math.nan,
    NEG_NAN,
    -0.0,
    0.0,
    math.inf,
    -math.inf,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    0.1,
    -123.456,
    1e21,
    1e-7,
    9007199254740993.0,
]
FLOAT32_SPECIALS = [
    math.nan,
    NEG_NAN,
    -0.0,
    0.0,
    math.inf,
    -math.inf,
    FLOAT32_MIN_SUBNORMAL,
    FLOAT32_MAX,
    -FLOAT32_MAX,
    to_float32(0.1),
    to_float32(-123.456),
    to_float32(1e-7),
    16777217.0,  # not a float32: genpy packs it as 16777216
]

EDGE_STRINGS = [
    "",
    "a",
    "é",
    "日本語",
    "🤖 robot",
    "mixed é 日本 😀 end",
    "a\x00b",  # NUL inside: ROS strings are length-prefixed
    "\ufeffbom",  # a leading BOM must survive decoding (TextDecoder drops it by default)
    "line\nbreak\ttab",
    "x" * 300,
]

# Not UTF-8 at all: written raw, as a Python 2 node or the smach introspection server would.
INVALID_UTF8 = [
    b"\xff\xfe ok",
    b"truncated \xf0\x9f\xa4",
    b"lone continuation \x80 and overlong \xc0\xaf",
    b"surrogate \xed\xa0\x80 end",
]


def edge_messages(types):
    """(topic, message) pairs of edge.bag, in writing order (raw writes come back as bytes)."""
    from std_msgs import msg as std
    from geometry_msgs import msg as geo
    from sensor_msgs import msg as sensor
    from visualization_msgs import msg as viz
    from trajectory_msgs import msg as traj
    from diagnostic_msgs import msg as diag

    out = []
    scalar_types = {
        "int8": std.Int8,
        "uint8": std.UInt8,
        "int16": std.Int16,
        "uint16": std.UInt16,
        "int32": std.Int32,
        "uint32": std.UInt32,
        "int64": std.Int64,
        "uint64": std.UInt64,
    }
    for base, cls in scalar_types.items():
        for v in int_extremes(base):
            out.append(("/edge/" + base, cls(data=v)))
    for v in (0, 1, 127, 128, 255):
        out.append(("/edge/char", std.Char(data=v)))
    for v in (-128, -1, 0, 1, 127):
        out.append(("/edge/byte", std.Byte(data=v)))
    for v in FLOAT32_SPECIALS:
        out.append(("/edge/float32", std.Float32(data=v)))
    for v in FLOAT64_SPECIALS:
        out.append(("/edge/float64", std.Float64(data=v)))
    for v in (False, True):
        out.append(("/edge/bool", std.Bool(data=v)))
    for s in EDGE_STRINGS:
        out.append(("/edge/string", std.String(data=s)))
    for raw in INVALID_UTF8:
        out.append(("/edge/string_invalid_utf8", raw))
    for sec, nsec in ((0, 0), (1, 999999999), (2**31 - 1, 0), (2**31, 0), (4294967295, 999999999)):
        out.append(("/edge/time", std.Time(data=genpy.Time(sec, nsec))))
    # Duration(-5, -3) is normalised by genpy to (-6, 999999997): that is what ROS writes.
    for sec, nsec in ((0, 0), (-1, 5), (-5, -3), (-(2**31), 0), (2**31 - 1, 999999999)):
        out.append(("/edge/duration", std.Duration(data=genpy.Duration(sec, nsec))))
    out.append(
        (
            "/edge/header",
            std.Header(seq=4294967295, stamp=genpy.Time(4294967295, 999999999), frame_id="日本"),
        )
    )
    out.append(("/edge/empty", std.Empty()))
    out.append(("/edge/empty", std.Empty()))

    covariance = [float(i) for i in range(36)]
    covariance[0], covariance[7], covariance[35] = math.nan, -0.0, math.inf
    out.append(
        (
            "/edge/pose_with_covariance",
            geo.PoseWithCovariance(
                pose=geo.Pose(orientation=geo.Quaternion(w=1.0)), covariance=covariance
            ),
        )
    )
    out.append(
        (
            "/edge/camera_info",
            sensor.CameraInfo(
                header=std.Header(seq=1, stamp=genpy.Time(1, 2), frame_id="camera"),
                height=480,
                width=640,
                distortion_model="plumb_bob",
                D=[-0.25, 0.12, -0.0, 0.0, math.nan],
                K=[500.0, 0.0, 320.0, 0.0, 500.0, 240.0, 0.0, 0.0, 1.0],
                R=[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
                P=[500.0, 0.0, 320.0, -0.0, 0.0, 500.0, 240.0, 0.0, 0.0, 0.0, 1.0, 0.0],
                binning_x=2**32 - 1,
                roi=sensor.RegionOfInterest(x_offset=1, do_rectify=True),
            ),
        )
    )
    out.append(("/edge/camera_info", sensor.CameraInfo()))  # all defaults, D empty
    out.append(("/edge/joint_state_empty", sensor.JointState()))
    out.append(
        (
            "/edge/joint_state",
            sensor.JointState(
                name=["é", "", "joint_3"],
                position=[math.nan, -0.0, 1.5],
                velocity=[],
                effort=[math.inf],
            ),
        )
    )
    out.append(
        (
            "/edge/image",
            sensor.Image(
                header=std.Header(frame_id="cam"),
                height=3,
                width=100,
                encoding="mono8",
                step=100,
                data=bytes(range(256)) + bytes(44),
            ),
        )
    )
    out.append(("/edge/image", sensor.Image()))
    out.append(
        (
            "/edge/float32_multi_array",
            std.Float32MultiArray(
                layout=std.MultiArrayLayout(
                    dim=[
                        std.MultiArrayDimension(label="rows", size=2, stride=6),
                        std.MultiArrayDimension(label="cols", size=3, stride=3),
                    ],
                    data_offset=0,
                ),
                data=[1.0, -0.0, math.nan, math.inf, -math.inf, to_float32(0.1)],
            ),
        )
    )
    out.append(("/edge/int8_multi_array", std.Int8MultiArray(data=[-128, 127, 0])))
    out.append(("/edge/uint8_multi_array", std.UInt8MultiArray(data=b"\x00\x80\xff")))
    out.append(("/edge/byte_multi_array", std.ByteMultiArray(data=[-128, -1, 127])))
    out.append(
        ("/edge/int64_multi_array", std.Int64MultiArray(data=int_extremes("int64")))
    )
    out.append(
        ("/edge/uint64_multi_array", std.UInt64MultiArray(data=int_extremes("uint64")))
    )
    out.append(
        (
            "/edge/diagnostics",
            diag.DiagnosticArray(
                status=[
                    diag.DiagnosticStatus(
                        level=2,
                        name="motor",
                        message="hot é",
                        hardware_id="m1",
                        values=[diag.KeyValue(key="temp", value="90")],
                    ),
                    diag.DiagnosticStatus(level=-1),  # byte field, negative
                ]
            ),
        )
    )

    # Deep nesting: markers with points and colors, then trajectories.
    markers = []
    for i in range(3):
        markers.append(
            viz.Marker(
                header=std.Header(seq=i, stamp=genpy.Time(100 + i, i), frame_id="map"),
                ns="ns日本",
                id=-i,
                type=viz.Marker.LINE_STRIP,
                action=viz.Marker.ADD,
                pose=geo.Pose(geo.Point(i, -i, 0.5), geo.Quaternion(0, 0, 0, 1)),
                scale=geo.Vector3(0.1, 0.2, -0.0),
                color=std.ColorRGBA(1.0, to_float32(0.5), 0.0, 1.0),
                lifetime=genpy.Duration(-1, 5),
                frame_locked=i % 2 == 1,
                points=[geo.Point(j, j * 2, math.nan if j == 1 else j) for j in range(i + 1)],
                colors=[std.ColorRGBA(0.0, 0.0, 1.0, to_float32(0.25)) for _ in range(i)],
                text="é" * i,
                mesh_resource="",
                mesh_use_embedded_materials=True,
            )
        )
    out.append(("/edge/marker_array", viz.MarkerArray(markers=markers)))
    out.append(("/edge/marker_array", viz.MarkerArray()))
    out.append(
        (
            "/edge/joint_trajectory",
            traj.JointTrajectory(
                header=std.Header(frame_id="base"),
                joint_names=["a", "b"],
                points=[
                    traj.JointTrajectoryPoint(
                        positions=[0.0, 1.0],
                        velocities=[-0.0],
                        accelerations=[],
                        effort=[math.nan, math.inf],
                        time_from_start=genpy.Duration(-5, -3),
                    ),
                    traj.JointTrajectoryPoint(time_from_start=genpy.Duration(2**31 - 1, 1)),
                ],
            ),
        )
    )
    out.append(
        (
            "/edge/multi_dof_joint_trajectory",
            traj.MultiDOFJointTrajectory(
                joint_names=["j"],
                points=[
                    traj.MultiDOFJointTrajectoryPoint(
                        transforms=[
                            geo.Transform(geo.Vector3(1, 2, 3), geo.Quaternion(0, 0, 0, 1))
                        ],
                        velocities=[geo.Twist()],
                        accelerations=[],
                        time_from_start=genpy.Duration(1, 0),
                    )
                ],
            ),
        )
    )

    out += custom_edge_messages(types)
    return out


# noros_test/Scalars integer fields and their ROS types.
SCALAR_INT_FIELDS = {
    "i8": "int8",
    "u8": "uint8",
    "i16": "int16",
    "u16": "uint16",
    "i32": "int32",
    "u32": "uint32",
    "i64": "int64",
    "u64": "uint64",
    "c": "char",
    "b": "byte",
}


def custom_edge_messages(types):
    Scalars = types.get("noros_test/Scalars")
    Arrays = types.get("noros_test/Arrays")
    Fixed = types.get("noros_test/FixedArrays")
    Constants = types.get("noros_test/Constants")
    Names = types.get("noros_test/Names")
    Inner = types.get("noros_test/Inner")
    Local = types.get("noros_test/Local")
    from geometry_msgs import msg as geo

    out = []
    lows = {b: INT_RANGES[b][0] for b in INT_RANGES}
    highs = {b: INT_RANGES[b][1] for b in INT_RANGES}
    for label, ints, f, t, d, s in (
        ("min", lows, -math.inf, genpy.Time(0, 0), genpy.Duration(-(2**31), 0), ""),
        ("max", highs, math.inf, genpy.Time(2**32 - 1, 999999999),
         genpy.Duration(2**31 - 1, 999999999), "max 日本 🤖"),
    ):
        msg = Scalars(
            flag=label == "max",
            f32=f,
            f64=-f,
            text=s,
            stamp=t,
            span=d,
            **{field: ints[base] for field, base in SCALAR_INT_FIELDS.items()},
        )
        out.append(("/custom/Scalars/" + label, msg))
    out.append(("/custom/Scalars/nan", Scalars(f32=math.nan, f64=NEG_NAN, text="\x00")))
    out.append(("/custom/Scalars/default", Scalars()))

    out.append(("/custom/Arrays/empty", Arrays()))
    out.append(
        (
            "/custom/Arrays/extremes",
            Arrays(
                bools=[True, False, True],
                i8s=int_extremes("int8"),
                u8s=bytes([0, 1, 127, 128, 255]),
                i16s=int_extremes("int16"),
                u16s=int_extremes("uint16"),
                i32s=int_extremes("int32"),
                u32s=int_extremes("uint32"),
                i64s=int_extremes("int64"),
                u64s=int_extremes("uint64"),
                f32s=FLOAT32_SPECIALS,
                f64s=FLOAT64_SPECIALS,
                texts=EDGE_STRINGS[:9],
                stamps=[genpy.Time(0, 0), genpy.Time(2**31, 1), genpy.Time(2**32 - 1, 999999999)],
                spans=[genpy.Duration(-1, 5), genpy.Duration(-5, -3), genpy.Duration(-(2**31), 0)],
                chars=b"\x00A\xff",
                bytes=[-128, -1, 0, 127],
            ),
        )
    )
    out.append(("/custom/FixedArrays/default", Fixed()))
    out.append(
        (
            "/custom/FixedArrays/extremes",
            Fixed(
                bools=[True, False, True],
                i8s=[-128, 127],
                u8s=b"\x00\x7f\x80\xff",
                i16s=[-32768, 32767],
                u16s=[0, 65535],
                i32s=[-(2**31), 2**31 - 1],
                u32s=[0, 2**32 - 1],
                i64s=[-(2**63), 2**63 - 1],
                u64s=[2**53 + 1, 2**64 - 1],
                f32s=[math.nan, -0.0],
                f64s=[math.inf, -math.inf, NEG_NAN],
                texts=["", "日本", "🤖"],
                stamps=[genpy.Time(2**32 - 1, 999999999), genpy.Time(0, 1)],
                spans=[genpy.Duration(-1, 5), genpy.Duration(-5, -3)],
                chars=b"\xff\x00",
                bytes=[-128, 127],
                points=[geo.Point(1, 2, 3), geo.Point(-0.0, math.nan, math.inf)],
            ),
        )
    )
    out.append(("/custom/Constants", Constants()))
    out.append(("/custom/Constants", Constants()))
    out.append(
        (
            "/custom/Names",
            Names(
                constructor=-1,
                prototype="proto",
                length=3,
                toString=True,
                valueOf=-0.0,
                hasOwnProperty=Inner(kind=Inner.KIND_LINE, name="inner"),
            ),
        )
    )
    rng = random.Random("noros-golden:edge-custom")
    filler = RandomFiller(types, rng)
    for name in ("Scalars", "Arrays", "FixedArrays", "Inner", "Names", "Local"):
        cls = types.get("%s/%s" % (CUSTOM_PKG, name))
        for _ in range(3):
            out.append(("/custom/%s/random" % name, filler.message(cls)))
    return out


def write_edge_bag(writer, types):
    string_cls = types.get("std_msgs/String")
    for topic, msg in edge_messages(types):
        if isinstance(msg, bytes):
            data = struct.pack("<I", len(msg)) + msg
            writer.write_raw(topic, string_cls, data)
        else:
            writer.write(topic, msg)


# ---------------------------------------------------------------------------------------------


def write_bag_and_dump(out_dir, name, fill):
    """Write <name>.bag via fill(BagWriter), then <name>.jsonl from it; both atomically."""
    bag_path = os.path.join(out_dir, name + ".bag")
    fd, tmp = tempfile.mkstemp(prefix=".tmp.", suffix="." + name + ".bag", dir=out_dir)
    os.close(fd)
    try:
        with rosbag.Bag(tmp, "w", compression=rosbag.Compression.NONE) as bag:
            writer = BagWriter(bag)
            fill(writer)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        # Dump from the finished bag: rosbag builds classes from the bag's own definitions.
        rosbag.bag._message_types.clear()
        write_atomically(os.path.join(out_dir, name + ".jsonl"), lambda out: write_dump(tmp, out))
        os.replace(tmp, bag_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return writer.count, os.path.getsize(bag_path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", default=DEFAULT_OUT, help="default: %(default)s")
    parser.add_argument(
        "--extra-dir",
        default=std_types.DEFAULT_EXTRA,
        help="types Debian lacks (<pkg>/msg/*.msg), added to std.bag when present "
        "(default: %(default)s)",
    )
    args = parser.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)

    types = Types()
    msg_dir = write_custom_msgs(args.out_dir)
    load_custom_types(types, msg_dir)

    for name, fill in (
        ("std", lambda w: write_std_bag(w, types, args.extra_dir)),
        ("edge", lambda w: write_edge_bag(w, types)),
    ):
        count, size = write_bag_and_dump(args.out_dir, name, fill)
        sys.stderr.write("make_golden.py: %s.bag: %d messages, %d bytes\n" % (name, count, size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
