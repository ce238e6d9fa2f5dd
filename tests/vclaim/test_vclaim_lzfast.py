"""The fast LZ-string compressor gives exactly lzstring's output (and so the same v2.0 ciphertext)."""

from __future__ import annotations

import lzstring
from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.bridging.core import crypto, lzfast

BMP = st.text(alphabet=st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)), max_size=600)


@settings(max_examples=400, deadline=None)
@given(BMP)
def test_same_as_lzstring_on_bmp_text(text):
    assert lzfast.compress_to_encoded_uri_component(text) == lzstring.LZString.compressToEncodedURIComponent(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab{}\":,0123456789", max_size=2000))
def test_same_as_lzstring_on_repetitive_json_like_text(text):
    assert lzfast.compress_to_encoded_uri_component(text) == lzstring.LZString.compressToEncodedURIComponent(text)


def test_edge_cases_match_javascript():
    assert lzfast.compress_to_encoded_uri_component("") == "Q"  # as lz-string 1.4.4 in JS
    # outside the BMP: UTF-16 surrogate pairs, as JS (value from node's lz-string 1.5.0)
    assert lzfast.compress_to_encoded_uri_component("Ahmad 😀") == "IICwtghgJgBIvBuAA9oA"


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
                    max_leaves=30))
def test_same_ciphertext_as_the_reference_sealing(payload):
    if payload is None:
        return
    assert lzfast.encrypt_response(payload, "12345", "s3cret", "1717171717") == \
        crypto.encrypt_response(payload, "12345", "s3cret", "1717171717")
