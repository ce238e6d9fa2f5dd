"""Cover at the FKTP as at the hospital (issue #9), on SQLite and PostgreSQL, through the service and
over HTTP: PELAYANAN KESEHATAN YANG TIDAK DIJAMIN refuses a first-level visit as it refuses an SEP,
and "persalinan sampai dengan anak ketiga" (YANG DIJAMIN §3) counts deliveries at both levels."""

from __future__ import annotations

import datetime as dt

import pytest
from support.care_world import count

from jkn.rules.decision import localize
from jkn.services.care import primary_care, sep
from jkn.services.care.common import Refused
from jkn.services.portal.audit import SYSTEM
from jkn.store.care_tables import SepRow, VisitRow
from jkn.store.engine import session_factory

THIRD_CHILD = "Tidak dijamin: persalinan anak ke-4: persalinan dijamin sampai dengan anak ketiga, hidup maupun meninggal."
EXCLUDED = "guide:Pelayanan Kesehatan yang Tidak Dijamin"


def _texts(out: dict) -> str:
    return " | ".join(s["text"] for s in out["explanation"])


def _decided_by(explanation: list[dict]) -> str:
    """The machine source of the step that decided a refusal: it comes first as read, and it is the only
    decisive one."""
    explanation = localize(explanation, "id")
    assert explanation[0]["decisive"] and [s for s in explanation if s["decisive"]] == explanation[:1], explanation
    return explanation[0]["source"]


def test_excluded_care_at_the_fktp_is_refused_as_at_the_hospital(care):
    http, w, engine = care
    visits_before = count(engine, VisitRow)

    def visit(**kw):
        return http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.fktp,
                                                 "visit_date": str(w.today), **kw})

    addiction = visit(diagnosis="F10.2")
    assert addiction.status_code == 422, addiction.text
    assert addiction.json()["rule"] == "ADDICTION"
    assert addiction.json()["detail"] == ("Tidak dijamin: Gangguan kesehatan/penyakit akibat ketergantungan obat "
                                          "dan/atau alkohol")
    assert _decided_by(addiction.json()["explanation"]) == f"{EXCLUDED}:9"
    assert any("A-C04" in s["source"] for s in addiction.json()["explanation"])
    # the hospital refuses the same care with the same code and words
    at_hospital = http.post("/api/v1/seps", json={"card_number": w.active, "sep_date": str(w.today),
                                                  "facility_code": w.rsud, "service_type": "2", "diagnosis": "F10.2",
                                                  "poli": "IGD"})
    assert at_hospital.status_code == 422
    assert (at_hospital.json()["rule"], at_hospital.json()["detail"]) == (
        "ADDICTION", addiction.json()["detail"].replace("Tidak dijamin: ", "SEP tidak dapat diterbitkan: "))
    # what the FKTP declares, and an emergency at another FKTP: still excluded
    abroad = visit(diagnosis="J06", excluded=["abroad"])
    assert abroad.status_code == 422 and abroad.json()["rule"] == "ABROAD"
    assert _decided_by(abroad.json()["explanation"]) == f"{EXCLUDED}:5"
    elsewhere = http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.fktp2,
                                                  "visit_date": str(w.today), "emergency": True,
                                                  "diagnosis": "X70"})
    assert elsewhere.status_code == 422 and elsewhere.json()["rule"] == "SELF_HARM_OR_DANGEROUS_HOBBY"
    unknown = visit(diagnosis="J06", excluded=["NOT_A_CODE"])
    assert unknown.status_code == 422 and "Kode pengecualian" in unknown.json()["detail"]
    with session_factory(engine)() as s, pytest.raises(Refused) as cosmetic:
        primary_care.record_visit(s, card_number=w.active, facility_code=w.fktp, visit_date=w.today,
                                  diagnosis="Z41.1", actor=SYSTEM)
    assert cosmetic.value.rule == "AESTHETIC" and cosmetic.value.message.startswith("Tidak dijamin: ")
    assert _decided_by(cosmetic.value.explanation) == f"{EXCLUDED}:6"
    assert count(engine, VisitRow) == visits_before
    # covered care is still recorded
    ok = visit(diagnosis="J06")
    assert ok.status_code == 201, ok.text
    assert any(s["source"] == "guide:Pelayanan Kesehatan yang Dijamin:1.c" for s in ok.json()["explanation"])
    assert count(engine, VisitRow) == visits_before + 1


def test_deliveries_count_across_fktp_visits_and_seps(care):
    _http, w, engine = care
    days = [w.today - dt.timedelta(days=n) for n in (200, 150, 100, 50, 20)]
    card, fktp = w.other, w.fktp2
    with session_factory(engine)() as s:
        first = primary_care.record_visit(s, card_number=card, facility_code=fktp, visit_date=days[0],
                                          diagnosis="O80.0", actor=SYSTEM)
        assert "Persalinan ini untuk anak ke-1." in _texts(first)
        second = sep.insert_sep(s, card_number=card, sep_date=days[1], facility_code=w.rsud, service_type="1",
                                diagnosis="O82.1", poli="IGD", actor=SYSTEM)
        assert "Persalinan ini untuk anak ke-2." in _texts(second)
        # declared as the second child, but two deliveries are on record: it is the third
        third = primary_care.record_visit(s, card_number=card, facility_code=fktp, visit_date=days[2],
                                          diagnosis="O80.0", delivery_child_number=2, actor=SYSTEM)
        assert "Persalinan ini untuk anak ke-3." in _texts(third)
        assert any("A-C14" in x["source"] for x in third["explanation"])
        # the same delivery carried on at the hospital that day is not a fourth one
        same_day = sep.insert_sep(s, card_number=card, sep_date=days[2], facility_code=w.rsud, service_type="1",
                                  diagnosis="O82.0", poli="IGD", actor=SYSTEM)
        assert "Persalinan ini untuk anak ke-3." in _texts(same_day)

        visits, seps = count(engine, VisitRow), count(engine, SepRow)
        with pytest.raises(Refused) as at_fktp:
            primary_care.record_visit(s, card_number=card, facility_code=fktp, visit_date=days[3], diagnosis="O80.9", actor=SYSTEM)
        with pytest.raises(Refused) as at_hospital:
            sep.insert_sep(s, card_number=card, sep_date=days[3], facility_code=w.rsud, service_type="1",
                           diagnosis="O80.9", poli="IGD", actor=SYSTEM)
        sep_refused = THIRD_CHILD.replace("Tidak dijamin: ", "SEP tidak dapat diterbitkan: ")
        for err, sentence in ((at_fktp.value, THIRD_CHILD), (at_hospital.value, sep_refused)):
            assert err.rule == "DELIVERY_AFTER_THIRD_CHILD"
            assert err.message == sentence
            assert _decided_by(err.explanation) == "guide:Pelayanan Kesehatan yang Dijamin:3"
        assert (count(engine, VisitRow), count(engine, SepRow)) == (visits, seps)
        # a diagnosis changed to a delivery after the SEP was issued is checked the same way
        later = sep.insert_sep(s, card_number=card, sep_date=days[4], facility_code=w.rsud, service_type="2",
                               diagnosis="I10", poli="IGD", actor=SYSTEM)
        with pytest.raises(Refused) as changed:
            sep.update_sep(s, later["number"], diagnosis="O80.0", actor=SYSTEM)
        assert changed.value.rule == "DELIVERY_AFTER_THIRD_CHILD"
        # a deleted SEP is no delivery: the slot it held is free again
        sep.delete_sep(s, second["number"], actor=SYSTEM)
        now_third = primary_care.record_visit(s, card_number=card, facility_code=fktp, visit_date=days[3],
                                              diagnosis="O80.9", actor=SYSTEM)
        assert "Persalinan ini untuk anak ke-3." in _texts(now_third)


def test_fourth_delivery_at_the_fktp_is_refused_over_http(care):
    http, w, engine = care
    days = [str(w.today - dt.timedelta(days=n)) for n in (300, 250, 180, 60)]

    def visit(day: str, **kw):
        return http.post("/api/v1/visits", json={"card_number": w.active, "facility_code": w.fktp,
                                                 "visit_date": day, "care_type": "RITP", **kw})

    assert visit(days[0], diagnosis="O80.0", delivery_child_number=1).status_code == 201
    s = http.post("/api/v1/seps", json={"card_number": w.active, "sep_date": days[1], "facility_code": w.rsud,
                                        "service_type": "1", "diagnosis": "O82.0", "poli": "IGD",
                                        "delivery_child_number": 2})
    assert s.status_code == 201, s.text
    assert visit(days[2], diagnosis="O84.0").status_code == 201
    # a delivery is recorded with its diagnosis, so that it counts
    no_dx = visit(days[3], diagnosis="J06", delivery_child_number=4)
    assert no_dx.status_code == 422 and "O80-O84" in no_dx.json()["detail"]
    before = count(engine, VisitRow)
    fourth = visit(days[3], diagnosis="O80.0")
    assert fourth.status_code == 422, fourth.text
    body = fourth.json()
    assert body["rule"] == "DELIVERY_AFTER_THIRD_CHILD"
    assert body["detail"] == THIRD_CHILD
    assert _decided_by(body["explanation"]) == "guide:Pelayanan Kesehatan yang Dijamin:3"
    assert any("A-C13" in x["source"] for x in body["explanation"])
    assert count(engine, VisitRow) == before
