"""Who may see and do what: a user's scope (kab/kota, employer, family, facility) and capabilities.

Every portal page and every protected REST endpoint (jkn.api.security) ask this module before
reading or changing anything:
``scope = scope_for(session, user)`` then ``check_participant(scope, row)`` (raises
``Forbidden``), or ``participant_filter(scope)`` in a query. A branch officer sees and acts
only within the kab/kota their branch serves (Perdir 19/2017 work areas); a regional manager
within the branches of their deputy region; head office and administrators everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from jkn.i18n import Msg
from jkn.services.errors import Forbidden
from jkn.services.portal.accounts import (
    ADMIN,
    BRANCH_OFFICER,
    EMPLOYER_ADMIN,
    FACILITY_STAFF,
    HEAD_OFFICE,
    OFFICE_ROLES,
    PARTICIPANT,
    REGIONAL_MANAGER,
)
from jkn.store.billing_tables import PayerRow
from jkn.store.facility_tables import FacilityRow
from jkn.store.membership_tables import EmployerRow, ParticipantRow
from jkn.store.portal_tables import UserAccountRow
from jkn.store.reference_tables import BranchRow, KabKotaRow

#: What an office acts on at a facility of its work area (REST API; the portal's facility pages
#: are for facility staff only): eligibility, visits, referrals, SEPs, emergencies, ambulance.
_CARE_DESK = frozenset({"eligibility.check", "referral.issue", "sep.issue", "care.record"})

#: What each role may do (page areas and actions); checked with :func:`require`. The REST API
#: (jkn.api.security) asks the same table; employer, facility, billing-run and payment writes
#: exist only there.
CAPABILITIES: dict[str, frozenset[str]] = {
    ADMIN: frozenset({"users.manage", "participant.read", "participant.register", "participant.change",
                      "card.print", "billing.read", "complaint.handle", "complaint.record", "dashboard",
                      "audit.read", "employer.read", "employer.register", "employer.change", "facility.manage",
                      "billing.run", "payment.record", "payment.counter"}) | _CARE_DESK,
    HEAD_OFFICE: frozenset({"participant.read", "billing.read", "complaint.handle", "complaint.record",
                            "dashboard", "audit.read", "employer.read"}),
    REGIONAL_MANAGER: frozenset({"participant.read", "billing.read", "complaint.handle", "complaint.record",
                                 "dashboard", "audit.read", "employer.read"}),
    BRANCH_OFFICER: frozenset({"participant.read", "participant.register", "participant.change", "card.print",
                               "billing.read", "complaint.handle", "complaint.record", "dashboard",
                               "audit.read", "employer.read", "employer.register", "employer.change",
                               "facility.manage", "payment.counter"}) | _CARE_DESK,  # the cashier's counter
    EMPLOYER_ADMIN: frozenset({"employer.self", "employer.upload", "employer.bills"}),
    PARTICIPANT: frozenset({"participant.self", "fktp.change", "complaint.file", "card.print"}),  # own family's cards
    FACILITY_STAFF: frozenset({"eligibility.check", "referral.issue", "sep.issue", "care.record"}),
}

#: The page each role lands on after logging in.
HOME: dict[str, str] = {
    ADMIN: "/petugas", HEAD_OFFICE: "/dasbor", REGIONAL_MANAGER: "/dasbor", BRANCH_OFFICER: "/petugas",
    EMPLOYER_ADMIN: "/pemberi-kerja", PARTICIPANT: "/peserta", FACILITY_STAFF: "/faskes",
}


@dataclass(frozen=True)
class Scope:
    """What a user may see. ``kabkota_codes``/``branch_codes`` None means every one (national)."""

    user_id: int
    username: str
    role: str
    branch_codes: frozenset[str] | None = None
    kabkota_codes: frozenset[str] | None = None
    deputy_region_code: str | None = None
    branch_code: str | None = None
    employer_id: int | None = None
    family_id: int | None = None
    participant_id: int | None = None
    facility_code: str | None = None
    facility_level: str | None = None  # FKTP / FKRTL of a facility user: the desk shows what that level does

    @property
    def national(self) -> bool:
        return self.role in (ADMIN, HEAD_OFFICE)

    @property
    def is_office(self) -> bool:
        return self.role in OFFICE_ROLES

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, frozenset())

    def sees_kabkota(self, code: str | None) -> bool:
        if not self.is_office:
            return False
        return self.kabkota_codes is None or code in self.kabkota_codes

    def sees_branch(self, code: str | None) -> bool:
        if not self.is_office:
            return False
        return self.branch_codes is None or code in self.branch_codes


def scope_for(session: Session, user: UserAccountRow) -> Scope:
    """The scope of ``user``, read from the work-area tables (one or two small queries)."""
    base = dict(user_id=user.id, username=user.username, role=user.role)
    if user.role in (ADMIN, HEAD_OFFICE):
        return Scope(**base)
    if user.role == REGIONAL_MANAGER:
        branches = frozenset(session.scalars(select(BranchRow.code).where(
            BranchRow.deputy_region_code == user.deputy_region_code)))
        kabkota = frozenset(session.scalars(select(KabKotaRow.code).where(KabKotaRow.branch_code.in_(branches))))
        return Scope(**base, branch_codes=branches, kabkota_codes=kabkota, deputy_region_code=user.deputy_region_code)
    if user.role == BRANCH_OFFICER:
        kabkota = frozenset(session.scalars(select(KabKotaRow.code).where(KabKotaRow.branch_code == user.branch_code)))
        deputy = session.scalar(select(BranchRow.deputy_region_code).where(BranchRow.code == user.branch_code))
        return Scope(**base, branch_codes=frozenset({user.branch_code}), kabkota_codes=kabkota,
                     deputy_region_code=deputy, branch_code=user.branch_code)
    if user.role == EMPLOYER_ADMIN:
        return Scope(**base, employer_id=user.employer_id, branch_codes=frozenset(), kabkota_codes=frozenset())
    if user.role == PARTICIPANT:
        family_id = session.scalar(select(ParticipantRow.family_id).where(ParticipantRow.id == user.participant_id))
        return Scope(**base, participant_id=user.participant_id, family_id=family_id,
                     branch_codes=frozenset(), kabkota_codes=frozenset())
    if user.role == FACILITY_STAFF:
        level = session.scalar(select(FacilityRow.level).where(FacilityRow.code == user.facility_code))
        return Scope(**base, facility_code=user.facility_code, facility_level=level, branch_codes=frozenset(),
                     kabkota_codes=frozenset())
    return Scope(**base, branch_codes=frozenset(), kabkota_codes=frozenset())


# --- checks ----------------------------------------------------------------------------------


def may_not(role: str, *capabilities: str) -> Forbidden:
    """403: ``role`` may not do any of ``capabilities``, said in words (``capability.<code>``); the
    permission codes stay for machines in ``permission`` (the API's Problem body)."""
    what = Msg(f"capability.{capabilities[0]}")
    for capability in capabilities[1:]:
        what = Msg("capability.or", first=what, rest=Msg(f"capability.{capability}"))
    return Forbidden(Msg("error.auth.role_may_not_do", role=Msg(f"role.{role}"), capability=what),
                     permission=list(capabilities))


def require(scope: Scope, capability: str) -> None:
    if not scope.can(capability):
        raise may_not(scope.role, capability)


def participant_filter(scope: Scope) -> ColumnElement[bool]:
    """A WHERE clause on ``participant`` limiting a query to what ``scope`` may see."""
    if scope.is_office:
        return true() if scope.kabkota_codes is None else ParticipantRow.kabkota_code.in_(scope.kabkota_codes)
    if scope.role == EMPLOYER_ADMIN and scope.employer_id is not None:
        return ParticipantRow.employer_id == scope.employer_id
    if scope.role == PARTICIPANT and scope.family_id is not None:
        return ParticipantRow.family_id == scope.family_id
    return false()


def may_see_participant(scope: Scope, participant: ParticipantRow) -> bool:
    if scope.is_office:
        return scope.sees_kabkota(participant.kabkota_code)
    if scope.role == EMPLOYER_ADMIN:
        return scope.employer_id is not None and participant.employer_id == scope.employer_id
    if scope.role == PARTICIPANT:
        return scope.family_id is not None and participant.family_id == scope.family_id
    return False


def check_participant(scope: Scope, participant: ParticipantRow) -> ParticipantRow:
    """Refuse (403) a participant outside the scope; the message names no personal data."""
    if not may_see_participant(scope, participant):
        raise Forbidden(Msg("error.scope.participant_outside_area") if scope.is_office
                        else Msg("error.scope.participant_not_yours"))
    return participant


def check_family(session: Session, scope: Scope, family_id: int) -> None:
    """A family is visible when one of its members is (an office sees a family registered in
    its kab/kota; a participant only their own)."""
    if scope.role == PARTICIPANT:
        if scope.family_id != family_id:
            raise Forbidden(Msg("error.auth.family_not_yours"))
        return
    found = session.scalar(select(ParticipantRow.id).where(ParticipantRow.family_id == family_id,
                                                           participant_filter(scope)).limit(1))
    if found is None:
        raise Forbidden(Msg("error.auth.family_outside"))


def check_employer(scope: Scope, employer: EmployerRow) -> EmployerRow:
    if scope.is_office and scope.sees_branch(employer.branch_code):
        return employer
    if scope.role == EMPLOYER_ADMIN and scope.employer_id == employer.id:
        return employer
    raise Forbidden(Msg("error.auth.employer_outside"))


def check_branch(scope: Scope, branch_code: str) -> None:
    if not scope.sees_branch(branch_code):
        raise Forbidden(Msg("error.auth.branch_outside"))


def check_facility(scope: Scope, facility: FacilityRow) -> FacilityRow:
    if scope.role == FACILITY_STAFF and scope.facility_code == facility.code:
        return facility
    if scope.is_office and scope.sees_kabkota(facility.kabkota_code):
        return facility
    raise Forbidden(Msg("error.auth.facility_not_yours"))


def check_payer(session: Session, scope: Scope, payer: PayerRow) -> PayerRow:
    """A payer account (its bills, payments, statement): an employer's to its administrator and
    the offices of its branch, a family's to the family and the offices that see a member, the
    government's (PBI, veterans: the whole country) to head office and administrators only."""
    if scope.national:
        return payer
    if payer.kind == "EMPLOYER" and payer.employer_id is not None:
        employer = session.get(EmployerRow, payer.employer_id)
        if employer is not None and scope.role != PARTICIPANT:
            return check_employer(scope, employer)
    elif payer.kind == "FAMILY" and payer.family_id is not None:
        if scope.role == PARTICIPANT or scope.is_office:
            check_family(session, scope, payer.family_id)
            return payer
    raise Forbidden(Msg("error.scope.payer_outside_area") if scope.is_office else Msg("error.scope.payer_not_yours"))


def may_see_care_record(session: Session, scope: Scope, facility_codes: Iterable[str | None],
                        participant: ParticipantRow | None) -> bool:
    """A visit, referral, control letter, SEP or emergency case: facility staff see those of their
    facility; an office those at a facility of its work area or of a participant it sees; a
    participant those of their family."""
    codes = {c for c in facility_codes if c}
    if scope.national:
        return True
    if scope.role == FACILITY_STAFF:
        return scope.facility_code is not None and scope.facility_code in codes
    if scope.role == PARTICIPANT:
        return participant is not None and may_see_participant(scope, participant)
    if scope.is_office:
        if participant is not None and may_see_participant(scope, participant):
            return True
        if codes:
            kabkota = session.scalars(select(FacilityRow.kabkota_code).where(FacilityRow.code.in_(codes)))
            return any(scope.sees_kabkota(k) for k in kabkota)
    return False


def check_care_record(session: Session, scope: Scope, facility_codes: Iterable[str | None],
                      participant: ParticipantRow | None) -> None:
    if not may_see_care_record(session, scope, facility_codes, participant):
        raise Forbidden(Msg("error.scope.record_other_facility") if scope.role == FACILITY_STAFF
                        else Msg("error.scope.record_outside_area"))


def visible_branches(session: Session, scope: Scope) -> list[BranchRow]:
    """Branches the scope covers, for filters and the dashboard."""
    stmt = select(BranchRow).order_by(BranchRow.code)
    if scope.branch_codes is not None:
        stmt = stmt.where(BranchRow.code.in_(scope.branch_codes))
    return list(session.scalars(stmt))
