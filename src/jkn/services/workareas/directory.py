"""Read-only answers about the work-area registry and office directory (Perdir 19/2017; guide,
"Daftar Alamat Kantor"). Used alike by the REST API, the web pages and the CLI; writes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

from jkn.i18n import Msg
from jkn.reference import nik as nik_parser
from jkn.reference.names import display_name
from jkn.reference.offices import contact_centre, directory_for_branch, head_office, regional_divisions
from jkn.reference.search import best, search_branches, search_kabkota, suggest_codes
from jkn.reference.workareas import Branch, KabKota, load_workareas
from jkn.services.errors import NotFound

NO_PUBLISHED_ADDRESS = "no published address"


def _deputy_ref(code: str) -> dict:
    deputy = load_workareas().deputy_regions[code]
    return {"code": deputy.code, "name": deputy.name, "class": deputy.klass}


def _branch_ref(branch: Branch) -> dict:
    return {"code": branch.code, "name": branch.name, "class": branch.klass}


def region_view(kabkota: KabKota) -> dict:
    """A kab/kota with its branch, deputy region and district-office class (null for a seat)."""
    branch = load_workareas().branches[kabkota.branch_code]
    is_seat = branch.seat_kabkota_code == kabkota.code
    return {
        "code": kabkota.code,
        "name": display_name(kabkota.name),
        "official_name": kabkota.name,
        "jenis": kabkota.jenis,
        "province": display_name(kabkota.province),
        "province_code": kabkota.province_code,
        "branch": _branch_ref(branch),
        "deputy_region": _deputy_ref(branch.deputy_region_code),
        "district_office_class": None if is_seat else (kabkota.district_office_class or None),
        "is_branch_seat": is_seat,
    }


def _short_region(kabkota: KabKota) -> dict:
    return {"code": kabkota.code, "name": display_name(kabkota.name)}


def get_region(code: str) -> dict:
    kabkota = load_workareas().kabkota.get(code.strip())
    if kabkota is None:
        raise NotFound(Msg("error.workarea.kabkota_unknown", code=repr(code)), _region_suggestions(code))
    return region_view(kabkota)


def _region_suggestions(text: str) -> list[dict]:
    workareas = load_workareas()
    by_name = [_short_region(m.item) for m in search_kabkota(text, limit=5)]
    if by_name:
        return by_name
    return [_short_region(workareas.kabkota[c]) for c in suggest_codes(text, list(workareas.kabkota))]


def find_regions(query: str, limit: int = 10) -> list[dict]:
    """Ranked kab/kota matches for a name, each with its score."""
    return [{**region_view(m.item), "score": m.score} for m in search_kabkota(query, limit=limit)]


def directory_entry(branch: Branch) -> dict | None:
    office = directory_for_branch(branch.name)
    return asdict(office) if office else None


def branch_view(branch: Branch, with_kabkota: bool = True) -> dict:
    workareas = load_workareas()
    view = {
        **_branch_ref(branch),
        "deputy_region": _deputy_ref(branch.deputy_region_code),
        "seat": _short_region(workareas.kabkota[branch.seat_kabkota_code]) if branch.seat_kabkota_code else None,
    }
    if with_kabkota:
        entry = directory_entry(branch)
        view["kabkota"] = [
            {**_short_region(k), "district_office_class": k.district_office_class or None,
             "is_branch_seat": k.code == branch.seat_kabkota_code}
            for k in sorted(workareas.kabkota.values(), key=lambda k: (k.code != branch.seat_kabkota_code, k.code))
            if k.branch_code == branch.code
        ]
        view["directory"] = entry
        view["directory_status"] = "published" if entry else NO_PUBLISHED_ADDRESS
    return view


def list_branches() -> list[dict]:
    return [branch_view(b, with_kabkota=False) for b in load_workareas().branches.values()]


def get_branch(code: str) -> dict:
    workareas = load_workareas()
    branch = workareas.branches.get(code.strip())
    if branch is None:
        by_name = [{"code": m.item.code, "name": m.item.name} for m in search_branches(code, limit=5)]
        suggestions = by_name or [
            {"code": c, "name": workareas.branches[c].name} for c in suggest_codes(code, list(workareas.branches))
        ]
        raise NotFound(Msg("error.workarea.branch_unknown", code=repr(code)), suggestions)
    return branch_view(branch)


def list_deputy_regions() -> list[dict]:
    workareas = load_workareas()
    return [
        {
            **_deputy_ref(d.code),
            "branches": [_branch_ref(b) for b in workareas.branches.values() if b.deputy_region_code == d.code],
        }
        for d in workareas.deputy_regions.values()
    ]


def lookup_nik(nik: str) -> dict:
    """Birth date, sex and the region (→ branch) encoded in a NIK; raises ``NikError``."""
    info = nik_parser.parse(nik)
    return {
        "nik": info.nik,
        "birth_date": info.birth_date.isoformat(),
        "sex": info.sex,
        "region_code_in_nik": info.region_code_in_nik,
        "resolved_via": info.resolved_via,
        "region": region_view(info.region),
    }


def which_office(query: str) -> dict:
    """"Which office serves me": a NIK or a kab/kota name → the branch with its contacts.

    A name several kab/kota share equally ("Bekasi": Kab. Bekasi → KC Cikarang, Kota Bekasi → KC Bekasi;
    "Jakarta": five cities) is a question, not an answer: ``answers`` holds each of them side by side,
    ``ambiguous`` is true, and ``region``/``branch`` are the first only for callers that read one."""
    text = query.strip()
    if text.replace(" ", "").isdigit():
        regions = [lookup_nik(text)["region"]]
    else:
        matches = best(search_kabkota(text, limit=10))
        if not matches:
            raise NotFound(Msg("error.workarea.kabkota_no_match", query=repr(query)), [])
        regions = [region_view(m.item) for m in matches]
    answers = [{"region": region, "branch": get_branch(region["branch"]["code"])} for region in regions]
    return {**answers[0], "ambiguous": len(answers) > 1, "answers": answers, "contact_centre": asdict(contact_centre())}


def find_branch(query: str) -> dict:
    """A branch by code or by a name that names one branch; several equally good names are refused with
    them as suggestions ("Jakarta": Jakarta Pusat, Barat, Selatan, Timur, Utara)."""
    try:
        return get_branch(query)
    except NotFound as exc:
        matches = best(search_branches(query, limit=10))
        if query.strip().isdigit() or not matches:
            raise
        if len(matches) > 1:
            raise NotFound(Msg("error.workarea.branch_ambiguous", query=repr(query)),
                           [{"code": m.item.code, "name": m.item.name} for m in matches]) from exc
        return get_branch(matches[0].item.code)


def offices_overview() -> dict:
    return {
        "head_office": asdict(head_office()),
        "regional_divisions": [asdict(o) for o in regional_divisions()],
        "contact_centre": asdict(contact_centre()),
    }


EXPORT_COLUMNS = [
    "deputy_region_code", "deputy_region_name", "deputy_region_class",
    "branch_code", "branch_name", "branch_class",
    "kabkota_code", "kabkota_name", "province", "district_office_class", "is_branch_seat",
]


def hierarchy_rows() -> list[dict]:
    """One row per kab/kota with its branch and deputy region, in code order."""
    rows = []
    for kabkota in sorted(load_workareas().kabkota.values(), key=lambda k: k.code):
        view = region_view(kabkota)
        rows.append({
            "deputy_region_code": view["deputy_region"]["code"],
            "deputy_region_name": view["deputy_region"]["name"],
            "deputy_region_class": view["deputy_region"]["class"],
            "branch_code": view["branch"]["code"],
            "branch_name": view["branch"]["name"],
            "branch_class": view["branch"]["class"],
            "kabkota_code": view["code"],
            "kabkota_name": view["name"],
            "province": view["province"],
            "district_office_class": view["district_office_class"] or "",
            "is_branch_seat": "yes" if view["is_branch_seat"] else "no",
        })
    return rows


def hierarchy_csv() -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(hierarchy_rows())
    return buffer.getvalue()


def hierarchy_json() -> list[dict]:
    """Deputy regions → branches (with seat and kab/kota) as nested JSON."""
    workareas = load_workareas()
    return [
        {**d, "branches": [branch_view(workareas.branches[b["code"]]) for b in d["branches"]]}
        for d in list_deputy_regions()
    ]
