"""Choices for the grid's program and coach filters, limited to what the viewer may see."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.grid import GridScope
from mentor_dash.models import Enrollment, EnrollmentStatus, LearningProgram, Mentorship, User
from mentor_dash.selectors.guard import guard

MAX_COACH_OPTIONS = 300


@dataclass(frozen=True)
class Option:
    id: int
    label: str


@dataclass(frozen=True)
class GridOptions:
    programs: list[Option]
    coaches: list[Option]


def grid_options(*, session: Session, actor: Actor | None, scope: GridScope) -> GridOptions:
    action = Action.VIEW_MENTOR_OVERVIEW if scope is GridScope.MENTOR else Action.VIEW_MANAGER_OVERVIEW
    guard(actor, action, own_account(actor) if actor else None, target_type="grid", target_id=None)
    assert actor is not None
    programs = [
        Option(pid, name)
        for pid, name in session.execute(
            select(LearningProgram.id, LearningProgram.name)
            .where(LearningProgram.organization_id == actor.organization_id)
            .order_by(LearningProgram.name)
        ).all()
    ]
    coaches_query = select(User.id, User.name).where(
        User.organization_id == actor.organization_id, User.is_coach
    )
    if scope is GridScope.MENTOR:
        # Only the coaches who coach one of this mentor's participants.
        coaches_query = coaches_query.where(
            User.id.in_(
                select(Enrollment.coach_id)
                .join(Mentorship, Mentorship.participant_id == Enrollment.participant_id)
                .where(
                    Mentorship.mentor_id == actor.user_id,
                    Mentorship.ended_at.is_(None),
                    Enrollment.status == EnrollmentStatus.ACTIVE,
                )
            )
        )
    coaches = [
        Option(cid, name)
        for cid, name in session.execute(coaches_query.order_by(User.name).limit(MAX_COACH_OPTIONS)).all()
    ]
    return GridOptions(programs=programs, coaches=coaches)
