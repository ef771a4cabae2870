"""What the manager overview opens with: who waits for a coach, who has no mentor, who is about to expire.

Every figure counts exactly what the /manager grid shows behind its link (the same filters),
so a manager who follows a figure finds that many rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.statuses import EXPIRING_SOON_DAYS
from mentor_dash.models import Enrollment, EnrollmentStatus, LearningProgram, Mentorship, ParticipantStats
from mentor_dash.selectors.feed_cache import FeedCache, feed_position
from mentor_dash.selectors.guard import guard


@dataclass(frozen=True)
class ProgramWaiting:
    program_id: int
    program: str
    coachless: int
    oldest_since: datetime | None
    active: int


@dataclass(frozen=True)
class CoachlessSummary:
    programs: list[ProgramWaiting]
    coachless_enrollments: int
    without_mentor: int
    expiring: int
    participants: int


# One summary per organisation, shared by its managers until the change feed moves.
summary_cache = FeedCache(size=256)


def _programs(session: Session, organization_id: int) -> list[ProgramWaiting]:
    coachless = and_(Enrollment.coach_id.is_(None), Enrollment.status == EnrollmentStatus.ACTIVE)
    waiting = {
        program_id: (int(count), oldest)
        for program_id, count, oldest in session.execute(
            select(Enrollment.program_id, func.count(), func.min(Enrollment.coachless_since))
            .where(Enrollment.organization_id == organization_id, coachless)
            .group_by(Enrollment.program_id)
        ).all()
    }
    active = (
        select(func.count())
        .where(Enrollment.program_id == LearningProgram.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .correlate(LearningProgram)
        .scalar_subquery()
    )
    programs = [
        ProgramWaiting(
            program_id=program_id,
            program=name,
            coachless=waiting.get(program_id, (0, None))[0],
            oldest_since=waiting.get(program_id, (0, None))[1],
            active=int(count),
        )
        for program_id, name, count in session.execute(
            select(LearningProgram.id, LearningProgram.name, active).where(
                LearningProgram.organization_id == organization_id
            )
        ).all()
    ]
    # Oldest waiting first; programs where nobody waits go last, by name.
    return sorted(
        programs,
        key=lambda p: (
            p.oldest_since is None,
            p.oldest_since.timestamp() if p.oldest_since else 0.0,
            p.program,
        ),
    )


def _participants(session: Session, organization_id: int) -> int:
    return int(
        session.execute(
            select(func.count()).where(ParticipantStats.organization_id == organization_id)
        ).scalar_one()
    )


def _with_mentor(session: Session, organization_id: int) -> int:
    """Participants with an active mentor (at most one each): the grid's "no mentor" filter is the rest.

    Counted from the mentorships, which is far cheaper than probing every participant for one.
    """
    return int(
        session.execute(
            select(func.count())
            .select_from(Mentorship)
            .join(ParticipantStats, ParticipantStats.participant_id == Mentorship.participant_id)
            .where(
                Mentorship.organization_id == organization_id,
                Mentorship.ended_at.is_(None),
                ParticipantStats.organization_id == organization_id,
            )
        ).scalar_one()
    )


def _expiring(session: Session, organization_id: int, now: datetime) -> int:
    expires = ParticipantStats.subscription_expires_at
    return int(
        session.execute(
            select(func.count()).where(
                ParticipantStats.organization_id == organization_id,
                expires > now,
                expires <= now + timedelta(days=EXPIRING_SOON_DAYS),
            )
        ).scalar_one()
    )


def coachless_summary(*, session: Session, actor: Actor | None, now: datetime) -> CoachlessSummary:
    """The overview's figures for the actor's organisation (program managers only)."""
    guard(
        actor,
        Action.VIEW_MANAGER_OVERVIEW,
        own_account(actor) if actor else None,
        target_type="organization",
        target_id=actor.organization_id if actor else None,
    )
    assert actor is not None
    organization_id = actor.organization_id

    def compute() -> CoachlessSummary:
        programs = _programs(session, organization_id)
        participants = _participants(session, organization_id)
        return CoachlessSummary(
            programs=programs,
            coachless_enrollments=sum(p.coachless for p in programs),
            without_mentor=participants - _with_mentor(session, organization_id),
            expiring=_expiring(session, organization_id, now),
            participants=participants,
        )

    # Every figure counts people or enrollments, which progress never moves.
    position = feed_position(session, organization_id, now, progress_matters=False)
    return summary_cache.get_or_compute(position, "summary", compute)
