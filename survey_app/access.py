"""Who may see what: regional staff see every council, a council lead only their own."""

from __future__ import annotations

from .models import COUNCIL_ROLES, Distribution, User


def council_scope(user: User) -> list[int] | None:
    """The councils whose data user may see; None means all."""
    if user.role in COUNCIL_ROLES:
        return [user.council_id] if user.council_id is not None else []
    return None


def may_see(user: User, distribution: Distribution) -> bool:
    scope = council_scope(user)
    return scope is None or distribution.council_id in scope
