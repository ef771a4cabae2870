"""The audit trail read as a change feed: live pages compare the newest id they have seen."""

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlmodel import Session

from mentor_dash.domain import audit_actions
from mentor_dash.models import AuditEvent, AuditOutcome, Mentorship
from mentor_dash.models.audit import STRUCTURAL_CHANGE

# Sign-ins and refusals change nothing a page shows.
_QUIET_PREFIX = "auth."


def feed_latest_id(*, session: Session, organization_id: int) -> int:
    return session.execute(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(AuditEvent.organization_id == organization_id)
    ).scalar_one()


def feed_structure_id(*, session: Session, organization_id: int) -> int:
    """The newest change that was not progress: counts of people can only move with it."""
    return session.execute(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(
            AuditEvent.organization_id == organization_id, text(STRUCTURAL_CHANGE)
        )
    ).scalar_one()


@dataclass(frozen=True)
class FeedStep:
    """What changed between two feed positions."""

    # Participants touched, in order (0 stands for "not a participant change").
    participants: list[int]
    # Every change was progress (hand-ins, grading, exams, XP): row values moved, nobody joined
    # or left a grid, and no total that counts people changed.
    progress_only: bool


def feed_step(*, session: Session, organization_id: int, after_id: int, limit: int = 1000) -> FeedStep:
    rows = session.execute(
        select(AuditEvent.participant_id, AuditEvent.action)
        .where(
            AuditEvent.organization_id == organization_id,
            AuditEvent.id > after_id,
            AuditEvent.outcome == AuditOutcome.OK,
            AuditEvent.action.not_like(f"{_QUIET_PREFIX}%"),
        )
        .order_by(AuditEvent.id)
        .limit(limit)
    ).all()
    return FeedStep(
        participants=[participant_id or 0 for participant_id, _ in rows],
        progress_only=len(rows) < limit
        and all(action.startswith(audit_actions.PROGRESS_PREFIXES) for _, action in rows),
    )


def feed_changes_since(
    *, session: Session, organization_id: int, after_id: int, limit: int = 1000
) -> list[int]:
    """Participants touched by changes after `after_id` (0 stands for "not a participant change")."""
    return feed_step(
        session=session, organization_id=organization_id, after_id=after_id, limit=limit
    ).participants


def feed_mentors_of(*, session: Session, organization_id: int, participant_ids: list[int]) -> frozenset[int]:
    """The mentors whose grids these participants are, or were, on.

    Ended mentorships count too: a participant who just left must disappear from the grid.
    Asked once per feed step and shared by every mentor's tab, instead of once per tab.
    """
    ids = sorted({pid for pid in participant_ids if pid})
    if not ids:
        return frozenset()
    return frozenset(
        session.execute(
            select(Mentorship.mentor_id)
            .where(Mentorship.organization_id == organization_id, Mentorship.participant_id.in_(ids))
            .distinct()
        ).scalars()
    )
