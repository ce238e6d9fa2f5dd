"""The public bed page (``/tempat-tidur``): free beds per class at the hospitals of a kab/kota, as
each hospital reports them through Aplicares (docs/aplicares.md). Nothing is estimated: a hospital
that reports nothing is not listed, and every room shows when it was last reported."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.services.care import beds
from jkn.store.reference_tables import KabKotaRow
from jkn.web.rendering import render

router = APIRouter(include_in_schema=False)
DB = Annotated[Session, Depends(get_session)]


@router.get("/tempat-tidur", response_class=HTMLResponse)
def bed_regions(request: Request, session: DB):
    return render(request, "beds/regions.html", regions=beds.kabkota_with_beds(session))


@router.get("/tempat-tidur/{code}", response_class=HTMLResponse)
def beds_in_region(request: Request, session: DB, code: str):
    region = session.get(KabKotaRow, code.strip())
    if region is None:
        return render(request, "beds/region.html", status_code=404, region=None, code=code, hospitals=[])
    return render(request, "beds/region.html", region=region, code=code,
                  hospitals=beds.availability_in_kabkota(session, region.code))
