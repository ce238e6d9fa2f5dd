"""One unit of work for every use case (issue #9 point 1): a use case after a read commits, a
nested use case joins its caller, and no write made outside a unit of work is ever committed by
accident or dropped in silence — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jkn.rules.decision import RuleError
from jkn.services.errors import Conflict, Invalid
from jkn.services.unit_of_work import UnitOfWorkError, close_checked, unit_of_work
from jkn.store.reference_tables import MetaRow

SRC = Path(__file__).resolve().parents[2] / "src" / "jkn"


def keys(engine) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(MetaRow.key).where(MetaRow.key.like("uow-%"))))


@pytest.fixture
def clean(db):
    yield db
    with Session(db) as s, unit_of_work(s):
        s.execute(delete(MetaRow).where(MetaRow.key.like("uow-%")))


def test_a_use_case_after_a_read_on_the_same_session_commits(clean):
    with Session(clean) as s:
        s.scalar(select(MetaRow.value).limit(1))  # autobegins a read transaction
        assert s.in_transaction()
        with unit_of_work(s):
            s.add(MetaRow(key="uow-after-read", value="1"))
    assert keys(clean) == {"uow-after-read"}


def test_nested_use_cases_join_the_outer_unit_and_fail_together(clean):
    with Session(clean) as s:
        with pytest.raises(ZeroDivisionError):
            with unit_of_work(s):
                with unit_of_work(s):
                    s.add(MetaRow(key="uow-inner", value="1"))
                s.add(MetaRow(key="uow-outer", value="1"))
                s.flush()
                1 / 0
    assert keys(clean) == set()
    with Session(clean) as s:
        with unit_of_work(s):
            with unit_of_work(s):
                s.add(MetaRow(key="uow-inner", value="1"))
            s.add(MetaRow(key="uow-outer", value="1"))
    assert keys(clean) == {"uow-inner", "uow-outer"}


def test_a_write_outside_any_unit_of_work_fails_loudly_and_is_not_committed(clean):
    with Session(clean) as s:
        s.add(MetaRow(key="uow-stray", value="1"))
        s.flush()
        with pytest.raises(UnitOfWorkError):
            with unit_of_work(s):
                s.add(MetaRow(key="uow-legit", value="1"))
        with pytest.raises(UnitOfWorkError):
            close_checked(s)
    assert keys(clean) == set()


def test_pending_objects_outside_a_unit_of_work_fail_loudly(clean):
    with Session(clean) as s:
        s.scalar(select(MetaRow.value).limit(1))
        s.add(MetaRow(key="uow-pending", value="1"))
        with pytest.raises(UnitOfWorkError):
            with unit_of_work(s):
                pass
    assert keys(clean) == set()


def test_errors_become_domain_errors_and_nothing_is_written(clean):
    with Session(clean) as s, unit_of_work(s):
        s.add(MetaRow(key="uow-dup", value="1"))
    with Session(clean) as s:
        with pytest.raises(Conflict):
            with unit_of_work(s):
                s.add(MetaRow(key="uow-other", value="1"))
                s.add(MetaRow(key="uow-dup", value="2"))
        with pytest.raises(Invalid):
            with unit_of_work(s):
                s.add(MetaRow(key="uow-rule", value="1"))
                s.flush()
                raise RuleError("bad input to a rule")
    assert keys(clean) == {"uow-dup"}


def test_no_code_outside_the_unit_of_work_begins_or_commits_a_session_transaction():
    found = []
    for path in SRC.rglob("*.py"):
        if path.name == "unit_of_work.py" or path.name == "migrate.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\b(session|s)\.(begin|commit)\(\)|\bwith \w+\.begin\(\)", line):
                found.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert found == []
