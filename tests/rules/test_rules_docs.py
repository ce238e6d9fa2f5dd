"""docs/assumptions.md and docs/rules.md stay in step with the code."""
import inspect
import re
from pathlib import Path

import jkn.rules as rules
from jkn.rules.parameters import all_params

ROOT = Path(__file__).resolve().parents[2]
ASSUMPTIONS = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
SRC = ROOT / "src" / "jkn" / "rules"


def _cited_ids() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in list(SRC.rglob("*.py")) + list(SRC.rglob("*.toml")))
    return set(re.findall(r"A-R?\d{2}", text))


def test_every_cited_assumption_is_documented():
    headings = set(re.findall(r"^### (A-R?\d{2}) ", ASSUMPTIONS, re.M))
    index = set(re.findall(r"^\| (A-R?\d{2}) \|", ASSUMPTIONS, re.M))
    assert _cited_ids() <= headings
    assert headings == index


def test_parameters_named_in_the_index_exist():
    names = set()
    for row in re.findall(r"^\| A-R?\d{2} \|.*\| (.*) \|$", ASSUMPTIONS, re.M):
        names |= {n for n in re.findall(r"`([a-z0-9_]+)`", row)}
    assert names and names <= set(all_params())


def test_public_functions_are_documented():
    for name in rules.__all__:
        if inspect.isfunction(getattr(rules, name)):
            assert f"{name}(" in RULES_DOC, name


def test_decisions_are_json_ready():
    import json
    from datetime import date

    from jkn.domain import FamilyMember, Relationship
    decisions = [
        rules.monthly_contribution("PPU_SWASTA", "2014-06-01", wage=4_000_000, additional_members=1),
        rules.assess_penalty("PBPU_MANDIRI", "2014-06-11", {"2014-05": 25_500}),
        rules.care_class("PPU_TNI", "2014-06-01", grade="Kapten"),
        rules.check_family("PPU_PNS", "2014-06-01", [FamilyMember(Relationship.SPOUSE, date(1980, 1, 1))]),
        rules.registration_documents("PPU_SWASTA"),
        rules.check_service("FKTP_LAB", "2014-06-01"),
        rules.grade_of("Kapten"),
    ]
    for d in decisions:
        out = json.loads(json.dumps(d.as_dict()))
        assert out["explanation"] and all(s["source"] for s in out["explanation"])
    c = decisions[0].as_dict()["value"]
    assert c["segment"] == "PPU_SWASTA" and c["month"] == "2014-06" and c["due_date"] == "2014-06-10"
