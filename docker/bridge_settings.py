#!/usr/bin/env python3
"""foxglove_bridge settings from FOXGLOVE_* environment variables.

Reads the container's environment, checks every value, and prints the roslaunch arguments
(`name:=value`) for noros_bridge.launch, NUL-separated, so entrypoint.sh can pass them on
unchanged. Any bad value stops the container before anything starts, with a message naming the
variable: roslaunch itself would log most of these mistakes and then carry on with the default
(e.g. a whitelist silently becoming ".*").

Usage: bridge_settings.py roslaunch-args
Runs on Python 3.8 (Ubuntu focal, the ros:noetic image) and later.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional, Tuple

import yaml


class SettingError(Exception):
    """A variable holds a value the bridge cannot use."""


INT32_MAX = 2**31 - 1

# Capabilities foxglove_bridge 0.8.x understands for ROS 1 ("time" is added by the bridge itself
# when /use_sim_time is true).
KNOWN_CAPABILITIES = (
    "clientPublish",
    "parameters",
    "parametersSubscribe",
    "services",
    "connectionGraph",
    "assets",
)
DEFAULT_CAPABILITIES = [
    "clientPublish",
    "parameters",
    "parametersSubscribe",
    "services",
    "connectionGraph",
    "assets",
]
DEFAULT_ASSET_URI_ALLOWLIST = [
    r"^package://(?:\w+/)*\w+\.(?:dae|fbx|glb|gltf|jpeg|jpg|mtl|obj|png|stl|tif|tiff|urdf|webp|xacro)$"
]


def env(name: str) -> Optional[str]:
    """The variable's value, or None when unset or empty (compose passes `${X:-}` as empty)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    # roslaunch splits `arg:=value` at every ":=" and, when there is more than one, logs an error
    # and launches with the argument's default instead. Refuse it here.
    if ":=" in value:
        raise SettingError("%s must not contain ':=' (roslaunch cannot pass it on): %r" % (name, value))
    return value.strip()


def parse_int(name: str, default: int, low: int, high: int, hint: str = "") -> str:
    text = env(name)
    if text is None:
        return str(default)
    try:
        value = int(text, 10)
    except ValueError:
        raise SettingError("%s must be a whole number, got %r%s" % (name, text, hint)) from None
    if not low <= value <= high:
        raise SettingError("%s must be between %d and %d, got %d%s" % (name, low, high, value, hint))
    return str(value)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def parse_bool(name: str, default: bool) -> str:
    text = env(name)
    if text is None:
        return "true" if default else "false"
    if text.lower() in TRUE_WORDS:
        return "true"
    if text.lower() in FALSE_WORDS:
        return "false"
    raise SettingError("%s must be true or false, got %r" % (name, text))


def parse_list(name: str, default: List[str]) -> List[str]:
    """A YAML flow list of strings (`['^/imu$', '^/tf.*']`), or one bare item (`^/imu$`)."""
    text = env(name)
    if text is None:
        return list(default)
    if not text.startswith("["):
        return [text]
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SettingError(
            "%s is not a valid YAML list: %s\n  value: %s\n  example: %s=\"['^/camera/.*', '^/tf$']\""
            % (name, " ".join(str(error).split()), text, name)
        ) from None
    if not isinstance(value, list):
        raise SettingError("%s must be a list, got %r" % (name, text))
    for index, item in enumerate(value):
        # A number or a nested list makes the bridge's vector<string> lookup fail, and it then
        # uses its default instead: quote such items.
        if not isinstance(item, str):
            raise SettingError(
                "%s item %d is %r (%s), not a string; quote it, e.g. '%s'"
                % (name, index, item, type(item).__name__, item)
            )
        if item == "":
            raise SettingError("%s item %d is an empty string" % (name, index))
    return value


def yaml_flow_list(items: List[str]) -> str:
    """Single-quoted YAML flow list: no escapes to worry about except a doubled quote."""
    return "[" + ", ".join("'" + item.replace("'", "''") + "'" for item in items) + "]"


def parse_capabilities() -> List[str]:
    name = "FOXGLOVE_CAPABILITIES"
    items = parse_list(name, DEFAULT_CAPABILITIES)
    for item in items:
        if item == "time":
            raise SettingError(
                "%s: 'time' is not set by hand; the bridge adds it when the ROS parameter "
                "/use_sim_time is true" % name
            )
        if item not in KNOWN_CAPABILITIES:
            raise SettingError(
                "%s: unknown capability %r (known: %s)" % (name, item, ", ".join(KNOWN_CAPABILITIES))
            )
    return items


def parse_tls() -> List[Tuple[str, str]]:
    cert = env("FOXGLOVE_TLS_CERTFILE")
    key = env("FOXGLOVE_TLS_KEYFILE")
    if cert is None and key is None:
        return [("tls", "false")]
    if cert is None or key is None:
        missing = "FOXGLOVE_TLS_CERTFILE" if cert is None else "FOXGLOVE_TLS_KEYFILE"
        given = "FOXGLOVE_TLS_KEYFILE" if cert is None else "FOXGLOVE_TLS_CERTFILE"
        raise SettingError(
            "TLS needs both FOXGLOVE_TLS_CERTFILE and FOXGLOVE_TLS_KEYFILE: %s is set but %s is "
            "not (set both to serve wss://, or neither for ws://)" % (given, missing)
        )
    for name, path in (("FOXGLOVE_TLS_CERTFILE", cert), ("FOXGLOVE_TLS_KEYFILE", key)):
        if not os.path.isfile(path):
            raise SettingError("%s=%s: no such file in the container (is it mounted?)" % (name, path))
        if not os.access(path, os.R_OK):
            raise SettingError(
                "%s=%s: not readable by user %s (uid %d); make it readable for that user"
                % (name, path, os.environ.get("USER", "?"), os.getuid())
            )
    return [("tls", "true"), ("certfile", cert), ("keyfile", key)]


def parse_address() -> str:
    text = env("FOXGLOVE_ADDRESS") or "0.0.0.0"
    if any(c.isspace() for c in text):
        raise SettingError("FOXGLOVE_ADDRESS must be one address, got %r" % text)
    if text in ("127.0.0.1", "::1", "localhost"):
        sys.stderr.write(
            "warning: FOXGLOVE_ADDRESS=%s: only clients inside this container (with host "
            "networking: on this machine) can connect; a published port needs 0.0.0.0\n" % text
        )
    return text


# (environment variable, launch argument, default)
LIST_SETTINGS: List[Tuple[str, str, List[str]]] = [
    ("FOXGLOVE_TOPIC_WHITELIST", "topic_whitelist", [".*"]),
    ("FOXGLOVE_PARAM_WHITELIST", "param_whitelist", [".*"]),
    ("FOXGLOVE_SERVICE_WHITELIST", "service_whitelist", [".*"]),
    ("FOXGLOVE_CLIENT_TOPIC_WHITELIST", "client_topic_whitelist", [".*"]),
    ("FOXGLOVE_ASSET_URI_ALLOWLIST", "asset_uri_allowlist", DEFAULT_ASSET_URI_ALLOWLIST),
]


def launch_arguments() -> List[Tuple[str, str]]:
    """(launch argument, value) pairs, in the order of noros_bridge.launch."""
    port_hint = " (0, a random port, cannot be published from a container)"
    args: List[Tuple[str, str]] = [
        ("port", parse_int("FOXGLOVE_PORT", 8765, 1, 65535, port_hint)),
        ("address", parse_address()),
    ]
    args += parse_tls()
    for variable, argument, default in LIST_SETTINGS[:4]:
        args.append((argument, yaml_flow_list(parse_list(variable, default))))
    args += [
        ("send_buffer_limit", parse_int("FOXGLOVE_SEND_BUFFER_LIMIT", 10000000, 1, INT32_MAX)),
        ("use_compression", parse_bool("FOXGLOVE_USE_COMPRESSION", False)),
        ("capabilities", yaml_flow_list(parse_capabilities())),
    ]
    variable, argument, default = LIST_SETTINGS[4]
    args.append((argument, yaml_flow_list(parse_list(variable, default))))
    args += [
        ("max_update_ms", parse_int("FOXGLOVE_MAX_UPDATE_MS", 5000, 1, INT32_MAX)),
        (
            "service_type_retrieval_timeout_ms",
            parse_int("FOXGLOVE_SERVICE_TYPE_RETRIEVAL_TIMEOUT_MS", 250, 1, INT32_MAX),
        ),
    ]
    return args


def main(argv: List[str]) -> int:
    if argv[1:] != ["roslaunch-args"]:
        sys.stderr.write("usage: %s roslaunch-args\n" % argv[0])
        return 64
    try:
        args = launch_arguments()
    except SettingError as error:
        sys.stderr.write("error: %s\n" % error)
        return 2
    sys.stdout.write("".join("%s:=%s\0" % pair for pair in args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
