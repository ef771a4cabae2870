"""Small builders for test data; each adds rows to the session and flushes so ids exist."""

import itertools
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.domain.access import Actor
from mentor_dash.domain.passwords import hash_password
from mentor_dash.models import (
    Assignment,
    CoachProfile,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    Exam,
    LearningProgram,
    Mentorship,
    Module,
    Organization,
    Subscription,
    User,
)
from mentor_dash.services.auth import actor_from_user

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
T = TypeVar("T")


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def now() -> datetime:
    return datetime.now(UTC)


def _saved(session: Session, row: T) -> T:
    session.add(row)
    session.flush()
    return row


def organization(session: Session, name: str | None = None) -> Organization:
    n = next(_counter)
    return _saved(session, Organization(name=name or f"Organisation {n}", slug=f"org-{n}"))


def user(
    session: Session,
    org: Organization,
    *,
    name: str | None = None,
    email: str | None = None,
    participant: bool = False,
    coach: bool = False,
    manager: bool = False,
    active: bool = True,
) -> User:
    n = next(_counter)
    created = _saved(
        session,
        User(
            organization_id=org.id,
            name=name or f"Person {n}",
            email=email or f"person{n}@test.example",
            password_hash=password_hash(),
            is_active=active,
            is_participant=participant,
            is_coach=coach,
            is_manager=manager,
        ),
    )
    if coach:
        _saved(session, CoachProfile(user_id=created.id, contact_email=f"coach{n}@test.example"))
    return created


def participant(session: Session, org: Organization, **kwargs: object) -> User:
    return user(session, org, participant=True, **kwargs)  # type: ignore[arg-type]


def coach(session: Session, org: Organization, **kwargs: object) -> User:
    return user(session, org, coach=True, **kwargs)  # type: ignore[arg-type]


def manager(session: Session, org: Organization, **kwargs: object) -> User:
    return user(session, org, manager=True, **kwargs)  # type: ignore[arg-type]


def program(
    session: Session, org: Organization, *, modules: int = 2, name: str | None = None
) -> LearningProgram:
    n = next(_counter)
    created = _saved(session, LearningProgram(organization_id=org.id, name=name or f"Program {n}"))
    for position in range(1, modules + 1):
        module = _saved(
            session,
            Module(
                program_id=created.id,
                position=position,
                title=f"Module {position}",
                is_optional=position == modules and modules > 1,
            ),
        )
        _saved(session, Assignment(module_id=module.id, position=1, title=f"Assignment {position}.1", xp=5))
        _saved(session, Exam(module_id=module.id, title=f"Exam {position}", xp=5))
    return created


def register(session: Session, coach_user: User, prog: LearningProgram) -> CoachRegistration:
    return _saved(
        session,
        CoachRegistration(organization_id=prog.organization_id, coach_id=coach_user.id, program_id=prog.id),
    )


def enrollment(
    session: Session,
    learner: User,
    prog: LearningProgram,
    coach_user: User | None = None,
    *,
    primary: bool = False,
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE,
) -> Enrollment:
    return _saved(
        session,
        Enrollment(
            organization_id=learner.organization_id,
            participant_id=learner.id,
            program_id=prog.id,
            coach_id=coach_user.id if coach_user else None,
            is_primary=primary,
            status=status,
            coachless_since=None if coach_user else now(),
        ),
    )


def mentorship(session: Session, learner: User, mentor: User, *, ended: bool = False) -> Mentorship:
    return _saved(
        session,
        Mentorship(
            organization_id=learner.organization_id,
            participant_id=learner.id,
            mentor_id=mentor.id,
            started_at=now() - timedelta(days=30),
            ended_at=now() if ended else None,
        ),
    )


def subscription(session: Session, learner: User, *, expires_in_days: int = 200) -> Subscription:
    return _saved(
        session,
        Subscription(
            organization_id=learner.organization_id,
            participant_id=learner.id,
            plan="Yearly",
            started_at=now() - timedelta(days=100),
            expires_at=now() + timedelta(days=expires_in_days),
        ),
    )


def actor_by_email(engine: Engine, email: str) -> Actor:
    """The actor of an existing user (demo logins, or users a test made)."""
    with Session(engine) as session:
        return actor_from_user(session.exec(select(User).where(User.email == email)).one())
