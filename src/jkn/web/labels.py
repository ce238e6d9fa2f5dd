"""Names, not codes, on the pages (issue 11 item 4): Jinja filters that turn the codes the services
hand over (segments, statuses, roles, sectors, audit actions, contribution lines, durations) into the
words of the page's language. A code with no name in the catalogue is shown as it is."""

from __future__ import annotations

import re
from datetime import timedelta

from jinja2 import pass_context

from jkn.i18n import Msg, N_
from jkn.i18n.catalogue import catalogue, text
from jkn.reference.workareas import kabkota_label as kabkota

#: the catalogue prefix of each kind of code
PREFIXES = {"segment": "segment.", "pstatus": "pstatus.", "role": "role.", "sector": "sector.", "action": "audit.action.",
            "object": "audit.object.", "payer": "payer.", "actor": "audit.actor."}
#: the English texts of the contribution calculator's lines (jkn.rules.contribution), as catalogue messages
LINE_TEXTS = (
    (re.compile(r"participant / family member #(\d+)"), N_("line.family_member")),
    (re.compile(r"contribution of participant and core family"), N_("line.core_family")),
    (re.compile(r"additional family member #(\d+)"), N_("line.additional_member")),
    (re.compile(r"PBI participant #(\d+)"), N_("line.pbi_participant")),
    (re.compile(r"veteran / pioneer contribution #(\d+)"), N_("line.veteran")),
    (re.compile(r"class (I|II|III) flat"), N_("line.class_flat")),
    (re.compile(r"per person"), N_("line.per_person")),
    (re.compile(r"(\d+(?:\.\d+)?)% of (\d+(?:\.\d+)?)%"), N_("line.percent_of")),
)


def name_of(kind: str, code, lang: str) -> str:
    """The name of ``code`` of ``kind`` (``segment``, ``role``...) in ``lang``; the code itself if it has none."""
    if code is None or code == "":
        return ""
    key = PREFIXES[kind] + str(code)
    return text(lang, key) if key in catalogue("id") else str(code)


def line_text(value: str, lang: str) -> str:
    """A contribution line's item or rate in ``lang`` (``participant / family member #2`` →
    ``peserta / anggota keluarga ke-2``)."""
    for pattern, key in LINE_TEXTS:
        m = pattern.fullmatch(value or "")
        if m:
            return Msg(key.key, **{f"v{i}": g for i, g in enumerate(m.groups(), 1)}).render(lang)
    return value


def duration(minutes, lang: str) -> str:
    """Days and hours, or hours and minutes, or minutes (``2 hari 3 jam``, ``5 menit``)."""
    if minutes is None:
        return ""
    if isinstance(minutes, timedelta):
        minutes = int(minutes.total_seconds() // 60)
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return Msg("duration.days_hours", days=days, hours=hours).render(lang)
    if hours:
        return Msg("duration.hours_minutes", hours=hours, minutes=mins).render(lang)
    return Msg("duration.minutes", minutes=mins).render(lang)


def coded(code, name) -> str:
    """A code with its name beside (``A09 · Diarrhoea and gastroenteritis ...``): ICD-10 titles are English
    reference data with no Indonesian source (assumption A-L02), so the code clerks use stays beside them."""
    return f"{code} · {name}" if name else str(code or "")


def install(env) -> None:
    """Add the filters: ``{{ p.segment|name("segment") }}``, ``{{ line.item|line }}``, ``{{ m|duration }}``."""

    @pass_context
    def name(context, code, kind):
        return name_of(kind, code, context.get("lang", "id"))

    @pass_context
    def line(context, value):
        return line_text(value, context.get("lang", "id"))

    @pass_context
    def in_duration(context, minutes):
        return duration(minutes, context.get("lang", "id"))

    @pass_context
    def audit_summary(context, summary):
        from jkn.services.portal.audit import summary_text

        return summary_text(summary, context.get("lang", "id"))

    env.filters.update(name=name, line=line, duration=in_duration, audit_summary=audit_summary, kabkota=kabkota,
                       coded=coded)
