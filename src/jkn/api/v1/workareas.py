"""/api/v1 endpoints for the work-area registry (Perdir 19/2017) and the office directory."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from jkn.api.errors import problem
from jkn.services.workareas import directory

router = APIRouter(tags=["work areas"])

NOT_FOUND = {404: problem("Unknown code or name; the body lists the closest suggestions")}
BAD_NIK = {422: problem("Malformed NIK; `field` says what is wrong (digits, length, date, serial, region)")}


@router.get("/regions", summary="Search kabupaten/kota by name")
def search_regions(q: str = Query(..., min_length=1, description="a name as people write it, e.g. 'Kab. Tulung Agung'"),
                   limit: int = Query(10, ge=1, le=50)) -> list[dict]:
    return directory.find_regions(q, limit=limit)


@router.get("/regions/{code}", summary="A kabupaten/kota with its branch and deputy region", responses=NOT_FOUND)
def get_region(code: str) -> dict:
    return directory.get_region(code)


@router.get("/branches", summary="All 127 branch offices (Kantor Cabang)")
def list_branches() -> list[dict]:
    return directory.list_branches()


@router.get("/branches/{code}", summary="A branch with its kab/kota and directory entry", responses=NOT_FOUND)
def get_branch(code: str) -> dict:
    return directory.get_branch(code)


@router.get("/deputy-regions", summary="The 13 deputy regions (Kedeputian Wilayah) with their branches")
def list_deputy_regions() -> list[dict]:
    return directory.list_deputy_regions()


@router.get("/nik/{nik}", summary="Birth date, sex and region encoded in a NIK", responses=BAD_NIK)
def lookup_nik(nik: str) -> dict:
    return directory.lookup_nik(nik)


@router.get("/which-office", summary="Which office serves me: a kab/kota name or a NIK", responses={**NOT_FOUND, **BAD_NIK})
def which_office(q: str = Query(..., min_length=1)) -> dict:
    return directory.which_office(q)


@router.get("/offices", summary="Head office, regional divisions and the national call centre")
def offices() -> dict:
    return directory.offices_overview()


@router.get("/export/hierarchy.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}},
            summary="The whole hierarchy as CSV")
def export_csv() -> PlainTextResponse:
    return PlainTextResponse(
        directory.hierarchy_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="jkn-wilayah-kerja-2017.csv"'},
    )


@router.get("/export/hierarchy.json", summary="The whole hierarchy as nested JSON")
def export_json() -> list[dict]:
    return directory.hierarchy_json()
