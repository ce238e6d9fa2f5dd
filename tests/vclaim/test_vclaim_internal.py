"""Internal referrals (``SEP/Internal``) through the UNMODIFIED ``bpjs-bridging`` client against
``jkn serve`` on SQLite and PostgreSQL (issue #13, assumption A-V50): a consult SEP (``tujuanKunj`` 2)
to another clinic on the referral that opened an SEP there is listed under that SEP; withdrawing it
cancels the SEP it opened; bad input is answered in the envelope with nothing written."""

from __future__ import annotations

from support.care_world import count
from vclaim.test_vclaim_bridging import _pybpjs, bridge, client, ok, referral, refused, send, t_sep  # noqa: F401

from jkn.store.care_tables import SepInternalRow, SepRow


def _sep(w, card: str, no_ref: str, poli: str, **kw) -> dict:
    return t_sep(w, card, w.today, rujukan={"asalRujukan": "1", "tglRujukan": str(w.today), "noRujukan": no_ref,
                                            "ppkRujukan": w.fktp}, poli={"tujuan": poli, "eksekutif": "0"}, **kw)


def test_consult_sep_is_listed_as_an_internal_referral_and_withdrawn_with_its_sep(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no_ref = referral(bridge, w.active, w.today, poli="INT")
    first = ok(send(rs, "SEP/2.0/insert", "post", _sep(w, w.active, no_ref, "INT")))["sep"]["noSep"]
    # bad purpose codes are refused before anything is written
    seps = count(bridge.engine, SepRow)
    refused(send(rs, "SEP/2.0/insert", "post", _sep(w, w.active, no_ref, "JAN", tujuanKunj="7")), "400", "tujuanKunj")
    refused(send(rs, "SEP/2.0/insert", "post", _sep(w, w.active, no_ref, "JAN", tujuanKunj="2", assesmentPel="9")),
            "400", "assesmentPel")
    assert count(bridge.engine, SepRow) == seps
    refused(rs.request(f"SEP/Internal/{first}"), "201")

    second = ok(send(rs, "SEP/2.0/insert", "post", _sep(w, w.active, no_ref, "JAN", tujuanKunj="2", assesmentPel="4",
                                                          kdPenunjang="", flagProcedure="", dpjpLayan="31574")))
    second = second["sep"]["noSep"]
    got = ok(_pybpjs(bridge, w.rs_v2, f"SEP/Internal/{first}"))
    assert got["count"] == "1"
    row = got["list"][0]
    letter = row["nosurat"]
    assert letter.startswith(w.rsud) and letter[12] == "N" and len(letter) == 19
    assert {k: row[k] for k in ("nosep", "nosepref", "kdpoliasal", "kdpolituj", "tujuanrujuk", "tglrujukinternal",
                                "ppkpelsep", "nokapst", "kddokter", "diagppk", "kdpenunjang")} == {
        "nosep": first, "nosepref": second, "kdpoliasal": "INT", "kdpolituj": "JAN", "tujuanrujuk": "JAN",
        "tglrujukinternal": str(w.today), "ppkpelsep": w.rsud, "nokapst": w.active, "kddokter": "31574",
        "diagppk": "I10", "kdpenunjang": "0"}
    assert ok(rs.request(f"SEP/{second}"))["tujuanKunj"] == {"kode": "2", "nama": "Konsul Dokter"}
    refused(rs.request(f"SEP/Internal/{second}"), "201")  # nothing was referred on from the consult
    refused(rs.request("SEP/Internal/0000R0000000V000000"), "201", "SEP")
    refused(client(bridge, w.fktp_v2).request(f"SEP/Internal/{first}"), "201", "SEP")
    # the first SEP holds the internal referral: it cannot be cancelled before it
    refused(send(rs, "SEP/2.0/delete", "delete", {"request": {"t_sep": {"noSep": first, "user": "ws"}}}), "400", letter)

    # withdrawing: wrong letter, clinic or date, or a malformed date, write nothing
    internal = count(bridge.engine, SepInternalRow)
    body = {"noSep": first, "noSurat": letter, "tglRujukanInternal": str(w.today), "kdPoliTuj": "JAN", "user": "ws"}
    for bad, code in (({"noSurat": letter[:-1] + "9"}, "201"), ({"kdPoliTuj": "INT"}, "201"),
                      ({"tglRujukanInternal": "2020-01-01"}, "201"), ({"tglRujukanInternal": "11-2026"}, "400"),
                      ({"noSep": second}, "201")):
        refused(send(rs, "SEP/Internal/delete", "delete", {"request": {"t_sep": {**body, **bad}}}), code)
    assert count(bridge.engine, SepInternalRow) == internal
    assert ok(rs.request(f"SEP/{second}"))["noSep"] == second
    res = send(rs, "SEP/Internal/delete", "delete", {"request": {"t_sep": body}})
    assert ok(res) == second
    refused(rs.request(f"SEP/{second}"), "201")
    refused(rs.request(f"SEP/Internal/{first}"), "201")
    # now the first SEP can be cancelled
    assert send(rs, "SEP/2.0/delete", "delete", {"request": {"t_sep": {"noSep": first, "user": "ws"}}})["response"] == first


def test_a_consult_without_an_earlier_sep_on_the_referral_is_no_internal_referral(bridge):
    w = bridge.world
    rs = client(bridge, w.rs_v2)
    no_ref = referral(bridge, w.other, w.today, poli="INT")
    body = _sep(w, w.other, no_ref, "INT", tujuanKunj="2", assesmentPel="5")
    body["request"]["t_sep"]["rujukan"]["ppkRujukan"] = w.fktp2
    before = count(bridge.engine, SepInternalRow)
    alone = ok(send(rs, "SEP/2.0/insert", "post", body))["sep"]["noSep"]
    refused(rs.request(f"SEP/Internal/{alone}"), "201")
    assert count(bridge.engine, SepInternalRow) == before
