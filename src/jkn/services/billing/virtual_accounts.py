"""Virtual account numbers (nomor virtual account, VA): the number a payer pays its contributions to
at a bank (issue #15, docs/h2h.md).

BPJS Kesehatan tells participants to take their bank's code and add the card number: "tambahkan
kode bank di depan 11 digit terakhir nomor kepesertaan" — 88888 for BRI, BNI, BTN and BCA, 89888 for
Mandiri (Kompas.com, 9 March 2021, "Cara Mengetahui Nomor Virtual Account BPJS Kesehatan", quoting
BPJS's head of public relations). The bank's code is kept on the bank's credentials
(``bank_client.va_prefix``, entered when the bank is added). The rest is the payer number
(assumption A-B01):

* a family (PBPU / Bukan Pekerja) pays on the card number of its head, all 13 digits: our card
  numbers (A-M01) are unique over 13 digits, not over the last 11;
* an employer pays on ``00000`` + its 8-digit employer code (13 digits; no card number begins with
  ``00000``: it begins with a branch code, A-M01);
* the government's accounts (PBI, veterans) have none.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.errors import Invalid, NotFound
from jkn.services.membership.cards import CARD_LENGTH, valid_card_number
from jkn.store.billing_tables import PayerRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow

EMPLOYER_PREFIX = "00000"


def payer_number(session: Session, payer: PayerRow) -> str | None:
    """The 13 digits after the bank's code, or None for a payer that pays no virtual account."""
    if payer.kind == "FAMILY" and payer.family_id is not None:
        return session.scalar(select(ParticipantRow.card_number).where(
            ParticipantRow.family_id == payer.family_id, ParticipantRow.relationship == "HEAD"))
    if payer.kind == "EMPLOYER" and payer.employer_id is not None:
        code = session.scalar(select(EmployerRow.code).where(EmployerRow.id == payer.employer_id))
        return EMPLOYER_PREFIX + code
    return None


def va_number(prefix: str, number: str) -> str:
    return prefix + number


def payer_of(session: Session, number: str, for_update: bool = False) -> PayerRow:
    """The payer a payer number (the VA without the bank's code) belongs to: NotFound otherwise.
    Any member's card of a family that pays for itself names the family's payer."""
    if len(number) != CARD_LENGTH or not number.isdigit():
        raise Invalid(Msg("error.billing.va_length", card_length=str(CARD_LENGTH)), field="va_number")
    if number.startswith(EMPLOYER_PREFIX):
        stmt = select(PayerRow).join(EmployerRow, EmployerRow.id == PayerRow.employer_id).where(
            EmployerRow.code == number[len(EMPLOYER_PREFIX):])
    elif valid_card_number(number):
        stmt = select(PayerRow).join(ParticipantRow, ParticipantRow.payer_id == PayerRow.id).where(
            ParticipantRow.card_number == number, PayerRow.kind == "FAMILY")
    else:
        raise NotFound(Msg("error.billing.va_unknown", number=str(number)))
    if for_update:
        stmt = stmt.with_for_update()
    payer = session.scalar(stmt)
    if payer is None:
        raise NotFound(Msg("error.billing.va_unknown", number=str(number)))
    return payer


def split(va: str, prefix: str) -> str:
    """The payer number of a VA collected by the bank whose code is ``prefix``."""
    if not va.startswith(prefix):
        raise NotFound(Msg("error.billing.va_other_bank", va=va, prefix=prefix))
    return va[len(prefix):]


def payer_accounts(session: Session, payer: PayerRow) -> list[dict[str, str]]:
    """The payer's virtual account at every bank that collects host-to-host (none for the government)."""
    from jkn.store.bank_tables import BankClientRow

    number = payer_number(session, payer)
    if number is None:
        return []
    banks = session.scalars(select(BankClientRow).where(BankClientRow.active.is_(True)).order_by(BankClientRow.code))
    return [{"bank": b.code, "name": b.name, "va_number": va_number(b.va_prefix, number)} for b in banks]
