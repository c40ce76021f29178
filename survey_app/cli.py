"""`survey-app`: the operator's command line (check surveys, councils, distribute, users, tokens,
demo).

Over 400 lines on purpose: one short function per operator command, side by side as
`survey-app --help` lists them; the demo's workings live in `demo.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Config

from . import operations
from .db import Database
from .definitions import (
    DefinitionError,
    GuideDefinition,
    Problem,
    check_folder,
    load_directory,
    load_document,
    load_guides,
    reading_age_warnings,
    translation_problems,
    you_said_warnings,
)
from .definitions.json_schema import guide_json_schema, survey_json_schema
from .definitions.model import SurveyDefinition
from .demo import demo_defaults, demo_settings, seed_demo, serve_demo
from .models import ROLES
from .safeguarding import concerns
from .safeguarding.screen import SOURCES, screen
from .settings import PROJECT_ROOT, ConfigurationError, load_settings


def _settings(overrides: dict[str, Any] | None = None, demo: bool = True) -> Config:
    """Settings from SURVEY_* variables; the running demo's where none are given."""
    try:
        return load_settings({**(demo_defaults() if demo else {}), **(overrides or {})})
    except ConfigurationError as problem:
        raise click.ClickException(str(problem)) from None


def _database() -> Database:
    return Database.from_url(_settings()["DATABASE_URL"])


def _definitions(directory: str | None = None) -> dict[str, SurveyDefinition]:
    try:
        return load_directory(Path(directory or _settings()["SURVEY_DIR"]))
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)


def _warn_about(definitions: dict[str, SurveyDefinition]) -> None:
    """Warn (on stderr, so --json output stays whole) of each language a survey offers whose
    pages would show children no "you said, we did" for want of the words around it."""
    for definition in definitions.values():
        for warning in you_said_warnings(definition):
            click.echo(f"warning: {warning}", err=True)


def _guides(directory: str | None = None) -> dict[str, GuideDefinition]:
    try:
        return load_guides(Path(directory or _settings()["SURVEY_DIR"]))
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)


@click.group()
def main() -> None:
    """Surveys and focus groups that let councils hear what children think."""


@main.command()
@click.argument("paths", nargs=-1)
def check(paths: tuple[str, ...]) -> None:
    """Validate survey files and folders (default: the configured folder), reporting every
    problem in all of them at once, untranslated words included."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    loaded: list[SurveyDefinition | GuideDefinition] = []
    for given in paths or (str(_settings()["SURVEY_DIR"]),):
        guides: dict[str, GuideDefinition] = {}
        if Path(given).is_file():
            try:
                document = load_document(Path(given), shown_as=given)
            except DefinitionError as error:
                problems.extend(error.problems)
                continue
            if isinstance(document, GuideDefinition):
                guides, found = {"": document}, {}
            else:
                found = {"": document}
        else:
            found, guides, unloaded = check_folder(Path(given), shown_as=given)
            problems.extend(unloaded)
        loaded.extend(guides.values())
        for definition in found.values():
            warnings.extend(reading_age_warnings(definition))
            warnings.extend(you_said_warnings(definition))
            gaps = translation_problems(definition)
            problems.extend(gaps)
            if not gaps:
                loaded.append(definition)
    # Words above a child's reading age, and a language without the words around "you said, we
    # did", are the author's to judge: warned about, never refused.
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        files = len({problem.file for problem in problems})
        click.echo(f"{len(problems)} problems in {files} files", err=True)
        sys.exit(1)
    for document in loaded:
        click.echo(f"ok  {document.source_path}  {document.id} v{document.version}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def surveys(as_json: bool) -> None:
    """List the surveys and focus-group guides: id, audience, title, version."""
    guides = _guides()
    surveys_found = _definitions()
    _warn_about(surveys_found)
    definitions: list[SurveyDefinition | GuideDefinition] = sorted(
        [*surveys_found.values(), *guides.values()], key=lambda d: d.id
    )
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": d.id,
                        "audience": d.audience,
                        "title": d.title.en,
                        "version": d.version,
                        "languages": list(d.languages),
                        **(
                            {
                                "group": d.group.value,
                                "prompts": [
                                    {"id": p.id, "kind": p.kind.value, "title": p.title.en}
                                    for p in d.prompts
                                ],
                            }
                            if isinstance(d, GuideDefinition)
                            else {
                                "waves": [
                                    {"id": wave.id, "words": wave.label.en} for wave in d.waves
                                ]
                            }
                        ),
                        "file": d.source_path,
                    }
                    for d in definitions
                ],
                indent=2,
            )
        )
        return
    for d in definitions:
        click.echo(f"{d.id:<28} {d.audience:<13} v{d.version:<3} {d.title.en}")


@main.command()
@click.option("--redact-locations", is_flag=True, help="Replace towns and villages too ([PLACE]).")
def redact(redact_locations: bool) -> None:
    """Anonymise JSON lines from stdin: each needs "text"; adds "redacted" and "spans".

    Spans are {"start", "end", "label"} on the original text (Python string indices), towns
    included even when they are left in. Other keys pass through unchanged.
    """
    from .anonymising import staff_names
    from .privacy.anonymiser import AnonymiserSettings, anonymise

    settings = AnonymiserSettings(
        redact_locations=redact_locations,
        staff_names=staff_names(_settings().get("STAFF_NAMES_FILE")),
    )
    bad_lines = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            # Say where and why, never what: the line may hold a child's words.
            click.echo(f"line {number}: not JSON ({error.msg})", err=True)
            bad_lines += 1
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            click.echo(f'line {number}: no "text" string', err=True)
            bad_lines += 1
            continue
        redaction = anonymise(row["text"], settings)
        spans = sorted([*redaction.spans, *redaction.kept], key=lambda span: span.start)
        row["redacted"] = redaction.text
        row["spans"] = [
            {"start": span.start, "end": span.end, "label": span.label} for span in spans
        ]
        click.echo(json.dumps(row, ensure_ascii=False))
    if bad_lines:
        raise click.ClickException(f"{bad_lines} lines could not be read (see above)")


@main.command("screen")
def screen_answers() -> None:
    """Screen JSON lines from stdin for risk: each needs "text" (optional "source"); adds
    "screen" (alert, review or none) and "reasons". Other keys pass through unchanged.

    A bad line is reported on stderr with its number and the rest go on; the exit status is
    non-zero if any line was bad.
    """
    bad = 0
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        if not raw.strip():
            continue
        problem = None
        try:
            row = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            row, problem = None, "is not UTF-8"
        except json.JSONDecodeError:
            row, problem = None, "is not JSON"
        if problem is None and not isinstance(row, dict):
            problem = "is not a JSON object"
        elif problem is None and not isinstance(row.get("text"), str):
            problem = 'has no "text" string'
        elif problem is None and row.get("source", "child") not in SOURCES:
            problem = f'has an unknown "source" (use one of {", ".join(sorted(SOURCES))})'
        if problem is not None:
            # The line itself is never echoed: it may hold a child's words.
            click.echo(f"line {number} {problem}", err=True)
            bad += 1
            continue
        screening = screen(row["text"], row.get("source", "child"))
        row["screen"] = screening.level.value
        row["reasons"] = list(screening.reasons)
        click.echo(json.dumps(row, ensure_ascii=False))
    if bad:
        raise click.ClickException(f"{bad} line{'s' if bad != 1 else ''} could not be screened")


@main.command()
@click.option("--guide", is_flag=True, help="The focus-group guide format instead.")
def schema(guide: bool) -> None:
    """Print a JSON Schema of the survey format (or the focus-group guide format), for editors."""
    click.echo(json.dumps(guide_json_schema() if guide else survey_json_schema(), indent=2))


@main.command()
def keys() -> None:
    """Print fresh secrets for SURVEY_SECRET_KEY, SURVEY_TEXT_KEY and SURVEY_LINK_KEY."""
    import secrets

    from .crypto import TextVault

    click.echo(f"SURVEY_SECRET_KEY={secrets.token_urlsafe(48)}")
    click.echo(f"SURVEY_TEXT_KEY={TextVault.generate_key()}")
    click.echo(f"SURVEY_LINK_KEY={secrets.token_urlsafe(32)}")


def migrate_database(url: str) -> None:
    """Bring the database at url up to the newest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


@main.command()
def migrate() -> None:
    """Apply database migrations (Alembic upgrade head)."""
    migrate_database(_settings()["DATABASE_URL"])
    click.echo("database is up to date")


@main.command("load-surveys")
def load_surveys() -> None:
    """Record the survey definitions in the database."""
    definitions = _definitions()
    _warn_about(definitions)
    database = _database()
    with database.session() as session:
        changed = operations.sync_surveys(session, definitions.values())
        session.commit()
    click.echo(f"{len(definitions)} surveys loaded ({len(changed)} new or changed)")
    if changed:
        seconds = _settings()["SURVEYS_CHECK_SECONDS"]
        click.echo(f"running web servers pick up the change within {seconds} seconds")


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def distribute_survey(
    settings: Any,
    survey_id: str,
    council: str,
    label: str,
    opens: dt.date | None = None,
    closes: dt.date | None = None,
    wave: str = "",
) -> dict[str, str]:
    """Make a distribution and its QR files; returns code, url and file paths."""
    from .qr import write_qr_files

    definitions = load_directory(Path(settings["SURVEY_DIR"]))
    database = Database.from_url(settings["DATABASE_URL"])
    with database.session() as session:
        operations.sync_surveys(session, definitions.values())
        definition = definitions.get(survey_id)
        distribution = operations.create_distribution(
            session,
            survey_id,
            council,
            label,
            opens,
            closes,
            wave=wave,
            waves=definition.wave_ids() if definition else (),
            today=operations.today(),
        )
        session.commit()
        code = distribution.code
        # As kept, not as typed ("suffolk " is the council "Suffolk").
        council = distribution.council.name
        has_lead = concerns.council_has_lead(session, distribution.council_id)
    url = f"{settings['PUBLIC_URL'].rstrip('/')}/s/{code}"
    svg, png = write_qr_files(code, url, Path(settings["QR_DIR"]))
    return {
        "code": code,
        "url": url,
        "qr_svg": str(svg),
        "qr_png": str(png),
        "council": council,
        "label": label,
        "survey": survey_id,
        "wave": wave,
        # "none": alerts about this council's concerns go to the admins.
        "safeguarding_lead": "named" if has_lead else "none",
    }


@main.command()
@click.argument("survey_id")
@click.option(
    "--council", required=True, help="An existing council, e.g. 'Suffolk' (see `councils list`)."
)
@click.option("--label", required=True, help="The context, e.g. 'CP conferences, Ipswich'.")
@click.option("--opens", help="First day answers are taken (YYYY-MM-DD).")
@click.option("--closes", help="Last day answers are taken (YYYY-MM-DD).")
@click.option("--wave", default="", help="For a before/after survey: the wave, e.g. meeting_one.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def distribute(
    survey_id: str,
    council: str,
    label: str,
    opens: str | None,
    closes: str | None,
    wave: str,
    as_json: bool,
) -> None:
    """Offer SURVEY_ID to a council; prints the link and where the QR files are."""
    try:
        made = distribute_survey(
            _settings(), survey_id, council, label, _parse_date(opens), _parse_date(closes), wave
        )
    except operations.OperationError as problem:
        raise click.ClickException(str(problem)) from None
    council = made["council"]
    warning = None
    if made["safeguarding_lead"] == "none":
        warning = (
            f"{council} has no named safeguarding lead; alerts about what children write go to "
            "the admins until one is added (survey-app users create EMAIL --role "
            f"safeguarding_lead --council {json.dumps(council)} --password-stdin)."
        )
    if as_json:
        # The warning goes in the JSON, which scripts read whole.
        click.echo(json.dumps({**made, **({"warning": warning} if warning else {})}, indent=2))
        return
    if warning:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"link:    {made['url']}")
    click.echo(f"QR SVG:  {made['qr_svg']}")
    click.echo(f"QR PNG:  {made['qr_png']}")


@main.group()
def councils() -> None:
    """Councils: made here or by an admin on the Councils page; everything else picks one."""


@councils.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_councils(as_json: bool) -> None:
    """Every council, by name."""
    with _database().session() as session:
        names = [council.name for council in operations.all_councils(session)]
    if as_json:
        click.echo(json.dumps(names, indent=2))
        return
    for name in names:
        click.echo(name)
    if not names:
        click.echo("no councils yet: add one with `survey-app councils create NAME`", err=True)


@councils.command("create")
@click.argument("name")
def create_council(name: str) -> None:
    """Add the council NAME (unique ignoring case)."""
    with _database().session() as session:
        try:
            council = operations.create_council(session, name)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
        click.echo(f"created council {council.name}")


@councils.command("rename")
@click.argument("name")
@click.argument("new_name")
def rename_council(name: str, new_name: str) -> None:
    """Rename the council NAME to NEW_NAME; its distributions, staff and results follow."""
    with _database().session() as session:
        try:
            council = operations.rename_council(session, name, new_name)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
        click.echo(f"renamed council {name.strip()} to {council.name}")


@main.group()
def users() -> None:
    """Facilitator accounts."""


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option(
    "--council",
    help="The existing council a council_lead or safeguarding_lead belongs to "
    "(see `councils list`).",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line).",
)
def create_user(email: str, role: str, council: str | None, password_stdin: bool) -> None:
    """Create an account."""
    password = sys.stdin.readline().rstrip("\n")
    with _database().session() as session:
        try:
            user = operations.create_user(session, email, password, role, council)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
        click.echo(f"created {user.email} ({user.role})")


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Stop EMAIL signing in: end its sessions and revoke its API tokens (the account stays,
    for the record of what it published)."""
    with _database().session() as session:
        try:
            user = operations.user_by_email(session, email)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        revoked = operations.deactivate_user(session, user)
        session.commit()
        click.echo(f"deactivated {user.email}; sessions ended; {revoked} API token(s) revoked")


@users.command("set-password")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line).",
)
def set_user_password(email: str, password_stdin: bool) -> None:
    """Give EMAIL a new password; every session signed in with the old one ends."""
    password = sys.stdin.readline().rstrip("\n")
    with _database().session() as session:
        try:
            user = operations.user_by_email(session, email)
            operations.set_password(user, password)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
        click.echo(f"new password set for {user.email}; its sessions ended")


@main.group()
def tokens() -> None:
    """API tokens for scripted downloads."""


@tokens.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List EMAIL's API tokens: id, created, last used (the tokens themselves are never kept)."""
    with _database().session() as session:
        try:
            user = operations.user_by_email(session, email)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo("id\tcreated\tlast used")
        for token in operations.tokens_of(session, user):
            last_used = token.last_used_on.isoformat() if token.last_used_on else "never"
            click.echo(f"{token.id}\t{token.created_on.isoformat()}\t{last_used}")


@tokens.command("revoke")
@click.argument("token_id", type=int, required=False)
@click.option("--user", "email", help="Revoke every API token of this account instead.")
def revoke_tokens(token_id: int | None, email: str | None) -> None:
    """Revoke the API token TOKEN_ID (see `tokens list`), or all of --user's tokens."""
    if (token_id is None) == (email is None):
        raise click.UsageError("Give either a TOKEN_ID or --user EMAIL.")
    with _database().session() as session:
        try:
            if email is not None:
                user = operations.user_by_email(session, email)
                revoked = operations.revoke_tokens(session, user)
                message = f"revoked {revoked} API token(s) of {user.email}"
            else:
                assert token_id is not None
                token = operations.revoke_token(session, token_id)
                message = f"revoked API token {token.id} of {token.user.email}"
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
        click.echo(message)


@tokens.command("create")
@click.argument("email")
def create_token(email: str) -> None:
    """Print a new API token for EMAIL (shown once; only its hash is kept)."""
    with _database().session() as session:
        try:
            token = operations.create_api_token(session, email)
        except operations.OperationError as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
    click.echo(token)


# Complaints and compliments (issue 15) ---------------------------------------------------------


@main.group()
def feedback() -> None:
    """Complaints and compliments from councils' logs."""


@feedback.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--council", required=True, help="An existing council (see `councils list`).")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADING",
    help="The heading that holds FIELD (received_on, type, from, service, text) when the log's "
    "headings are the council's own; repeat for each.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def import_feedback(file: Path, council: str, columns: tuple[str, ...], as_json: bool) -> None:
    """Import FILE (CSV or XLSX) for a council: rows already imported are not added again, and
    rows that cannot be read are listed by line (never quoted) while the rest are kept. The
    worker anonymises the words (its sweeper picks them up)."""
    from . import feedback as feedback_log
    from .crypto import TextVault
    from .models import today

    mapping: dict[str, str] = {}
    for given in columns:
        name, sep, heading = given.partition("=")
        if not sep or name.strip() not in feedback_log.FIELDS:
            raise click.BadParameter(
                f"use FIELD=HEADING, FIELD one of {', '.join(feedback_log.FIELDS)}",
                param_hint="--column",
            )
        mapping[name.strip()] = heading.strip()
    settings = _settings()
    if not settings.get("LINK_KEY") or not settings.get("TEXT_KEY"):
        raise click.ClickException("SURVEY_TEXT_KEY and SURVEY_LINK_KEY must be set.")
    with _database().session() as session:
        try:
            found = feedback_log.council_for_import(session, None, council)
            result = feedback_log.import_log(
                session,
                TextVault(settings["TEXT_KEY"]),
                found,
                file.read_bytes(),
                mapping or None,
                link_key=settings["LINK_KEY"],
                today=today(),
            )
        except (
            operations.OperationError,
            feedback_log.FileProblem,
            feedback_log.ImportProblem,
        ) as problem:
            raise click.ClickException(str(problem)) from None
        session.commit()
    if as_json:
        click.echo(json.dumps({"council": found.name, **result.as_json()}, indent=2))
    else:
        click.echo(
            f"{len(result.added)} added, {result.duplicates} already imported, "
            f"{len(result.problems)} not imported, for {found.name}"
        )
    for row in result.problems:
        click.echo(f"line {row.line}: {row.problem}", err=True)
    if result.problems:
        sys.exit(1)


@main.command()
@click.option("--no-serve", is_flag=True, help="Set up and print the details, then stop.")
def demo(no_serve: bool) -> None:
    """Set up the embedded demo (SQLite, in-process worker) and serve it."""
    try:
        settings = demo_settings()
    except ConfigurationError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo("==> preparing the demo: database, surveys and a facilitator account")
    migrate_database(settings["DATABASE_URL"])
    details = seed_demo(settings)
    base = settings["PUBLIC_URL"].rstrip("/")
    click.echo("")
    click.echo("  Voice of the child surveys – demo")
    click.echo(f"  Child survey link:   {details['url']}")
    click.echo(f"  QR code:             {details['qr_png']} (and .svg)")
    click.echo(f"  Printable card:      {base}/facilitator/distributions/{details['code']}/card")
    click.echo(f"  Facilitator sign-in: {base}/facilitator/login")
    click.echo(f"     email:    {details['email']}")
    click.echo(f"     password: {details['password']}  (new each time you run make run)")
    click.echo(f"  Safeguarding lead:   {base}/facilitator/login")
    click.echo(f"     email:    {details['lead_email']}  (same password)")
    click.echo(
        "     alerts:   "
        + (
            "emailed through SURVEY_SMTP_URL"
            if settings.get("SMTP_URL")
            else "written to this log (set SURVEY_SMTP_URL to send them)"
        )
    )
    extract = (
        "on for admins, each download audited"
        if settings["RESEARCH_EXTRACT"]
        else "off (SURVEY_RESEARCH_EXTRACT)"
    )
    click.echo("  Downloads:           counts, and written answers as separate items, for")
    click.echo(
        "                       closed publication periods; the linked research extract is "
        f"{extract}"
    )
    click.echo(
        f"  Sample responses:    in {details['sample_period']}, a closed period: figures and "
        "reports show them now"
    )
    click.echo("  Stop with Ctrl-C.")
    click.echo("")
    if no_serve:
        return
    serve_demo(settings)
