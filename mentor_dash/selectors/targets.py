"""Facts about targets that the permission table needs; None when the target does not exist."""

from sqlmodel import Session, select

from mentor_dash.domain.access import Target
from mentor_dash.models import Enrollment, EnrollmentStatus, LearningProgram, Mentorship, User


def _active_mentor_id(session: Session, participant_id: int) -> int | None:
    return session.exec(
        select(Mentorship.mentor_id).where(
            Mentorship.participant_id == participant_id,
            Mentorship.ended_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()


def enrollment_target(session: Session, enrollment_id: int) -> Target | None:
    """An enrollment: its coach scope is its own coach while it is active."""
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        return None
    coaches = (
        frozenset({enrollment.coach_id})
        if enrollment.coach_id is not None and enrollment.status == EnrollmentStatus.ACTIVE
        else frozenset()
    )
    return Target(
        organization_id=enrollment.organization_id,
        participant_id=enrollment.participant_id,
        coach_ids=coaches,
        mentor_id=_active_mentor_id(session, enrollment.participant_id),
    )


def participant_target(session: Session, participant_id: int) -> Target | None:
    """A participant: coached by every coach of their active enrollments."""
    participant = session.get(User, participant_id)
    if participant is None or not participant.is_participant:
        return None
    coach_ids = session.exec(
        select(Enrollment.coach_id).where(
            Enrollment.participant_id == participant_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.coach_id.is_not(None),  # type: ignore[union-attr]
        )
    ).all()
    return Target(
        organization_id=participant.organization_id,
        participant_id=participant_id,
        coach_ids=frozenset(cid for cid in coach_ids if cid is not None),
        mentor_id=_active_mentor_id(session, participant_id),
    )


def user_target(session: Session, user_id: int) -> Target | None:
    user = session.get(User, user_id)
    if user is None:
        return None
    return Target(organization_id=user.organization_id, user_id=user_id)


def program_target(session: Session, program_id: int) -> Target | None:
    program = session.get(LearningProgram, program_id)
    if program is None:
        return None
    return Target(organization_id=program.organization_id)
