"""The one way selectors and services ask the permission table.

It loads the facts about the target from the database, asks `domain.access`, and raises
NotAllowed carrying what was refused (for the audit trail). A target that does not exist is
refused exactly like a forbidden one.
"""

from collections.abc import Callable
from enum import StrEnum

from sqlmodel import Session

from mentor_dash.domain import access
from mentor_dash.domain.access import Action, Actor, Scope, Target
from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.selectors import targets


class TargetKind(StrEnum):
    ENROLLMENT = "enrollment"
    PARTICIPANT = "participant"
    USER = "user"
    PROGRAM = "program"
    ORGANIZATION = "organization"


def _organization_target(session: Session, organization_id: int) -> Target | None:
    from mentor_dash.models import Organization

    return access.organization(organization_id) if session.get(Organization, organization_id) else None


_LOADERS: dict[TargetKind, Callable[[Session, int], Target | None]] = {
    TargetKind.ENROLLMENT: targets.enrollment_target,
    TargetKind.PARTICIPANT: targets.participant_target,
    TargetKind.USER: targets.user_target,
    TargetKind.PROGRAM: targets.program_target,
    TargetKind.ORGANIZATION: _organization_target,
}


def guard(
    actor: Actor | None, action: Action, target: Target | None, *, target_type: str, target_id: int | None
) -> frozenset[Scope]:
    """The scopes that allow `action` on an already loaded target; raises otherwise."""
    if actor is None:
        raise NotSignedIn()
    granted = access.allowed_scopes(actor, action, target)
    if not granted:
        raise NotAllowed(action=action.value, target_type=target_type, target_id=target_id)
    return granted


def authorize(
    session: Session, actor: Actor | None, action: Action, kind: TargetKind, target_id: int
) -> frozenset[Scope]:
    """Load the target and check the action against it."""
    if actor is None:
        raise NotSignedIn()
    target = _LOADERS[kind](session, target_id)
    return guard(actor, action, target, target_type=kind.value, target_id=target_id)
