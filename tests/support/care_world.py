"""A small care-flow world for tests (issue #5), and ``jkn serve`` run as a real subprocess.

Facilities in Kota Bandung (32.73): two FKTPs, a partner RSUD, a non-partner private hospital
and a laboratory networked to the RSUD; participants registered through the membership
service, each with a first contribution paid (one active at each FKTP, one whose cover is
suspended for arrears, one whose cover ended); VClaim consumers for the RSUD (v2.0 and v1.1) and for the first FKTP.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select

from jkn.domain.month import Month
from jkn.services.billing import runs as billing
from jkn.services.care import facilities, vclaim_consumers
from jkn.services.care.common import jakarta_today
from jkn.services.membership import registration
from jkn.services.membership.schemas import ParticipantRegistrationIn
from jkn.services.portal.audit import SYSTEM
from jkn.store.engine import session_factory
from jkn.store.membership_tables import ParticipantRow
from support.first_payment import pay_first_contribution
from support.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
JKN = ROOT / ".venv" / "bin" / "jkn"
KAB = "32.73"  # Kota Bandung
DOCS = ["PBPU.MANDIRI/1", "PBPU.MANDIRI/2", "PBPU.MANDIRI/3"]


@dataclass
class World:
    fktp: str
    fktp2: str
    rsud: str
    rs_non_partner: str
    lab: str
    active: str  # card number, registered at fktp, class II
    active_nik: str
    other: str  # card number, registered at fktp2, class I
    suspended: str
    ended: str
    rs_v2: dict = field(default_factory=dict)  # credentials
    rs_v11: dict = field(default_factory=dict)
    fktp_v2: dict = field(default_factory=dict)
    fktp2_v2: dict = field(default_factory=dict)
    today: dt.date = field(default_factory=jakarta_today)


def _register(session, nik: str, name: str, fktp: str, care_class: str, tmt: dt.date) -> str:
    fam = registration.register(session, ParticipantRegistrationIn(
        nik=nik, name=name, segment="PBPU_MANDIRI", care_class=care_class, fktp_code=fktp, kabkota_code=KAB,
        tmt=tmt, registered_on=tmt, documents_shown=DOCS), actor=SYSTEM)
    session.rollback()
    return session.scalar(select(ParticipantRow.card_number).where(ParticipantRow.nik == nik))


def build_world(engine: Engine) -> World:
    S = session_factory(engine)
    with S() as s:
        fktp = facilities.register_facility(s, name="PUSKESMAS SUKAJADI", facility_type="PUSKESMAS_PERAWATAN",
                                            kabkota_code=KAB, actor=SYSTEM)["code"]
        fktp2 = facilities.register_facility(s, name="KLINIK PRATAMA SEHAT", facility_type="KLINIK_PRATAMA",
                                             kabkota_code=KAB, actor=SYSTEM)["code"]
        rsud = facilities.register_facility(s, name="RSUD KOTA BANDUNG", facility_type="RSUD", kabkota_code=KAB, actor=SYSTEM)["code"]
        rs_np = facilities.register_facility(s, name="RS SWASTA TANPA KERJA SAMA", facility_type="RSU_SWASTA",
                                             kabkota_code=KAB, partnership="NON_PARTNER", actor=SYSTEM)["code"]
        lab = facilities.register_facility(s, name="LAB KLINIK PRODIA", facility_type="LABORATORIUM",
                                           kabkota_code=KAB, network_of=rsud, actor=SYSTEM)["code"]
    today = jakarta_today()
    start = Month.of(today) - 12
    with S() as s:
        # suspended: registered a year ago, paid the first month, billed every month since, never paid again
        paid_on = start.first_day + dt.timedelta(days=2)
        suspended = _register(s, "3273016202850003", "RINA TUNGGAKAN", fktp, "III", start.first_day)
        pay_first_contribution(s, suspended, paid_on)
        m = start + 1
        while m <= Month.of(today):
            billing.run_billing(s, m, actor=SYSTEM)
            s.rollback()
            m = m + 1
        # registered after the billing runs, first month paid: no other bills yet, so active
        active = _register(s, "3273014501900001", "SITI AMINAH", fktp, "II", start.first_day)
        other = _register(s, "3273011203880002", "BUDI SANTOSO", fktp2, "I", start.first_day)
        ended = _register(s, "3273015107800004", "DEWI SELESAI", fktp, "III", start.first_day)
        for card in (active, other, ended):
            pay_first_contribution(s, card, paid_on)
        p = s.scalar(select(ParticipantRow).where(ParticipantRow.card_number == ended))
        p.status, p.status_reason = "INACTIVE", "test: cover ended"
        p.end_date = start.first_day + dt.timedelta(days=40)
        s.commit()
    with S() as s:
        rs_v2 = vclaim_consumers.create_consumer(s, rsud, label="SIMRS RSUD", actor=SYSTEM)
    with S() as s:
        rs_v11 = vclaim_consumers.create_consumer(s, rsud, api_version="1.1", label="old SIMRS", actor=SYSTEM)
    with S() as s:
        fktp_v2 = vclaim_consumers.create_consumer(s, fktp, label="puskesmas", actor=SYSTEM)
    with S() as s:
        fktp2_v2 = vclaim_consumers.create_consumer(s, fktp2, label="klinik", actor=SYSTEM)
    return World(fktp, fktp2, rsud, rs_np, lab, active, "3273014501900001", other, suspended, ended,
                 rs_v2, rs_v11, fktp_v2, fktp2_v2, today)


def count(engine: Engine, table) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(table))


class JknServe:
    """``jkn serve --port P --db URL`` as a subprocess on loopback, stopped on exit."""

    def __init__(self, database_url: str, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "JknServe":
        exe = str(JKN) if JKN.exists() else None
        cmd = [exe] if exe else [sys.executable, "-m", "jkn.cli"]
        self.proc = subprocess.Popen(cmd + ["serve", "--port", str(self.port), "--db", self.database_url],
                                     env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                out = self.proc.stdout.read().decode(errors="replace")
                raise RuntimeError(f"jkn serve exited with {self.proc.returncode}:\n{out}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("jkn serve did not start within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def emergency_sep(card: str, day: dt.date, hospital: str) -> dict:
    """A ``SEP/2.0/insert`` body as a SIMRS sends it for an emergency visit (poli IGD, no letter)."""
    return {"request": {"t_sep": {
        "noKartu": card, "tglSep": str(day), "ppkPelayanan": hospital, "jnsPelayanan": "2",
        "klsRawat": {"klsRawatHak": "", "klsRawatNaik": "", "pembiayaan": "", "penanggungJawab": ""}, "noMR": "MR-IGD",
        "rujukan": {"asalRujukan": "1", "tglRujukan": "", "noRujukan": "", "ppkRujukan": ""}, "catatan": "IGD",
        "diagAwal": "A09", "poli": {"tujuan": "IGD", "eksekutif": "0"}, "cob": {"cob": "0"}, "katarak": {"katarak": "0"},
        "jaminan": {"lakaLantas": "0"}, "tujuanKunj": "0", "flagProcedure": "", "kdPenunjang": "", "assesmentPel": "",
        "skdp": {"noSurat": "", "kodeDPJP": ""}, "dpjpLayan": "", "noTelp": "08123456789", "user": "IGD"}}}
