#!/usr/bin/python3
"""Ground truth for noros' TfBuffer, from real tf2 (Debian python3-tf2: tf2_py.BufferCore).

Usage (Debian's /usr/bin/python3; no ROS master is needed):
  scripts/tf_ground_truth.py synthetic --out FILE.json [--bag FILE.bag] [--queries N] [--seed S]
  scripts/tf_ground_truth.py bag BAG --out FILE.json [--queries N] [--seed S]

`synthetic` first writes a small bag of its own (a map/odom/base_link tree with statics, a second
tree, a leading-slash frame id, a link that starts late, a parent change, bad and out-of-order
samples, a loop) with python3-rosbag, then treats it like any other bag. `bag` reads a real one.

Every /tf and /tf_static transform of the bag is fed, in bag order, into one tf2 BufferCore
(`set_transform` / `set_transform_static`). At checkpoints along the way the script asks random
lookups (at time zero, at exact stamps, at the edges of each link's data, inside and outside the
data's time span; frames known, unknown, empty and with a leading slash) and records what tf2
answers. The JSON written (read by test/tf/ground_truth.test.ts):

  {"source", "tf2", "cacheTimeSec",
   "transforms": [[static(0|1), frame_id, child_frame_id, sec, nsec, tx, ty, tz, qx, qy, qz, qw]],
   "checkpoints": [{"after", ["clear"], "queries": [{"target", "source", "time": [sec, nsec],
                    ["fixed", "targetTime": [sec, nsec]], "can", "result",
                    ["stripped": {"can", "result"}]}]}]}

- `after`: the checkpoint's queries were asked once that many transforms had been fed; the last
  checkpoint has "clear": true: its queries were asked after BufferCore.clear().
- `result`: [sec, nsec, tx, ty, tz, qx, qy, qz, qw] (the TransformStamped tf2 returned; its frame
  ids are always the target and source asked), or [ExceptionClassName, message].
- `can`: what can_transform_core answered for the same query.
- `fixed`, `targetTime`: present on about one query in ten, which is then the fixed-frame lookup
  (lookup_transform_full_core / can_transform_full_core: `source` at `time`, `target` at
  `targetTime`, through `fixed`).
- `stripped`: only for queries whose frame ids start with '/'. tf2's lookup rejects those
  (InvalidArgumentException); noros treats "/a" as "a" (as tf2 does for the ids it is fed), so the
  answer tf2 gives for the ids without the slash is recorded as well.
- Floats that JSON cannot carry are written as {"$float": "NaN" | "Infinity" | "-Infinity"}.

Times: tf2_py hands every time to C++ as float seconds (`to_sec()` then `ros::Time::fromSec`), so
at epoch scale a stamp moves by up to ~120 ns on its way in. The times recorded here (fed stamps
and query times) are the ones tf2 actually stored and used: each is first moved to the nearest
time that survives that round trip unchanged, and every successful lookup at a non-zero time is
checked to come back with exactly the recorded stamp. The TypeScript side replays these exact
times, so both sides compute with the same numbers.
"""

import argparse
import json
import math
import os
import random
import sys
import tempfile

import rosbag
import rospy
import tf2_py
from geometry_msgs.msg import TransformStamped
from tf2_msgs.msg import TFMessage

from atomic_write import write_atomically

TF_TOPICS = ("/tf", "tf")
TF_STATIC_TOPICS = ("/tf_static", "tf_static")
CACHE_TIME_SEC = 10
NS = 1_000_000_000
# Exception classes of tf2_py, most derived first.
TF2_ERRORS = (
    tf2_py.LookupException,
    tf2_py.ConnectivityException,
    tf2_py.ExtrapolationException,
    tf2_py.InvalidArgumentException,
    tf2_py.TimeoutException,
    tf2_py.TransformException,
)


class GroundTruthError(Exception):
    """The script's own consistency check failed: the recorded data would not be ground truth."""


# --- times -------------------------------------------------------------------------------------


def _from_sec(t):
    """ros::Time::fromSec (roscpp_core): floor for sec, boost::math::round for nsec."""
    sec = math.floor(t)
    frac = (t - sec) * 1e9
    nsec = math.floor(frac)
    if frac - nsec >= 0.5:
        nsec += 1
    sec += nsec // NS
    nsec %= NS
    return sec, nsec


def _to_sec(sec, nsec):
    """rospy/genpy Time.to_sec, which tf2_py calls on every time it is given."""
    return float(sec) + float(nsec) / 1e9


def stored_time(total_ns):
    """The time tf2 ends up with when handed `total_ns` through tf2_py: a fixed point of the
    to_sec/fromSec round trip, as (sec, nsec)."""
    if total_ns <= 0:
        return 0, 0
    sec, nsec = divmod(total_ns, NS)
    for _ in range(4):
        nxt = _from_sec(_to_sec(sec, nsec))
        if nxt == (sec, nsec):
            return sec, nsec
        sec, nsec = nxt
    raise GroundTruthError("time %d ns does not settle under to_sec/fromSec" % total_ns)


def to_ns(sec, nsec):
    return sec * NS + nsec


# --- JSON values -------------------------------------------------------------------------------


def jfloat(v):
    if v != v:
        return {"$float": "NaN"}
    if v in (math.inf, -math.inf):
        return {"$float": "Infinity" if v > 0 else "-Infinity"}
    return v


def strip_slash(frame_id):
    return frame_id[1:] if frame_id.startswith("/") else frame_id


# --- the synthetic bag -------------------------------------------------------------------------

EPOCH = 1_700_000_000  # wall-clock-sized stamps, as on a real robot


def quat_rpy(roll, pitch, yaw):
    cr, sr = math.cos(roll / 2), math.sin(roll / 2)
    cp, sp = math.cos(pitch / 2), math.sin(pitch / 2)
    cy, sy = math.cos(yaw / 2), math.sin(yaw / 2)
    return (
        sr * cp * cy - cr * sp * sy,
        cr * sp * cy + sr * cp * sy,
        cr * cp * sy - sr * sp * cy,
        cr * cp * cy + sr * sp * sy,
    )


def quat_axis_angle(axis, angle):
    n = math.sqrt(sum(a * a for a in axis))
    s = math.sin(angle / 2) / n
    return (axis[0] * s, axis[1] * s, axis[2] * s, math.cos(angle / 2))


def make_tf(parent, child, t_ns, xyz, q):
    ts = TransformStamped()
    ts.header.frame_id = parent
    ts.child_frame_id = child
    ts.header.stamp = rospy.Time(t_ns // NS, t_ns % NS)
    (
        ts.transform.translation.x,
        ts.transform.translation.y,
        ts.transform.translation.z,
    ) = xyz
    (
        ts.transform.rotation.x,
        ts.transform.rotation.y,
        ts.transform.rotation.z,
        ts.transform.rotation.w,
    ) = q
    return ts


def synthetic_messages():
    """(record time ns, topic, [TransformStamped]) of the synthetic bag, unsorted."""
    out = []
    ms = 1_000_000
    t0 = EPOCH * NS

    def at(ms_since_start):
        return t0 + ms_since_start * ms

    def put(topic, record_ms, transforms):
        out.append((at(record_ms), topic, transforms))

    # 12 s of data; tf2 keeps 10 s (cache time), so the oldest samples get pruned.
    # map -> odom, 10 Hz, slow drift and yaw.
    for k in range(121):
        tms = k * 100
        s = tms / 1000
        put("/tf", tms, [make_tf("map", "odom", at(tms), (1 + 0.01 * s, -2 + 0.005 * s, 0.0),
                                 quat_rpy(0, 0, 0.02 * s))])
    # odom -> base_link, 50 Hz, driving a circle with some roll/pitch; every 7th quaternion is
    # sent negated (same rotation), which makes tf2's slerp take its "long angle" branch.
    for k in range(601):
        tms = 10 + 20 * k
        s = tms / 1000
        q = quat_rpy(0.05 * math.sin(3 * s), 0.03 * math.cos(2 * s), 0.3 * s + math.pi / 2)
        if k % 7 == 3:
            q = tuple(-c for c in q)
        xyz = (3 * math.cos(0.3 * s), 3 * math.sin(0.3 * s), 0.1 * math.sin(2 * s))
        put("/tf", tms, [make_tf("odom", "base_link", at(tms), xyz, q)])
    # base_link -> spinner, 5 Hz, turning 2.5 rad per sample about a tilted axis.
    for k in range(61):
        tms = 200 * k
        put("/tf", tms, [make_tf("base_link", "spinner", at(tms), (0, 0, 0.4),
                                 quat_axis_angle((0.3, -0.5, 1.0), 2.5 * k))])
    # Statics (latched on /tf_static): laser, camera and its optical frame.
    put("/tf_static", 0, [
        make_tf("base_link", "laser", at(0), (0.2, 0.0, 0.3), quat_rpy(0, 0, math.pi)),
        make_tf("base_link", "camera", at(0), (0.1, 0.05, 0.5), quat_rpy(0, 0.1, 0)),
    ])
    put("/tf_static", 1, [make_tf("camera", "camera_optical", at(0), (0, 0, 0),
                                  quat_rpy(-math.pi / 2, 0, -math.pi / 2))])
    # The camera static is sent again with a new value: a static holds its newest value for all
    # times.
    put("/tf_static", 7000, [make_tf("base_link", "camera", at(7000), (0.12, 0.05, 0.55),
                                     quat_rpy(0, 0.12, 0.01))])
    # A second, disconnected tree (10 Hz); its robot frame id carries a leading slash (tf2
    # strips it), in one transform as child and in another as parent.
    for k in range(121):
        tms = 5 + 100 * k
        s = tms / 1000
        put("/tf", tms, [make_tf("world2", "/slashed_robot", at(tms), (s, -s, 0),
                                 quat_rpy(0, 0, -0.1 * s))])
    put("/tf_static", 2, [make_tf("/slashed_robot", "arm", at(0), (0, 0, 1),
                                  quat_rpy(0.2, 0, 0))])
    # A link that starts late: base_link -> gripper from t = 8 s, 20 Hz.
    for k in range(81):
        tms = 8000 + 50 * k
        s = tms / 1000
        put("/tf", tms, [make_tf("base_link", "gripper", at(tms), (0.5, 0, 0.2 + 0.01 * s),
                                 quat_rpy(0, 0.2 * math.sin(s), 0))])
    # A link with a single sample (only its exact stamp can be looked up).
    put("/tf", 5500, [make_tf("odom", "marker", at(5500), (4, 4, 0), quat_rpy(0, 0, 1))])
    # A parent change: tool hangs from base_link until 6 s, then from odom.
    for k in range(120):
        tms = 100 * k + 30
        s = tms / 1000
        parent = "base_link" if tms < 6000 else "odom"
        put("/tf", tms, [make_tf(parent, "tool", at(tms), (0.3, 0.1 * math.sin(s), 0),
                                 quat_rpy(0, 0, 0.5 * s))])
    # Static first, dynamic later: the later samples overwrite the static value.
    put("/tf_static", 3, [make_tf("base_link", "mount", at(0), (0, 0, 0.8), quat_rpy(0, 0, 0))])
    for tms in (9000, 10000):
        put("/tf", tms, [make_tf("base_link", "mount", at(tms), (0, 0, 0.8 + tms / 1e5),
                                 quat_rpy(0, 0, tms / 1e4))])
    # Dynamic first, static later: the static sample joins the link's time-stamped history.
    for tms in (1000, 2000, 3000):
        put("/tf", tms, [make_tf("odom", "beacon", at(tms), (tms / 1000, 0, 0), quat_rpy(0, 0, 0))])
    put("/tf_static", 4000, [make_tf("odom", "beacon", at(4000), (9, 9, 9), quat_rpy(0, 0, 0.5))])
    # Exactly the cache time older than the link's newest sample: kept (tf2 drops only older);
    # a millisecond older: ignored (TF_OLD_DATA).
    put("/tf", 4500, [make_tf("odom", "beacon", at(-6000), (-6, 0, 0), quat_rpy(0, 0, -0.5))])
    put("/tf", 4501, [make_tf("odom", "beacon", at(-6001), (-7, 0, 0), quat_rpy(0, 0, -0.7))])
    # A loop (invalid tree): lookups through it fail with tf2's loop message.
    put("/tf_static", 5, [
        make_tf("loop_a", "loop_b", at(0), (1, 0, 0), quat_rpy(0, 0, 0)),
        make_tf("loop_b", "loop_a", at(0), (0, 1, 0), quat_rpy(0, 0, 0)),
    ])
    # Samples tf2 rejects: self transform, NaN, denormalized quaternion, empty ids; and one whose
    # quaternion is off by less than tf2's tolerance (accepted as is).
    put("/tf", 2500, [
        make_tf("base_link", "base_link", at(2500), (1, 1, 1), (0, 0, 0, 1)),
        make_tf("odom", "nan_frame", at(2500), (math.nan, 0, 0), (0, 0, 0, 1)),
        make_tf("odom", "denormalized", at(2500), (0, 0, 0), (0, 0, 0, 0.5)),
        make_tf("odom", "", at(2500), (0, 0, 0), (0, 0, 0, 1)),
        make_tf("", "orphan", at(2500), (0, 0, 0), (0, 0, 0, 1)),
        make_tf("odom", "almost_unit", at(2500), (1, 2, 3), (0, 0, 0, 1.004)),
    ])
    # Out of order: a sample between two stored ones (inserted), one older than the cache keeps
    # (TF_OLD_DATA) and one repeating a stored stamp with other values (TF_REPEATED_DATA).
    put("/tf", 11500, [make_tf("odom", "base_link", at(11000), (9, 9, 9), quat_rpy(0, 0, 2))])
    put("/tf", 11501, [make_tf("odom", "base_link", at(1010), (8, 8, 8), quat_rpy(0, 0, 2))])
    put("/tf", 11502, [make_tf("odom", "base_link", at(11010), (7, 7, 7), quat_rpy(0, 0, 2))])
    return out


def write_synthetic_bag(path):
    entries = synthetic_messages()
    entries.sort(key=lambda e: e[0])  # stable: equal record times keep the order written above
    with rosbag.Bag(path, "w") as bag:
        for t_ns, topic, transforms in entries:
            bag.write(topic, TFMessage(transforms=transforms), rospy.Time(t_ns // NS, t_ns % NS))


# --- reading a bag -----------------------------------------------------------------------------


def read_transforms(bag_path):
    """[(is_static, TransformStamped)] from the /tf and /tf_static messages, in bag order.
    Both tf2_msgs/TFMessage and the legacy tf/tfMessage carry `transforms`."""
    fed = []
    with rosbag.Bag(bag_path, "r") as bag:
        for topic, msg, _t in bag.read_messages(topics=list(TF_TOPICS + TF_STATIC_TOPICS)):
            is_static = topic in TF_STATIC_TOPICS
            for ts in msg.transforms:
                fed.append((is_static, ts))
    return fed


# --- asking tf2 --------------------------------------------------------------------------------


def ask(buffer, target, source, sec, nsec, full=None):
    """(can, result) of one query, result as described in the module doc. With `full` =
    (fixed_frame, target_sec, target_nsec): the fixed-frame lookup, source time (sec, nsec)."""
    t = rospy.Time(sec, nsec)
    if full is None:
        can = bool(buffer.can_transform_core(target, source, t)[0])
    else:
        fixed, tsec, tnsec = full
        tt = rospy.Time(tsec, tnsec)
        can = bool(buffer.can_transform_full_core(target, tt, source, t, fixed)[0])
        sec, nsec = tsec, tnsec  # the result carries the target time
    try:
        if full is None:
            out = buffer.lookup_transform_core(target, source, t)
        else:
            out = buffer.lookup_transform_full_core(target, tt, source, t, fixed)
    except TF2_ERRORS as e:
        return can, [type(e).__name__, str(e)]
    if out.header.frame_id != target or out.child_frame_id != source:
        raise GroundTruthError("tf2 answered %r -> %r for %r -> %r" % (
            out.header.frame_id, out.child_frame_id, target, source))
    stamp = (out.header.stamp.secs, out.header.stamp.nsecs)
    if (sec, nsec) != (0, 0) and stamp != (sec, nsec):
        raise GroundTruthError("tf2 looked up %d.%09d when asked %d.%09d: the recorded query "
                               "time would not be the one tf2 used" % (stamp + (sec, nsec)))
    tr, rot = out.transform.translation, out.transform.rotation
    return can, [stamp[0], stamp[1]] + [jfloat(v) for v in (tr.x, tr.y, tr.z, rot.x, rot.y,
                                                             rot.z, rot.w)]


def acceptable(parent, child, ts):
    """tf2's checks in BufferCore::setTransform (ids stripped of a leading '/')."""
    tr, rot = ts.transform.translation, ts.transform.rotation
    values = (tr.x, tr.y, tr.z, rot.x, rot.y, rot.z, rot.w)
    norm2 = rot.w * rot.w + rot.x * rot.x + rot.y * rot.y + rot.z * rot.z
    return (parent != "" and child != "" and parent != child
            and not any(v != v for v in values) and abs(norm2 - 1.0) < 10e-3)


class Links:
    """What has been fed so far, to choose interesting query frames and times."""

    def __init__(self):
        self.frames = []  # stripped ids, in order of appearance
        self.stamps = {}  # child id -> stored stamps (ns) of its samples with non-zero stamps
        self.parents = {}  # child id -> parent of its last sample
        self.parent_changes = []  # (ns, ns): a child's parent changed between these stamps

    def add(self, parent, child, stamp_ns):
        for f in (parent, child):
            if f not in self.frames:
                self.frames.append(f)
        if stamp_ns > 0:
            stamps = self.stamps.setdefault(child, [])
            if stamps and self.parents.get(child) not in (None, parent):
                self.parent_changes.append((stamps[-1], stamp_ns))
            stamps.append(stamp_ns)
        self.parents[child] = parent


def choose_frame(rng, links):
    """Mostly frames of the tree; now and then an unknown or empty id, a leading slash, or a
    frame of a loop (tf2's loop message is long: a few of those are enough). Frames whose link
    has only a sample or two are picked less often: almost any time is an extrapolation there."""
    r = rng.random()
    if r < 0.03:
        return "no_such_frame"
    if r < 0.04:
        return ""
    loops = [f for f in links.frames if f.startswith("loop_")]
    if loops and r < 0.05:
        return rng.choice(loops)
    frames = [f for f in links.frames if not f.startswith("loop_")]
    weights = [min(1.0, 0.15 + len(links.stamps.get(f, ())) / 5) if f in links.stamps else 1.0
               for f in frames]
    frame = rng.choices(frames, weights)[0]
    if rng.random() < 0.05:
        return "/" + frame
    return frame


def choose_time(rng, links, frames):
    """Time zero, exact stamps, link edges (newest, the cache's oldest) and offsets from them,
    uniform over the data and far outside it; as ns. Stamps and edges are mostly those of the
    link of one of the query's `frames`."""
    r = rng.random()
    if r < 0.14 or not links.stamps:
        return 0
    if r < 0.17 and links.parent_changes:
        # Between the two samples around a parent change (tf2 does not interpolate there).
        lo, hi = rng.choice(links.parent_changes)
        return rng.randint(min(lo, hi), max(lo, hi))
    mine = [strip_slash(f) for f in frames if strip_slash(f) in links.stamps]
    if mine and rng.random() < 0.7:
        stamps = links.stamps[rng.choice(mine)]
    else:
        stamps = links.stamps[rng.choice(sorted(links.stamps))]
    newest = max(stamps)
    cache_ns = CACHE_TIME_SEC * NS
    kept = [s for s in stamps if s + cache_ns >= newest]
    if r < 0.36:
        return rng.choice(kept)  # an exact stamp
    if r < 0.58:
        edge = rng.choice([newest, min(kept), newest - cache_ns])
        offset = rng.choice([1, 1000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
                             5_000_000_000])
        return edge + rng.choice([-1, 1]) * offset
    if r < 0.94:  # over this link's data, a little beyond
        return rng.randint(min(kept) - NS // 2, newest + NS // 2)
    hi = max(max(s) for s in links.stamps.values())
    return rng.choice([rng.randint(NS, 100 * NS), hi + rng.randint(10, 1000) * NS])


def ground_truth(fed, queries, seed, source):
    rng = random.Random(seed)
    buffer = tf2_py.BufferCore(rospy.Duration(CACHE_TIME_SEC))
    links = Links()
    transforms = []
    # Checkpoints: a few along the way (buffer states before links start, while pruning), then
    # half of the queries once everything is in.
    n = len(fed)
    checkpoints = sorted({max(1, n * k // 12) for k in range(1, 12)} | {n})
    early = [c for c in checkpoints if c != n]
    after_clear = queries // 20
    per_checkpoint = {c: queries // (2 * len(early)) for c in early}
    per_checkpoint[n] = queries - after_clear - sum(per_checkpoint.values())
    out_checkpoints = []

    def ask_random(count):
        out = []
        for _ in range(count):
            target, src = choose_frame(rng, links), choose_frame(rng, links)
            if rng.random() < 0.03:
                src = target
            qsec, qnsec = stored_time(choose_time(rng, links, (target, src)))
            q = {"target": target, "source": src, "time": [qsec, qnsec]}
            full = full_stripped = None
            if rng.random() < 0.1:
                fixed = choose_frame(rng, links)
                if rng.random() < 0.6 and (qsec, qnsec) != (0, 0):  # a little later or earlier
                    t_ns = to_ns(qsec, qnsec) + rng.randint(-NS // 2, NS // 2)
                else:
                    t_ns = choose_time(rng, links, (target, fixed))
                tsec, tnsec = stored_time(t_ns)
                q["fixed"], q["targetTime"] = fixed, [tsec, tnsec]
                full = (fixed, tsec, tnsec)
                full_stripped = (strip_slash(fixed), tsec, tnsec)
            q["can"], q["result"] = ask(buffer, target, src, qsec, qnsec, full)
            if any(f.startswith("/") for f in (target, src, q.get("fixed", ""))):
                can2, result2 = ask(buffer, strip_slash(target), strip_slash(src), qsec, qnsec,
                                    full_stripped)
                q["stripped"] = {"can": can2, "result": result2}
            out.append(q)
        return out

    for i, (is_static, ts) in enumerate(fed):
        sec, nsec = stored_time(to_ns(ts.header.stamp.secs, ts.header.stamp.nsecs))
        ts.header.stamp = rospy.Time(sec, nsec)
        if is_static:
            buffer.set_transform_static(ts, "tf_ground_truth")
        else:
            buffer.set_transform(ts, "tf_ground_truth")
        tr, rot = ts.transform.translation, ts.transform.rotation
        transforms.append([1 if is_static else 0, ts.header.frame_id, ts.child_frame_id, sec, nsec]
                          + [jfloat(v) for v in (tr.x, tr.y, tr.z, rot.x, rot.y, rot.z, rot.w)])
        parent, child = strip_slash(ts.header.frame_id), strip_slash(ts.child_frame_id)
        if acceptable(parent, child, ts):
            links.add(parent, child, to_ns(sec, nsec))
        if per_checkpoint.get(i + 1, 0) > 0:
            out_checkpoints.append({"after": i + 1, "queries": ask_random(per_checkpoint[i + 1])})
    # clear() empties the dynamic links and keeps the static ones (what a listener does when
    # its connection comes back).
    buffer.clear()
    out_checkpoints.append({"after": n, "clear": True, "queries": ask_random(after_clear)})
    return {
        "source": source,
        "tf2": "tf2_py (python3-tf2) %s" % tf2_version(),
        "cacheTimeSec": CACHE_TIME_SEC,
        "transforms": transforms,
        "checkpoints": out_checkpoints,
    }


def tf2_version():
    try:
        with open("/usr/share/tf2_py/package.xml", encoding="utf-8") as f:
            text = f.read()
        return text.split("<version>", 1)[1].split("</version>", 1)[0]
    except (OSError, IndexError):
        return "unknown"


def write_json(data, path):
    """Compact JSON, written atomically (a reader never sees a half-written file)."""
    def write(out):
        json.dump(data, out, separators=(",", ":"), allow_nan=False)
        out.write("\n")

    write_atomically(path, write)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    syn = sub.add_parser("synthetic", help="write the synthetic bag, then its ground truth")
    syn.add_argument("--bag", help="where to keep the synthetic bag (default: a temporary file)")
    real = sub.add_parser("bag", help="ground truth for the /tf and /tf_static of a bag")
    real.add_argument("bag_path", metavar="BAG")
    for p in (syn, real):
        p.add_argument("--out", required=True, help="the JSON file to write")
        p.add_argument("--queries", type=int, default=2000)
        p.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    if args.mode == "synthetic":
        if args.bag:
            bag_path, source = args.bag, "synthetic"
            write_synthetic_bag(bag_path)
            fed = read_transforms(bag_path)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                bag_path, source = os.path.join(tmp, "synthetic_tf.bag"), "synthetic"
                write_synthetic_bag(bag_path)
                fed = read_transforms(bag_path)
    else:
        source = os.path.basename(args.bag_path)
        try:
            fed = read_transforms(args.bag_path)
        except (OSError, rosbag.ROSBagException) as e:
            sys.exit("tf_ground_truth: %s: %s" % (args.bag_path, e))
        if not fed:
            sys.exit("tf_ground_truth: %s: no /tf or /tf_static messages" % args.bag_path)
    data = ground_truth(fed, args.queries, args.seed, source)
    write_json(data, args.out)
    count = sum(len(c["queries"]) for c in data["checkpoints"])
    print("%s: %d transforms, %d queries -> %s" % (source, len(data["transforms"]), count,
                                                   args.out))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except GroundTruthError as e:
        sys.exit("tf_ground_truth: %s" % e)
