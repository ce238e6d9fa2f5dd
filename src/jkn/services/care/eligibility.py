"""Eligibility of a participant on a service date: who they are, their room class, their FKTP,
and whether cover is active or suspended. Read by VClaim ``Peserta`` and by the SEP use case.

The participant's status in the registry is checked first; then the cover on the same row (one
query per check): the member's own dates as of the service date (start and end of cover, the end
of a child's status, the first payment), then, only when something is unpaid or the date is past,
the payer's ledger (:mod:`jkn.services.billing.coverage`). :func:`lookup_statement`, :func:`found`
and :func:`from_row` are the pure parts, for callers that run the query themselves
(:mod:`jkn.bridging.core.async_read`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.rules.decision import Step
from jkn.services.billing.coverage import PAYER_COLUMNS, decided_from_row, explained, ledger_cover
from jkn.services.care.common import valid_card, valid_nik
from jkn.services.errors import NotFound
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import CardIssueRow, ParticipantRow
from jkn.store.prepared import PreparedRead


@dataclass
class Eligibility:
    participant: ParticipantRow  # a row with the participant table's columns as attributes
    fktp_name: str | None
    on_date: dt.date
    active: bool
    status_code: str  # VClaim statusPeserta.kode: "0" AKTIF, else not active
    status_text: str
    steps: "list[Step | dict]" = field(default_factory=list)  #: as decided, rendered by :attr:`explanation`
    card_printed: dt.date | None = None
    reason: str = "ACTIVE"  #: coverage reason (jkn.services.billing.coverage.coverage_status) or INACTIVE

    @property
    def care_class(self) -> str:
        return self.participant.care_class

    @cached_property
    def explanation(self) -> list[dict]:
        """The steps as JSON-ready dicts, rendered when first asked for: VClaim ``Peserta`` never shows
        them (8 µs of its answer)."""
        return explained(self.steps)


_BY_CARD = _BY_NIK = None


def _statements():
    """The look-up statements, built once (a select built per call costs more than running it) and
    prepared on PostgreSQL (:class:`jkn.store.prepared.PreparedRead`)."""
    global _BY_CARD, _BY_NIK
    if _BY_CARD is None:
        printed = (select(func.max(CardIssueRow.issued_on)).where(CardIssueRow.participant_id == ParticipantRow.id)
                   .correlate(ParticipantRow).scalar_subquery().label("card_printed"))
        base = (select(ParticipantRow.__table__, FacilityRow.name.label("fktp_name"), printed, *PAYER_COLUMNS)
                .outerjoin(FacilityRow, FacilityRow.code == ParticipantRow.fktp_code)
                .outerjoin(PayerRow, PayerRow.id == ParticipantRow.payer_id))
        _BY_CARD = PreparedRead(base.where(ParticipantRow.card_number == bindparam("key")))
        _BY_NIK = PreparedRead(base.where(ParticipantRow.nik == bindparam("key")))
    return _BY_CARD, _BY_NIK


def lookup_statement(*, card_number: str | None, nik: str | None) -> tuple[PreparedRead, dict, Msg, str]:
    """(statement, its parameters, what was looked for, field) of a look-up by card number or NIK;
    ``Invalid`` for a malformed number. Pure: run it with ``.first`` (or ``.first_async``), then
    :func:`found`."""
    by_card, by_nik = _statements()
    if card_number is not None:
        card = valid_card(card_number)
        return by_card, {"key": card}, Msg("error.participant.by_card", card_number=str(card)), "noKartu"
    n = valid_nik(nik)
    return by_nik, {"key": n}, Msg("error.participant.by_nik", nik=n), "nik"


def found(row, what: Msg, field: str):
    """The participant row of a look-up; ``NotFound`` naming ``what`` when there is none."""
    if row is None:
        raise NotFound(Msg("error.participant.unknown_with", what=what), field=field)
    return row


def by_card_statement():
    """The look-up of :func:`check` by card number (bind parameter ``key``), for a caller that reads it
    in one statement with other things and passes the row to :func:`of_row`: the columns of
    ``participant`` as attributes, ``fktp_name``, ``card_printed`` and the payer's columns."""
    return _statements()[0].stmt


def of_row(session: Session, row, on_date: dt.date, *, card_number: str) -> Eligibility:
    """:func:`check` of the row of :func:`by_card_statement` for ``card_number`` (None: no such card)."""
    return _decided(session, found(row, Msg("error.participant.by_card", card_number=str(card_number)), "noKartu"),
                    on_date)


def check(session: Session, on_date: dt.date, *, card_number: str | None = None, nik: str | None = None) -> Eligibility:
    """The participant by card number (or NIK) and their status on ``on_date``."""
    stmt, params, what, field_name = lookup_statement(card_number=card_number, nik=nik)
    return _decided(session, found(stmt.first(session, params), what, field_name), on_date)


def from_row(p, on_date: dt.date) -> Eligibility | None:
    """The eligibility from a look-up's row alone (no query), or None when the payer's ledger must
    be read (:func:`jkn.services.billing.coverage.decided_from_row`)."""
    if p.status != "ACTIVE":
        return _registry_status(p, on_date)
    decided = decided_from_row(p, on_date)
    if decided is None:
        return None
    reason, steps = decided
    return _of_cover(p, on_date, reason, False, steps)


def _decided(session: Session, p, on_date: dt.date) -> Eligibility:
    """:func:`from_row`, or with the payer's ledger read when the row alone cannot decide."""
    if (e := from_row(p, on_date)) is not None:
        return e
    cover = ledger_cover(session, p, on_date)
    return _of_cover(p, on_date, cover["reason"], cover["suspended"], cover["explanation"])


def _registry_status(p, on_date: dt.date) -> Eligibility:
    """Not active in the membership registry (deceased, inactive, ...): the cover is not asked."""
    status = Msg(f"pstatus.{p.status}")
    return Eligibility(p, p.fktp_name, on_date, False, "1",
                       "NON AKTIF" if p.status == "INACTIVE" else f"NON AKTIF: {str(status).upper()}",
                       [Step(Msg("eligibility.status", status=status), "membership registry", decisive=True)],
                       card_printed=p.card_printed, reason="INACTIVE")


def _of_cover(p, on_date: dt.date, reason: str, suspended: bool, steps: "list[Step | dict]") -> Eligibility:
    """The eligibility of an active participant whose cover is ``reason`` (``ACTIVE`` or why not)."""
    if reason != "ACTIVE":
        label = Msg(f"eligibility.{reason}", tmt=p.tmt, end=p.end_date, until=p.status_until)
        return Eligibility(p, p.fktp_name, on_date, False, "2" if suspended else "1", f"NON AKTIF: {label}", steps,
                           card_printed=p.card_printed, reason=reason)
    return Eligibility(p, p.fktp_name, on_date, True, "0", "AKTIF", steps, card_printed=p.card_printed)
