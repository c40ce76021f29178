"""Database models: what a council distributes, what children answered, and what was counted.

One module over 400 lines on purpose: the whole schema and its constraints read in one place.

Research data (responses, answers, free text) carries no IP address, no user agent and no time of
day: the tables have no columns for them, so nothing can store them by mistake.

Over 400 lines on purpose: every table and its constraints in one place, read together.
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(StrEnum):
    """What a staff account may do: admins and facilitators see every council; a council lead
    sees their own; a safeguarding lead reads and acts on their council's concerns only."""

    ADMIN = "admin"
    FACILITATOR = "facilitator"
    COUNCIL_LEAD = "council_lead"
    SAFEGUARDING_LEAD = "safeguarding_lead"


ROLES = tuple(role.value for role in Role)
# Roles that belong to one council.
COUNCIL_ROLES = (Role.COUNCIL_LEAD.value, Role.SAFEGUARDING_LEAD.value)


def utcnow() -> dt.datetime:
    """The current time in UTC, naive, evaluated per call (never once at import)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def today() -> dt.date:
    """Today's date in UTC."""
    return utcnow().date()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON}


class Council(Base):
    """A council, made by an admin (never from a name someone typed); names are unique
    ignoring case, so "suffolk" cannot sit beside "Suffolk"."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


Index("uq_councils_name_lower", func.lower(Council.name), unique=True)


class Survey(Base):
    """A loaded survey definition; the YAML source is kept so old answers stay readable."""

    __tablename__ = "surveys"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    # Tens of kilobytes with translations: loaded only when asked for.
    source: Mapped[str] = mapped_column(Text, deferred=True)

    # 'auditor': a case-file audit form (filled in by staff, one per case); 'codebook': the
    # theme codebook's row, which theme counts are published (and recorded) under, as a
    # survey's figures are under the survey's. 'focus_group' guides are never survey rows.
    __table_args__ = (
        CheckConstraint(
            "audience in ('child', 'practitioner', 'auditor', 'codebook')", name="audience"
        ),
    )


class Distribution(Base):
    """One survey offered to one council in one context, reached by an unguessable code."""

    __tablename__ = "distributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    # For a before/after survey: which round this link collects (e.g. meeting_one).
    wave: Mapped[str] = mapped_column(String(40), default="", server_default="")
    opens_on: Mapped[dt.date | None] = mapped_column(Date)
    closes_on: Mapped[dt.date | None] = mapped_column(Date)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    council: Mapped[Council] = relationship(lazy="joined")
    survey: Mapped[Survey] = relationship(lazy="select")

    __table_args__ = (
        CheckConstraint(
            "opens_on is null or closes_on is null or opens_on <= closes_on", name="dates_in_order"
        ),
    )

    def is_open_on(self, day: dt.date) -> bool:
        """Whether answers are accepted on day."""
        if self.opens_on and day < self.opens_on:
            return False
        return not (self.closes_on and day > self.closes_on)


class Draft(Base):
    """Answers in progress, keyed by the hash of an opaque cookie; encrypted; gone after a day."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    distribution_id: Mapped[int] = mapped_column(
        ForeignKey("distributions.id", ondelete="CASCADE"), index=True
    )
    sealed_answers: Mapped[bytes] = mapped_column(LargeBinary)
    language: Mapped[str] = mapped_column(String(12), default="en")
    read_aloud: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    # The survey version at which Send may save this draft as it is, in one statement, for the
    # worker to open (`respondent.submission`): every required question answered, no concern
    # raised, a survey without waves. None otherwise: Send opens the draft itself.
    sendable_version: Mapped[int | None] = mapped_column(Integer)


# A response's secret cell key is a random number below this (31 bits: PostgreSQL's integer).
CELL_KEY_RANGE = 1 << 31


def new_cell_key() -> int:
    """A new response's secret cell key (privacy.disclosure.cellkey): drawn from the operating
    system's random source, so no one can work it out from anything else about the response."""
    return secrets.randbelow(CELL_KEY_RANGE)


class SurveyResponse(Base):
    """A submitted set of answers. Choice answers live in `answers`; free text apart, encrypted."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    # The date only: a time of day could single a child out from the conference timetable.
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    # The fixed publication period it was sent in ("2026-Q4", "2026-11", "2026-11-05"), for
    # good: its figures are published with that period's, once the period has closed.
    period: Mapped[str] = mapped_column(String(10), index=True)
    # Counted only after its period had closed (a slow or failing worker): in no published
    # table, so a closed period's tables never change.
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    language: Mapped[str] = mapped_column(String(12))
    age_band: Mapped[str] = mapped_column(String(40), default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Indexed together, and only while one is still false (UNPROCESSED below).
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    aggregated: Mapped[bool] = mapped_column(Boolean, default=False)
    wave: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Keyed hashes (HMAC-SHA256, key outside the database) of the practitioner's personal code
    # and of their self-generated code: they link waves; the codes themselves are never stored.
    link_hash: Mapped[str | None] = mapped_column(String(64))
    self_link_hash: Mapped[str | None] = mapped_column(String(64))
    # A later answer to the same wave with the same code replaced this one (latest wins).
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Times anonymising or counting it failed; after PROCESSING_MAX_ATTEMPTS it is held back
    # (unpublished, shown on /healthz) and tried again only now and then.
    processing_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Secret, never shown or exported: published counts are perturbed by the sum of their
    # members' keys (the cell key method), which only works while no one can learn them.
    cell_key: Mapped[int] = mapped_column(Integer, default=new_cell_key)
    # The draft as Send took it, still sealed, until the worker opens it into `answers` and
    # free texts (`respondent.submission.open_sent_draft`); then None. Only a draft Send saved
    # in one statement comes this way; until it is opened, the response has no answers.
    sealed_draft: Mapped[bytes | None] = mapped_column(LargeBinary)

    distribution: Mapped[Distribution] = relationship(lazy="select")
    free_texts: Mapped[list[FreeText]] = relationship(
        back_populates="response", order_by="FreeText.id"
    )


# Saved but not yet both anonymised and counted: what the sweeper, /healthz and the backlog
# look for. Its index holds only these rows (a few, however many responses there are), so
# Send's insert writes one small index entry, not one in each of two indexes on booleans.
UNPROCESSED = SurveyResponse.anonymised.is_(False) | SurveyResponse.aggregated.is_(False)
Index(
    "ix_responses_unprocessed",
    SurveyResponse.id,
    postgresql_where=UNPROCESSED,
    sqlite_where=UNPROCESSED,
)
# Only practitioners' answers carry a link hash (children's have none), and only it is looked
# up: an answer at the same wave with the same code replaces the earlier one.
_LINKED = SurveyResponse.link_hash.is_not(None)
Index(
    "ix_responses_link_hash",
    SurveyResponse.link_hash,
    postgresql_where=_LINKED,
    sqlite_where=_LINKED,
)


class FreeText(Base):
    """One free-text answer: encrypted raw text until anonymised, then only the redacted text."""

    __tablename__ = "free_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through uq_free_texts_response_question, whose first column it is.
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    redacted: Mapped[str | None] = mapped_column(Text)
    raw_destroyed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Analysis failed: the answer stays encrypted and unpublished until it succeeds (fail closed).
    held_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    response: Mapped[SurveyResponse] = relationship(back_populates="free_texts")

    __table_args__ = (
        # Raw and redacted text never sit side by side: storing the redaction destroys the raw.
        CheckConstraint("ciphertext is null or redacted is null", name="raw_or_redacted"),
        UniqueConstraint("response_id", "question_id", name="uq_free_texts_response_question"),
    )


# Held-back answers are few; /healthz and the overview count them.
_HELD_BACK = FreeText.held_back.is_(True)
Index(
    "ix_free_texts_held_back",
    FreeText.response_id,
    postgresql_where=_HELD_BACK,
    sqlite_where=_HELD_BACK,
)


class AuditEvent(Base):
    """Something done to research data that someone may need to account for (e.g. raw text
    destroyed). The date only, like the data it is about."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date, default=today)
    event: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text, default="")
    # Who did it, for staff actions (reading or acting on a safeguarding concern); None for the
    # service's own actions.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The time as well as the day, only for staff actions: on concerns (a safeguarding record
    # must show how quickly someone acted) and research extracts (when linked data left). Never
    # set for the service's own events about research data.
    occurred_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PublishedMembers(Base):
    """A group of responses whose figures have left the service, once however often it was
    published: its response ids, named by their digest, and the exact counts behind every count
    published about it (merged over its publications). The ledger a new output is checked
    against; each time the group is published is a `Publication`."""

    __tablename__ = "published_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    # SHA-256 of the ids' bitmap (privacy.disclosure.members.MemberSet.digest).
    digest: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    # The response ids, as privacy.disclosure.members.encode_members stores them (read only when
    # asked for: a web process keeps the groups it has decoded).
    members: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # Where and when it was first published.
    scope: Mapped[str] = mapped_column(String(300))
    published_on: Mapped[dt.date] = mapped_column(Date, default=today)
    # The exact counts behind every count published as a number about this group (compressed
    # JSON; see privacy.disclosure.cells), so a later output about an overlapping group can
    # hide a count whose difference from one of these would be small. None if only row-level
    # outputs were published about it.
    cells: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    __table_args__ = (UniqueConstraint("survey_id", "digest", name="uq_published_members_group"),)


class Publication(Base):
    """A table of numbers that left the service: who asked for what, when, and which group of
    responses it was about, so that a later output cannot reveal a small count by subtraction
    from this one."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    scope: Mapped[str] = mapped_column(String(300))
    published_on: Mapped[dt.date] = mapped_column(Date, default=today)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_size: Mapped[int] = mapped_column(Integer)
    group_id: Mapped[int] = mapped_column(ForeignKey("published_members.id"), index=True)
    # The exact counts behind the numbers this output showed (also merged into the group's).
    cells: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    group: Mapped[PublishedMembers] = relationship()


EXPORT_FORMATS = ("csv", "xlsx")

# The publications an export was checked and recorded as: the worker exports exactly their
# responses, however many more have arrived since.
export_publications = Table(
    "export_publications",
    Base.metadata,
    Column("export_id", ForeignKey("exports.id", ondelete="CASCADE"), primary_key=True),
    Column("publication_id", ForeignKey("publications.id"), primary_key=True),
)


class Export(Base):
    """A file of anonymised responses that a worker builds: what was asked for, what was
    published for it, and where the file stands. Kept only for the retention period."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    # The filter as asked (blank: none), and in words.
    council: Mapped[str | None] = mapped_column(String(200))
    submitted_from: Mapped[dt.date | None] = mapped_column(Date)
    submitted_to: Mapped[dt.date | None] = mapped_column(Date)
    distribution: Mapped[str | None] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(300))
    # What the filter meant when it was published: the councils and distribution it covered, and
    # how many responses the publications hold.
    council_ids: Mapped[list[int]] = mapped_column(JSON)
    distribution_id: Mapped[int | None] = mapped_column(ForeignKey("distributions.id"))
    published_responses: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(
        String(20), default="queued", server_default="queued", index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows: Mapped[int | None] = mapped_column(Integer)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    # The file's name inside SURVEY_EXPORT_DIR while it exists.
    file_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text, default="", server_default="")

    publications: Mapped[list[Publication]] = relationship(
        secondary=export_publications, lazy="select"
    )

    __table_args__ = (
        CheckConstraint("format in ('csv', 'xlsx')", name="format"),
        CheckConstraint(
            "status in ('queued', 'running', 'ready', 'failed', 'expired')", name="status"
        ),
    )


class AnswerCount(Base):
    """How many responses chose an option, per distribution, wave, age band and question.

    Band and wave are part of the key: an age band's options are its own scale (the same id may
    be other words there), and a before/after survey's waves are never added together.
    """

    __tablename__ = "answer_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    option: Mapped[str] = mapped_column(String(100))
    age_band: Mapped[str] = mapped_column(String(40))
    wave: Mapped[str] = mapped_column(String(40), default="", server_default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    # The counted responses' cell keys summed (taken modulo 2**31 when read; a replaced answer
    # subtracts its key again).
    key_sum: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint(
            "distribution_id",
            "question_id",
            "option",
            "age_band",
            "wave",
            name="uq_answer_counts_cell",
        ),
    )


class QuestionBase(Base):
    """How many responses answered a question (the base for its percentages)."""

    __tablename__ = "question_bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    age_band: Mapped[str] = mapped_column(String(40))
    wave: Mapped[str] = mapped_column(String(40), default="", server_default="")
    base: Mapped[int] = mapped_column(Integer, default=0)
    key_sum: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint(
            "distribution_id", "question_id", "age_band", "wave", name="uq_question_bases_cell"
        ),
    )


class PeriodCountKind(StrEnum):
    """What a `PeriodCount` row counts."""

    CELL = "cell"  # responses that chose the option
    BASE = "base"  # responses that answered the question (option "")
    RESPONSES = "responses"  # responses counted in time, replaced ones too (question, option "")


class PeriodCount(Base):
    """The counts of one publication period, per distribution, wave, age band, question and
    option, with their cell key sums: only responses counted before the period closed (never a
    late one), less any answer replaced within the period. Kept by the worker in the
    transaction that counts a response, so a closed period's download reads these rows instead
    of every answer (a closed period's rows never change again)."""

    __tablename__ = "period_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"))
    period: Mapped[str] = mapped_column(String(10))
    wave: Mapped[str] = mapped_column(String(40), default="", server_default="")
    age_band: Mapped[str] = mapped_column(String(40), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(10))
    question_id: Mapped[str] = mapped_column(String(100), default="", server_default="")
    option: Mapped[str] = mapped_column(String(100), default="", server_default="")
    count: Mapped[int] = mapped_column(Integer, default=0)
    key_sum: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint(
            "distribution_id",
            "period",
            "wave",
            "age_band",
            "kind",
            "question_id",
            "option",
            name="uq_period_counts_cell",
        ),
        Index("ix_period_counts_survey_period", "survey_id", "period", "council_id"),
    )


class DistributionTotal(Base):
    """How many responses a distribution has had counted, per age band and wave."""

    __tablename__ = "distribution_totals"

    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(40), primary_key=True, server_default="")
    wave: Mapped[str] = mapped_column(String(40), primary_key=True, server_default="")
    responses: Mapped[int] = mapped_column(Integer, default=0)


class CountedMembers(Base):
    """Which responses of a survey in a council have been counted, as a bitmap in blocks of
    65,536 response ids (8 KB each, made only where some id falls). Kept by the worker in the
    transaction that counts a response, so a whole council's group of responses is read in a few
    blocks instead of a row per response (see privacy.disclosure.members). Kept apart per wave
    and age band, so each of those groups is read in its own blocks too."""

    __tablename__ = "counted_members"

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), primary_key=True)
    wave: Mapped[str] = mapped_column(String(40), primary_key=True, server_default="")
    age_band: Mapped[str] = mapped_column(String(40), primary_key=True, server_default="")
    block: Mapped[int] = mapped_column(Integer, primary_key=True)
    bits: Mapped[bytes] = mapped_column(LargeBinary)


class CountedVersion(Base):
    """A new random token each time a response of a survey in a council is counted (in the same
    transaction as its bit in `CountedMembers`), so a web process can keep a council's group of
    counted responses and reread its blocks only when the token has changed."""

    __tablename__ = "counted_versions"

    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class User(Base):
    """A facilitator, council lead or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the id kept in the session cookie: raising it (sign-out, a new password,
    # deactivation) makes every session signed in before it refused on its next request.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    council: Mapped[Council | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(
            "role in ('admin', 'facilitator', 'council_lead', 'safeguarding_lead')", name="role"
        ),
        CheckConstraint(
            "role not in ('council_lead', 'safeguarding_lead') or council_id is not null",
            name="council_lead_has_council",
        ),
    )

    # Flask-Login protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class ApiToken(Base):
    """A bearer token for scripted downloads; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    last_used_on: Mapped[dt.date | None] = mapped_column(Date)

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """A sign-in attempt for an account, kept to throttle password guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    # Refused unchecked because the account was locked: not a failure that counts towards (or
    # extends) a lockout.
    during_lockout: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class WorkerHeartbeat(Base):
    """When each worker process last said it was alive."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Since when this worker has seen the oldest response still unprocessed (None: nothing
    # waits). Kept here, not on the response: research rows hold no time of day.
    oldest_unprocessed_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ConcernStatus(StrEnum):
    """Where a safeguarding concern stands: raised, read by a lead, or closed with what they did."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class ConcernLevel(StrEnum):
    """How urgent the screen (or the child) made it: alert = a child may be at risk now or soon;
    review = a person should read it."""

    ALERT = "alert"
    REVIEW = "review"


class ConcernOrigin(StrEnum):
    """What raised the concern."""

    # The risk screen flagged a free-text answer (in the request, or in the worker after saving).
    ANSWER = "answer"
    # The child pressed "I don't feel safe".
    UNSAFE_LINK = "unsafe_link"


class Concern(Base):
    """Something a child (or an adult writing about a child) wrote or did that a council's
    safeguarding lead must read and act on. Kept apart from the research data: it is seen only by
    that council's safeguarding leads and admins, never counted, exported or downloaded. At most
    one per response, so a redelivered message cannot raise it twice."""

    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    distribution_id: Mapped[int | None] = mapped_column(ForeignKey("distributions.id"), index=True)
    survey_id: Mapped[str | None] = mapped_column(ForeignKey("surveys.id"))
    # Set when the answers were sent (or when the worker raised it); unique: one per response.
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), unique=True
    )
    origin: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    # What the screen found, in words a lead can read (never the child's words).
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(
        String(20), default=ConcernStatus.NEW.value, server_default="new", index=True
    )
    # Times, not only days: a concern must be acted on within hours, and escalated if not.
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the lead did ("passed to the conference chair", "MASH referral", "no action: joke").
    action_taken: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When the last reminder went to the leads and admins because nobody acknowledged it.
    escalated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    escalations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the kept raw text was destroyed (on close).
    raw_destroyed_on: Mapped[dt.date | None] = mapped_column(Date)

    council: Mapped[Council] = relationship(lazy="joined")
    distribution: Mapped[Distribution | None] = relationship(lazy="select")
    texts: Mapped[list[ConcernText]] = relationship(
        back_populates="concern", order_by="ConcernText.id", cascade="all, delete-orphan"
    )
    contact_request: Mapped[ContactRequest | None] = relationship(
        back_populates="concern", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        CheckConstraint("status in ('new', 'acknowledged', 'closed')", name="status"),
        CheckConstraint("level in ('alert', 'review')", name="level"),
        CheckConstraint("origin in ('answer', 'unsafe_link')", name="origin"),
    )


class ConcernText(Base):
    """The raw words of a flagged answer, encrypted, kept for the lead out of the
    anonymise-then-destroy path of research data, and destroyed when the concern is closed."""

    __tablename__ = "concern_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(100))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    # The screen's reasons for this answer.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)

    concern: Mapped[Concern] = relationship(back_populates="texts")

    __table_args__ = (
        UniqueConstraint("concern_id", "question_id", name="uq_concern_texts_question"),
    )


class ContactRequest(Base):
    """A child's own request to be contacted (how to reach them, a good time, whether it is safe
    to call), encrypted, in its own table: never joined to the anonymous answers in any count,
    export or download; only the council's safeguarding leads and admins read it. Destroyed after
    the retention period."""

    __tablename__ = "contact_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), unique=True
    )
    # JSON {"how_to_reach", "good_time", "safe_to_call"}, sealed with the text key.
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    destroy_on: Mapped[dt.date] = mapped_column(Date, index=True)

    concern: Mapped[Concern] = relationship(back_populates="contact_request")


class NotificationKind(StrEnum):
    """Why an email about a concern is sent."""

    ALERT = "alert"
    ESCALATION = "escalation"


class NotificationStatus(StrEnum):
    """Where an email stands: waiting to be sent (or to be retried), sent."""

    PENDING = "pending"
    SENT = "sent"


class ConcernNotification(Base):
    """One email to one person about one concern: written in the transaction that raises (or
    escalates) the concern and sent afterwards by a worker, so a broker or mail server that is
    down loses nothing and a redelivered message sends nothing twice."""

    __tablename__ = "concern_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    # The address at the time (a user, or the admins' fallback when a council has no lead).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))
    # Which round of reminders (0 for the first alert), so each round mails each person once.
    round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(
        String(20), default=NotificationStatus.PENDING.value, server_default="pending", index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Why the last try failed (the mail server's reply class, never the email's content).
    last_error: Mapped[str] = mapped_column(String(300), default="", server_default="")

    concern: Mapped[Concern] = relationship(lazy="select")

    __table_args__ = (
        UniqueConstraint("concern_id", "email", "round", name="uq_concern_notifications_once"),
        CheckConstraint("kind in ('alert', 'escalation')", name="kind"),
        CheckConstraint("status in ('pending', 'sent')", name="status"),
    )


# Focus groups ---------------------------------------------------------------------------------


class FocusGroupStatus(StrEnum):
    """A session takes items while open; once closed, nothing more is added."""

    OPEN = "open"
    CLOSED = "closed"


class FocusGroupItemKind(StrEnum):
    """What one recorded item is: words (notes, quotes, sticky notes), counts, or a photo."""

    NOTE = "note"
    QUOTE = "quote"
    STICKY_NOTE = "sticky_note"
    VOTES = "votes"  # dots per option of a dot vote
    SHOW_OF_HANDS = "show_of_hands"  # hands per face of a scale
    PHOTO = "photo"


class FocusGroupSession(Base):
    """One focus group run with a guide in a council: how many took part by age band and that
    consent was recorded, never who took part (the table has no column that could say)."""

    __tablename__ = "focus_group_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # A guide is a definition file, not a survey row: it has no link and no answers table.
    guide_id: Mapped[str] = mapped_column(String(100), index=True)
    guide_version: Mapped[int] = mapped_column(Integer)
    # The guide's group (children, practitioners): how the risk screen reads the items' words.
    participant_group: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # {age band id: how many took part}
    participants: Mapped[dict[str, Any]] = mapped_column(JSON)
    consent_recorded: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(
        String(10), default=FocusGroupStatus.OPEN.value, server_default="open"
    )
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # The one safeguarding concern the session's items raised, if any (one per session).
    concern_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id", ondelete="SET NULL"))

    council: Mapped[Council] = relationship(lazy="joined")
    items: Mapped[list[FocusGroupItem]] = relationship(
        back_populates="session", order_by="FocusGroupItem.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("consent_recorded", name="consent_recorded"),
        CheckConstraint("status in ('open', 'closed')", name="status"),
    )


class FocusGroupItem(Base):
    """One thing recorded for a prompt (or as a general note): words encrypted until anonymised
    like a free-text answer, or counts per option, or the hash of a cleaned photo."""

    __tablename__ = "focus_group_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("focus_group_sessions.id", ondelete="CASCADE"), index=True
    )
    # The guide's prompt id; None for a general note about the session.
    prompt_id: Mapped[str | None] = mapped_column(String(100))
    # The prompt's title when recorded, so the item reads the same if the guide changes.
    prompt_words: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    added_on: Mapped[dt.date] = mapped_column(Date, default=today)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    redacted: Mapped[str | None] = mapped_column(Text)
    raw_destroyed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Screened and anonymised (or never had words): nothing left for the worker to do.
    processed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    held_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    processing_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # {option id: count} for votes and shows of hands.
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # SHA-256 of the cleaned photo file (stored outside the web root under this name).
    photo_hash: Mapped[str | None] = mapped_column(String(64))

    session: Mapped[FocusGroupSession] = relationship(back_populates="items")

    __table_args__ = (
        # Raw and redacted words never sit side by side: storing the redaction destroys the raw.
        CheckConstraint("ciphertext is null or redacted is null", name="raw_or_redacted"),
        CheckConstraint(
            "kind in ('note', 'quote', 'sticky_note', 'votes', 'show_of_hands', 'photo')",
            name="kind",
        ),
    )


# Theme coding (survey_app.themes): every voice's free-text items, coded against one codebook.

THEME_SOURCES = ("survey", "focus_group", "feedback", "audit")


class ThemeItem(Base):
    """A free-text item from any source (voices.TextItem) that can carry themes, keyed by its
    source and ref; its anonymised text only, and a secret cell key so that counts of coded
    items are perturbed like counts of responses."""

    __tablename__ = "theme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(80))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # The first day of the month it was said in: never the day.
    month: Mapped[dt.date] = mapped_column(Date, index=True)
    prompt: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    # Secret, never shown or exported (see SurveyResponse.cell_key).
    cell_key: Mapped[int] = mapped_column(Integer, default=new_cell_key)
    # Suggestions were worked out (perhaps none fitted); the sweeper suggests for the rest.
    suggested: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )

    __table_args__ = (
        UniqueConstraint("source", "ref", name="uq_theme_items_source_ref"),
        CheckConstraint("source in ('survey', 'focus_group', 'feedback', 'audit')", name="source"),
    )


class ThemeSuggestion(Base):
    """A theme the suggester proposes for an item: never counted as coded."""

    __tablename__ = "theme_suggestions"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("theme_items.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class ThemeCoding(Base):
    """One coder's confirmed decision about one item: the themes they gave (perhaps none).

    `counted`: the coding that counts in results (the first coder's); a second coder's coding
    of the same item measures agreement (Cohen's kappa) and does not count twice."""

    __tablename__ = "theme_codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("theme_items.id", ondelete="CASCADE"), index=True
    )
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    coded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    counted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    codes: Mapped[list[ThemeCode]] = relationship(
        cascade="all, delete-orphan", order_by="ThemeCode.theme_id", lazy="selectin"
    )

    __table_args__ = (UniqueConstraint("item_id", "coder_id", name="uq_theme_codings_item_coder"),)


class ThemeCode(Base):
    """One theme a coder gave an item (a retired theme stays on the items coded with it)."""

    __tablename__ = "theme_codes"

    coding_id: Mapped[int] = mapped_column(
        ForeignKey("theme_codings.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class ApprovedQuote(Base):
    """An anonymised item a facilitator approved for reports, as a quote."""

    __tablename__ = "approved_quotes"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("theme_items.id", ondelete="CASCADE"), primary_key=True
    )
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_on: Mapped[dt.date] = mapped_column(Date, default=today)


# Complaints and compliments, and case-file audits (issue 15) ---------------------------------


class FeedbackKind(StrEnum):
    """What a council's complaints log calls an entry."""

    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    COMMENT = "comment"


class FeedbackFrom(StrEnum):
    """Who made the complaint or compliment (a role, never a name)."""

    CHILD = "child"
    PARENT = "parent"
    CARER = "carer"
    ADVOCATE = "advocate"
    PROFESSIONAL = "professional"
    OTHER = "other"


class FeedbackItem(Base):
    """One complaint, compliment or comment imported from a council's log: the month it was
    received (never the day), its type, who made it, and the service and its words, both
    encrypted until the worker has anonymised them, then only their redactions.

    row_key is a keyed hash (HMAC-SHA256, key outside the database) of the row as imported, so
    importing the same log again adds nothing; the row itself is not kept. No import date
    either: a log imported every day would give each item's day away.
    """

    __tablename__ = "feedback_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # "YYYY-MM": a column with no room for a day.
    received_month: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(20))
    # The service as anonymised by the worker ("" until then): staff type it, a name can be in it.
    service: Mapped[str] = mapped_column(Text, default="", server_default="")
    row_key: Mapped[str] = mapped_column(String(64))
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    redacted: Mapped[str | None] = mapped_column(Text)
    # The service as typed, encrypted, until the worker anonymises it with the words.
    service_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    raw_destroyed_on: Mapped[dt.date | None] = mapped_column(Date)
    held_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    processing_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        UniqueConstraint("council_id", "row_key", name="uq_feedback_items_row"),
        CheckConstraint("ciphertext is null or redacted is null", name="raw_or_redacted"),
        CheckConstraint(
            "service_ciphertext is null or service = ''", name="service_raw_or_redacted"
        ),
        CheckConstraint("length(received_month) = 7", name="month_only"),
        CheckConstraint("kind in ('complaint', 'compliment', 'comment')", name="kind"),
        CheckConstraint(
            "sender in ('child', 'parent', 'carer', 'advocate', 'professional', 'other')",
            name="sender",
        ),
    )


class CaseAudit(Base):
    """One case file audited with an audit form (`audience: auditor`): the answers to its
    criteria and its notes (encrypted until anonymised). No case identifier: only a keyed hash
    of the case reference, unique per council, form and period, so a case is audited once a
    period and nobody can read back which case it was."""

    __tablename__ = "case_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    # The publication period of the form it was audited in ("2026-Q4").
    period: Mapped[str] = mapped_column(String(10), index=True)
    case_hash: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    notes_redacted: Mapped[str | None] = mapped_column(Text)
    raw_destroyed_on: Mapped[dt.date | None] = mapped_column(Date)
    held_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    processing_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Secret, never shown: published counts are perturbed by their members' keys.
    cell_key: Mapped[int] = mapped_column(Integer, default=new_cell_key)

    __table_args__ = (
        UniqueConstraint(
            "council_id", "survey_id", "period", "case_hash", name="uq_case_audits_once"
        ),
        CheckConstraint(
            "notes_ciphertext is null or notes_redacted is null", name="raw_or_redacted"
        ),
    )


class ActionStatus(StrEnum):
    """Where a "you said, we did" action stands."""

    PLANNED = "planned"
    DOING = "doing"
    DONE = "done"


class Action(Base):
    """What a council (or the whole region) did because children or practitioners spoke: "you
    said" (what was heard), "we did" (what changed), owned by a role, never a person. Children
    see it only once a council lead or admin has approved its child-friendly words."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: an action for the whole region, shown on every council's links.
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(20), default=ActionStatus.PLANNED.value, server_default="planned"
    )
    # Ids of themes in the codebook (slugs); an action may have none.
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The figure or approved quote that showed what was heard, in words.
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The role that owns it ("Conference chairs"), not a person's name.
    owner_role: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The day the change took effect: its measure is compared before and after it.
    acted_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    # The survey question and option it should move ("felt listened to: yes").
    measure_survey_id: Mapped[str | None] = mapped_column(ForeignKey("surveys.id"))
    measure_question: Mapped[str] = mapped_column(String(100), default="", server_default="")
    measure_option: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_on: Mapped[dt.date] = mapped_column(Date, default=today)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    council: Mapped[Council | None] = relationship(lazy="joined")
    texts: Mapped[list[ActionText]] = relationship(
        back_populates="action", order_by="ActionText.language", cascade="all, delete-orphan"
    )
    quote_links: Mapped[list[ActionQuote]] = relationship(
        order_by="ActionQuote.item_id", cascade="all, delete-orphan"
    )
    figures: Mapped[list[ActionFigure]] = relationship(
        order_by="ActionFigure.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("status in ('planned', 'doing', 'done')", name="status"),
        # Approval records who and when together.
        CheckConstraint(
            "(approved_on is null) = (approved_by_id is null)", name="approved_by_someone"
        ),
    )


class ActionText(Base):
    """An action's "you said, we did" in one language, in words a child of 9 can read."""

    __tablename__ = "action_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(12))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("action_id", "language", name="uq_action_texts_language"),)


class ActionQuote(Base):
    """An approved quote that showed what an action heard. The link stays when the quote is
    withdrawn from the quote bank, but the quote is shown only while it is approved."""

    __tablename__ = "action_quotes"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("theme_items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ActionFigure(Base):
    """A published figure that showed what an action heard: a survey question's answer for the
    action's council (or the region), in one publication period or, period empty, the latest
    closed one. Only the reference is kept: the figure is published when it is shown."""

    __tablename__ = "action_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[str] = mapped_column(ForeignKey("surveys.id"))
    question_id: Mapped[str] = mapped_column(String(100))
    option: Mapped[str] = mapped_column(String(100))
    # A period key ("2026-Q3"); empty: the latest closed period when shown.
    period: Mapped[str] = mapped_column(String(10), default="", server_default="")

    __table_args__ = (
        UniqueConstraint(
            "action_id", "survey_id", "question_id", "option", "period", name="uq_action_figures"
        ),
    )
