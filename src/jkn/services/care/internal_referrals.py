"""Internal referrals (VClaim ``SEP/Internal``): a participant sent from one clinic of a hospital to
another clinic of the same hospital — a doctor's consult — with an SEP of its own there.

Reading of the sources (assumption A-V50): VClaim 2.0's SEP insert names the purpose of the visit,
``tujuanKunj`` "0 Normal, 1 Prosedur, 2 Konsul Dokter", with ``assesmentPel`` "diisi jika tujuanKunj =
2 atau 0 (politujuan beda dengan poli rujukan dan hari beda)" (the VClaim catalogue, SEP 2.0 insert);
the internal-referral list (``SEP/Internal/{noSep}``) shows, for one SEP (``nosep``), the later SEPs
of the same hospital (``nosepref``) to another clinic (``kdpolituj``), each with a letter numbered
with the letter N (``nosurat`` "0905R0031120N000922"). So an SEP inserted with ``tujuanKunj`` 2 on a
referral that already opened a live SEP at that hospital for another clinic is recorded as an
internal referral from that first SEP. Withdrawing the referral (``SEP/Internal/delete``) cancels
the SEP it opened, under the SEP's own rules (:func:`jkn.services.care.sep.delete_sep`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.reference import care_codes
from jkn.services.care import practice
from jkn.services.care.common import LETTER_INTERNAL, next_number, parse_date
from jkn.services.errors import Invalid, NotFound
from jkn.services.portal.audit import Actor
from jkn.services.unit_of_work import unit_of_work
from jkn.store.care_tables import SepInternalRow, SepRow
from jkn.store.membership_tables import ParticipantRow

#: ``tujuanKunj`` as the VClaim catalogue lists it (SEP 2.0 insert).
VISIT_PURPOSES = {"0": "Normal", "1": "Prosedur", "2": "Konsul Dokter"}
CONSULT = "2"
#: ``kdPenunjang``, ``flagProcedure`` and ``assesmentPel`` codes as the public clients list them
#: (ssecd/jkn ``src/vclaim/sep.ts``, insertV2).
SUPPORT = {"1": "Radioterapi", "2": "Kemoterapi", "3": "Rehabilitasi Medik", "4": "Rehabilitasi Psikososial",
           "5": "Transfusi Darah", "6": "Pelayanan Gigi", "7": "Laboratorium", "8": "USG", "9": "Farmasi",
           "10": "Lain-Lain", "11": "MRI", "12": "HEMODIALISA"}
PROCEDURE_FLAGS = {"0": "Prosedur Tidak Berkelanjutan", "1": "Prosedur dan Terapi Berkelanjutan"}
ASSESSMENTS = {"1": "Poli spesialis tidak tersedia pada hari sebelumnya", "2": "Jam Poli telah berakhir pada hari sebelumnya",
               "3": "Dokter Spesialis yang dimaksud tidak praktek pada hari sebelumnya", "4": "Atas Instruksi RS",
               "5": "Tujuan Kontrol"}


@dataclass(frozen=True)
class Purpose:
    """``tujuanKunj``, ``flagProcedure``, ``kdPenunjang``, ``assesmentPel`` as sent ("" when empty)."""
    visit: str = "0"
    procedure_flag: str = ""
    support: str = ""
    assessment: str = ""

    def checked(self) -> "Purpose":
        for value, codes, field in ((self.visit, VISIT_PURPOSES, "tujuanKunj"),
                                    (self.procedure_flag, PROCEDURE_FLAGS, "flagProcedure"),
                                    (self.support, SUPPORT, "kdPenunjang"), (self.assessment, ASSESSMENTS, "assesmentPel")):
            if value and value not in codes:
                raise Invalid(Msg("error.care.sep_purpose_code", field=field, value=value), field=field)
        return self


def record(session: Session, sep: SepRow, referral_number: str | None, purpose: Purpose, actor: Actor) -> None:
    """Called inside the SEP insert's unit of work: a consult SEP (``tujuanKunj`` 2) on a referral that
    opened a live SEP here for another clinic becomes that SEP's internal referral."""
    if purpose.visit != CONSULT or not referral_number:
        return
    origin = session.scalars(select(SepRow).where(
        SepRow.referral_number == referral_number, SepRow.facility_code == sep.facility_code,
        SepRow.number != sep.number, SepRow.deleted_at.is_(None), SepRow.poli_code.is_not(None),
        SepRow.poli_code != sep.poli_code, SepRow.sep_date <= sep.sep_date)
        .order_by(SepRow.sep_date, SepRow.number).limit(1)).first()
    if origin is None:
        return
    session.add(SepInternalRow(
        number=next_number(session, sep.facility_code, LETTER_INTERNAL, sep.sep_date), from_sep=origin.number,
        sep_number=sep.number, facility_code=sep.facility_code, referral_date=sep.sep_date,
        from_poli=origin.poli_code, to_poli=sep.poli_code, doctor_code=sep.dpjp_code,
        diagnosis_code=sep.diagnosis_code, support_code=purpose.support or None,
        procedure_flag=purpose.procedure_flag or None, assessment=purpose.assessment or None,
        created_by=actor.name))
    session.flush()


def view(session: Session, r: SepInternalRow) -> dict:
    origin, opened = session.get(SepRow, r.from_sep), session.get(SepRow, r.sep_number)
    card = session.get(ParticipantRow, origin.participant_id).card_number
    polis, dx = care_codes.polis(), care_codes.icd10().get(r.diagnosis_code)
    return {"number": r.number, "from_sep": r.from_sep, "from_sep_date": origin.sep_date.isoformat(),
            "sep_number": r.sep_number, "sep_live": opened.deleted_at is None, "facility_code": r.facility_code,
            "card_number": card, "date": r.referral_date.isoformat(),
            "from_poli": {"code": r.from_poli, "name": polis[r.from_poli].name if r.from_poli in polis else ""},
            "to_poli": {"code": r.to_poli, "name": polis[r.to_poli].name if r.to_poli in polis else ""},
            "doctor_code": r.doctor_code, "doctor_name": practice.doctor_name(session, r.facility_code, r.doctor_code),
            "diagnosis": {"code": r.diagnosis_code, "name": dx.title if dx else ""},
            "support": r.support_code, "support_name": SUPPORT.get(r.support_code or ""),
            "procedure_flag": r.procedure_flag, "assessment": r.assessment, "created_by": r.created_by,
            "created_on": r.created_at.date().isoformat() if r.created_at else None}


def of_sep(session: Session, sep_number: str) -> list[dict]:
    """The live internal referrals made from one SEP, oldest first."""
    rows = session.scalars(select(SepInternalRow).where(SepInternalRow.from_sep == (sep_number or "").strip(),
                                                        SepInternalRow.deleted_at.is_(None))
                           .order_by(SepInternalRow.referral_date, SepInternalRow.number))
    return [view(session, r) for r in rows]


def opened_by(session: Session, sep_number: str) -> dict | None:
    """The live internal referral that opened an SEP, if it was opened by one."""
    r = session.scalar(select(SepInternalRow).where(SepInternalRow.sep_number == sep_number,
                                                    SepInternalRow.deleted_at.is_(None)))
    return view(session, r) if r else None


def live_from(session: Session, sep_number: str) -> str | None:
    """The number of a live internal referral made from an SEP (it holds the SEP), if any."""
    return session.scalar(select(SepInternalRow.number).where(SepInternalRow.from_sep == sep_number,
                                                              SepInternalRow.deleted_at.is_(None)).limit(1))


def close_for(session: Session, sep_number: str, actor: Actor) -> None:
    """The SEP an internal referral opened is cancelled: the referral goes with it (inside that unit)."""
    r = session.scalar(select(SepInternalRow).where(SepInternalRow.sep_number == sep_number,
                                                    SepInternalRow.deleted_at.is_(None)))
    if r is not None:
        r.deleted_at, r.deleted_by = dt.datetime.now(dt.timezone.utc), actor.name


def withdraw(session: Session, *, actor: Actor, facility_code: str, sep_number: str, letter_number: str,
             day: "dt.date | str | None" = None, poli: str | None = None) -> dict:
    """``SEP/Internal/delete``: the internal referral named by its letter, the SEP it came from and (when
    given) its date and target clinic; cancels the SEP it opened (refused as that SEP's cancellation is)."""
    from jkn.services.care import sep as sep_service  # local: sep records internal referrals on insert

    when = parse_date(day, "tglRujukanInternal", required=False)
    with unit_of_work(session):
        r = session.get(SepInternalRow, (letter_number or "").strip())
        if (r is None or r.deleted_at is not None or r.facility_code != facility_code
                or r.from_sep != (sep_number or "").strip() or (when and r.referral_date != when)
                or (poli and r.to_poli != poli.strip().upper())):
            raise NotFound(Msg("error.care.internal_unknown", number=str(letter_number), sep=str(sep_number)),
                           field="noSurat")
        sep_service.delete_sep(session, r.sep_number, actor=actor, facility_code=facility_code, reason=r.number)
        return {"number": r.number, "sep_number": r.sep_number, "deleted": True}
