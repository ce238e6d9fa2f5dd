"""Every VClaim write leaves exactly one audit row naming the consumer that signed it, at its
facility, from the client's address — never the ``user`` the body claims (issue #10, item 7).
A replayed write is answered again and writes nothing, not even an audit row. Real server, SQLite
and PostgreSQL.

The write paths are read from the bridge's router: each is listed in ``VCLAIM_WRITES`` and
exercised below; a new write path fails :func:`test_every_vclaim_write_path_is_listed`.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from portal.portal_world import build_world
from support.audit_trail import audited_once, not_audited
from vclaim.test_vclaim_under_attack import signed, vclaim

from jkn.bridging.vclaim.handlers import router as service_router
from jkn.services.care import referrals as referral_service
from jkn.services.care import vclaim_consumers
from jkn.services.membership.common import jakarta_today
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import ControlLetterRow, ReferralRow, SepInternalRow, SepRow, SpecialReferralRow
from jkn.store.engine import session_factory

CLAIMED = "somebody the client names"

#: every VClaim path that writes (lower case, as the router keeps them), with its audit action
VCLAIM_WRITES = {
    ("POST", "sep/2.0/insert"): "sep.issue", ("POST", "sep/1.1/insert"): "sep.issue",
    ("PUT", "sep/2.0/update"): "sep.update", ("PUT", "sep/1.1/update"): "sep.update",
    ("PUT", "sep/2.0/updtglplg"): "sep.update",
    ("DELETE", "sep/2.0/delete"): "sep.delete", ("DELETE", "sep/delete"): "sep.delete",
    ("POST", "rujukan/2.0/insert"): "referral.issue", ("POST", "rujukan/insert"): "referral.issue",
    ("POST", "rencanakontrol/v2/insert"): "control_letter.issue", ("POST", "rencanakontrol/insert"): "control_letter.issue",
    ("PUT", "sep/updtglplg"): "sep.update",
    ("PUT", "rujukan/2.0/update"): "referral.update", ("PUT", "rujukan/update"): "referral.update",
    ("DELETE", "rujukan/delete"): "referral.delete",
    ("PUT", "rencanakontrol/v2/update"): "control_letter.update",
    ("PUT", "rencanakontrol/update"): "control_letter.update",
    ("DELETE", "rencanakontrol/delete"): "control_letter.delete",
    ("POST", "sep/pengajuansep"): "sep_request.submit", ("POST", "sep/aprovalsep"): "sep_request.approve",
    ("POST", "rencanakontrol/insertspri"): "spri.issue", ("PUT", "rencanakontrol/updatespri"): "spri.update",
    ("POST", "lpk/insert"): "lpk.insert", ("PUT", "lpk/update"): "lpk.update", ("DELETE", "lpk/delete"): "lpk.delete",
    ("POST", "prb/insert"): "prb.insert", ("PUT", "prb/update"): "prb.update", ("DELETE", "prb/delete"): "prb.delete",
    ("POST", "rujukan/khusus/insert"): "special_referral.insert",
    ("POST", "rujukan/khusus/delete"): "special_referral.delete",
    ("DELETE", "sep/internal/delete"): "sep.delete",
}


def test_every_vclaim_write_path_is_listed():
    writes = {(r.method, "/".join(r.segments)) for r in service_router.routes if r.write}
    assert writes == set(VCLAIM_WRITES)


@pytest.fixture(scope="module")
def bridge(server, _prepared):
    _url, engine = _prepared(server.backend)
    world = build_world(engine)
    with session_factory(engine)() as s:  # version 1.1: plain answers
        cred = vclaim_consumers.create_consumer(s, world.fktp["FKRTL"][0], api_version="1.1", label="SIMRS",
                                                actor=SYSTEM)
    return server, world, engine, cred


def test_every_vclaim_write_is_audited_as_the_signing_consumer(bridge):
    server, w, engine, cred = bridge
    rsud, other_rsud = w.fktp["FKRTL"]
    today, tomorrow = jakarta_today(), jakarta_today() + dt.timedelta(days=1)
    done: set[tuple[str, str]] = set()

    def write(method: str, path: str, request: dict, *, wrapped: bool = True) -> dict:
        body = json.dumps({"request": request} if wrapped else request).encode()
        with audited_once(engine, action=VCLAIM_WRITES[(method, path.lower())], actor=f"vclaim:{cred['cons_id']}",
                          role="VCLAIM", branch_code=w.medan_branch, facility_code=rsud, client="127.0.0.1"):
            r = vclaim(server, method, path, signed(cred), body)
            assert r.json()["metaData"]["code"] == "200", (path, r.json())
        done.add((method, path.lower()))
        return r.json()["response"]

    def sep(card: str, service: str, path: str) -> str:
        t = {"noKartu": card, "tglSep": str(today), "ppkPelayanan": rsud, "jnsPelayanan": service, "diagAwal": "S72",
             "user": CLAIMED}
        t.update({"poli": {"tujuan": "IGD"}} if service == "2" else {"jkn": {"gawatDarurat": "1"}})
        return write("POST", path, {"t_sep": t})["sep"]["noSep"]

    first, second = sep(w.medan_card, "2", "SEP/2.0/insert"), sep(w.medan_spouse_card, "2", "SEP/1.1/insert")
    stay, other_stay = sep(w.medan_card, "1", "SEP/2.0/insert"), sep(w.medan_spouse_card, "1", "SEP/1.1/insert")
    write("PUT", "SEP/2.0/update", {"t_sep": {"noSep": stay, "catatan": "observasi", "user": CLAIMED}})
    write("PUT", "SEP/1.1/update", {"t_sep": {"noSep": other_stay, "catatan": "observasi", "user": CLAIMED}})
    write("PUT", "SEP/2.0/updtglplg", {"t_sep": {"noSep": stay, "tglPulang": str(today), "user": CLAIMED}})
    write("PUT", "Sep/updtglplg", {"t_sep": {"noSep": other_stay, "tglPlg": f"{today} 10:00:00",
                                             "ppkPelayanan": rsud}})
    letters = []
    for number, path in ((stay, "RencanaKontrol/v2/Insert"), (other_stay, "RencanaKontrol/insert")):
        letters.append(write("POST", path, {"noSEP": number, "tglRencanaKontrol": str(tomorrow), "poliKontrol": "BED",
                                            "kodeDokter": "12345", "user": CLAIMED})["noSuratKontrol"])
    for letter, path in zip(letters, ("RencanaKontrol/v2/Update", "RencanaKontrol/Update")):
        write("PUT", path, {"noSuratKontrol": letter, "tglRencanaKontrol": str(tomorrow), "poliKontrol": "INT",
                            "kodeDokter": "12345", "user": CLAIMED})
    write("DELETE", "RencanaKontrol/Delete", {"t_suratkontrol": {"noSuratKontrol": letters[0], "user": CLAIMED}})
    written = []
    for number, path in ((stay, "Rujukan/2.0/insert"), (other_stay, "Rujukan/insert")):
        written.append(write("POST", path, {"t_rujukan": {
            "noSep": number, "tglRujukan": str(today), "ppkDirujuk": other_rsud, "jnsPelayanan": "2",
            "diagRujukan": "S72", "tipeRujukan": "0", "poliRujukan": "BED", "user": CLAIMED}})["rujukan"]["noRujukan"])
    for number, path in zip(written, ("Rujukan/2.0/Update", "Rujukan/update")):
        write("PUT", path, {"t_rujukan": {"noRujukan": number, "catatan": "diubah", "user": CLAIMED}})
    write("DELETE", "Rujukan/delete", {"t_rujukan": {"noRujukan": written[0], "user": CLAIMED}})
    fingerprint_exception = {"noKartu": w.medan_card, "tglSep": str(today), "jnsPelayanan": "2", "jnsPengajuan": "2",
                             "keterangan": "alat finger print rusak", "user": CLAIMED}
    write("POST", "Sep/pengajuanSEP", {"t_sep": fingerprint_exception})
    write("POST", "Sep/aprovalSEP", {"t_sep": fingerprint_exception})
    spri = {"noKartu": w.medan_card, "kodeDokter": "12345", "poliKontrol": "INT", "tglRencanaKontrol": str(tomorrow),
            "user": CLAIMED}
    number = write("POST", "RencanaKontrol/InsertSPRI", spri)["noSPRI"]
    write("PUT", "RencanaKontrol/UpdateSPRI", {**spri, "noSPRI": number, "tglRencanaKontrol": str(today)})
    # the claim sheet of the stay, a referral-back letter after an outpatient SEP, a special referral
    lpk = {"noSep": stay, "tglMasuk": str(today), "tglKeluar": str(today), "jaminan": "1", "poli": {"poli": "BED"},
           "perawatan": {"ruangRawat": "1", "kelasRawat": "3", "spesialistik": "BED", "caraKeluar": "1",
                         "kondisiPulang": "1"}, "diagnosa": [{"kode": "S72", "level": "1"}], "procedure": [],
           "rencanaTL": {"tindakLanjut": "1"}, "DPJP": "3", "user": CLAIMED}
    write("POST", "LPK/insert", {"t_lpk": lpk})
    write("PUT", "LPK/update", {"t_lpk": {**lpk, "DPJP": "4"}})
    write("DELETE", "LPK/delete", {"t_lpk": {"noSep": stay}})
    prb = {"noSep": second, "noKartu": w.medan_spouse_card, "alamat": "Jl. Medan 1", "programPRB": "02",
           "kodeDPJP": "31537", "obat": [{"kdObat": "A1", "signa1": "1", "signa2": "1", "jmlObat": "30"}],
           "user": CLAIMED}
    srb = write("POST", "PRB/insert", {"t_prb": prb})["noSRB"]
    write("PUT", "PRB/Update", {"t_prb": {**prb, "noSrb": srb, "saran": "kontrol di FKTP"}})
    write("DELETE", "PRB/Delete", {"t_prb": {"noSrb": srb, "noSep": second, "user": CLAIMED}})
    with session_factory(engine)() as s:
        addressed = referral_service.create_referral(s, actor=SYSTEM, card_number=w.medan_card,
                                                     from_facility=w.fktp["FKTP"][0], to_facility=rsud,
                                                     referral_date=today, diagnosis="N18", poli="INT")["number"]
    write("POST", "Rujukan/Khusus/insert", {"noRujukan": addressed, "diagnosa": [{"kode": "P;N18"}], "procedure": [],
                                            "user": CLAIMED}, wrapped=False)
    with session_factory(engine)() as s:
        ident = s.query(SpecialReferralRow.id).filter(SpecialReferralRow.referral_number == addressed).scalar()
    write("POST", "Rujukan/Khusus/delete", {"t_rujukan": {"idRujukan": str(ident), "noRujukan": addressed,
                                                          "user": CLAIMED}})
    # an internal referral (a consult SEP at another clinic on the same referral, A-V50), withdrawn
    origin = write("POST", "SEP/2.0/insert", {"t_sep": {
        "noKartu": w.medan_card, "tglSep": str(today), "ppkPelayanan": rsud, "jnsPelayanan": "2", "diagAwal": "N18",
        "poli": {"tujuan": "INT"}, "rujukan": {"asalRujukan": "1", "noRujukan": addressed}, "user": CLAIMED}})
    origin = origin["sep"]["noSep"]
    write("POST", "SEP/2.0/insert", {"t_sep": {
        "noKartu": w.medan_card, "tglSep": str(today), "ppkPelayanan": rsud, "jnsPelayanan": "2", "diagAwal": "N18",
        "poli": {"tujuan": "JAN"}, "rujukan": {"asalRujukan": "1", "noRujukan": addressed}, "tujuanKunj": "2",
        "assesmentPel": "4", "user": CLAIMED}})
    with session_factory(engine)() as s:
        letter = s.query(SepInternalRow.number).filter(SepInternalRow.from_sep == origin).scalar()
    write("DELETE", "SEP/Internal/delete", {"t_sep": {"noSep": origin, "noSurat": letter,
                                                      "tglRujukanInternal": str(today), "kdPoliTuj": "JAN",
                                                      "user": CLAIMED}})
    delete = json.dumps({"request": {"t_sep": {"noSep": first, "user": CLAIMED}}}).encode()
    headers = signed(cred)
    with audited_once(engine, action="sep.delete", actor=f"vclaim:{cred['cons_id']}"):
        assert vclaim(server, "DELETE", "SEP/2.0/delete", headers, delete).json()["metaData"]["code"] == "200"
    done.add(("DELETE", "sep/2.0/delete"))
    with not_audited(engine):  # the same signed request again: the recorded answer, nothing written
        assert vclaim(server, "DELETE", "SEP/2.0/delete", headers, delete).json()["metaData"]["code"] == "200"
    write("DELETE", "SEP/Delete", {"t_sep": {"noSep": second, "user": CLAIMED}})
    assert done == set(VCLAIM_WRITES)

    actor = f"vclaim:{cred['cons_id']}"
    with session_factory(engine)() as s:  # the records name the consumer too
        assert {(r.created_by, r.deleted_by) for r in (s.get(SepRow, first), s.get(SepRow, second))} == {(actor, actor)}
        assert s.get(SepRow, stay).explanation[-1]["text"] == f"SEP diubah oleh {actor}."
        letters = s.query(ControlLetterRow).filter(ControlLetterRow.sep_number.in_([stay, other_stay])).all()
        referrals = s.query(ReferralRow).filter(ReferralRow.sep_number.in_([stay, other_stay])).all()
        assert {x.created_by for x in letters + referrals} == {actor} and len(letters) == len(referrals) == 2


def test_a_refused_vclaim_write_leaves_no_audit_row(bridge):
    server, w, engine, cred = bridge
    body = json.dumps({"request": {"t_sep": {"noKartu": w.medan_card, "tglSep": str(jakarta_today()),
                                             "ppkPelayanan": w.fktp["FKRTL"][0], "jnsPelayanan": "2",
                                             "diagAwal": "S72", "poli": {"tujuan": "NOPE"}}}}).encode()
    with not_audited(engine):
        assert vclaim(server, "POST", "SEP/2.0/insert", signed(cred), body).json()["metaData"]["code"] != "200"


def test_every_vclaim_path_is_in_the_documented_table():
    """docs/vclaim.md section 4 names every path the router answers (aliases in brackets)."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "vclaim.md").read_text("utf-8")
    table = doc[doc.index("## 4. Service paths"):doc.index("**Not answered yet**")]
    named = {re.sub(r"\{[^}]*\}", "{}", m.group(1)).lower().split(" ")[0]
             for m in re.finditer(r"`([A-Za-z][^`]*)`", table)}
    answered = {(r.method, re.sub(r"\{[^}]*\}", "{}", "/".join(r.segments))) for r in service_router.routes}
    assert {path for _, path in answered} - named == set()
