"""Public pages: the work-area hierarchy, search, branch and kab/kota pages, "which office serves me"."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from jkn.reference.nik import NikError
from jkn.reference.workareas import load_workareas
from jkn.services.errors import NotFound
from jkn.services.workareas import directory
from jkn.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    return render(request, "home.html")


@router.get("/favicon.ico")
def favicon():
    """Browsers and tools that ask for ``/favicon.ico`` are sent to the pages' icon (an SVG; the pages link it)."""
    return RedirectResponse("/static/favicon.svg", status_code=308)


@router.get("/cari", response_class=HTMLResponse)
def search(request: Request, q: str = ""):
    results = directory.find_regions(q, limit=20) if q.strip() else []
    return render(request, "search.html", q=q, results=results)


@router.get("/wilayah", response_class=HTMLResponse)
def hierarchy(request: Request):
    workareas = load_workareas()
    return render(request, "hierarchy.html", deputies=directory.list_deputy_regions(),
                  branch_count=len(workareas.branches), kabkota_count=len(workareas.kabkota))


@router.get("/wilayah/cabang/{code}", response_class=HTMLResponse)
def branch_page(request: Request, code: str):
    try:
        branch = directory.get_branch(code)
    except NotFound as exc:
        return render(request, "which_office.html", status_code=404, error=exc.say, suggestions=exc.suggestions)
    return render(request, "branch.html", branch=branch)


@router.get("/wilayah/kabkota/{code}", response_class=HTMLResponse)
def region_page(request: Request, code: str):
    try:
        region = directory.get_region(code)
    except NotFound as exc:
        return render(request, "which_office.html", status_code=404, error=exc.say, suggestions=exc.suggestions)
    return render(request, "region.html", region=region)


@router.get("/kantor", response_class=HTMLResponse)
def which_office(request: Request, q: str = ""):
    if not q.strip():
        return render(request, "which_office.html", q=q)
    try:
        answer = directory.which_office(q)
    except NotFound as exc:
        return render(request, "which_office.html", status_code=404, q=q, error=exc.say, suggestions=exc.suggestions)
    except NikError as exc:
        return render(request, "which_office.html", status_code=422, q=q, error=exc.say)
    nik = directory.lookup_nik(q) if q.strip().isdigit() else None
    return render(request, "which_office.html", q=q, answer=answer, nik=nik)
