#!/usr/bin/env python3
"""Build a folder of ROS message packages into a catkin workspace.

The folder is laid out the way `noros-gen` reads it: `<folder>/<package>/msg/*.msg` (and `srv/`,
`action/`), possibly nested (a whole catkin workspace works too). foxglove_bridge finds message
definitions through the ROS package path, so once the workspace's devel/setup.bash is sourced the
bridge advertises these types with their full schemas, and can publish and call them.

Packages may come with their own package.xml and CMakeLists.txt (used as they are); for folders
that lack them, both are generated from the definitions: dependencies are the packages the fields
name (`geometry_msgs/Point`, `Header` -> std_msgs). Every dependency must be in the folder or
installed; otherwise the error names the file, line and package, before catkin runs.

Usage:
  msgs_workspace.py build SOURCE WORKSPACE     prepare WORKSPACE/src and run catkin_make; skipped
                                               when SOURCE has not changed since the last build
  msgs_workspace.py prepare SOURCE WORKSPACE   only prepare WORKSPACE/src (no catkin)

WORKSPACE is this tool's own cache: it is wiped and rebuilt when SOURCE changes, so it must be
empty, absent, or made by this tool. Exit status: 0 done, 1 catkin failed, 2 bad input.
Runs on Python 3.8 (Ubuntu focal, the ros:noetic image) and later.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from typing import Dict, Iterable, List, NamedTuple, Set

BUILTIN_TYPES = {
    "bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
    "float32", "float64", "string", "time", "duration", "char", "byte",
}  # fmt: skip
DEFINITION_DIRS = {"msg": ".msg", "srv": ".srv", "action": ".action"}
SKIPPED_DIRS = {"build", "devel", "install", "log", "logs", "node_modules"}
PACKAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
FIELD_TYPE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:/[A-Za-z][A-Za-z0-9_]*)?)(\[[0-9]*\])?$")
MARKER = ".noros-msgs-workspace"
FINGERPRINT = ".noros-fingerprint"


class InputError(Exception):
    """The source folder holds something that cannot be built; the message says where."""


class Dependency(NamedTuple):
    package: str
    where: str  # "file:line" of the first field that needs it
    type_name: str


class Package(NamedTuple):
    name: str
    path: str
    has_manifest: bool
    has_cmake: bool
    definitions: Dict[str, List[str]]  # "msg" -> ["Foo.msg", ...]
    dependencies: Dict[str, Dependency]  # other packages the fields name


def read_manifest_name(path: str) -> str:
    manifest = os.path.join(path, "package.xml")
    try:
        root = ElementTree.parse(manifest).getroot()
    except ElementTree.ParseError as error:
        raise InputError("%s: not valid XML: %s" % (manifest, error)) from None
    name = root.findtext("name")
    if name is None or not name.strip():
        raise InputError("%s: no <name> element" % manifest)
    return name.strip()


def definition_files(path: str) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for kind, suffix in DEFINITION_DIRS.items():
        folder = os.path.join(path, kind)
        if os.path.isdir(folder):
            names = sorted(f for f in os.listdir(folder) if f.endswith(suffix))
            if names:
                found[kind] = names
    return found


def stray_definitions(path: str) -> List[str]:
    return sorted(f for f in os.listdir(path) if os.path.splitext(f)[1] in (".msg", ".srv", ".action"))


def discover(source: str) -> List[str]:
    """Package folders under `source`: a folder with package.xml, or with msg/, srv/ or action/."""
    packages: List[str] = []
    for here, dirs, _files in os.walk(source):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS
        )
        if os.path.exists(os.path.join(here, "CATKIN_IGNORE")):
            dirs[:] = []
            continue
        if os.path.isfile(os.path.join(here, "package.xml")) or definition_files(here):
            packages.append(here)
            dirs[:] = []  # a package's own subfolders are its business
            continue
        stray = stray_definitions(here)
        if stray:
            raise InputError(
                "%s: definition files must be in a package's msg/, srv/ or action/ folder "
                "(<folder>/<package>/msg/<Type>.msg); found %s here"
                % (here, ", ".join(stray[:3]))
            )
    return packages


def strip_comment(line: str) -> str:
    # "string NAME=text" constants keep '#' as part of their value (genmsg does the same).
    match = re.match(r"^\s*string\s+\w+\s*=", line)
    if match:
        return line.strip()
    return line.split("#", 1)[0].strip()


def scan_definition(
    package: str, file_path: str, local_types: Set[str], dependencies: Dict[str, Dependency]
) -> None:
    """Check each field line and record the packages it names."""
    kind = os.path.basename(os.path.dirname(file_path))
    separators = {"msg": 0, "srv": 1, "action": 2}[kind]
    seen_separators = 0
    with open(file_path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for number, raw in enumerate(lines, start=1):
        where = "%s:%d" % (file_path, number)
        line = strip_comment(raw)
        if not line:
            continue
        if line == "---":
            seen_separators += 1
            if seen_separators > separators:
                raise InputError("%s: unexpected '---' in a .%s file" % (where, kind))
            continue
        tokens = line.split()
        if len(tokens) < 2 and "=" not in line:
            raise InputError("%s: expected 'TYPE NAME', got %r" % (where, raw.strip()))
        field_type = tokens[0]
        if "=" in line:
            base = field_type
            if base not in BUILTIN_TYPES:
                raise InputError("%s: constant of non-builtin type %r" % (where, base))
            continue
        match = FIELD_TYPE.match(field_type)
        if not match:
            raise InputError("%s: %r is not a valid field type" % (where, field_type))
        base = match.group(1)
        if base in BUILTIN_TYPES:
            continue
        if base == "Header":
            other = "std_msgs"
        elif "/" in base:
            other = base.split("/", 1)[0]
        elif base in local_types:
            continue
        else:
            raise InputError(
                "%s: type %r is not in package %s (no msg/%s.msg); name another package's type "
                "as package/Type" % (where, base, package, base)
            )
        if other == package:
            if base.split("/")[-1] not in local_types:
                raise InputError("%s: package %s has no msg/%s.msg" % (where, package, base.split("/")[-1]))
        elif other not in dependencies:
            dependencies[other] = Dependency(other, where, base)
    if seen_separators != separators:
        raise InputError(
            "%s: a .%s file needs %d '---' line(s), found %d" % (file_path, kind, separators, seen_separators)
        )


def load_package(path: str) -> Package:
    has_manifest = os.path.isfile(os.path.join(path, "package.xml"))
    name = read_manifest_name(path) if has_manifest else os.path.basename(os.path.abspath(path))
    if not PACKAGE_NAME.match(name):
        origin = "%s/package.xml <name>" % path if has_manifest else "folder %s" % path
        raise InputError(
            "%s: %r is not a valid ROS package name (lowercase letters, digits and underscores, "
            "starting with a letter); rename it" % (origin, name)
        )
    definitions = definition_files(path)
    local_types = {os.path.splitext(f)[0] for f in definitions.get("msg", [])}
    dependencies: Dict[str, Dependency] = {}
    for kind, names in definitions.items():
        for file_name in names:
            stem = os.path.splitext(file_name)[0]
            file_path = os.path.join(path, kind, file_name)
            if not TYPE_NAME.match(stem):
                raise InputError("%s: %r is not a valid type name" % (file_path, stem))
            scan_definition(name, file_path, local_types, dependencies)
    if "action" in definitions:
        # Generated action messages use actionlib_msgs/GoalStatus, GoalID and std_msgs/Header.
        for other in ("actionlib_msgs", "std_msgs"):
            where = os.path.join(path, "action")
            dependencies.setdefault(other, Dependency(other, where, "action"))
    return Package(
        name=name,
        path=path,
        has_manifest=has_manifest,
        has_cmake=os.path.isfile(os.path.join(path, "CMakeLists.txt")),
        definitions=definitions,
        dependencies=dependencies,
    )


def cmake_prefixes() -> List[str]:
    prefixes = [p for p in os.environ.get("CMAKE_PREFIX_PATH", "").split(":") if p]
    distro = os.environ.get("ROS_DISTRO", "noetic")
    for fallback in ("/opt/ros/%s" % distro, "/usr"):
        if fallback not in prefixes and os.path.isdir(fallback):
            prefixes.append(fallback)
    return prefixes


def installed(package: str, prefixes: Iterable[str]) -> bool:
    """What catkin's find_package needs: <prefix>/share/<package>/cmake/<package>Config.cmake."""
    for prefix in prefixes:
        folder = os.path.join(prefix, "share", package, "cmake")
        for config in (package + "Config.cmake", package + "-config.cmake"):
            if os.path.isfile(os.path.join(folder, config)):
                return True
    return False


def check_dependencies(source: str, packages: List[Package]) -> None:
    names = {p.name for p in packages}
    prefixes = cmake_prefixes()
    for package in packages:
        for dep in sorted(package.dependencies.values()):
            if dep.package in names or installed(dep.package, prefixes):
                continue
            apt_name = "ros-%s-%s" % (os.environ.get("ROS_DISTRO", "noetic"), dep.package.replace("_", "-"))
            raise InputError(
                "%s: %s needs package %s, which is neither in %s nor installed (looked in %s). "
                "Add it to the folder, or install it into the image (e.g. build with "
                "--build-arg EXTRA_APT_PACKAGES=%s)"
                % (dep.where, dep.type_name, dep.package, source, ", ".join(prefixes) or "nowhere", apt_name)
            )


def load_packages(source: str) -> List[Package]:
    if not os.path.isdir(source):
        raise InputError("%s: no such folder" % source)
    packages = sorted((load_package(path) for path in discover(source)), key=lambda p: p.name)
    by_name: Dict[str, str] = {}
    for package in packages:
        if package.name in by_name:
            raise InputError(
                "package %s is defined twice: %s and %s" % (package.name, by_name[package.name], package.path)
            )
        by_name[package.name] = package.path
    check_dependencies(source, packages)
    return packages


def manifest_text(package: Package) -> str:
    lines = [
        '<?xml version="1.0"?>',
        "<!-- Generated by noros (docker/msgs_workspace.py): the source folder had no package.xml. -->",
        '<package format="2">',
        "  <name>%s</name>" % package.name,
        "  <version>0.0.0</version>",
        "  <description>Message definitions from %s</description>" % os.path.basename(package.path),
        '  <maintainer email="noros@example.com">noros</maintainer>',
        "  <license>unknown</license>",
        "  <buildtool_depend>catkin</buildtool_depend>",
        "  <build_depend>message_generation</build_depend>",
    ]
    lines += ["  <depend>%s</depend>" % dep for dep in sorted(package.dependencies)]
    lines += ["  <exec_depend>message_runtime</exec_depend>", "</package>", ""]
    return "\n".join(lines)


def cmake_text(package: Package) -> str:
    deps = sorted(package.dependencies)
    lines = [
        "# Generated by noros (docker/msgs_workspace.py): the source folder had no CMakeLists.txt.",
        "cmake_minimum_required(VERSION 3.0.2)",
        "project(%s)" % package.name,
        "find_package(catkin REQUIRED COMPONENTS %s)" % " ".join(sorted(["message_generation"] + deps)),
    ]
    commands = {"msg": "add_message_files", "srv": "add_service_files", "action": "add_action_files"}
    for kind, names in sorted(package.definitions.items()):
        lines.append("%s(DIRECTORY %s FILES %s)" % (commands[kind], kind, " ".join(names)))
    if package.definitions:
        lines.append("generate_messages(DEPENDENCIES %s)" % " ".join(deps) if deps else "generate_messages()")
    lines.append("catkin_package(CATKIN_DEPENDS %s)" % " ".join(sorted(["message_runtime"] + deps)))
    lines.append("")
    return "\n".join(lines)


def fingerprint(packages: List[Package]) -> str:
    digest = hashlib.sha256()
    # This script is part of the input: a new version may generate different files.
    with open(os.path.abspath(__file__), "rb") as handle:
        digest.update(hashlib.sha256(handle.read()).digest())
    for package in sorted(packages, key=lambda p: p.name):
        digest.update(("package %s\n" % package.name).encode())
        for here, dirs, files in os.walk(package.path):
            dirs.sort()
            for file_name in sorted(files):
                full = os.path.join(here, file_name)
                digest.update(("file %s\n" % os.path.relpath(full, package.path)).encode())
                with open(full, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def claim_workspace(workspace: str) -> None:
    """Make sure WORKSPACE is ours to wipe: absent, empty, or marked by an earlier run."""
    if os.path.isdir(workspace) and os.listdir(workspace):
        if not os.path.isfile(os.path.join(workspace, MARKER)):
            raise InputError(
                "%s exists and was not made by this tool; refusing to overwrite it (use an empty "
                "or new folder)" % workspace
            )
    os.makedirs(workspace, exist_ok=True)
    with open(os.path.join(workspace, MARKER), "w") as handle:
        handle.write("Made by noros docker/msgs_workspace.py; wiped and rebuilt when the source changes.\n")


def prepare(source: str, workspace: str, packages: List[Package]) -> None:
    claim_workspace(workspace)
    for entry in os.listdir(workspace):
        target = os.path.join(workspace, entry)
        if entry == MARKER:
            continue
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        else:
            os.remove(target)
    src = os.path.join(workspace, "src")
    os.makedirs(src)
    for package in packages:
        target = os.path.join(src, package.name)
        shutil.copytree(
            package.path, target, ignore=shutil.ignore_patterns(".*", *SKIPPED_DIRS)
        )
        if not package.has_manifest:
            with open(os.path.join(target, "package.xml"), "w") as handle:
                handle.write(manifest_text(package))
        if not package.has_cmake:
            with open(os.path.join(target, "CMakeLists.txt"), "w") as handle:
                handle.write(cmake_text(package))
        present = (("package.xml", package.has_manifest), ("CMakeLists.txt", package.has_cmake))
        generated = [f for f, has in present if not has]
        note = " (generated %s)" % " and ".join(generated) if generated else ""
        print("msgs: %s from %s%s" % (package.name, package.path, note), flush=True)


def run_catkin(workspace: str) -> None:
    log_path = os.path.join(workspace, "catkin_make.log")
    command = [
        "catkin_make",
        "-C",
        workspace,
        "-DCATKIN_ENABLE_TESTING=OFF",
        "-DCMAKE_BUILD_TYPE=Release",
        "-DPYTHON_EXECUTABLE=%s" % sys.executable,
    ]
    print("msgs: building %s with catkin_make (log: %s)" % (workspace, log_path), flush=True)
    with open(log_path, "w") as log:
        try:
            status = subprocess.call(command, stdout=log, stderr=subprocess.STDOUT)
        except FileNotFoundError:
            raise InputError("catkin_make not found: source /opt/ros/<distro>/setup.bash first") from None
    if status != 0:
        with open(log_path, errors="replace") as log:
            tail = log.read().splitlines()[-40:]
        sys.stderr.write("\n".join(tail) + "\n")
        raise BuildError("catkin_make failed (exit %d); full log in %s" % (status, log_path))


class BuildError(Exception):
    """catkin_make failed; its log holds the details."""


def build(source: str, workspace: str, run_build: bool) -> None:
    for inner, outer in ((workspace, source), (source, workspace)):
        if inner == outer or inner.startswith(outer.rstrip("/") + "/"):
            raise InputError("the workspace (%s) and the source (%s) must not overlap" % (workspace, source))
    packages = load_packages(source)
    if not packages:
        print("msgs: no message packages in %s; nothing to build" % source, flush=True)
        return
    stamp = fingerprint(packages)
    stamp_path = os.path.join(workspace, FINGERPRINT)
    if run_build and os.path.isfile(stamp_path) and os.path.isfile(os.path.join(workspace, "devel", "setup.bash")):
        with open(stamp_path) as handle:
            if handle.read().strip() == stamp:
                print("msgs: %s is up to date with %s" % (workspace, source), flush=True)
                return
    prepare(source, workspace, packages)
    if not run_build:
        return
    run_catkin(workspace)
    with open(stamp_path, "w") as handle:
        handle.write(stamp + "\n")
    print("msgs: built %d package(s): %s" % (len(packages), ", ".join(p.name for p in packages)), flush=True)


def main(argv: List[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("build", "prepare"):
        sys.stderr.write("usage: %s build|prepare SOURCE WORKSPACE\n" % argv[0])
        return 64
    source, workspace = os.path.abspath(argv[2]), os.path.abspath(argv[3])
    try:
        build(source, workspace, argv[1] == "build")
    except InputError as error:
        sys.stderr.write("error: %s\n" % error)
        return 2
    except BuildError as error:
        sys.stderr.write("error: %s\n" % error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
