"""What a coach does with one of their own enrollments: archive it in their list, or stop coaching it.

"Unenroll" here ends this coach's coaching of the participant in one program; the
participant stays enrolled in the program. The coach either hands them to another coach
registered for the program (the only transfer a coach may make) or leaves them without a coach,
where mentors and program managers find them under "Coachless only".
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor, Scope
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.domain.validation import as_bool, as_id, as_int
from mentor_dash.models import Enrollment, GroupMembership, LearningProgram, StudentGroup, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record
from mentor_dash.services.coaching import CHANGED_MEANWHILE, assign_coach, eligible_coach
from mentor_dash.services.stats import stats_refresh

HANDOVER_REASON = "hand-over while unenrolling"
NOT_YOURSELF = "Choose another coach, or leave the participant without a coach."
ALREADY_ARCHIVED = "{name} is already archived in your list."
NOT_ARCHIVED = "{name} is not archived in your list."


def coach_enrollment_set_archived(
    *,
    session: Session,
    actor: Actor | None,
    enrollment_id: int,
    archived: bool,
    now: datetime | None = None,
) -> Enrollment:
    """Hide or show one enrollment in its coach's own list; nothing else changes."""
    now = now or utcnow()
    enrollment_id = as_id(enrollment_id)
    granted = authorize(session, actor, Action.ARCHIVE_STUDENT, TargetKind.ENROLLMENT, enrollment_id)
    if Scope.COACH not in granted:
        # Mentors and managers archive in their own lists; the coach's list is the coach's.
        raise NotAllowed(
            action=Action.ARCHIVE_STUDENT.value, target_type="enrollment", target_id=enrollment_id
        )
    archived = as_bool(archived)
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None and actor is not None
    participant = session.get(User, enrollment.participant_id)
    name = participant.name if participant else "This participant"
    changed = session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment_id, Enrollment.coach_archived == (not archived))
        .values(coach_archived=archived)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ValidationFailed((ALREADY_ARCHIVED if archived else NOT_ARCHIVED).format(name=name))
    audit_record(
        session,
        actor=actor,
        action=audit_actions.COACH_ARCHIVED if archived else audit_actions.COACH_UNARCHIVED,
        target_type="enrollment",
        target_id=enrollment_id,
        participant_id=enrollment.participant_id,
        before={"coach_archived": not archived},
        after={"coach_archived": archived},
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    session.refresh(enrollment)
    return enrollment


def coach_enrollment_unenroll(
    *,
    session: Session,
    actor: Actor | None,
    enrollment_id: int,
    expected_version: int,
    handover_coach_id: Any = None,
    now: datetime | None = None,
) -> Enrollment:
    """End the actor's coaching of one enrollment: hand it to another coach, or leave it coachless."""
    now = now or utcnow()
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, Action.UNENROLL_WITH_HANDOVER, TargetKind.ENROLLMENT, enrollment_id)
    assert actor is not None
    expected_version = as_int(expected_version, low=1, high=2**31 - 1)
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    successor: User | None = None
    if handover_coach_id is not None:
        coach_id = as_id(handover_coach_id)
        if coach_id == actor.user_id:
            raise ValidationFailed(NOT_YOURSELF)
        successor = eligible_coach(
            session,
            organization_id=enrollment.organization_id,
            program_id=enrollment.program_id,
            coach_id=coach_id,
        )
    if enrollment.version != expected_version:
        raise Conflict(CHANGED_MEANWHILE)
    own_groups = select(StudentGroup.id).where(StudentGroup.coach_id == actor.user_id)
    left_groups = session.execute(
        delete(GroupMembership)
        .where(GroupMembership.enrollment_id == enrollment_id, GroupMembership.group_id.in_(own_groups))  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    ).rowcount
    assign_coach(
        session,
        actor=actor,
        enrollment=enrollment,
        coach=successor,
        expected_version=expected_version,
        now=now,
        reason=HANDOVER_REASON,
    )
    # The archive flag is the leaving coach's own view; the next coach starts with a clean list.
    session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment_id)
        .values(coach_archived=False)
        .execution_options(synchronize_session=False)
    )
    program = session.get(LearningProgram, enrollment.program_id)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.UNENROLLED,
        target_type="enrollment",
        target_id=enrollment_id,
        participant_id=enrollment.participant_id,
        before={"coach_id": actor.user_id, "coach_name": actor.name},
        after={
            "coach_id": successor.id if successor else None,
            "coach_name": successor.name if successor else None,
            "handed_over": successor is not None,
            "program": program.name if program else None,
            "groups_left": left_groups,
            "enrollment_status": enrollment.status,
        },
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    session.refresh(enrollment)
    return enrollment
