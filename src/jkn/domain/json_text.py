"""JSON text written by orjson, a C encoder several times faster than the standard library's (issue #13:
the answers of the bridging services and the JSON columns of every write, docs/benchmarks.md "seventh
pass"), with the standard library's encoder for what orjson refuses (integers beyond 64 bits).

Both write compact JSON (no spaces) with object keys in insertion order; they may differ only in how a
float is spelled (``0.00001`` / ``1e-05``: the same number)."""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring_ascii

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS  # as json.dumps: int, float, bool and None keys written as strings

#: ``json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), check_circular=False)``'s C encoder, made
#: once (``JSONEncoder.encode`` makes one per call)
_ASCII = c_make_encoder(None, json.JSONEncoder().default, encode_basestring_ascii, None, ":", ",", False, False, True)


def dumps(value) -> str:
    """Compact JSON text, characters beyond ASCII as they are (the database's JSON columns)."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def ascii_bytes(value) -> bytes:
    """Compact JSON as ASCII bytes, every character beyond ASCII and DEL as a ``\\u`` escape — the bytes of
    ``json.dumps(value, ensure_ascii=True, separators=(",", ":"))`` (the bridging answers)."""
    try:
        out = orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError:
        out = None
    if out is not None and out.isascii() and b"\x7f" not in out:
        return out
    return "".join(_ASCII(value, 0)).encode("ascii")
