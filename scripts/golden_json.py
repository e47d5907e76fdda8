"""The JSON convention for genpy values in golden files (see scripts/README.md).

genpy decodes a ROS message into Python objects; JSON cannot carry all of them as they are
(64-bit integers, NaN, -0.0, raw bytes), so these few tagged forms stand in for them. The
TypeScript side that reads them back is test/helpers/golden.ts.

Shared by dump_bag.py and make_golden.py; run with Debian's /usr/bin/python3.
"""

import base64
import math

import genpy

# Largest integer a JavaScript number holds exactly (Number.MAX_SAFE_INTEGER).
MAX_SAFE_INTEGER = 2**53 - 1


def _encode_float(v):
    if v != v:
        return {"$float": "NaN"}
    if v == math.inf:
        return {"$float": "Infinity"}
    if v == -math.inf:
        return {"$float": "-Infinity"}
    if v == 0.0 and math.copysign(1.0, v) < 0:
        return {"$float": "-0"}
    return v


def _encode_int(v):
    if -MAX_SAFE_INTEGER <= v <= MAX_SAFE_INTEGER:
        return v
    return {"$int": str(v)}


def _encode_time(v):
    return {"sec": v.secs, "nsec": v.nsecs}


def _encode_bytes(v):
    if type(v) is bytes:
        return {"$bytes": base64.b64encode(v).decode("ascii")}
    return encode(v)


def _encode_float_array(seq):
    # sum() runs in C: a finite sum means no NaN and no infinity among the elements (an overflow
    # to infinity only sends us down the careful path). -0.0 compares equal to 0.0, so only
    # arrays holding a zero need the per-element look.
    try:
        total = sum(seq)
    except TypeError:
        return encode(seq)
    if type(total) is float and total - total == 0.0 and 0.0 not in seq:
        return list(seq)
    return [_encode_float(v) if type(v) is float else encode(v) for v in seq]


def _encode_int_array(seq):
    if not seq:
        return []
    try:
        if -MAX_SAFE_INTEGER <= min(seq) and max(seq) <= MAX_SAFE_INTEGER:
            return list(seq)
    except TypeError:
        pass
    return [encode(v) for v in seq]


def _encode_plain_array(seq):
    return list(seq)


def _identity(v):
    return v


_INT_SMALL = {"int8", "uint8", "int16", "uint16", "int32", "uint32", "char", "byte"}
_SCALAR = {
    "bool": _identity,
    "string": _identity,
    "int64": _encode_int,
    "uint64": _encode_int,
    "float32": _encode_float,
    "float64": _encode_float,
    "time": _encode_time,
    "duration": _encode_time,
}
_ARRAY = {
    "bool": _encode_plain_array,
    "string": _encode_plain_array,
    "int64": _encode_int_array,
    "uint64": _encode_int_array,
    "float32": _encode_float_array,
    "float64": _encode_float_array,
}


def _checked(fast, expected):
    # genpy gives exactly these Python types after deserialize(); anything else (a message built
    # by hand, a numpy value) takes the generic path so the JSON form never depends on the input.
    def run(v):
        return fast(v) if type(v) in expected else encode(v)

    return run


def _field_encoder(ros_type):
    """The function that turns one field's genpy value into JSON data, chosen by its ROS type."""
    base, bracket, _ = ros_type.partition("[")
    if not bracket:
        if base in _INT_SMALL:
            return _checked(_identity, (int,))
        if base in _SCALAR:
            kinds = {
                "bool": (bool,),
                "string": (str,),
                "time": (genpy.Time,),
                "duration": (genpy.Duration,),
            }.get(base, (int,) if "int" in base else (float,))
            return _checked(_SCALAR[base], kinds)
        return encode
    if base in ("uint8", "char"):
        return _encode_bytes
    if base in _INT_SMALL:
        return _checked(_encode_int_array, (list, tuple))
    if base in _ARRAY:
        return _checked(_ARRAY[base], (list, tuple))
    if base in ("time", "duration"):
        return _checked(lambda seq: [_encode_time(v) for v in seq], (list, tuple))
    return _checked(lambda seq: [_encode_message(v) for v in seq], (list, tuple))


_message_encoders = {}


def _encode_message(msg):
    fields = _message_encoders.get(type(msg))
    if fields is None:
        if not isinstance(msg, genpy.Message):
            return encode(msg)
        fields = [
            (name, _field_encoder(ros_type)) for name, ros_type in zip(msg.__slots__, msg._slot_types)
        ]
        _message_encoders[type(msg)] = fields
    return {name: fn(getattr(msg, name)) for name, fn in fields}


def encode(value):
    """Turn a genpy value (message, field value or element) into plain JSON data."""
    t = type(value)
    if t is bool or t is str or value is None:
        return value
    if t is int:
        return _encode_int(value)
    if t is float:
        return _encode_float(value)
    if t is bytes:
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if t is list or t is tuple:
        return [encode(v) for v in value]
    if isinstance(value, (genpy.Time, genpy.Duration)):
        return _encode_time(value)
    if isinstance(value, genpy.Message):
        return _encode_message(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return _encode_int(int(value))
    if isinstance(value, float):
        return _encode_float(float(value))
    if isinstance(value, (bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError("no golden JSON form for %s value %r" % (t.__name__, value))
