"""``jkn participants`` and ``jkn employers``: the membership registry from the command line (issue #4).

Inputs are the same JSON documents as the REST API (``--json FILE`` or ``-`` for stdin);
answers are printed as JSON. Domain and validation errors exit with code 2 and the message
(jkn.commands.edge)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from jkn.commands.edge import bounded, cli_language, say
from jkn.commands.paging import OffsetOption, footer, limit_option
from jkn.rules.decision import read_explained
from jkn.services.bounds import Id, JknDate, JknMonth, Positive

participants_app = typer.Typer(help="Participants: register, look up, report changes, history, card, coverage.",
                               no_args_is_help=True)
employers_app = typer.Typer(help="Employers (Pemberi Kerja): register, employees, leavers and transfers, statement.",
                            no_args_is_help=True)
err = Console(stderr=True)
DbOption = typer.Option(None, "--db", envvar="JKN_DATABASE_URL", help="Database URL (default: SQLite file ./jkn.sqlite3)")


@contextlib.contextmanager
def session_for(db: str | None) -> Iterator[Session]:
    """A migrated database and a session (errors: jkn.commands.edge, exit code 2)."""
    from jkn.store.bootstrap import prepare_database

    engine = prepare_database(db)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def out(data) -> None:
    """``data`` as JSON, its explanations and answers read in the command line's language."""
    sys.stdout.write(json.dumps(read_explained(data, cli_language()), ensure_ascii=False, indent=2, default=str) + "\n")


def read_json(path: str) -> dict:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        err.print("[red]" + say("cli.error") + ":[/red] " + say("cli.not_json", path=str(path), reason=str(exc)))
        raise typer.Exit(code=2) from None


parse_date = bounded(JknDate)


@participants_app.command("register")
def register(json_file: str = typer.Option(..., "--json", help="FamilyIn or ParticipantRegistrationIn JSON (- = stdin)"),
             db: str = DbOption) -> None:
    """Register a participant, or a family when the JSON has "head" and "members" (audited as cli:<user>)."""
    from jkn.services.membership import registration
    from jkn.services.membership.schemas import FamilyIn, ParticipantRegistrationIn
    from jkn.services.portal.audit import Actor

    data = read_json(json_file)
    with session_for(db) as s:
        body = FamilyIn(**data) if "head" in data else ParticipantRegistrationIn(**data)
        out(registration.register(s, body, actor=Actor.cli()))


@participants_app.command("show")
def show(card: str = typer.Argument(..., help="card number or NIK"), db: str = DbOption) -> None:
    """A participant."""
    from jkn.services.membership import registration

    with session_for(db) as s:
        out(registration.get_participant_view(s, card))


@participants_app.command("search")
def search(q: str, limit: int = limit_option(20), offset: int = OffsetOption, db: str = DbOption) -> None:
    """Search by card number, NIK or name."""
    from jkn.services.membership import registration

    with session_for(db) as s:
        found = registration.list_participants(s, q=q, limit=limit, offset=offset)
    out(found)
    footer(found)


@participants_app.command("family")
def family(family_id: int = typer.Argument(..., parser=bounded(Id)), db: str = DbOption) -> None:
    """A family with its members."""
    from jkn.services.membership import registration

    with session_for(db) as s:
        out(registration.family_view(s, family_id))


@participants_app.command("change")
def change(card: str, json_file: str = typer.Option(..., "--json", help="ChangeIn JSON (- = stdin)"),
           db: str = DbOption) -> None:
    """Report a data change (FPDP), e.g. {"kind": "FKTP", "effective_date": "2014-07-01", "fktp_code": "..."}."""
    from jkn.services.membership import data_changes
    from jkn.services.membership.schemas import ChangeIn
    from jkn.services.portal.audit import Actor

    data = read_json(json_file)
    with session_for(db) as s:
        out(data_changes.apply_change(s, card, ChangeIn(**data), actor=Actor.cli()))


@participants_app.command("history")
def history_cmd(card: str, as_of: dt.date = typer.Option(None, "--as-of", help="state valid on this date", parser=parse_date),
                known_on: dt.date = typer.Option(None, "--known-on", parser=parse_date,
                                                 help="as recorded by this date (default: --as-of)"),
                db: str = DbOption) -> None:
    """The audit history, or the participant as of a date ("what did we know on 2014-08-01?")."""
    from jkn.services.membership import history

    with session_for(db) as s:
        if as_of:
            out(history.participant_as_of(s, card, as_of, known_on))
        else:
            out(history.history(s, card))


@participants_app.command("card")
def card_pdf(card: str, output: Path = typer.Option(..., "--output", "-o", help="PDF file to write"),
             db: str = DbOption) -> None:
    """Print the participant card to a PDF file (audited as cli:<user>, like a print on the portal)."""
    from jkn.services.membership import cards, registration
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        output.write_bytes(cards.print_card(s, registration.get_participant_view(s, card), actor=Actor.cli()))
    err.print(say("cli.wrote", path=str(output)))


@participants_app.command("coverage")
def coverage_cmd(card: str, on: dt.date = typer.Option(None, "--on", help="date (default: today)", parser=parse_date),
                 db: str = DbOption) -> None:
    """Is cover active on a date? With the rule's explanation."""
    from jkn.services.billing import coverage

    with session_for(db) as s:
        out(coverage.coverage_status(s, card, on))


@participants_app.command("endings")
def endings(days: int = typer.Option(30, "--days", help="days ahead", min=1, max=366),
            on: dt.date = typer.Option(None, "--on", help="from this date (default: today)", parser=parse_date),
            limit: int = limit_option(200), offset: int = OffsetOption, db: str = DbOption) -> None:
    """Children of wage earners whose status ends within --days days (Anggota Keluarga 1.b)."""
    from jkn.services.membership import status_endings

    with session_for(db) as s:
        found = status_endings.status_endings(s, on=on, days=days, limit=limit, offset=offset)
    out(found)
    footer(found)


@participants_app.command("statement")
def statement(card: str, on: dt.date = typer.Option(None, "--on", parser=parse_date), db: str = DbOption) -> None:
    """Contribution statement of a participant."""
    from jkn.services.billing import statements

    with session_for(db) as s:
        out(statements.participant_statement(s, card, on))


def _enum(kind, text: str | None, option: str):
    if text is None:
        return None
    try:
        return kind(text.strip().upper())
    except ValueError:
        raise typer.BadParameter(say("cli.option_choice", option=option, choices=", ".join(k.value for k in kind))) from None


def _nationality(text: str, option: str) -> str:
    if text.strip().upper() not in ("WNI", "WNA"):
        raise typer.BadParameter(say("cli.option_choice", option=option, choices="WNI, WNA"))
    return text.strip().upper()


@participants_app.command("checklist")
def checklist(kind: str = typer.Argument(..., help="REGISTRATION, or a change kind (FKTP, MARRIAGE, BIRTH ...)"),
              card: str = typer.Option(None, "--card", help="a change: the participant's card"),
              segment: str = typer.Option(None, "--segment", help="the segment (without --card)"),
              on: str = typer.Option(None, "--on", help="start of cover / effective date (default: today)"),
              member_relationship: str = typer.Option(None, help="a change: the person it adds"),
              member_birth_date: str = typer.Option(None, help="a change: the added person's birth date"),
              member_nationality: str = typer.Option("WNI", help="a change: the added person's nationality"),
              new_segment: str = typer.Option(None, help="SEGMENT: the segment moved to"),
              registration_type: str = typer.Option(None, help="REGISTRATION: which list when there are several"),
              nationality: str = typer.Option("WNI", help="REGISTRATION: WNA if someone registered is foreign"),
              marital_status: str = typer.Option("NEVER_MARRIED", help="REGISTRATION: the participant's"),
              spouse: bool = typer.Option(False, "--spouse", help="REGISTRATION: a husband or wife is registered"),
              children: int = typer.Option(0, min=0, help="REGISTRATION: children under 21"),
              students: int = typer.Option(0, min=0, help="REGISTRATION: children 21-25 in formal education"),
              other_children: int = typer.Option(0, min=0, help="REGISTRATION: other children"),
              parents: int = typer.Option(0, min=0, help="REGISTRATION: father, mother, parents-in-law"),
              relatives: int = typer.Option(0, min=0, help="REGISTRATION: other relatives"),
              db: str = DbOption) -> None:
    """The documents a registration or a data change needs, exactly as it demands them."""
    from jkn.domain.care import MaritalStatus, Relationship
    from jkn.domain.segment import Segment
    from jkn.services.membership import data_changes, documents
    from jkn.services.membership.common import jakarta_today

    seg, day = _enum(Segment, segment, "--segment"), (parse_date(on) if on else None)
    if kind.upper() == "REGISTRATION":
        if seg is None:
            raise typer.BadParameter(say("cli.registration_segment"))
        household = documents.Household(_nationality(nationality, "--nationality"),
                                         _enum(MaritalStatus, marital_status, "--marital-status"),
                                         spouse, children, students, other_children, parents, relatives)
        with session_for(db):
            out(documents.household_checklist(seg, day or jakarta_today(), household,
                                              registration_type=registration_type).as_dict())
        return
    member = documents.Person(_enum(Relationship, member_relationship, "--member-relationship"),
                              parse_date(member_birth_date) if member_birth_date else None, _nationality(member_nationality, "--member-nationality"))
    with session_for(db) as s:
        out(data_changes.change_checklist(kind.upper(), card, s, segment=seg, on=day, member=member,
                                          new_segment=_enum(Segment, new_segment, "--new-segment")))


@employers_app.command("register")
def register_employer(name: str = typer.Option(...), sector: str = typer.Option(..., help="GOVERNMENT, BUMN, BUMD, SWASTA, OTHER"),
                      kabkota: str = typer.Option(..., help="kab/kota code, e.g. 31.71"),
                      npwp: str = typer.Option(None), address: str = typer.Option(None),
                      registered_on: dt.date = typer.Option(None, parser=parse_date), db: str = DbOption) -> None:
    """Register an employer."""
    from jkn.services.membership import employers
    from jkn.services.membership.schemas import EmployerIn
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(employers.register_employer(s, EmployerIn(name=name, sector=sector.upper(), kabkota_code=kabkota, npwp=npwp,
                                                      address=address, registered_on=registered_on),
                                        actor=Actor.cli()))


@employers_app.command("show")
def show_employer(code: str, db: str = DbOption) -> None:
    """An employer."""
    from jkn.services.membership import employers

    with session_for(db) as s:
        out(employers.get_employer_view(s, code))


@employers_app.command("employees")
def employees(code: str, limit: int = limit_option(100), offset: int = OffsetOption, db: str = DbOption) -> None:
    """The employer's employees and wages."""
    from jkn.services.membership import employers

    with session_for(db) as s:
        found = employers.employees(s, code, limit=limit, offset=offset)
    out(found)
    footer(found)


@employers_app.command("leaver")
def leaver(code: str, card: str, month: str = typer.Option(..., "--month", help="last month worked, YYYY-MM",
                                                       parser=bounded(JknMonth)),
           version: int = typer.Option(None, "--version", parser=bounded(Positive), help="the participant's version you read"),
           db: str = DbOption) -> None:
    """The employer CODE reports that its worker CARD left: cover under the employer ends on the last day of
    --month, the last month billed to it; a past month corrects the later bills already made (A-P14, A-P15)."""
    from jkn.services.membership import employers
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(employers.report_leaver(s, code, card, month, actor=Actor.cli(), version=version))


@employers_app.command("transfer")
def transfer(code: str, card: str, to: str = typer.Option(..., "--to", help="the new employer's code"),
             document: list[str] = typer.Option([], "--document", help="a document shown (checklist code of the change "
                                                                    "EMPLOYER: jkn participants checklist EMPLOYER)"),
             version: int = typer.Option(None, "--version", parser=bounded(Positive), help="the participant's version you read"),
             db: str = DbOption) -> None:
    """The employer CODE reports that its worker CARD moves to the employer --to from the 1st of next month
    (guide, Perubahan Data Kepesertaan 2.c: data change EMPLOYER)."""
    from jkn.services.membership import employers
    from jkn.services.portal.audit import Actor

    with session_for(db) as s:
        out(employers.report_transfer(s, code, card, to, actor=Actor.cli(), documents_shown=document, version=version))


@employers_app.command("statement")
def employer_statement(code: str, on: dt.date = typer.Option(None, "--on", parser=parse_date), db: str = DbOption) -> None:
    """The employer's contribution statement."""
    from jkn.services.billing import statements

    with session_for(db) as s:
        out(statements.employer_statement(s, code, on))
