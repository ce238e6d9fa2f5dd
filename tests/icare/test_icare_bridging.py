"""/wsihs (iCare) driven by the UNMODIFIED ``bpjs-bridging`` client (its ``icare`` service: JSON, user
key, sealed answers) against ``jkn serve`` on loopback, on SQLite and PostgreSQL: the SEP is made
through VClaim by the same client, the link answered is opened like a doctor's browser would."""

from __future__ import annotations

import time

import httpx
import pytest
from bpjs import Bridging
from sqlalchemy import select
from support.care_world import JknServe, build_world
from support.databases import BACKENDS, truncate_business_tables
from vclaim.test_vclaim_bridging import client, ok as vclaim_ok, referral, send, t_sep

from jkn.services.care import facilities
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.portal_tables import AuditEventRow

DOCTOR = "31537"


@pytest.fixture(scope="module", params=BACKENDS)
def bridge(request, _prepared):
    url, engine = _prepared(request.param)
    truncate_business_tables(engine)
    world = build_world(engine)
    with session_factory(engine)() as s:
        facilities.add_staff(s, world.rsud, actor=SYSTEM, name="dr. Andi Wijaya, Sp.PD", role="SPECIALIST",
                             registration_number=DOCTOR, poli_code="INT")
    with session_factory(engine)() as s:
        facilities.add_staff(s, world.rsud, actor=SYSTEM, name="Ns. Rina", role="NURSE", registration_number="777")
    with JknServe(url, env={"JKN_VCLAIM_CONSUMER_CACHE": "0"}) as srv:
        srv.world, srv.engine = world, engine
        yield srv
    truncate_business_tables(engine)


def icare(srv, cred: dict, base: str = "/wsihs", **override) -> Bridging:
    return Bridging({"host": srv.url + base, "consid": cred["cons_id"], "secret": cred["secret"],
                     "user_key": cred.get("user_key"), **override}, "icare")


def validate(c: Bridging, path: str, body: dict) -> dict:
    time.sleep(1.05 - (time.time() % 1))  # one write per signed header (A-C16)
    return c.request(path, "POST", body)


def ok(res: dict) -> dict:
    assert res["metaData"]["code"] == 200 and res["metaData"]["message"] == "OK", res
    return res["response"]


def refused(res: dict, code: int, contains: str) -> None:
    assert res["metaData"]["code"] == code and res["response"] is None, res
    assert contains.lower() in res["metaData"]["message"].lower(), res


def test_doctor_gets_a_link_to_the_history_of_a_patient_in_care(bridge):
    w = bridge.world
    rs = icare(bridge, w.rs_v2)
    refused(validate(rs, "api/rs/validate", {"param": w.active, "kodedokter": int(DOCTOR)}), 201, "tidak sedang dilayani")
    no = referral(bridge, w.active, w.today)
    time.sleep(1.05 - (time.time() % 1))  # the consumer's iCare write above took its second
    sep = vclaim_ok(send(client(bridge, w.rs_v2), "SEP/2.0/insert", "post", t_sep(
        w, w.active, w.today, rujukan={"asalRujukan": "1", "tglRujukan": w.today.isoformat(), "noRujukan": no,
                                        "ppkRujukan": w.fktp})))["sep"]["noSep"]
    url = ok(validate(rs, "api/rs/validate", {"param": w.active, "kodedokter": int(DOCTOR)}))["url"]
    assert url.startswith(f"{bridge.url}/icare/")
    page = httpx.get(url + "?lang=en")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "SITI AMINAH" in page.text and sep in page.text and no in page.text and "dr. Andi Wijaya" in page.text
    forged = httpx.get(url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB"))
    assert forged.status_code == 403 and sep not in forged.text
    # the development alias, the string doctor code some clients send
    assert ok(validate(icare(bridge, w.rs_v2, base="/ihs_dev"), "api/rs/validate",
                       {"param": w.active, "kodedokter": DOCTOR}))["url"]
    with session_factory(bridge.engine)() as s:
        rows = s.scalars(select(AuditEventRow).where(AuditEventRow.action == "icare.validate")).all()
        assert len(rows) == 2 and {r.actor for r in rows} == {f"vclaim:{w.rs_v2['cons_id']}"}


def test_refusals(bridge):
    w = bridge.world
    rs = icare(bridge, w.rs_v2)
    refused(validate(rs, "api/rs/validate", {"param": w.active, "kodedokter": 99999}), 201, "bukan dokter di")
    refused(validate(rs, "api/rs/validate", {"param": w.active, "kodedokter": 777}), 201, "bukan dokter di")
    refused(validate(rs, "api/rs/validate", {"param": w.active}), 400, "kodedokter")
    refused(validate(rs, "api/rs/validate", {"param": "12345", "kodedokter": DOCTOR}), 400, "13 digit")
    refused(validate(rs, "api/rs/validate", {"param": "0009999999999", "kodedokter": DOCTOR}), 201, "Tidak ada Peserta")
    refused(validate(rs, "api/pcare/validate", {"param": w.active}), 400, "FKTP")
    refused(icare(bridge, w.rs_v2, user_key=None).request("api/rs/validate", "POST", {"param": w.active}), 401,
            "user_key")
    refused(icare(bridge, w.rs_v2, secret="not-the-secret").request("api/rs/validate", "POST", {}), 401,
            "unauthorized")


def test_fktp_asks_for_its_registered_participant(bridge):
    w = bridge.world
    fk = icare(bridge, w.fktp_v2)
    url = ok(validate(fk, "api/pcare/validate", {"param": w.active}))["url"]
    assert "SITI AMINAH" in httpx.get(url).text
    refused(validate(fk, "api/pcare/validate", {"param": w.other}), 201, "tidak sedang dilayani")
    refused(validate(fk, "api/rs/validate", {"param": w.active, "kodedokter": DOCTOR}), 400, "FKRTL")
