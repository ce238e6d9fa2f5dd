"""JSON text by orjson (jkn.domain.json_text): the answers' bytes are the standard library's, the JSON
columns read back as written, and what orjson refuses still goes out."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from jkn.domain import json_text

VALUES = st.recursive(st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.text(max_size=30),
                      lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
                      max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_answers_are_the_bytes_of_json_dumps_ensure_ascii(value):
    assert json_text.ascii_bytes(value) == json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_columns_read_back_as_written(value):
    assert json.loads(json_text.dumps(value)) == value


def test_beyond_64_bits_and_non_ascii():
    assert json_text.dumps({"n": 2**80, "nama": "Siti Nur'aini é"}) == '{"n":1208925819614629174706176,"nama":"Siti Nur\'aini é"}'
    assert json_text.ascii_bytes({"nama": "é\x7f"}) == b'{"nama":"\\u00e9\\u007f"}'
    assert json_text.dumps({1: "a", None: "b"}) == json.dumps({1: "a", None: "b"}, separators=(",", ":"))
