#!/usr/bin/env python3
"""The ROS 1 network settings of the container: checked before anything starts.

ROS 1 nodes call each other back at the address each one advertises (ROS_IP or ROS_HOSTNAME,
else the machine's hostname), so most "the bridge shows the topic but no data" problems are a
wrong ROS_IP / ROS_HOSTNAME / ROS_MASTER_URI. This module turns the ones that can be seen from
inside the container into clear errors or warnings.

Usage:
  ros_network.py master-plan      prints "<local|external> <port>" for ROS_MASTER_URI
                                  (local: the master belongs in this container)
  ros_network.py master-online    exit 0 when the master answers, 1 when not
  ros_network.py wait-master [PID]
                                  wait until the master answers; exit 1 after NOROS_MASTER_TIMEOUT
                                  seconds (default 30), 3 at once when process PID (our roscore)
                                  is gone

Plain XML-RPC (no rosgraph import) so a check costs milliseconds. Runs on Python 3.8 and later.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket
import sys
import time
import xmlrpc.client
from typing import List, Optional, Tuple

DEFAULT_MASTER_URI = "http://localhost:11311"
URI_PATTERN = re.compile(r"^http://(\[[0-9A-Fa-f:.]+\]|[^/:\[\]\s]+)(?::(\d+))?/?$")


class NetworkError(Exception):
    """A setting that cannot work; the message says which and how to fix it."""


def warn(message: str) -> None:
    sys.stderr.write("warning: %s\n" % message)


def env(name: str) -> Optional[str]:
    value = os.environ.get(name, "").strip()
    return value or None


def master_uri() -> str:
    return env("ROS_MASTER_URI") or DEFAULT_MASTER_URI


def parse_master_uri(uri: str) -> Tuple[str, int]:
    match = URI_PATTERN.match(uri)
    if not match:
        hint = ""
        if not uri.startswith("http"):
            hint = " (it needs the scheme: ROS_MASTER_URI=http://%s)" % uri
        elif uri.startswith("https://"):
            hint = " (the ROS master speaks plain http://)"
        raise NetworkError(
            "ROS_MASTER_URI=%s is not of the form http://HOST:PORT%s" % (uri, hint)
        )
    host = match.group(1).strip("[]")
    port = int(match.group(2) or "11311")
    if not 1 <= port <= 65535:
        raise NetworkError("ROS_MASTER_URI=%s: port %d is out of range" % (uri, port))
    return host, port


def is_ip_literal(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    return is_ip_literal(host) and ipaddress.ip_address(host).is_loopback


def address_is_here(address: str) -> bool:
    """True when this machine (container) owns the address: binding to it succeeds."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.bind((address, 0))
        return True
    except OSError as error:
        if error.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            return False
        raise
    finally:
        probe.close()


def host_is_here(host: str) -> bool:
    """Whether ROS_MASTER_URI's host names this container."""
    names = {"localhost", "0.0.0.0", "::", socket.gethostname().lower()}
    names.add(socket.gethostname().split(".")[0].lower())
    for variable in ("ROS_HOSTNAME", "ROS_IP"):
        value = env(variable)
        if value:
            names.add(value.lower())
    if host.lower() in names or is_loopback(host):
        return True
    if is_ip_literal(host):
        return address_is_here(host)
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return False  # unknown here: certainly not this container
    return any(address_is_here(str(info[4][0])) for info in infos)


def check_advertised_address(master_is_here: bool) -> None:
    """ROS_IP / ROS_HOSTNAME: the address other nodes use to call this container's nodes."""
    ros_ip = env("ROS_IP")
    ros_hostname = env("ROS_HOSTNAME")
    if ros_ip is not None:
        if not is_ip_literal(ros_ip):
            raise NetworkError(
                "ROS_IP=%s is not an IP address; for a host name use ROS_HOSTNAME instead" % ros_ip
            )
        if not address_is_here(ros_ip):
            raise NetworkError(
                "ROS_IP=%s is not an address of this container. With Docker's default network a "
                "container has an address of its own; to use the host's address on the robot's "
                "network run with host networking (compose.robot.yaml, or docker run "
                "--network host)" % ros_ip
            )
    if ros_ip is not None and ros_hostname is not None:
        warn("both ROS_IP and ROS_HOSTNAME are set; ROS uses ROS_HOSTNAME=%s" % ros_hostname)
    advertised = ros_hostname or ros_ip
    if master_is_here:
        return
    if advertised is None:
        warn(
            "ROS_MASTER_URI points to another machine but neither ROS_IP nor ROS_HOSTNAME is set: "
            "nodes there will call the bridge back at %r, which they probably cannot resolve "
            "(topics then show up with no data). Set ROS_IP to this machine's address on the "
            "robot's network." % socket.gethostname()
        )
    elif is_loopback(advertised):
        variable = "ROS_HOSTNAME" if ros_hostname else "ROS_IP"
        raise NetworkError(
            "%s=%s is a loopback address, but the master (%s) is on another machine: its nodes "
            "would connect to themselves. Set %s to this machine's address on the robot's network."
            % (variable, advertised, master_uri(), variable)
        )


def roscore_mode() -> str:
    value = (env("NOROS_ROSCORE") or "auto").lower()
    aliases = {"auto": "auto", "yes": "yes", "true": "yes", "always": "yes", "1": "yes"}
    aliases.update({"no": "no", "false": "no", "never": "no", "0": "no"})
    if value not in aliases:
        raise NetworkError("NOROS_ROSCORE must be auto, yes or no, got %r" % value)
    return aliases[value]


def master_plan() -> Tuple[str, int]:
    host, port = parse_master_uri(master_uri())
    master_timeout()  # checked now, used later by wait-master
    mode = roscore_mode()
    here = host_is_here(host)
    check_advertised_address(here)
    local = here if mode == "auto" else mode == "yes"
    return ("local" if local else "external"), port


def master_answers(uri: str, timeout: float = 2.0) -> bool:
    """True when a ROS master answers getPid at `uri`."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        code, _message, _pid = xmlrpc.client.ServerProxy(uri).getPid("/noros_entrypoint")
        return code == 1
    except (OSError, xmlrpc.client.Error, ValueError):
        return False
    finally:
        socket.setdefaulttimeout(previous)


def process_alive(pid: int) -> bool:
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def master_timeout() -> float:
    text = env("NOROS_MASTER_TIMEOUT") or "30"
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 86400:
        raise NetworkError("NOROS_MASTER_TIMEOUT must be a number of seconds (0 < s <= 86400), got %r" % text)
    return seconds


def wait_master(seconds: float, watch_pid: Optional[int]) -> int:
    uri = master_uri()
    deadline = time.monotonic() + seconds
    while True:
        if master_answers(uri):
            return 0
        if watch_pid is not None and not process_alive(watch_pid):
            sys.stderr.write("error: roscore (pid %d) exited before the master at %s answered\n" % (watch_pid, uri))
            return 3
        if time.monotonic() >= deadline:
            break
        time.sleep(0.25)
    sys.stderr.write(
        "error: no ROS master answered at ROS_MASTER_URI=%s within %g s. Check that roscore runs "
        "there, that the host name resolves from this container, and that no firewall blocks "
        "TCP port %d (and the nodes' own ports).\n" % (uri, seconds, parse_master_uri(uri)[1])
    )
    return 1


def main(argv: List[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    try:
        if command == "master-plan" and len(argv) == 2:
            role, port = master_plan()
            sys.stdout.write("%s %d\n" % (role, port))
            return 0
        if command == "master-online" and len(argv) == 2:
            parse_master_uri(master_uri())
            return 0 if master_answers(master_uri()) else 1
        if command == "wait-master" and len(argv) in (2, 3):
            parse_master_uri(master_uri())
            watch_pid = int(argv[2]) if len(argv) == 3 else None
            return wait_master(master_timeout(), watch_pid)
    except NetworkError as error:
        sys.stderr.write("error: %s\n" % error)
        return 2
    sys.stderr.write("usage: %s master-plan | master-online | wait-master [PID]\n" % argv[0])
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
