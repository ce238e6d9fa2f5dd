"""LZ-string ``compressToEncodedURIComponent``, faster, byte-for-byte the same output.

The ``lzstring`` package writes its output one bit at a time through a callback (about 1.3 ms
for a 1 KB VClaim answer, more than the rest of the request). This version keeps the same
dictionary algorithm (lz-string 1.4.4, ``_compress`` with 6 bits per character) over a trie, but
collects each code as a string of bits and turns the whole bit string into characters at the end
with ``base64`` (the URI-safe alphabet is base64's with ``-`` for ``/``). ``tests/vclaim`` checks it
against ``lzstring`` on generated inputs, ASCII and not (Basic Multilingual Plane).

:func:`compress_to_encoded_uri_component` is the compiled version (``_lzstring.c``, the same algorithm
in C, about 30 times faster) when ``pip install`` built it, else this module's Python one.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from jkn.bridging.core.crypto import answer_key
from jkn.domain.json_text import ascii_bytes

_TO_URI = bytes.maketrans(b"/", b"-")


_BIT_CACHE: dict[int, str] = {}


def _bits(value: int, n: int) -> str:
    """``value`` as ``n`` bits, least significant first (lz-string's bit order)."""
    key = (value << 5) | n
    b = _BIT_CACHE.get(key)
    if b is None:
        b = bin(value)[:1:-1].ljust(n, "0")
        if value < 8192:
            _BIT_CACHE[key] = b
    return b


def compress_py(text: str) -> str:
    """``LZString.compressToEncodedURIComponent(text)``; characters outside the BMP are taken as
    UTF-16 surrogate pairs, as JavaScript does (our VClaim JSON is ASCII anyway).

    The dictionary is a trie (a node: its code and its children by next character), so extending the
    current phrase is one lookup, without building and hashing ``w + c`` (11 % fewer instructions
    than the string-keyed version, valgrind; docs/benchmarks.md). A single character waits in
    ``pending`` until its first emission, which writes it raw (8 or 16 bits)."""
    if text is None:
        return ""
    if not text.isascii() and any(ord(ch) > 0xFFFF for ch in text):
        units = text.encode("utf-16-le", "surrogatepass")
        text = "".join(chr(int.from_bytes(units[i:i + 2], "little")) for i in range(0, len(units), 2))
    out: list[str] = []
    append = out.append
    cache_get = _BIT_CACHE.get
    root: dict[str, tuple[int, dict]] = {}
    pending: dict[int, int] = {}  # code of a single character not yet emitted -> the character
    enlarge_in = 2
    dict_size = 3
    num_bits = 2
    node: tuple[int, dict] | None = None  # the current phrase ``w``
    children = root

    def emit(code: int) -> None:
        nonlocal enlarge_in, num_bits
        ch = pending.pop(code, None)
        if ch is None:
            b = cache_get((code << 5) | num_bits)
            append(b if b is not None else _bits(code, num_bits))
            return
        if ch < 256:
            append("0" * num_bits)
            append(_bits(ch, 8))
        else:
            append("1" + "0" * (num_bits - 1))
            append(_bits(ch, 16))
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1

    for c in text:
        nxt = children.get(c)
        if nxt is not None:  # w + c is in the dictionary: extend the phrase
            node, children = nxt, nxt[1]
            continue
        first = root.get(c)
        if first is None:  # a character not seen yet takes the next code, before w + c
            first = root[c] = (dict_size, {})
            pending[dict_size] = ord(c)
            dict_size += 1
            if node is None:  # the very first character
                node, children = first, first[1]
                continue
        code = node[0]
        if code in pending:
            emit(code)
        else:
            b = cache_get((code << 5) | num_bits)
            append(b if b is not None else _bits(code, num_bits))
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1
        children[c] = (dict_size, {})
        dict_size += 1
        node, children = first, first[1]

    if node is not None:
        emit(node[0])
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1
    append(_bits(2, num_bits))  # end of stream

    bits = "".join(out)
    n_chars = len(bits) // 6 + 1  # lz-string always flushes one more (zero-padded) character
    padded_len = -(-n_chars * 6 // 24) * 24
    raw = int(bits.ljust(padded_len, "0"), 2).to_bytes(padded_len // 8, "big")
    return base64.b64encode(raw).translate(_TO_URI)[:n_chars].decode("ascii")


try:
    from jkn.bridging.core._lzstring import compress as compress_to_encoded_uri_component
except ImportError:  # the C extension was not built (no compiler at install time)
    compress_to_encoded_uri_component = compress_py


def dumps(payload) -> str:
    """The JSON text that is compressed: ASCII, no spaces (as the protocol's reference clients write it)."""
    return ascii_bytes(payload).decode("ascii")


def _seal_py(text: str, key: bytes) -> str:
    """base64(AES-256-CBC/PKCS#7(LZ-string(text))) with ``key`` (:func:`crypto.answer_key`), IV its first 16 bytes."""
    compressed = compress_to_encoded_uri_component(text)
    pad = 16 - len(compressed) % 16  # PKCS#7: 1 to 16 bytes, each the count (cryptography's padder costs more)
    plain = compressed.encode("ascii") + bytes((pad,)) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode("ascii")


try:  # compressed, padded, encrypted and base64-encoded in one call (the process's OpenSSL libcrypto)
    from jkn.bridging.core._lzstring import seal as compress_and_seal
except ImportError:  # not built, or no libcrypto found: the same in Python, with ``cryptography``
    compress_and_seal = _seal_py


def encrypt_response(payload, cons_id: str, secret: str, timestamp: "str | int") -> str:
    """:func:`jkn.bridging.core.crypto.encrypt_response` with the fast compressor: the same ciphertext."""
    if payload is None:
        raise ValueError("null responses are sent plain, not encrypted")
    return compress_and_seal(dumps(payload), answer_key(cons_id, secret, timestamp))
