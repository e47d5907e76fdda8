#!/usr/bin/env python3
"""Ground truth for definition folders, from genmsg itself (Debian's python3-genmsg).

Usage: /usr/bin/python3 scripts/genmsg_types.py PKG_ROOT [PKG_ROOT ...] > types.json

Every <pkg>/msg/*.msg, <pkg>/srv/*.srv and <pkg>/action/*.action under the roots is loaded with
genmsg (actions are first expanded by actionlib_msgs' genaction.py, as catkin does) together with
the standard packages under /usr/share, and for each type the md5 (genmsg.gentools.compute_md5)
and full text (compute_full_text) are printed as JSON: {"msgs": {type: {"md5", "definition"}},
"srvs": {type: md5}}.
"""
import json
import os
import subprocess
import sys
import tempfile

import genmsg.gentools as gentools
import genmsg.msg_loader as loader

GENACTION = "/usr/lib/actionlib_msgs/genaction.py"


def packages_under(root):
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for kind in ("msg", "srv", "action"):
            if kind in dirnames:
                yield os.path.basename(dirpath), dirpath
                break


def main(roots):
    search = {}
    for share in sorted(os.listdir("/usr/share")):
        if os.path.isdir(os.path.join("/usr/share", share, "msg")):
            search.setdefault(share, []).append(os.path.join("/usr/share", share, "msg"))
    ours = []
    tmp = tempfile.mkdtemp(prefix="genmsg-types-")
    for root in roots:
        for pkg, pkgdir in packages_under(root):
            msgdirs = []
            if os.path.isdir(os.path.join(pkgdir, "msg")):
                msgdirs.append(os.path.join(pkgdir, "msg"))
            action_dir = os.path.join(pkgdir, "action")
            if os.path.isdir(action_dir):
                out = os.path.join(tmp, pkg, "msg")
                os.makedirs(out, exist_ok=True)
                for f in sorted(os.listdir(action_dir)):
                    if f.endswith(".action"):
                        subprocess.run([sys.executable, GENACTION, os.path.join(action_dir, f), "-o", out],
                                       check=True, stdout=subprocess.DEVNULL)
                msgdirs.append(out)
            search[pkg] = msgdirs + search.get(pkg, [])
            ours.append((pkg, pkgdir, msgdirs))
    ctx = loader.MsgContext.create_default()
    result = {"msgs": {}, "srvs": {}}
    for pkg, pkgdir, msgdirs in ours:
        for d in msgdirs:
            for f in sorted(os.listdir(d)):
                if f.endswith(".msg"):
                    name = "%s/%s" % (pkg, f[:-4])
                    spec = loader.load_msg_by_type(ctx, name, search)
                    loader.load_depends(ctx, spec, search)
                    result["msgs"][name] = {"md5": gentools.compute_md5(ctx, spec),
                                            "definition": gentools.compute_full_text(ctx, spec)}
        srv_dir = os.path.join(pkgdir, "srv")
        if os.path.isdir(srv_dir):
            for f in sorted(os.listdir(srv_dir)):
                if f.endswith(".srv"):
                    name = "%s/%s" % (pkg, f[:-4])
                    spec = loader.load_srv_from_file(ctx, os.path.join(srv_dir, f), name)
                    loader.load_depends(ctx, spec, search)
                    result["srvs"][name] = gentools.compute_md5(ctx, spec)
                    for half, sub in (("Request", spec.request), ("Response", spec.response)):
                        result["msgs"][name + half] = {"md5": gentools.compute_md5(ctx, sub),
                                                       "definition": gentools.compute_full_text(ctx, sub)}
    json.dump(result, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
