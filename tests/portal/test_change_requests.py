"""Data-change requests of participants (issue #15) on SQLite and PostgreSQL: files checked (type by
their bytes, size), stored outside the database under their hash, refused requests keep nothing, an
officer of another branch cannot decide, approval applies the change through the data-change service
and refusal needs a reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import pytest
from membership.membership_helpers import nik
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jkn.services.errors import Forbidden, Invalid
from jkn.services.membership import change_requests, uploads
from jkn.services.membership.common import jakarta_today
from jkn.services.membership.uploads import Upload
from jkn.services.portal import auth
from jkn.services.portal.accounts import get_user
from jkn.services.portal.audit import Actor
from jkn.store.membership_tables import ParticipantRow
from jkn.store.request_tables import ChangeRequestFileRow, ChangeRequestRow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


def _as(session: Session, world, who: str):
    user = get_user(session, world.users[who])
    return auth.scope_for(session, user), Actor.of(user, "127.0.0.1")


def _me(session: Session, card: str) -> ParticipantRow:
    return session.scalar(select(ParticipantRow).where(ParticipantRow.card_number == card))


def _count(session: Session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def _newborn(world) -> dict:
    born = jakarta_today() - dt.timedelta(days=5)
    return {"member": {"nik": nik(born, "P", "1271"), "name": "Putri Santoso", "relationship": "CHILD_NATURAL",
                       "birth_date": born.isoformat()}}


def test_files_are_checked_and_a_refused_request_keeps_nothing(world, db):
    with Session(db) as s:
        me = _me(s, world.medan_card)
        _scope, actor = _as(s, world, "budi")
        code = next(i["code"] for i in change_requests.checklist(s, me, "BIRTH")["items"] if i["upload"])
        attempts = {
            "type": [Upload(code, "akta.pdf", b"GIF89a not a birth certificate")],
            "empty": [Upload(code, "akta.pdf", b"")],
            "missing": [],
            "unknown": [Upload(code, "akta.pdf", PDF), Upload("MARRIAGE/2", "nikah.pdf", PDF)],
        }
        for name, files in attempts.items():
            with pytest.raises(Invalid):
                change_requests.submit(s, me, "BIRTH", _newborn(world), files, actor=actor)
        os.environ["JKN_UPLOAD_MAX_KB"] = "1"
        try:
            with pytest.raises(Invalid) as too_large:
                change_requests.submit(s, me, "BIRTH", _newborn(world), [Upload(code, "akta.pdf", PDF + b" " * 2048)],
                                       actor=actor)
            assert "paling besar 1 KB" in too_large.value.message
        finally:
            del os.environ["JKN_UPLOAD_MAX_KB"]
        assert _count(s, ChangeRequestRow) == 0 and _count(s, ChangeRequestFileRow) == 0

        sent = change_requests.submit(s, me, "BIRTH", _newborn(world), [Upload(code, "akta.png", png())], actor=actor)
        assert sent["status"] == "SUBMITTED" and sent["files"][0]["content_type"] == "image/png"
        row = s.get(ChangeRequestFileRow, sent["files"][0]["id"])
        stored = Path(os.environ["JKN_UPLOAD_DIR"]) / row.stored_path
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256 == sent["files"][0]["sha256"]


def test_only_the_branch_decides_approval_applies_the_change_and_refusal_needs_a_reason(world, db):
    with Session(db) as s:
        me = _me(s, world.medan_card)
        _scope, budi = _as(s, world, "budi")
        code = next(i["code"] for i in change_requests.checklist(s, me, "BIRTH")["items"] if i["upload"])
        sent = change_requests.submit(s, me, "BIRTH", _newborn(world), [Upload(code, "akta.pdf", PDF)], actor=budi)
        family_before = s.scalar(select(func.count()).where(ParticipantRow.family_id == me.family_id))

        bekasi_scope, bekasi = _as(s, world, "bekasi")
        with pytest.raises(Forbidden):
            change_requests.approve(s, sent["id"], bekasi_scope, actor=bekasi, documents_seen=[code])
        medan_scope, medan = _as(s, world, "medan")
        # the birth certificate not ticked as seen: the data-change service refuses, the request waits
        with pytest.raises(Invalid):
            change_requests.approve(s, sent["id"], medan_scope, actor=medan, documents_seen=[])
        assert s.get(ChangeRequestRow, sent["id"]).status == "SUBMITTED"
        approved = change_requests.approve(s, sent["id"], medan_scope, actor=medan, documents_seen=[code])
        assert approved["status"] == "APPROVED" and approved["change_id"]
        s.expire_all()
        assert s.scalar(select(func.count()).where(ParticipantRow.family_id == me.family_id)) == family_before + 1
        with pytest.raises(Invalid):
            change_requests.refuse(s, sent["id"], medan_scope, actor=medan, reason="terlambat")

        moved = change_requests.submit(s, _me(s, world.medan_card), "ADDRESS", {"address": "Jl. Baru 7"},
                                       [Upload(c["code"], "ktp.pdf", PDF) for c in
                                        change_requests.checklist(s, me, "ADDRESS")["items"] if c["upload"]], actor=budi)
        with pytest.raises(Invalid):
            change_requests.refuse(s, moved["id"], medan_scope, actor=medan, reason="  ")
        refused = change_requests.refuse(s, moved["id"], medan_scope, actor=medan, reason="KTP tidak terbaca")
        assert refused["status"] == "REFUSED"
        seen = {r["id"]: r for r in change_requests.for_family(s, me.family_id)}
        assert seen[moved["id"]]["refusal_reason"] == "KTP tidak terbaca"
        assert seen[sent["id"]]["status"] == "APPROVED"
        # another family cannot read these requests' files
        joko_scope, _joko = _as(s, world, "joko")
        with pytest.raises(Forbidden):
            change_requests.file_content(s, sent["id"], sent["files"][0]["id"], joko_scope)


def test_a_self_paying_family_changes_class_from_next_month(world, db):
    with Session(db) as s:
        me = _me(s, world.medan_card)
        before = me.care_class
        new = "I" if before != "I" else "II"
        _scope, budi = _as(s, world, "budi")
        assert [i for i in change_requests.checklist(s, me, "CARE_CLASS")["items"] if i["upload"]] == []
        sent = change_requests.submit(s, me, "CARE_CLASS", {"care_class": new}, [], actor=budi)
        assert sent["data"]["effective_date"] == change_requests.next_month(jakarta_today()).isoformat()
        medan_scope, medan = _as(s, world, "medan")
        change_requests.approve(s, sent["id"], medan_scope, actor=medan, documents_seen=[])
        s.expire_all()
        family = s.scalars(select(ParticipantRow).where(ParticipantRow.family_id == me.family_id)).all()
        assert {p.care_class for p in family} == {new}
        # the rules are tried when the request is sent: the same class again is refused at once
        with pytest.raises(Invalid, match="sudah berada di kelas"):
            change_requests.submit(s, me, "CARE_CLASS", {"care_class": new}, [], actor=budi)


@pytest.mark.parametrize("reason", ["x" * (change_requests.REASON_SIZE + 1), " " + "KTP buram " * 60])
def test_a_refusal_reason_longer_than_kept_is_refused_not_cut(world, db, reason):
    with Session(db) as s:
        me = _me(s, world.medan_card)
        _scope, budi = _as(s, world, "budi")
        moved = change_requests.submit(s, me, "ADDRESS", {"address": "Jl. Baru 7"},
                                       [Upload(c["code"], "ktp.pdf", PDF) for c in
                                        change_requests.checklist(s, me, "ADDRESS")["items"] if c["upload"]], actor=budi)
        medan_scope, medan = _as(s, world, "medan")
        with pytest.raises(Invalid) as exc:
            change_requests.refuse(s, moved["id"], medan_scope, actor=medan, reason=reason)
        assert exc.value.details["field"] == "reason"
        assert exc.value.message.startswith("Alasan penolakan") and "paling banyak 500" in exc.value.message
    with Session(db) as s:
        row = s.get(ChangeRequestRow, moved["id"])
        assert row.status == "SUBMITTED" and row.refusal_reason is None
