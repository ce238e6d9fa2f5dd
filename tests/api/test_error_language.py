"""API errors in the caller's language (issue 11 point 5): every error type of pydantic-core has a
message in every catalogue, with the context a reader needs (``{max_length}``...); a refused request's
``detail`` and each ``errors[].msg`` follow ``Accept-Language`` (Indonesian by default) while ``code``,
``field``, ``loc`` and ``type`` stay the same; a body that is not JSON says so and where, not in the
JSON parser's English. Over a real server on loopback (SQLite)."""

from __future__ import annotations

import string
import typing

import pytest
from pydantic_core._pydantic_core import list_all_errors
from pydantic_core.core_schema import ErrorType

from jkn.i18n import Msg, languages
from jkn.i18n.catalogue import catalogue
from jkn.services.errors import error_text

#: context pydantic gives that is not for a reader: a parser's or a validator's English, a plural
#: suffix, Python names, a regular expression, a count the message does not need
NOT_SAID = {"error", "expected_plural", "encoding_error", "field_type", "actual_length", "class_name", "class",
            "method_name", "pattern", "discriminator"}
KNOWN = {e["type"]: e for e in list_all_errors()}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", languages())
def test_every_pydantic_error_type_has_a_message_with_its_context(lang):
    types = typing.get_args(ErrorType)
    assert set(types) == set(KNOWN)
    missing = [t for t in types if f"pydantic.{t}" not in catalogue(lang)]
    assert missing == []
    wrong = {}
    for t in types:
        ours = _fields(catalogue(lang)[f"pydantic.{t}"])
        given = set(KNOWN[t].get("example_context") or {})
        needed = _fields(KNOWN[t]["message_template_python"]) - NOT_SAID
        if not ours <= given or not needed <= ours:
            wrong[t] = (sorted(ours), sorted(needed))
    assert wrong == {}


@pytest.mark.parametrize("lang", languages())
def test_every_pydantic_error_reads_with_its_example_context(lang):
    for t, known in KNOWN.items():
        said = error_text({"type": t, "loc": ("x",), "msg": known["message_template_python"],
                           "ctx": known.get("example_context") or {}})
        assert isinstance(said, Msg), t
        text = said.render(lang)
        assert text and "{" not in text and "Input should" not in text, (t, text)


@pytest.fixture(scope="module")
def live(_prepared):
    from support.live_server import LiveServer

    url, _engine = _prepared("sqlite")
    with LiveServer(url) as srv:
        yield srv


BAD = {"segment": 5, "as_of": "1 Juni", "wage": 10**20}
PATH = "/api/v1/calculations/contribution"


def _refuse(live, lang: str | None, **request):
    with live.client() as http:
        r = http.post(PATH, headers={"Accept-Language": lang} if lang else {}, **request)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json"), r.text
    return r.json()


def test_a_refused_request_reads_in_the_callers_language_beside_stable_codes(live):
    default, indonesian, english = (_refuse(live, lang, json=BAD) for lang in (None, "id", "en-GB,en;q=0.9"))
    assert default == indonesian
    for body in (indonesian, english):
        assert body["code"] == "enum" and body["field"] == "segment"
        assert [(e["loc"], e["type"]) for e in body["errors"]] == [
            (["body", "segment"], "enum"), (["body", "as_of"], "date_from_datetime_parsing"),
            (["body", "wage"], "less_than_equal")]
    assert [e["msg"] for e in indonesian["errors"]][1:] == ["harus tanggal TTTT-BB-HH", "paling besar 999.999.999.999.999"]
    assert [e["msg"] for e in english["errors"]][1:] == ["must be a date YYYY-MM-DD", "must be at most 999,999,999,999,999"]
    assert indonesian["errors"][0]["msg"].startswith("harus salah satu dari: 'PBI', 'PPU_PNS'")
    assert indonesian["title"] == "Data tidak valid" and "segment: harus salah satu dari" in indonesian["detail"]
    assert english["title"] == "Invalid input" and "segment: must be one of" in english["detail"]
    for body in (indonesian, english):
        assert "Input should" not in str(body) and "{" not in body["detail"]


def test_a_body_that_is_not_json_says_so_and_where(live):
    for lang, said in ((None, "Isi permintaan bukan JSON yang sah: ada kesalahan tulis pada karakter ke-13."),
                       ("en", "The request body is not valid JSON: there is a mistake at character 13.")):
        body = _refuse_raw(live, lang)
        assert body["code"] == "json_invalid" and body["field"] == "body" and body["detail"] == said
        assert body["errors"] == [{"loc": ["body", 12], "type": "json_invalid",
                                   "msg": "bukan JSON yang sah" if lang is None else "is not valid JSON"}]
        assert "decode" not in str(body) and "Expecting" not in str(body)


def _refuse_raw(live, lang: str | None):
    headers = {"Content-Type": "application/json", **({"Accept-Language": lang} if lang else {})}
    with live.client() as http:
        r = http.post(PATH, content=b'{"segment": ', headers=headers)
    assert r.status_code == 422, r.text
    return r.json()


def test_the_openapi_document_describes_the_message_as_the_callers_language(live):
    with live.client() as http:
        schemas = http.get("/openapi.json").json()["components"]["schemas"]
    assert "Accept-Language" in schemas["FieldError"]["properties"]["msg"]["description"]
    example = schemas["Problem"]["examples"][0]
    assert example["errors"][0]["msg"] in example["detail"]
