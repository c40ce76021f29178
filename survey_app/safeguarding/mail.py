"""The alert email that tells a safeguarding lead a concern needs reading, and sending it over
SMTP (smtplib). The email never holds what anyone wrote: only where and when, and a link."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from socket import getfqdn
from typing import Any
from urllib.parse import unquote, urlsplit

from ..models import ConcernLevel, NotificationKind

log = logging.getLogger(__name__)

# scheme -> (default port, TLS from the start, STARTTLS after connecting)
SCHEMES = {
    "smtp": (25, False, False),
    "smtp+starttls": (587, False, True),
    "smtps": (465, True, False),
}


class MailSetupError(ValueError):
    """SURVEY_SMTP_URL cannot be understood."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand mail over."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Read smtp://host:port, smtp+starttls://user:password@host:587 or smtps://..."""
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise MailSetupError("SURVEY_SMTP_URL must start smtp://, smtp+starttls:// or smtps://")
        if not parts.hostname:
            raise MailSetupError("SURVEY_SMTP_URL has no host.")
        port, implicit_tls, starttls = SCHEMES[parts.scheme]
        return cls(
            host=parts.hostname,
            port=parts.port or port,
            implicit_tls=implicit_tls,
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


@dataclass(frozen=True)
class MailSettings:
    """What sending needs from the service's settings."""

    server: SmtpServer | None  # None: write emails to the log (the demo)
    sender: str
    public_url: str
    timeout_seconds: float = 15.0

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> MailSettings:
        """From the service's settings (SMTP_URL, MAIL_FROM, PUBLIC_URL)."""
        url = settings.get("SMTP_URL")
        return cls(
            server=SmtpServer.from_url(str(url)) if url else None,
            sender=str(settings.get("MAIL_FROM") or "safeguarding-alerts@localhost"),
            public_url=str(settings["PUBLIC_URL"]).rstrip("/"),
        )


@dataclass(frozen=True)
class Alert:
    """What an alert email may say: where and when a concern was raised, never its words."""

    concern_id: int
    kind: NotificationKind
    round_number: int
    level: ConcernLevel
    council: str
    survey_title: str
    distribution_label: str
    raised_at: dt.datetime
    # The same for every try of one email, so a copy sent again after a worker died between
    # sending and recording it carries the same Message-ID, and mail programs show it once.
    reference: str


def concern_link(settings: MailSettings, concern_id: int) -> str:
    """The lead's page for a concern."""
    return f"{settings.public_url}/safeguarding/concerns/{concern_id}"


def alert_message(alert: Alert, to: str, settings: MailSettings) -> EmailMessage:
    """The email to one person about one concern."""
    if alert.kind == NotificationKind.ESCALATION:
        subject = f"Reminder: a safeguarding concern is not yet acknowledged ({alert.council})"
        opening = (
            f"A safeguarding concern raised {_when(alert.raised_at)} has not been acknowledged. "
            "Please read it now, or make sure someone does."
        )
    else:
        subject = f"A safeguarding concern needs reading ({alert.council})"
        opening = "A safeguarding concern needs reading."
    urgency = (
        "alert: a child may be at risk now or soon"
        if alert.level == ConcernLevel.ALERT
        else "review: a person should read it"
    )
    body = "\n".join(
        [
            opening,
            "",
            f"Council: {alert.council}",
            f"Survey: {alert.survey_title or 'not known'}",
            f"Distribution: {alert.distribution_label or 'not known'}",
            f"Raised: {_when(alert.raised_at)}",
            f"Urgency: {urgency}",
            "",
            "Read it, and record what you did, here:",
            concern_link(settings, alert.concern_id),
            "",
            "This email does not say what was written: sign in to read it.",
            "",
        ]
    )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = to
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    domain = settings.sender.rpartition("@")[2] or getfqdn()
    message["Message-ID"] = f"<alert.{alert.reference}@{domain}>"
    # Tell out-of-office replies and mail loops to leave it alone.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def _when(moment: dt.datetime) -> str:
    return f"{moment:%-d %B %Y at %H:%M} UTC"


class MailFailure(Exception):
    """Sending failed; `reason` says how (the SMTP reply code or the kind of error), never what
    the email said."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def send(message: EmailMessage, settings: MailSettings) -> None:
    """Hand message to the SMTP server, or write it to the log when none is set (the demo).

    Raises MailFailure, whatever went wrong, so the caller can record it and try again.
    """
    server = settings.server
    if server is None:
        log.info("SURVEY_SMTP_URL is not set; this email was not sent:\n%s", message)
        return
    try:
        _hand_over(message, server, settings.timeout_seconds)
    except smtplib.SMTPRecipientsRefused as refused:
        codes = sorted({str(code) for code, _reply in refused.recipients.values()})
        raise MailFailure(f"recipient refused (SMTP {', '.join(codes)})") from None
    except smtplib.SMTPResponseException as error:
        raise MailFailure(f"{_reply_class(error.smtp_code)} (SMTP {error.smtp_code})") from None
    except smtplib.SMTPException as error:
        raise MailFailure(f"SMTP error ({type(error).__name__})") from None
    except TimeoutError:
        raise MailFailure("the mail server did not answer in time") from None
    except ConnectionRefusedError:
        raise MailFailure("the mail server refused the connection (nothing listening?)") from None
    except OSError as error:  # includes TLS errors
        raise MailFailure(f"could not reach the mail server ({type(error).__name__})") from None


def _hand_over(message: EmailMessage, server: SmtpServer, timeout: float) -> None:
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        if server.starttls:
            client.starttls(context=context)
        if server.username:
            client.login(server.username, server.password or "")
        client.send_message(message)


def _reply_class(code: int) -> str:
    if 400 <= code < 500:
        return "the mail server said try again later"
    if 500 <= code < 600:
        return "the mail server refused it"
    return "unexpected reply from the mail server"
