"""Log-in, log-out, my account, user administration, and a participant's own sign-up and anyone's
password reset confirmed by a one-time code (jkn.services.portal.self_service)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from jkn.api.deps import get_session
from jkn.services.errors import DomainError
from jkn.services.portal import accounts, audit, one_time_codes, self_service, sessions
from jkn.services.portal.accounts import ROLES, LoginRefused
from jkn.services.portal.audit import Actor
from jkn.services.portal.auth import HOME
from jkn.services.unit_of_work import unit_of_work
from jkn.store.reference_tables import BranchRow, DeputyRegionRow
from jkn.web.security import (
    CurrentPortal,
    MaybePortal,
    client_of,
    csrf_protect,
    end_session,
    known_device,
    page,
    read_session,
    role_required,
    safe_next,
    start_session,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
DB = Annotated[Session, Depends(get_session)]


@router.get("/masuk", response_class=HTMLResponse)
def login_form(request: Request, portal: MaybePortal, next: str = "", ok: str = ""):
    if portal is not None:
        return RedirectResponse(safe_next(next, HOME.get(portal.role, "/")), status_code=303)
    return page(request, None, "portal/login.html", next=next, ok=ok if ok in ("signed_up", "password_reset") else "")


@router.post("/masuk", response_class=HTMLResponse)
def login(request: Request, session: DB, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = ""):
    refused = None
    client = client_of(request)
    with unit_of_work(session):
        try:
            user = accounts.authenticate(session, username, password, client=client, device=known_device(request))
            token = sessions.open_session(session, user, client=client)
        except LoginRefused as exc:
            refused = exc
    if refused is not None:
        response = page(request, None, "portal/login.html", status_code=refused.status, next=next,
                        username=username, error=refused.say)
        if "retry_after" in refused.details:
            response.headers["Retry-After"] = str(refused.details["retry_after"])
        return response
    response = RedirectResponse(safe_next(next, HOME.get(user.role, "/")), status_code=303)
    start_session(request, response, user, token)
    return response


@router.post("/keluar")
def logout(request: Request, portal: MaybePortal, session: DB):
    if portal is not None:
        with unit_of_work(session):
            audit.record(session, portal.actor, "logout", object_type="user", object_id=portal.user.username,
                         branch_code=portal.user.branch_code)
            sessions.end(session, read_session(request).token)
    response = RedirectResponse("/", status_code=303)
    end_session(request, response)
    return response


@router.post("/akun/pemberitahuan")
def dismiss_notice(request: Request, portal: CurrentPortal, session: DB, next: Annotated[str, Form()] = ""):
    """The owner has read the failed log-ins notice (A-S04)."""
    with unit_of_work(session):
        sessions.dismiss_notice(session, read_session(request).token)
    return RedirectResponse(safe_next(next, HOME.get(portal.role, "/akun")), status_code=303)


@router.get("/portal")
def portal_home(portal: CurrentPortal):
    return RedirectResponse(HOME.get(portal.role, "/akun"), status_code=303)


@router.get("/akun", response_class=HTMLResponse)
def account(request: Request, portal: CurrentPortal, ok: str = ""):
    return page(request, portal, "portal/account.html", ok=ok)


@router.post("/akun/sandi", response_class=HTMLResponse)
def change_password(request: Request, portal: CurrentPortal, session: DB,
                    current_password: Annotated[str, Form()] = "", new_password: Annotated[str, Form()] = "",
                    repeat_password: Annotated[str, Form()] = ""):
    if new_password != repeat_password:
        return page(request, portal, "portal/account.html", status_code=422, error_key="account.mismatch")
    try:
        with unit_of_work(session):
            user = session.merge(portal.user)
            accounts.change_own_password(session, portal.actor, user, current_password, new_password)
            token = sessions.open_session(session, user, client=client_of(request))
    except DomainError as exc:
        return page(request, portal, "portal/account.html", status_code=exc.status, error=exc.say)
    response = RedirectResponse("/akun?ok=password", status_code=303)
    start_session(request, response, user, token)  # every session ended; this browser goes on in a new one
    return response


# --- user administration (ADMIN) -------------------------------------------------------------

Admin = Annotated[object, Depends(role_required(accounts.ADMIN))]


def _admin_context(session: Session) -> dict:
    from sqlalchemy import select

    branches = session.scalars(select(BranchRow).order_by(BranchRow.name)).all()
    regions = session.scalars(select(DeputyRegionRow).order_by(DeputyRegionRow.code)).all()
    users = accounts.list_users(session)
    return {"roles": ROLES, "branches": branches, "regions": regions, "users": users}


@router.get("/admin/pengguna", response_class=HTMLResponse)
def users_page(request: Request, portal: Admin, session: DB, ok: str = ""):
    return page(request, portal, "portal/users.html", ok=ok, **_admin_context(session))


@router.post("/admin/pengguna", response_class=HTMLResponse)
def create_user(request: Request, portal: Admin, session: DB, username: Annotated[str, Form()] = "",
                full_name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                role: Annotated[str, Form()] = "", branch: Annotated[str, Form()] = "",
                deputy_region: Annotated[str, Form()] = "", employer: Annotated[str, Form()] = "",
                participant: Annotated[str, Form()] = "", facility: Annotated[str, Form()] = ""):
    try:
        with unit_of_work(session):
            accounts.create_user(session, portal.actor, username=username, password=password, role=role,
                                 full_name=full_name, branch=branch or None, deputy_region=deputy_region or None,
                                 employer=employer or None, participant=participant or None,
                                 facility=facility or None, creator=portal.user)
    except DomainError as exc:
        return page(request, portal, "portal/users.html", status_code=exc.status, error=exc.say,
                    form={"username": username, "full_name": full_name, "role": role},
                    **_admin_context(session))
    return RedirectResponse("/admin/pengguna?ok=created", status_code=303)


@router.post("/admin/pengguna/{username}/{action}")
def user_action(portal: Admin, session: DB, username: str, action: str):
    with unit_of_work(session):
        user = accounts.get_user(session, username)
        if action == "nonaktif":
            accounts.set_active(session, portal.actor, user, False)
        elif action == "aktif":
            accounts.set_active(session, portal.actor, user, True)
    return RedirectResponse("/admin/pengguna?ok=" + action, status_code=303)


# --- sign-up and password reset with a one-time code (issue #15) ---------------------------------


def _birth_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


@router.get("/masuk/daftar", response_class=HTMLResponse)
def signup_form(request: Request):
    return page(request, None, "portal/signup.html", values={})


@router.post("/masuk/daftar", response_class=HTMLResponse)
def signup_start(request: Request, session: DB, card_number: Annotated[str, Form()] = "",
                 nik: Annotated[str, Form()] = "", birth_date: Annotated[str, Form()] = "",
                 contact: Annotated[str, Form()] = ""):
    values = {"card_number": card_number, "nik": nik, "birth_date": birth_date, "contact": contact}
    actor = Actor("anonymous", client=client_of(request))
    try:
        ticket = self_service.start_signup(session, card_number=card_number, nik=nik,
                                           birth_date=_birth_date(birth_date), destination=contact, actor=actor)
    except DomainError as exc:
        return page(request, None, "portal/signup.html", status_code=exc.status, error=exc.say, values=values)
    return page(request, None, "portal/signup_code.html", ticket=ticket,
                sent_to=one_time_codes.masked(self_service.contact(contact)), minutes=one_time_codes.minutes())


@router.post("/masuk/daftar/kode", response_class=HTMLResponse)
def signup_finish(request: Request, session: DB, ticket: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "",
                  username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                  repeat_password: Annotated[str, Form()] = ""):
    context = {"ticket": ticket, "username": username, "minutes": one_time_codes.minutes()}
    if password != repeat_password:
        return page(request, None, "portal/signup_code.html", status_code=422, error_key="account.mismatch", **context)
    try:
        self_service.finish_signup(session, ticket=int(ticket) if ticket.isdigit() else None, code=code,
                                   username=username, password=password, client=client_of(request))
    except DomainError as exc:
        return page(request, None, "portal/signup_code.html", status_code=exc.status, error=exc.say, **context)
    return RedirectResponse("/masuk?ok=signed_up", status_code=303)


@router.get("/masuk/lupa-sandi", response_class=HTMLResponse)
def reset_form(request: Request):
    return page(request, None, "portal/reset.html")


@router.post("/masuk/lupa-sandi", response_class=HTMLResponse)
def reset_start(request: Request, session: DB, username: Annotated[str, Form()] = ""):
    actor = Actor("anonymous", client=client_of(request))
    try:
        ticket = self_service.start_reset(session, username=username, actor=actor)
    except DomainError as exc:
        return page(request, None, "portal/reset.html", status_code=exc.status, error=exc.say, username=username)
    # the same answer whether or not the user exists (A-P11)
    return page(request, None, "portal/reset_code.html", ticket=ticket or "", minutes=one_time_codes.minutes())


@router.post("/masuk/lupa-sandi/kode", response_class=HTMLResponse)
def reset_finish(request: Request, session: DB, ticket: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "",
                 new_password: Annotated[str, Form()] = "", repeat_password: Annotated[str, Form()] = ""):
    context = {"ticket": ticket, "minutes": one_time_codes.minutes()}
    if new_password != repeat_password:
        return page(request, None, "portal/reset_code.html", status_code=422, error_key="account.mismatch", **context)
    try:
        self_service.finish_reset(session, ticket=int(ticket) if ticket.isdigit() else None, code=code,
                                  new_password=new_password, client=client_of(request))
    except DomainError as exc:
        return page(request, None, "portal/reset_code.html", status_code=exc.status, error=exc.say, **context)
    return RedirectResponse("/masuk?ok=password_reset", status_code=303)
