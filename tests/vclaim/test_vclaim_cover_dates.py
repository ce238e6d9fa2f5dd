"""``tglTMT``/``tglTAT`` of a VClaim participant are the first and last day of cover on record (A-V04):
a SIMRS decides from them whether a visit date is covered."""

import datetime as dt
from types import SimpleNamespace

from jkn.bridging.vclaim.shapes import peserta


def _answer(**row):
    p = SimpleNamespace(card_number="0001234567890", nik="3273014101900001", name="ANI", sex="P",
                        birth_date=dt.date(2004, 3, 1), care_class="III", segment="PBPU", relationship="CHILD_1",
                        fktp_code="0114P001", tmt=dt.date(2024, 1, 1), covered_from=None, end_date=None,
                        status_until=None)
    for k, v in row.items():
        setattr(p, k, v)
    e = SimpleNamespace(participant=p, fktp_name="PUSKESMAS", status_text="AKTIF", status_code="0",
                        on_date=dt.date(2025, 1, 1))
    return peserta(e, dt.date(2025, 1, 1))


def test_cover_starts_on_the_first_paid_day_not_on_registration():
    assert _answer()["tglTMT"] == "2024-01-01"
    assert _answer(covered_from=dt.date(2024, 1, 15))["tglTMT"] == "2024-01-15"


def test_cover_ends_on_the_earlier_of_membership_end_and_status_end():
    assert _answer()["tglTAT"] is None
    assert _answer(status_until=dt.date(2025, 2, 28))["tglTAT"] == "2025-02-28"
    assert _answer(status_until=dt.date(2025, 2, 28), end_date=dt.date(2025, 1, 31))["tglTAT"] == "2025-01-31"
