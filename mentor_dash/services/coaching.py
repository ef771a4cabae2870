"""Who coaches which enrollment: change or assign the coach, the primary coach, mentor-side archive.

Coach changes are guarded by the enrollment's version column: two people changing the same
enrollment at once cannot overwrite each other; the second is told and shown the new state.
"""

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.domain.validation import as_bool, as_id, as_int
from mentor_dash.models import (
    Availability,
    CoachProfile,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    GroupMembership,
    LearningProgram,
    Mentorship,
    StudentGroup,
    User,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.audit import audit_record
from mentor_dash.services.stats import stats_refresh

CHANGED_MEANWHILE = (
    "This enrollment was changed by someone else meanwhile. The page now shows the current coach."
)
NOT_ELIGIBLE = "That coach cannot take this enrollment: only active coaches registered for the program can."
UNAVAILABLE = "{name} is marked unavailable and takes no new participants."
SAME_COACH = "{name} already coaches this program. Nothing changed."
NOT_ACTIVE = "This enrollment is no longer active, so its coach cannot change."
NO_COACH_FOR_PRIMARY = "An enrollment without a coach cannot give the primary coach."
ALREADY_PRIMARY = "This is already the primary coach."
NOT_A_MENTOR_PARTICIPANT = "This participant has no active mentor to archive them for."


def _coach_snapshot(session: Session, coach_id: int | None) -> dict[str, object]:
    coach = session.get(User, coach_id) if coach_id is not None else None
    return {"coach_id": coach_id, "coach_name": coach.name if coach else None}


def eligible_coach(session: Session, *, organization_id: int, program_id: int, coach_id: int) -> User:
    """An active, available coach of the organisation registered for the program; else a refusal.

    Coaches marked unavailable keep the enrollments they have but take no new ones: pickers
    leave them out and this refuses them, whoever sends their id.
    """
    coach = session.get(User, coach_id)
    registered = session.exec(
        select(CoachRegistration.id).where(
            CoachRegistration.coach_id == coach_id, CoachRegistration.program_id == program_id
        )
    ).first()
    profile = session.get(CoachProfile, coach_id) if coach is not None else None
    if (
        coach is None
        or coach.organization_id != organization_id
        or not coach.is_coach
        or not coach.is_active
        or registered is None
    ):
        raise ValidationFailed(NOT_ELIGIBLE)
    if profile is not None and profile.availability == Availability.UNAVAILABLE:
        raise ValidationFailed(UNAVAILABLE.format(name=coach.name))
    return coach


def assign_coach(
    session: Session,
    *,
    actor: Actor,
    enrollment: Enrollment,
    coach: User | None,
    expected_version: int,
    now: datetime,
    reason: str = "",
) -> Enrollment:
    """Point one enrollment at a coach (or none), version-checked, audited; callers authorize first."""
    before = _coach_snapshot(session, enrollment.coach_id)
    new_coach_id = coach.id if coach else None
    values: dict[str, object] = {
        "coach_id": new_coach_id,
        "version": Enrollment.version + 1,
        "coachless_since": None if coach else now,
        # The coach-side archive and groups belong to the coach who leaves, not the one who comes.
        "coach_archived": False,
    }
    if coach is None:
        values["is_primary"] = False
    changed = session.execute(
        update(Enrollment)
        .where(
            Enrollment.id == enrollment.id,
            Enrollment.version == expected_version,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .values(**values)
    ).rowcount
    if changed != 1:
        raise Conflict(CHANGED_MEANWHILE)
    if before["coach_id"] is not None:
        session.execute(
            delete(GroupMembership).where(
                GroupMembership.enrollment_id == enrollment.id,
                GroupMembership.group_id.in_(
                    select(StudentGroup.id).where(StudentGroup.coach_id == before["coach_id"])
                ),
            )
        )
    session.refresh(enrollment)
    if coach is not None and not _has_primary(session, enrollment.participant_id):
        # A participant's first coach becomes their primary coach.
        enrollment.is_primary = True
        session.add(enrollment)
        session.flush()
    after = _coach_snapshot(session, new_coach_id)
    program = session.get(LearningProgram, enrollment.program_id)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.COACH_CHANGED,
        target_type="enrollment",
        target_id=enrollment.id,
        participant_id=enrollment.participant_id,
        before={**before, "program": program.name if program else None},
        after={
            **after,
            "program": program.name if program else None,
            **({"reason": reason} if reason else {}),
        },
        at=now,
    )
    stats_refresh(session, [enrollment.participant_id])
    return enrollment


def _has_primary(session: Session, participant_id: int) -> bool:
    return (
        session.exec(
            select(Enrollment.id).where(
                Enrollment.participant_id == participant_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.is_primary.is_(True),  # type: ignore[attr-defined]
            )
        ).first()
        is not None
    )


def enrollment_change_coach(
    *,
    session: Session,
    actor: Actor | None,
    enrollment_id: int,
    coach_id: int,
    expected_version: int,
    now: datetime | None = None,
) -> Enrollment:
    """A mentor (own mentor participants) or manager (own organisation) changes or assigns a coach."""
    now = now or utcnow()
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, Action.TRANSFER_COACH, TargetKind.ENROLLMENT, enrollment_id)
    assert actor is not None
    expected_version = as_int(expected_version, low=1, high=2**31 - 1)
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationFailed(NOT_ACTIVE)
    coach = eligible_coach(
        session,
        organization_id=enrollment.organization_id,
        program_id=enrollment.program_id,
        coach_id=as_id(coach_id),
    )
    if enrollment.version != expected_version:
        raise Conflict(CHANGED_MEANWHILE)
    if enrollment.coach_id == coach.id:
        raise ValidationFailed(SAME_COACH.format(name=coach.name))
    return assign_coach(
        session, actor=actor, enrollment=enrollment, coach=coach, expected_version=expected_version, now=now
    )


def enrollment_make_primary(
    *, session: Session, actor: Actor | None, enrollment_id: int, now: datetime | None = None
) -> Enrollment:
    """This enrollment's coach becomes the participant's one primary coach."""
    now = now or utcnow()
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, Action.SET_PRIMARY_COACH, TargetKind.ENROLLMENT, enrollment_id)
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationFailed(NOT_ACTIVE)
    if enrollment.coach_id is None:
        raise ValidationFailed(NO_COACH_FOR_PRIMARY)
    if enrollment.is_primary:
        raise ValidationFailed(ALREADY_PRIMARY)
    previous = session.exec(
        select(Enrollment).where(
            Enrollment.participant_id == enrollment.participant_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.is_primary.is_(True),  # type: ignore[attr-defined]
        )
    ).first()
    session.execute(
        update(Enrollment)
        .where(Enrollment.participant_id == enrollment.participant_id, Enrollment.is_primary.is_(True))  # type: ignore[attr-defined]
        .values(is_primary=False, version=Enrollment.version + 1)
    )
    session.flush()
    session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(is_primary=True, version=Enrollment.version + 1)
    )
    session.refresh(enrollment)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.PRIMARY_COACH_CHANGED,
        target_type="enrollment",
        target_id=enrollment.id,
        participant_id=enrollment.participant_id,
        before=_coach_snapshot(session, previous.coach_id if previous else None),
        after=_coach_snapshot(session, enrollment.coach_id),
        at=now,
    )
    return enrollment


def mentorship_set_archived(
    *, session: Session, actor: Actor | None, participant_id: int, archived: bool, now: datetime | None = None
) -> Mentorship:
    """Hide or show a participant in their mentor's overview; nothing is deleted."""
    now = now or utcnow()
    participant_id = as_id(participant_id)
    archived = as_bool(archived)
    authorize(session, actor, Action.ARCHIVE_STUDENT, TargetKind.PARTICIPANT, participant_id)
    mentorship = session.exec(
        select(Mentorship).where(Mentorship.participant_id == participant_id, Mentorship.ended_at.is_(None))  # type: ignore[union-attr]
    ).first()
    if mentorship is None:
        raise ValidationFailed(NOT_A_MENTOR_PARTICIPANT)
    assert actor is not None
    if mentorship.mentor_id != actor.user_id and not actor.is_manager:
        # A coach of one enrollment may archive that enrollment, not the mentor's overview.
        raise NotAllowed(
            action=Action.ARCHIVE_STUDENT.value, target_type="participant", target_id=participant_id
        )
    if mentorship.mentor_archived == archived:
        return mentorship
    mentorship.mentor_archived = archived
    session.add(mentorship)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.MENTOR_ARCHIVED if archived else audit_actions.MENTOR_UNARCHIVED,
        target_type="participant",
        target_id=participant_id,
        participant_id=participant_id,
        before={"archived": not archived},
        after={"archived": archived},
        at=now,
    )
    return mentorship
