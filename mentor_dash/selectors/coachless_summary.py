"""What the manager overview opens with: who waits for a coach, who has no mentor, who is about to expire.

Every figure counts exactly what the /manager grid shows behind its link (the same filters),
so a manager who follows a figure finds that many rows.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.statuses import EXPIRING_SOON_DAYS
from mentor_dash.models import Enrollment, EnrollmentStatus, LearningProgram, Mentorship, ParticipantStats
from mentor_dash.selectors.feed import feed_latest_id
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


class _SummaryCache:
    """One summary per organisation and database, valid until the change feed moves or the minute turns."""

    def __init__(self, size: int = 256) -> None:
        self._entries: OrderedDict[tuple, CoachlessSummary] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple) -> CoachlessSummary | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: tuple, summary: CoachlessSummary) -> None:
        with self._lock:
            self._entries[key] = summary
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


summary_cache = _SummaryCache()


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
    key = (
        str(session.get_bind().url),
        actor.organization_id,
        now.replace(second=0, microsecond=0),
        feed_latest_id(session=session, organization_id=actor.organization_id),
    )
    cached = summary_cache.get(key)
    if cached is not None:
        return cached
    programs = _programs(session, actor.organization_id)
    participants = _participants(session, actor.organization_id)
    summary = CoachlessSummary(
        programs=programs,
        coachless_enrollments=sum(p.coachless for p in programs),
        without_mentor=participants - _with_mentor(session, actor.organization_id),
        expiring=_expiring(session, actor.organization_id, now),
        participants=participants,
    )
    summary_cache.put(key, summary)
    return summary
