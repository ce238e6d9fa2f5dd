"""Both LZ-string compressors — the compiled one (``_lzstring.c``, built by ``pip install``) and the
Python fallback (``lzfast.compress_py``) — give exactly lzstring's output, so the same v2.0 ciphertext."""

from __future__ import annotations

import json
import random

import lzstring
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.bridging.core import _lzstring, crypto, lzfast

BMP = st.text(alphabet=st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)), max_size=600)
COMPRESSORS = pytest.mark.parametrize("compress", [_lzstring.compress, lzfast.compress_py], ids=["c", "python"])


def reference(text: str) -> str:
    """lzstring's output for ``text`` as JavaScript sees it: astral characters as two UTF-16 units."""
    units = text.encode("utf-16-le", "surrogatepass")
    return lzstring.LZString.compressToEncodedURIComponent(
        "".join(chr(int.from_bytes(units[i:i + 2], "little")) for i in range(0, len(units), 2)))


def test_the_server_uses_the_compiled_compressor():
    assert lzfast.compress_to_encoded_uri_component is _lzstring.compress


@COMPRESSORS
@settings(max_examples=300, deadline=None)
@given(text=BMP)
def test_same_as_lzstring_on_bmp_text(compress, text):
    assert compress(text) == lzstring.LZString.compressToEncodedURIComponent(text)


@COMPRESSORS
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab{}\":,0123456789", max_size=2000))
def test_same_as_lzstring_on_repetitive_json_like_text(compress, text):
    assert compress(text) == lzstring.LZString.compressToEncodedURIComponent(text)


@COMPRESSORS
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_astral_characters_as_surrogate_pairs(compress, text):
    assert compress(text) == reference(text)


@COMPRESSORS
@settings(max_examples=100, deadline=None)
@given(payload=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                            lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=5), max_leaves=40))
def test_same_as_lzstring_on_ascii_json(compress, payload):
    text = lzfast.dumps(payload)
    assert compress(text) == lzstring.LZString.compressToEncodedURIComponent(text)


@COMPRESSORS
def test_edge_cases_match_javascript(compress):
    assert compress("") == "Q"  # as lz-string 1.4.4 in JS
    assert compress("a") == "IZA"
    assert compress("\uffff") == lzstring.LZString.compressToEncodedURIComponent("\uffff")  # raw in 16 bits
    # outside the BMP: UTF-16 surrogate pairs, as JS (value from node's lz-string 1.5.0)
    assert compress("Ahmad 😀") == "IICwtghgJgBIvBuAA9oA"


@COMPRESSORS
def test_long_texts_past_16_bit_codes(compress):
    """Dictionaries of more than 65,536 phrases (codes written in 17+ bits), repetitive and random."""
    rnd = random.Random(5)
    repetitive = json.dumps([{"noKartu": f"{i:013d}", "nama": "SITI AMINAH"} for i in range(3000)])
    noisy = "".join(chr(rnd.choice((rnd.randrange(32, 127), rnd.randrange(0x100, 0x3000)))) for _ in range(150_000))
    for text in (repetitive, noisy, "ab" * 100_000):
        assert compress(text) == lzstring.LZString.compressToEncodedURIComponent(text)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
                    max_leaves=30))
def test_same_ciphertext_as_the_reference_sealing(payload):
    if payload is None:
        return
    assert lzfast.encrypt_response(payload, "12345", "s3cret", "1717171717") == \
        crypto.encrypt_response(payload, "12345", "s3cret", "1717171717")


def test_the_server_seals_in_one_compiled_call():
    """The C extension finds the process's OpenSSL libcrypto on this platform (Debian, PyPI's Python)."""
    assert lzfast.compress_and_seal is _lzstring.seal


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=700),
       key=st.binary(min_size=32, max_size=32))
def test_compiled_seal_is_the_python_seal(text, key):
    """One C call (LZ-string, PKCS#7, AES-256-CBC by OpenSSL's EVP, base64) gives the bytes of the Python path
    (``cryptography``), call after call on the one re-keyed OpenSSL context; and it decrypts."""
    sealed = _lzstring.seal(text, key)
    assert sealed == lzfast._seal_py(text, key)
    assert _lzstring.seal(text[: len(text) // 2], key[::-1]) == lzfast._seal_py(text[: len(text) // 2], key[::-1])


def test_compiled_seal_refuses_a_short_key_and_decrypts_with_the_reference():
    with pytest.raises(ValueError):
        _lzstring.seal("x", b"short")
    payload = {"peserta": {"nama": "Siti Nur'aini", "noKartu": "0001234567890"}}
    sealed = lzfast.encrypt_response(payload, "12345", "s3cret", "1717171717")
    assert crypto.decrypt_response(sealed, "12345", "s3cret", "1717171717") == payload
