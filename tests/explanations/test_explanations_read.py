"""Explanations a person can read (issue 11): one sentence first, then the steps that decided it, each
naming the text it rests on; Indonesian by default, English on request; no file names, assumption ids,
Python literals or English words in the Indonesian text."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jkn.rules import assess_penalty, check_fktp_change, check_service, monthly_contribution, reactivation
from jkn.rules.decision import localize
from jkn.services.care.common import SEP_REFUSED, refuse

ENGLISH = re.compile(r"\b(the|is|are|of|paid|month|months|late|due|penalty|arrears|cover|covered|suspended|"
                     r"rounded|given|not|and|person|total|employer|government|participant|referral|letter)\b")
MACHINE = ("seed", ".txt", "assumption A-", "assumptions.md", "{'", "('")


def _read(steps, lang):
    return localize(steps, lang)


def _clean(texts, lang):
    for text in texts:
        assert not any(m in text for m in MACHINE), text
        if lang == "id":
            assert not ENGLISH.search(text), text


DECISIONS = {
    "contribution PPU": lambda: monthly_contribution("PPU_SWASTA", "2024-05-01", wage=5_000_000, additional_members=1),
    "contribution PBPU": lambda: monthly_contribution("PBPU_MANDIRI", "2021-06-01", care_class="III"),
    "contribution PBI": lambda: monthly_contribution("PBI", "2014-06-01", pbi_amount=19_225, persons=2),
    "penalty": lambda: assess_penalty("PBPU_MANDIRI", "2024-09-20", {"2024-01": 35_000, "2024-02": 35_000}),
    "penalty PPU": lambda: assess_penalty("PPU_SWASTA", "2014-04-11", {f"2014-0{m}": 100_000 for m in range(1, 5)}),
    "reactivation": lambda: reactivation("PBPU_MANDIRI", "2024-09-20", {"2024-01": 35_000}, 10_000),
    "fktp change": lambda: check_fktp_change(date(2024, 1, 15), "2024-03-01"),
    "no referral": lambda: check_service("FKRTL_SPECIALIST_EXAMINATION", "2024-06-01"),
    "suspended": lambda: check_service("FKTP_EXAMINATION", "2024-06-01", suspended=True),
}


@pytest.mark.parametrize("name, lang", [(n, lang) for n in DECISIONS for lang in ("id", "en")])
def test_answers_and_steps_read_in_the_readers_language(name, lang):
    d = DECISIONS[name]()
    steps = _read(d.explain(), lang)
    assert steps and all(s["source_name"] and s["source"] for s in steps)
    texts = [s["text"] for s in steps] + [s["source_name"] for s in steps]
    if d.answer is not None:
        texts.append(d.answer.render(lang))
    _clean(texts, lang)
    # the names cite the text, never the project's notes
    assert not any("A-" in s["source_name"] for s in steps)


def test_the_simulator_penalty_in_indonesian_and_english():
    d = assess_penalty("PBPU_MANDIRI", "2024-09-20", {"2024-01": 35_000, "2024-02": 35_000})
    assert d.answer.render("id") == ("Pelayanan kesehatan dihentikan sementara: pada 20 September 2024 harus dibayar "
                                     "Rp 78.400 (tunggakan 2 bulan Rp 70.000 dan denda Rp 8.400) agar aktif kembali.")
    assert d.answer.render("en").startswith("Cover is suspended: on September 20, 2024, Rp 78,400 must be paid")
    id_steps, en_steps = _read(d.explain(), "id"), _read(d.explain(), "en")
    assert "Denda: 2% x Rp 70.000 x 6 = Rp 8.400." in [s["text"] for s in id_steps]
    assert "Penalty: 2% x Rp 70,000 x 6 = Rp 8,400." in [s["text"] for s in en_steps]
    arithmetic = next(s for s in id_steps if s["text"].startswith("Denda: 2%"))
    assert arithmetic["source"] == "assumption:A-02"
    assert arithmetic["source_name"] == "Panduan Peserta, Denda Keterlambatan Pembayaran Iuran, butir 1 (penafsiran)"
    assert id_steps[0]["decisive"] and not id_steps[-1]["decisive"]  # the deciding steps first


def test_the_simulator_contribution_in_indonesian_and_english():
    d = monthly_contribution("PPU_SWASTA", "2014-06-01", wage=4_000_000)
    assert d.answer.render("id") == ("Iuran bulan Juni 2014 segmen Pegawai Swasta: Rp 180.000 (Pemberi Kerja "
                                     "Rp 160.000, Peserta Rp 20.000), dibayar paling lambat 10 Juni 2014.")
    assert "employer Rp 160,000" in d.answer.render("en")
    names = {s["source"]: s["source_name"] for s in _read(d.explain(), "id")}
    assert names["guide:Iuran:3"] == "Panduan Peserta, Iuran, butir 3"
    en = {s["source"]: s["source_name"] for s in _read(d.explain(), "en")}
    assert en["guide:Iuran:3"] == "Participant Guide, Iuran, item 3"


def test_a_missing_referral_is_refused_in_one_sentence_with_the_reason_first():
    background = assess_penalty("PBPU_MANDIRI", "2024-03-20", {"2024-01": 35_000}).explain()
    d = check_service("FKRTL_SPECIALIST_EXAMINATION", "2024-06-01")
    refused = refuse(d, before=background, answer=SEP_REFUSED)
    assert refused.message == ("SEP tidak dapat diterbitkan: pelayanan di rumah sakit memerlukan surat rujukan "
                               "dari FKTP atau surat kontrol.")
    steps = _read(refused.explanation, "id")
    assert steps[0]["text"] == "Tidak dijamin: " + "pelayanan di rumah sakit memerlukan surat rujukan dari FKTP atau surat kontrol."
    assert steps[0]["source_name"] == "Panduan Peserta, Tata Cara Mendapatkan Pelayanan Kesehatan, butir 2.a"
    assert [s for s in steps if s["decisive"]] == steps[:1]  # the penalty arithmetic did not decide it
    assert _read(refused.explanation, "en")[0]["text"].startswith("Not covered: hospital care needs a referral")


def test_a_suspension_and_an_fktp_change_answer_in_one_sentence():
    d = check_service("FKTP_EXAMINATION", "2024-06-01", suspended=True)
    assert str(d.answer).startswith("Tidak dijamin: pelayanan kesehatan peserta sedang dihentikan sementara")
    c = check_fktp_change(date(2024, 1, 15), "2024-03-01")
    assert str(c.answer) == ("Pindah FKTP belum dapat dilakukan pada 1 Maret 2024: minimal 3 bulan terdaftar di FKTP "
                             "sebelumnya, paling cepat 15 April 2024.")
    assert c.answer.render("en").startswith("The FKTP cannot be changed yet on March 1, 2024")


def test_every_assumption_a_rule_cites_is_named_by_the_text_it_reads():
    """A step resting on an assumption names the guide or regulation it reads ("bacaan atas Peraturan
    Presiden 75/2019 Pasal 32"), not a generic word: each id cited in code has its text in READS."""
    import re
    from pathlib import Path

    from jkn.rules.sources import READS

    src = Path(__file__).resolve().parents[2] / "src" / "jkn"
    cited = {a for f in src.rglob("*.py") for a in re.findall(r'assumption\("(A-[A-Z]*[0-9]+)"\)', f.read_text())}
    assert cited and sorted(cited - set(READS)) == []
