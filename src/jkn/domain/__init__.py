"""Domain value types: money, months, segments, classes, grades, family members."""
from jkn.domain.care import CareClass, FamilyMember, Grade, MaritalStatus, Relationship
from jkn.domain.money import Rupiah
from jkn.domain.month import Month, add_months
from jkn.domain.segment import GOVERNMENT_WAGE_EARNERS, STATE_PENSIONERS, VETERAN_SEGMENTS, Segment, SegmentGroup

__all__ = [
    "CareClass", "FamilyMember", "Grade", "MaritalStatus", "Relationship", "Rupiah",
    "Month", "add_months", "Segment", "SegmentGroup",
    "GOVERNMENT_WAGE_EARNERS", "STATE_PENSIONERS", "VETERAN_SEGMENTS",
]
