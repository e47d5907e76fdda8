#!/usr/bin/python3
"""Dump every message of a ROS 1 bag as JSON Lines, decoded by real ROS (python3-rosbag + genpy).

Usage: /usr/bin/python3 scripts/dump_bag.py BAG [--out FILE]
       /usr/bin/python3 scripts/dump_bag.py BAG... --out-dir DIR   (DIR/<bag name>.jsonl each)

One line per message, in bag order (rosbag's read_messages order: by record time):
  {"topic", "type", "md5", "time": {"sec", "nsec"}, "size", ["invalidUtf8"],
   ["reserializeDiffers"], "value"}
`value` follows the convention in golden_json.py / scripts/README.md.

Messages are decoded with the classes rosbag builds from each connection's own message definition
(genpy.dynamic), never with installed classes: that is what read_messages(raw=False) does. We ask
rosbag for raw=True, which yields the same class together with the record bytes, and run the same
two steps raw=False runs (`msg = pytype(); msg.deserialize(data)`): one pass gives both the decoded
message and the bytes we compare its re-serialization with.
"""

import argparse
import codecs
import io
import json
import os
import sys

sys.dont_write_bytecode = True  # no scripts/__pycache__ next to committed sources

import genpy
import rosbag

from atomic_write import write_atomically
from golden_json import encode


class DumpError(Exception):
    """A message genpy cannot decode; the text names the topic and the record time."""


class _CountingReplace:
    """Stands in for genpy's 'rosmsg' codec error handler: same replacement, plus a count.

    genpy decodes every string field with .decode('utf-8', 'rosmsg') and sets `.msg_type` on the
    registered handler first; its own handler logs once per type. Counting the calls tells us
    exactly which messages held invalid UTF-8, without guessing from U+FFFD in the output.
    """

    def __init__(self):
        self.msg_type = None
        self.errors = 0

    def __call__(self, err):
        self.errors += 1
        return codecs.replace_errors(err)


_replace = _CountingReplace()
codecs.register_error("rosmsg", _replace)


def dump_lines(bag_path):
    """Yield one JSON text (without newline) per message of the bag, in bag order."""
    with rosbag.Bag(bag_path, "r") as bag:
        for topic, raw, t in bag.read_messages(raw=True):
            datatype, data, md5sum, _position, pytype = raw
            _replace.errors = 0
            msg = pytype()
            try:
                msg.deserialize(data)
            except genpy.DeserializationError as exc:
                raise DumpError(
                    "topic %s: cannot decode %s message at record time %d.%09d: %s"
                    % (topic, datatype, t.secs, t.nsecs, exc)
                ) from exc
            line = {
                "topic": topic,
                "type": datatype,
                "md5": md5sum,
                "time": {"sec": t.secs, "nsec": t.nsecs},
                "size": len(data),
            }
            if _replace.errors:
                line["invalidUtf8"] = True
            buf = io.BytesIO()
            msg.serialize(buf)
            if buf.getvalue() != data:
                line["reserializeDiffers"] = True
            line["value"] = encode(msg)
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def write_dump(bag_path, out):
    """Write the dump of `bag_path` to the text stream `out`; returns the message count."""
    count = 0
    for text in dump_lines(bag_path):
        out.write(text)
        out.write("\n")
        count += 1
    return count


def dump_to(bag_path, out_path):
    """Dump one bag to `out_path` (a file written atomically, or a device such as /dev/null)."""
    if os.path.exists(out_path) and not os.path.isfile(out_path):
        # A device or pipe: write straight into it, never rename over it.
        with open(out_path, "w", encoding="utf-8", newline="\n") as out:
            return write_dump(bag_path, out)
    count = [0]

    def write(out):
        count[0] = write_dump(bag_path, out)

    write_atomically(out_path, write)
    return count[0]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        epilog="With several bags, --out-dir is required: DIR/<bag name without .bag>.jsonl each.",
    )
    parser.add_argument("bags", nargs="+", metavar="BAG", help="ROS 1 bags (plain, bz2 or lz4)")
    out_group = parser.add_mutually_exclusive_group()
    out_group.add_argument("--out", help="write the JSON Lines here (default: standard output)")
    out_group.add_argument("--out-dir", help="write one BAGNAME.jsonl per bag into this folder")
    args = parser.parse_args(argv)

    for bag in args.bags:
        if not os.path.isfile(bag):
            parser.error("no such bag: %s" % bag)
    if len(args.bags) > 1 and args.out_dir is None:
        parser.error("several bags need --out-dir")
    if args.out_dir is not None and not os.path.isdir(args.out_dir):
        parser.error("no such folder: %s" % args.out_dir)

    for bag in args.bags:
        # rosbag caches the classes it builds per md5 for the whole process; start each bag
        # afresh so every bag is decoded with its own connections' definitions.
        rosbag.bag._message_types.clear()
        try:
            if args.out_dir is not None:
                name = os.path.basename(bag)
                name = name[: -len(".bag")] if name.endswith(".bag") else name
                dump_to(bag, os.path.join(args.out_dir, name + ".jsonl"))
            elif args.out is not None:
                dump_to(bag, args.out)
            else:
                sys.stdout.reconfigure(encoding="utf-8", newline="\n")
                write_dump(bag, sys.stdout)
                sys.stdout.flush()
        except (DumpError, rosbag.ROSBagException, genpy.MessageException, OSError, ValueError,
                TypeError) as exc:
            sys.stderr.write("dump_bag.py: %s: %s\n" % (bag, exc))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
