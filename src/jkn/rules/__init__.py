"""The participant guide (seed 001) as pure, cited rules evaluated as of an event date.

Every public function returns a :class:`Decision` (value + cited steps) or raises
:class:`RuleError` with a message that says what to fix. See docs/rules.md.
"""
from jkn.rules.care_class import care_class
from jkn.rules.contribution import Contribution, Line, due_date, monthly_contribution
from jkn.rules.coverage import (
                                check_fktp_change,
                                check_fktp_registration,
                                check_service,
                                covered_services,
                                delivery_number,
                                exclusions,
)
from jkn.rules.decision import Decision, RuleError, Step
from jkn.rules.documents import (
                                Circumstances,
                                change_documents,
                                change_types,
                                family_member_documents,
                                registration_documents,
                                registration_options,
)
from jkn.rules.family import FamilyCheck, MemberStatus, check_family, child_eligible, child_status_ends
from jkn.rules.parameters import JKN_START, param, param_entry
from jkn.rules.penalty import assess_penalty, lateness, penalty_charge, reactivation, suspension_start, suspensions
from jkn.rules.ranks import grade_of, rank_table, search_ranks
from jkn.rules.segments import check_eligibility, list_segments
from jkn.rules.settlement import settle

__all__ = [
    "Decision", "RuleError", "Step", "JKN_START", "param", "param_entry",
    "check_eligibility", "list_segments", "check_family", "child_eligible", "child_status_ends", "FamilyCheck", "MemberStatus",
    "monthly_contribution", "due_date", "Contribution", "Line", "assess_penalty", "reactivation",
    "lateness", "penalty_charge", "suspension_start", "suspensions", "settle",
    "rank_table", "search_ranks", "grade_of", "care_class",
    "check_fktp_change", "check_fktp_registration", "check_service", "covered_services", "exclusions",
    "delivery_number",
    "registration_documents", "registration_options", "family_member_documents", "change_documents",
    "change_types", "Circumstances",
]
