"""Server-rendered pages (Jinja2 + HTMX) in Bahasa Indonesia and English."""

from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from jkn.reference.offices import contact_centre
from jkn.web import (  # portal (issue #6)  # portal (issue #6)
    auth_pages,
    bed_pages,
    complaint_pages,
    dashboard_pages,
    desk_pages,
    employer_pages,
    facility_pages,
    icare_pages,
    officer_pages,
    participant_pages,
    public_pages,
    security,
    sep_request_pages,
    simulator_pages,
)
from jkn.web.rendering import templates


def install_web(app: FastAPI) -> None:
    """Mount static assets and the page routers on ``app``."""
    templates.env.globals["call_centre"] = contact_centre().call_centre
    app.mount("/static", StaticFiles(directory=str(files("jkn.web") / "static")), name="static")
    app.include_router(public_pages.router)
    app.include_router(bed_pages.router)
    app.include_router(desk_pages.router)
    app.include_router(icare_pages.router)
    app.include_router(simulator_pages.router)
    security.install_security(app)  # portal (issue #6): session cookie, CSRF, HTML errors
    app.include_router(auth_pages.router)
    app.include_router(complaint_pages.router)
    app.include_router(officer_pages.router)
    app.include_router(employer_pages.router)
    app.include_router(participant_pages.router)
    from jkn.web import counter_pages  # the cashier's counter (issue #15)
    app.include_router(counter_pages.router)
    from jkn.web import request_pages  # participants' data-change requests (issue #15)
    app.include_router(request_pages.router)
    from jkn.web import reconciliation_pages  # head office's daily bank reconciliation (issue #15)
    app.include_router(reconciliation_pages.router)
    app.include_router(facility_pages.router)
    app.include_router(sep_request_pages.router)
    from jkn.web import fktp_pages  # the FKTP desk (issue #14)
    app.include_router(fktp_pages.router)
    from jkn.web import mobile_jkn_pages  # the participant's queue (issue #14)
    app.include_router(mobile_jkn_pages.router)
    from jkn.web import mobile_jkn_service_pages  # a hospital's own Mobile JKN service (issue #14)
    app.include_router(mobile_jkn_service_pages.router)
    app.include_router(dashboard_pages.router)
    from jkn.web import policy_pages  # policy what-if (issue #12)
    app.include_router(policy_pages.router)
