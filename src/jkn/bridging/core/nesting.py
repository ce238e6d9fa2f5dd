"""How deeply a JSON text nests, found in one linear pass before it is parsed.

Python's JSON parser recurses once per level of arrays and objects: a body nested deeply enough
ends in ``RecursionError``. The bridge measures the depth first and refuses deep bodies in the
envelope (docs/vclaim.md "Limits").
"""

from __future__ import annotations

import re

#: a JSON string with its escapes (possessive: linear even for an unterminated string)
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_OPEN = b"[{"
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in ``raw``; brackets inside strings do not count."""
    depth = deepest = 0
    for byte in _STRING.sub(b"", raw).translate(None, _NOT_BRACKET):
        if byte in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def deeper_than(raw: bytes, limit: int) -> bool:
    """True if ``raw`` nests deeper than ``limit``. A text with no more opening brackets than ``limit``
    cannot, whatever they hold: counted in C, it skips :func:`nesting_depth`'s pass (about 20 µs of a
    600-byte Antrean RS body, more than parsing it; docs/benchmarks.md "sixth pass")."""
    return raw.count(b"[") + raw.count(b"{") > limit and nesting_depth(raw) > limit
