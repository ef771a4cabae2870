"""A coach's student groups per program: create, rename, delete, add and remove participants.

Groups belong to the coach who made them; nobody else sees or changes them. A member is one of
the coach's own active enrollments in the group's program.
"""

from datetime import datetime

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor, own_account
from mentor_dash.domain.errors import NotAllowed, ValidationFailed
from mentor_dash.domain.validation import as_id, as_text
from mentor_dash.models import (
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    GroupMembership,
    LearningProgram,
    StudentGroup,
    User,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize, guard
from mentor_dash.services.audit import audit_record

MAX_NAME = 80
MAX_GROUPS_PER_PROGRAM = 100

EMPTY_NAME = "Give the group a name."
NAME_TAKEN = "You already have a group called “{name}” in this program."
SAME_NAME = "The group is already called “{name}”."
TOO_MANY = f"You can have at most {MAX_GROUPS_PER_PROGRAM} groups per program."
OTHER_PROGRAM = "{participant} is not in {program}, the program of this group."
ALREADY_MEMBER = "{participant} is already in {group}."
NOT_A_MEMBER = "{participant} is not in {group}."


def _as_coach(actor: Actor | None, *, target_type: str, target_id: int | None) -> Actor:
    """Groups are part of the coach workspace: only coaches have them."""
    guard(
        actor,
        Action.VIEW_COACH_WORKSPACE,
        own_account(actor) if actor else None,
        target_type=target_type,
        target_id=target_id,
    )
    assert actor is not None
    return actor


def _refused(target_type: str, target_id: object) -> NotAllowed:
    return NotAllowed(
        action=Action.GROUP_STUDENTS.value,
        target_type=target_type,
        target_id=target_id if isinstance(target_id, int) else None,
    )


def _own_group(session: Session, actor: Actor | None, group_id: object) -> tuple[Actor, StudentGroup]:
    group_id = as_id(group_id)
    actor = _as_coach(actor, target_type="group", target_id=group_id)
    group = session.get(StudentGroup, group_id)
    if group is None or group.coach_id != actor.user_id or group.organization_id != actor.organization_id:
        raise _refused("group", group_id)
    return actor, group


def _name(value: object) -> str:
    name = " ".join(as_text(value, limit=MAX_NAME).split())
    if not name:
        raise ValidationFailed(EMPTY_NAME)
    return name


def _name_taken(session: Session, *, coach_id: int, program_id: int, name: str, except_id: int = 0) -> bool:
    return (
        session.exec(
            select(StudentGroup.id).where(
                StudentGroup.coach_id == coach_id,
                StudentGroup.program_id == program_id,
                func.lower(StudentGroup.name) == name.lower(),
                StudentGroup.id != except_id,
            )
        ).first()
        is not None
    )


def _flush_name(session: Session, name: str) -> None:
    """A racing twin with the same name trips the unique constraint: say so, like the check does."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise ValidationFailed(NAME_TAKEN.format(name=name)) from error


def _coaches_program(session: Session, actor: Actor, program_id: int) -> bool:
    registered = session.exec(
        select(CoachRegistration.id).where(
            CoachRegistration.coach_id == actor.user_id, CoachRegistration.program_id == program_id
        )
    ).first()
    coaching = session.exec(
        select(Enrollment.id).where(
            Enrollment.coach_id == actor.user_id,
            Enrollment.program_id == program_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    ).first()
    return registered is not None or coaching is not None


def group_create(
    *, session: Session, actor: Actor | None, program_id: int, name: str, now: datetime | None = None
) -> StudentGroup:
    """A new, empty group in a program the coach is registered for or coaches in."""
    now = now or utcnow()
    program_id = as_id(program_id)
    actor = _as_coach(actor, target_type="program", target_id=program_id)
    program = session.get(LearningProgram, program_id)
    if (
        program is None
        or program.organization_id != actor.organization_id
        or not _coaches_program(session, actor, program_id)
    ):
        raise _refused("program", program_id)
    name = _name(name)
    if _name_taken(session, coach_id=actor.user_id, program_id=program_id, name=name):
        raise ValidationFailed(NAME_TAKEN.format(name=name))
    count = session.exec(
        select(func.count())
        .select_from(StudentGroup)
        .where(StudentGroup.coach_id == actor.user_id, StudentGroup.program_id == program_id)
    ).one()
    if count >= MAX_GROUPS_PER_PROGRAM:
        raise ValidationFailed(TOO_MANY)
    group = StudentGroup(
        organization_id=actor.organization_id,
        coach_id=actor.user_id,
        program_id=program_id,
        name=name,
        created_at=now,
    )
    session.add(group)
    _flush_name(session, name)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.GROUP_CREATED,
        target_type="group",
        target_id=group.id,
        after={"name": name, "program": program.name},
        at=now,
    )
    return group


def group_rename(
    *, session: Session, actor: Actor | None, group_id: int, name: str, now: datetime | None = None
) -> StudentGroup:
    now = now or utcnow()
    actor, group = _own_group(session, actor, group_id)
    name = _name(name)
    if name == group.name:
        raise ValidationFailed(SAME_NAME.format(name=name))
    if _name_taken(
        session,
        coach_id=actor.user_id,
        program_id=group.program_id,
        name=name,
        except_id=group.id,  # type: ignore[arg-type]
    ):
        raise ValidationFailed(NAME_TAKEN.format(name=name))
    before = group.name
    group.name = name
    session.add(group)
    _flush_name(session, name)
    audit_record(
        session,
        actor=actor,
        action=audit_actions.GROUP_RENAMED,
        target_type="group",
        target_id=group.id,
        before={"name": before},
        after={"name": name},
        at=now,
    )
    return group


def group_delete(
    *, session: Session, actor: Actor | None, group_id: int, now: datetime | None = None
) -> None:
    """Delete a group; its members stay enrolled and coached, only the grouping goes."""
    now = now or utcnow()
    actor, group = _own_group(session, actor, group_id)
    members = session.execute(
        delete(GroupMembership)
        .where(GroupMembership.group_id == group.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit_record(
        session,
        actor=actor,
        action=audit_actions.GROUP_DELETED,
        target_type="group",
        target_id=group.id,
        before={"name": group.name, "members": members},
        at=now,
    )
    session.delete(group)
    session.flush()


def _member_facts(
    session: Session, actor: Actor | None, group_id: int, enrollment_id: int
) -> tuple[Actor, StudentGroup, Enrollment, str]:
    actor, group = _own_group(session, actor, group_id)
    enrollment_id = as_id(enrollment_id)
    authorize(session, actor, Action.GROUP_STUDENTS, TargetKind.ENROLLMENT, enrollment_id)
    enrollment = session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    participant = session.get(User, enrollment.participant_id)
    return actor, group, enrollment, participant.name if participant else ""


def group_add_member(
    *, session: Session, actor: Actor | None, group_id: int, enrollment_id: int, now: datetime | None = None
) -> GroupMembership:
    now = now or utcnow()
    actor, group, enrollment, participant = _member_facts(session, actor, group_id, enrollment_id)
    if enrollment.program_id != group.program_id:
        program = session.get(LearningProgram, group.program_id)
        raise ValidationFailed(
            OTHER_PROGRAM.format(participant=participant, program=program.name if program else "")
        )
    existing = session.exec(
        select(GroupMembership.id).where(
            GroupMembership.group_id == group.id, GroupMembership.enrollment_id == enrollment.id
        )
    ).first()
    if existing is not None:
        raise ValidationFailed(ALREADY_MEMBER.format(participant=participant, group=group.name))
    membership = GroupMembership(group_id=group.id, enrollment_id=enrollment.id)  # type: ignore[arg-type]
    session.add(membership)
    session.flush()
    audit_record(
        session,
        actor=actor,
        action=audit_actions.GROUP_MEMBER_ADDED,
        target_type="group",
        target_id=group.id,
        participant_id=enrollment.participant_id,
        after={"group": group.name, "enrollment_id": enrollment.id},
        at=now,
    )
    return membership


def group_remove_member(
    *, session: Session, actor: Actor | None, group_id: int, enrollment_id: int, now: datetime | None = None
) -> None:
    now = now or utcnow()
    actor, group, enrollment, participant = _member_facts(session, actor, group_id, enrollment_id)
    removed = session.execute(
        delete(GroupMembership)
        .where(GroupMembership.group_id == group.id, GroupMembership.enrollment_id == enrollment.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed != 1:
        raise ValidationFailed(NOT_A_MEMBER.format(participant=participant, group=group.name))
    audit_record(
        session,
        actor=actor,
        action=audit_actions.GROUP_MEMBER_REMOVED,
        target_type="group",
        target_id=group.id,
        participant_id=enrollment.participant_id,
        before={"group": group.name, "enrollment_id": enrollment.id},
        at=now,
    )
