"""The audit trail: who did what, when, where, to which object, with a before/after summary.

Every use case that writes takes the :class:`Actor` of the request and records its own audit row
inside its unit of work (jkn.services.unit_of_work), so a change and its audit row are committed
together or not at all, and no door (REST, page, VClaim, CLI) can leave the row out. The actor is
who authenticated, never a name the client sends: a portal user (with role and facility), a VClaim
consumer (``vclaim:<cons-id>`` at its facility), the holder of the admin token, or the operating-
system user of the CLI (``cli:<user>``). The table is append-only: nothing here updates or deletes
a row, and the database refuses it (migration 0006h).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from jkn.domain import json_text
from jkn.i18n import Msg
from jkn.i18n.message import Rp
from jkn.services.paging import page
from jkn.store.facility_tables import FacilityRow
from jkn.store.portal_tables import AuditEventRow, UserAccountRow
from jkn.store.prepared import PreparedRead, PreparedWrite
from jkn.store.reference_tables import KabKotaRow

SUMMARY_LIMIT = 2000
VCLAIM, CLI, ADMIN_TOKEN, BANK = "VCLAIM", "CLI", "ADMIN_TOKEN", "BANK"


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, a VClaim consumer, the CLI or the system. ``client`` is an IP
    address or 'cli'; ``facility_code`` the facility the actor works for (facility staff, VClaim)."""

    name: str
    user_id: int | None = None
    role: str | None = None
    client: str | None = None
    facility_code: str | None = None

    @classmethod
    def of(cls, user: UserAccountRow | None, client: str | None = None) -> "Actor":
        if user is None:
            return cls("anonymous", client=client)
        return cls(user.username, user.id, user.role, client, user.facility_code)

    @classmethod
    def cli(cls) -> "Actor":
        """The operating-system user running ``jkn`` (the CLI has no log-in: whoever can reach the database)."""
        try:
            who = getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name in some containers
            who = "unknown"
        return cls(f"cli:{who}"[:60], role=CLI, client="cli")

    @classmethod
    def vclaim(cls, cons_id: str, facility_code: str, client: str | None) -> "Actor":
        """A SIMRS signed in with its consumer credentials; the body's ``user`` is only what it claims."""
        return cls(f"vclaim:{cons_id}", role=VCLAIM, client=client, facility_code=facility_code)

    @classmethod
    def bank(cls, code: str, client: str | None) -> "Actor":
        """A bank that signed an ``/h2h`` request with its secret (docs/h2h.md)."""
        return cls(f"bank:{code}", role=BANK, client=client)

    @classmethod
    def admin_token(cls, client: str | None) -> "Actor":
        """Whoever holds ``JKN_ADMIN_TOKEN`` (VClaim consumer management over HTTP)."""
        return cls("admin-token", role=ADMIN_TOKEN, client=client)


SYSTEM = Actor("system")


def branch_of_kabkota(session: Session, kabkota_code: str | None) -> str | None:
    """The branch serving a kab/kota: the branch whose officers see what happens there."""
    if not kabkota_code:
        return None
    row = _BRANCH.first(session, {"code": kabkota_code})
    return row.branch_code if row else None


_KABKOTA = KabKotaRow.__table__
_BRANCH = PreparedRead(select(_KABKOTA.c.branch_code).where(_KABKOTA.c.code == bindparam("code")))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(session: Session, actor: Actor, action: str, *, object_type: str | None = None,
           object_id: Any = None, branch_code: str | None = None, facility_code: str | None = None,
           summary: str | Msg | None = None, before: dict | None = None, after: dict | None = None) -> int:
    """Add one audit row to the session's current transaction (the use case's unit of work): its id;
    ``facility_code`` defaults to the actor's facility. A :class:`~jkn.i18n.Msg` summary is kept as its
    key and values and read in the reader's language (:func:`summary_text`). One INSERT, at once
    (what the session holds is flushed first, so a row it names exists)."""
    return insert_row(session, columns(actor, action, object_type=object_type, object_id=object_id,
                                       branch_code=branch_code, facility_code=facility_code, summary=summary,
                                       before=before, after=after))


def insert_row(session: Session, row: dict) -> int:
    """Insert the audit row of :func:`columns` ``row`` (its time now) in the session's transaction: its id."""
    return PreparedWrite.first(session, _INSERT, row)[0]


def columns(actor: Actor, action: str, *, object_type: str | None = None, object_id: Any = None,
            branch_code: str | None = None, facility_code: str | None = None, summary: str | Msg | None = None,
            before: dict | None = None, after: dict | None = None) -> dict:
    """The columns of the audit row :func:`record` inserts (all but ``id`` and ``at``), for a statement
    that inserts it together with the change it records (``TABLE``)."""
    if isinstance(summary, Msg):
        summary = MSG_MARK + json_text.dumps(_kept(summary))
    return dict(
        actor=actor.name[:60], actor_id=actor.user_id, role=actor.role, action=action[:60],
        object_type=object_type, object_id=None if object_id is None else str(object_id)[:60],
        branch_code=branch_code, facility_code=facility_code or actor.facility_code,
        summary=(summary or "")[:SUMMARY_LIMIT] or None,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        client=(actor.client or None) and actor.client[:64],
    )


TABLE = AuditEventRow.__table__


def inserted_with(change, keys: tuple[str, ...], at, **given):
    """A CTE inserting the audit row of ``change`` (a CTE of the insert it records; no row: no audit row)
    in the same statement: the :func:`columns` ``keys`` as the parameters ``audit_<key>`` (see
    :func:`parameters`), those in ``given`` as the SQL expressions given, at the time ``at``."""
    names = [k for k in keys if k not in given]
    values = [bindparam(f"audit_{k}", type_=TABLE.c[k].type) for k in names]
    return insert(TABLE).from_select(names + list(given) + ["at"], select(*values, *given.values(), at).select_from(
        change)).returning(TABLE.c.id).cte("audited")


def parameters(row: dict) -> dict:
    """The parameters of :func:`inserted_with` for the audit row of :func:`columns` ``row`` (typed:
    SQLAlchemy, or :class:`jkn.store.prepared.PreparedWrite`, serializes the JSON columns)."""
    return {f"audit_{k}": v for k, v in row.items()}


_INSERT = insert(TABLE).returning(TABLE.c.id)  # built once (compiled form cached)


#: the start of a summary kept as a catalogue message (``§{"key": ..., "values": {...}}``)
MSG_MARK = "§"


def summary_text(summary: str | None, lang: str) -> str:
    """An audit summary as the reader reads it: a kept message in ``lang``; older free text as written."""
    if not summary:
        return ""
    if summary.startswith(MSG_MARK):
        return _message(json.loads(summary[len(MSG_MARK):])).render(lang)
    return summary


def _kept(value: Any) -> Any:
    """A message (and the messages, amounts and dates in its values) as JSON."""
    if isinstance(value, Msg):
        return {"key": value.key, "values": {k: _kept(v) for k, v in value.values.items()}}
    if isinstance(value, Rp):
        return {"rp": value.amount}
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return {"date": value.isoformat()}  # read as a date of the reader's language
    return _jsonable(value)


def _message(kept: Any) -> Any:
    if isinstance(kept, dict) and "key" in kept:
        return Msg(kept["key"], **{k: _message(v) for k, v in kept["values"].items()})
    if isinstance(kept, dict) and "rp" in kept:
        return Rp(kept["rp"])
    if isinstance(kept, dict) and "date" in kept:
        return dt.date.fromisoformat(kept["date"])
    return kept


def record_at_facility(session: Session, actor: Actor, action: str, facility: FacilityRow, *, object_type: str,
                       object_id: Any, summary: str | Msg, before: dict | None = None,
                       after: dict | None = None) -> int:
    """An audit row for a record kept at ``facility`` (care records, staff, VClaim consumers): for
    the officers of the branch serving the facility's kab/kota (:func:`branch_of`)."""
    return record(session, actor, action, object_type=object_type, object_id=object_id, facility_code=facility.code,
                  branch_code=branch_of(session, facility), summary=summary, before=before, after=after)


def branch_of(session: Session, facility: FacilityRow) -> str | None:
    """The branch serving ``facility``'s kab/kota: read with the facility when its light row joined it
    (``jkn.services.care.common.facility(brief=True)``), otherwise looked up."""
    return (facility.kabkota_branch_code if hasattr(facility, "kabkota_branch_code")
            else branch_of_kabkota(session, facility.kabkota_code))


def changed_summary(fields) -> Msg:
    """An update's summary: how many items changed (which, and their values, are in before/after)."""
    n = len(list(fields))
    return Msg("audit.sum.changed", n=n) if n else Msg("audit.sum.unchanged")


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose value changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def recent(session: Session, *, branch_codes: frozenset[str] | None = None, actor_id: int | None = None,
           object_type: str | None = None, object_id: str | None = None, action: str | None = None,
           limit: int = 100) -> list[AuditEventRow]:
    """The newest audit rows, optionally for some branches, one actor, one object or one action."""
    stmt = _recent(branch_codes=branch_codes, actor_id=actor_id, object_type=object_type, object_id=object_id,
                   action=action)
    return list(session.scalars(stmt.limit(limit)))


def recent_page(session: Session, *, limit: int, offset: int = 0) -> dict:
    """One page of every audit row, newest first, the rows themselves as items (jkn.services.paging)."""
    return page(session, _recent(branch_codes=None, actor_id=None, object_type=None, object_id=None, action=None),
                limit, offset)


def _recent(*, branch_codes: frozenset[str] | None, actor_id: int | None, object_type: str | None,
            object_id: str | None, action: str | None):
    stmt = select(AuditEventRow).order_by(AuditEventRow.id.desc())
    if action is not None:
        stmt = stmt.where(AuditEventRow.action == action)
    if branch_codes is not None:
        stmt = stmt.where(AuditEventRow.branch_code.in_(branch_codes))
    if actor_id is not None:
        stmt = stmt.where(AuditEventRow.actor_id == actor_id)
    if object_type is not None:
        stmt = stmt.where(AuditEventRow.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEventRow.object_id == str(object_id))
    return stmt
