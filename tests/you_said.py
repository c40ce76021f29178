"""Actions recorded and approved through the API, for the "you said, we did" tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from survey_app import operations
from survey_app.db import Database
from survey_app.models import User

LEAD = "lead@suffolk.example.org"
OTHER_LEAD = "lead@norfolk.example.org"
ADMIN = "admin@example.org"

# Words a child of 9 can read (the reading-age check passes them without a warning).
CHILD = {
    "en": {"you_said": "You said no one told you why the meeting was on.",
           "we_did": "Now we tell you what it is for, the day before."},
    "pl": {"you_said": "Mówiłeś, że nikt nie powiedział, po co jest spotkanie.",
           "we_did": "Teraz mówimy ci o tym dzień wcześniej."},
    "ar": {"you_said": "قلتم إن أحدًا لم يخبركم لماذا كان الاجتماع.",
           "we_did": "الآن نخبركم بذلك قبل يوم."},
}  # fmt: skip


def token_maker(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    """make(email, role, council): a staff account and a fresh API token for it."""

    def make(email: str, role: str = "facilitator", council: str | None = None) -> str:
        make_user(email, role, council)
        with database.session() as session:
            token = operations.create_api_token(session, email)
            session.commit()
        return token

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def record(
    client: FlaskClient, token: str, council: str | None = "Suffolk", **overrides: Any
) -> Any:
    body = {
        "council": council,
        "you_said": "Children said nobody explained why the conference was happening.",
        "we_did": "Chairs now explain the conference to every child the day before.",
        "status": "doing",
        "themes": ["listened_to"],
        "child": CHILD,
        "owner_role": "Conference chairs",
        **overrides,
    }
    return client.post("/api/v1/actions", json=body, headers=bearer(token))


def approved_action(client: FlaskClient, make_token: Callable[..., str], **overrides: Any) -> int:
    recorded = record(client, make_token("facilitator@example.org"), **overrides)
    assert recorded.status_code == 201, recorded.json
    lead = make_token(LEAD, "council_lead", "Suffolk")
    approved = client.post(f"/api/v1/actions/{recorded.json['id']}/approve", headers=bearer(lead))
    assert approved.status_code == 200, approved.json
    return int(recorded.json["id"])
