#!/usr/bin/python3
"""Write test/fixtures/std-types.json: md5sum, type and full text of every standard ROS type.

Usage: /usr/bin/python3 scripts/std_types.py [--out FILE] [--extra-dir DIR]

Ground truth comes from the genpy classes Debian ships (python3-<pkg> packages): each message
class's `_md5sum`, `_type`, `_full_text`, `__slots__` / `_slot_types`; for services the service
class's `_md5sum` and its request/response classes. Types are discovered from the modules on disk
(`<pkg>/msg/_Name.py`, `<pkg>/srv/_Name.py`), not from a hand-written list, so action-generated
messages (nav_msgs/GetMapAction...) come along with the rest.

Types Debian lacks (tf/tfMessage) are computed with genmsg from the .msg files under
generator/std-extra/<pkg>/msg/ when that folder exists (skipped otherwise).

Every type with a definition file under /usr/share/<pkg>/ is also re-computed from that file with
genmsg and must agree with genpy: a disagreement stops the script (it would mean the two ROS
sources of truth differ, and the fixture could not be trusted).
"""

import argparse
import importlib
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no scripts/__pycache__ next to committed sources

import genmsg
from genmsg import gentools, msg_loader

from atomic_write import write_atomically

PACKAGES = [
    "std_msgs",
    "geometry_msgs",
    "sensor_msgs",
    "nav_msgs",
    "tf2_msgs",
    "visualization_msgs",
    "diagnostic_msgs",
    "actionlib_msgs",
    "shape_msgs",
    "stereo_msgs",
    "trajectory_msgs",
    "rosgraph_msgs",
    "std_srvs",
]

# Debian packages whose versions are recorded in the fixture (provenance of the ground truth).
DEBIAN_PACKAGES = ["python3-genpy", "python3-genmsg"] + [
    "python3-" + p.replace("_", "-") for p in PACKAGES
]

SHARE = "/usr/share"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "test", "fixtures", "std-types.json")
DEFAULT_EXTRA = os.path.join(REPO, "generator", "std-extra")


def discover(pkg, kind):
    """Names of the genpy classes of `pkg.kind` ('msg' or 'srv'), from the module files."""
    try:
        module = importlib.import_module("%s.%s" % (pkg, kind))
    except ImportError:
        return []
    folder = os.path.dirname(module.__file__)
    names = [
        f[1:-3]
        for f in os.listdir(folder)
        if f.startswith("_") and f.endswith(".py") and not f.startswith("__")
    ]
    return sorted(names)


def message_entry(cls):
    return {
        "type": cls._type,
        "md5sum": cls._md5sum,
        "fullText": cls._full_text,
        "fields": [[name, t] for name, t in zip(cls.__slots__, cls._slot_types)],
        "origin": "genpy",
    }


def action_of(pkg, name):
    """The .action file a generated action message (GetMapActionGoal...) came from, if any."""
    folder = os.path.join(SHARE, pkg, "action")
    if not os.path.isdir(folder):
        return None
    for f in sorted(os.listdir(folder)):
        base = f[: -len(".action")]
        if f.endswith(".action") and name.startswith(base):
            suffix = name[len(base) :]
            if suffix in (
                "Action",
                "ActionGoal",
                "ActionResult",
                "ActionFeedback",
                "Goal",
                "Result",
                "Feedback",
            ):
                return "%s/action/%s" % (pkg, f)
    return None


class Genmsg:
    """genmsg over every package folder we know: /usr/share/<pkg>/msg plus the extra tree."""

    def __init__(self, extra_dir):
        self.search_path = {}
        roots = [SHARE] + ([extra_dir] if extra_dir else [])
        for root in roots:
            for pkg in sorted(os.listdir(root)):
                msg_dir = os.path.join(root, pkg, "msg")
                if os.path.isdir(msg_dir):
                    self.search_path.setdefault(pkg, []).append(msg_dir)

    def message(self, path, full_type):
        ctx = genmsg.MsgContext.create_default()
        spec = msg_loader.load_msg_from_file(ctx, path, full_type)
        msg_loader.load_depends(ctx, spec, self.search_path)
        return {
            "type": full_type,
            "md5sum": gentools.compute_md5(ctx, spec),
            "fullText": gentools.compute_full_text(ctx, spec),
            "fields": [[n, t] for n, t in zip(spec.names, spec.types)],
        }

    def service(self, path, full_type):
        ctx = genmsg.MsgContext.create_default()
        spec = msg_loader.load_srv_from_file(ctx, path, full_type)
        msg_loader.load_depends(ctx, spec, self.search_path)
        return {
            "md5sum": gentools.compute_md5(ctx, spec),
            "request": {
                "md5sum": gentools.compute_md5(ctx, spec.request),
                "fullText": gentools.compute_full_text(ctx, spec.request),
            },
            "response": {
                "md5sum": gentools.compute_md5(ctx, spec.response),
                "fullText": gentools.compute_full_text(ctx, spec.response),
            },
        }


def check_same(what, genpy_value, genmsg_value):
    if genpy_value != genmsg_value:
        raise SystemExit(
            "std_types.py: %s: genpy and genmsg disagree:\n  genpy:  %r\n  genmsg: %r"
            % (what, genpy_value, genmsg_value)
        )


def collect_messages(gm):
    messages = {}
    for pkg in PACKAGES:
        module = None
        for name in discover(pkg, "msg"):
            module = module or importlib.import_module(pkg + ".msg")
            cls = getattr(module, name)
            entry = message_entry(cls)
            rel = "%s/msg/%s.msg" % (pkg, name)
            if os.path.isfile(os.path.join(SHARE, rel)):
                entry["source"] = rel
                again = gm.message(os.path.join(SHARE, rel), cls._type)
                for key in ("md5sum", "fullText", "fields"):
                    check_same("%s %s" % (cls._type, key), entry[key], again[key])
            action = action_of(pkg, name)
            if action:
                entry["action"] = action
            messages[cls._type] = entry
    return messages


def collect_services(gm):
    services = {}
    for pkg in PACKAGES:
        module = None
        for name in discover(pkg, "srv"):
            module = module or importlib.import_module(pkg + ".srv")
            srv = getattr(module, name)
            entry = {
                "type": srv._type,
                "md5sum": srv._md5sum,
                "request": message_entry(srv._request_class),
                "response": message_entry(srv._response_class),
                "origin": "genpy",
            }
            rel = "%s/srv/%s.srv" % (pkg, name)
            if os.path.isfile(os.path.join(SHARE, rel)):
                entry["source"] = rel
                again = gm.service(os.path.join(SHARE, rel), srv._type)
                check_same(srv._type + " md5sum", entry["md5sum"], again["md5sum"])
                for part in ("request", "response"):
                    for key in ("md5sum", "fullText"):
                        check_same(
                            "%s %s %s" % (srv._type, part, key),
                            entry[part][key],
                            again[part][key],
                        )
            services[srv._type] = entry
    return services


def collect_extra(gm, extra_dir, messages):
    """Messages from extra_dir/<pkg>/msg/*.msg (types Debian does not ship), via genmsg."""
    extra = {}
    for pkg in sorted(os.listdir(extra_dir)):
        msg_dir = os.path.join(extra_dir, pkg, "msg")
        if not os.path.isdir(msg_dir):
            continue
        for f in sorted(os.listdir(msg_dir)):
            if not f.endswith(".msg"):
                continue
            full_type = "%s/%s" % (pkg, f[: -len(".msg")])
            if full_type in messages:
                raise SystemExit(
                    "std_types.py: %s is in %s but Debian ships it too" % (full_type, msg_dir)
                )
            entry = gm.message(os.path.join(msg_dir, f), full_type)
            entry["origin"] = "genmsg"
            entry["source"] = os.path.relpath(os.path.join(msg_dir, f), REPO)
            extra[full_type] = entry
    return extra


def debian_versions():
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}\\n"] + DEBIAN_PACKAGES,
        capture_output=True,
        text=True,
    )
    versions = {}
    for line in out.stdout.splitlines():
        name, _, version = line.partition(" ")
        versions[name] = version or None
    missing = [p for p in DEBIAN_PACKAGES if not versions.get(p)]
    if missing:
        raise SystemExit(
            "std_types.py: Debian packages missing: %s (see scripts/README.md)" % " ".join(missing)
        )
    return versions


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="default: %(default)s")
    parser.add_argument(
        "--extra-dir",
        default=DEFAULT_EXTRA,
        help="tree of <pkg>/msg/*.msg for types Debian lacks; skipped when absent "
        "(default: %(default)s)",
    )
    args = parser.parse_args(argv)

    versions = debian_versions()
    extra_dir = args.extra_dir if os.path.isdir(args.extra_dir) else None
    gm = Genmsg(extra_dir)
    messages = collect_messages(gm)
    services = collect_services(gm)
    extra = collect_extra(gm, extra_dir, messages) if extra_dir else {}
    if not extra_dir:
        sys.stderr.write("std_types.py: no %s, extra types skipped\n" % args.extra_dir)
    messages.update(extra)

    doc = {
        "about": "Ground truth for standard ROS 1 types, written by scripts/std_types.py "
        "from Debian's genpy classes (origin genpy) and, for types Debian lacks, genmsg over "
        "generator/std-extra (origin genmsg). source/action: definition file relative to "
        "/usr/share (or to the repository for genmsg types). Do not edit by hand.",
        "debianPackages": versions,
        "messages": messages,
        "services": services,
    }
    text = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomically(args.out, lambda out: out.write(text))
    sys.stderr.write(
        "std_types.py: %d messages (%d from genmsg), %d services -> %s\n"
        % (len(messages), len(extra), len(services), args.out)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
