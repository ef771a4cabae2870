"""Changing coaches per program, the primary coach and mentor-side archiving."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from mentor_dash.models import AuditEvent, AuditOutcome, Enrollment, EnrollmentStatus, Mentorship, User
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.coaching import (
    enrollment_change_coach,
    enrollment_make_primary,
    mentorship_set_archived,
)
from mentor_dash.services.unit_of_work import run_write
from tests import factories


@dataclass
class World:
    engine: Engine
    mentor: User
    other_mentor: User
    manager: User
    foreign_manager: User
    coach_a: User
    coach_b: User
    unregistered_coach: User
    inactive_coach: User
    foreign_coach: User
    plain_participant: User
    learner: User
    enrollment: Enrollment
    coachless: Enrollment


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    with Session(engine, expire_on_commit=False) as session, override_engine(engine):
        org, other_org = factories.organization(session), factories.organization(session)
        prog, second = factories.program(session, org), factories.program(session, org)
        coach_a = factories.coach(session, org, name="Anna Coach")
        coach_b = factories.coach(session, org, name="Bram Coach")
        unregistered = factories.coach(session, org, name="Unregistered Coach")
        inactive = factories.coach(session, org, name="Gone Coach", active=False)
        foreign = factories.coach(session, other_org, name="Foreign Coach")
        for coach in (coach_a, coach_b, inactive):
            factories.register(session, coach, prog)
            factories.register(session, coach, second)
        mentor, other_mentor = factories.coach(session, org), factories.coach(session, org)
        learner = factories.participant(session, org, name="Lena Learner")
        enrollment = factories.enrollment(session, learner, prog, coach_a, primary=True)
        coachless = factories.enrollment(session, learner, second)
        factories.mentorship(session, learner, mentor)
        world = World(
            engine,
            mentor,
            other_mentor,
            factories.manager(session, org),
            factories.manager(session, other_org),
            coach_a,
            coach_b,
            unregistered,
            inactive,
            foreign,
            factories.participant(session, org),
            learner,
            enrollment,
            coachless,
        )
        session.commit()
        yield world


def actor(user: User):  # type: ignore[no-untyped-def]
    return actor_from_user(user)


def fresh(engine: Engine, enrollment_id: int) -> Enrollment:
    with Session(engine) as session:
        return session.get(Enrollment, enrollment_id)  # type: ignore[return-value]


def coach_change_events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(
                    AuditEvent.action == audit_actions.COACH_CHANGED, AuditEvent.outcome == AuditOutcome.OK
                )
            ).all()
        )


def change(world: World, who: User, enrollment: Enrollment, coach: User | int, version: int | None = None):  # type: ignore[no-untyped-def]
    return run_write(
        enrollment_change_coach,
        actor=actor(who),
        enrollment_id=enrollment.id,
        coach_id=coach.id if isinstance(coach, User) else coach,
        expected_version=version if version is not None else fresh(world.engine, enrollment.id).version,
    )


def test_a_mentor_changes_the_coach_of_one_program_with_an_audit_event(world: World) -> None:
    change(world, world.mentor, world.enrollment, world.coach_b)

    after = fresh(world.engine, world.enrollment.id)
    assert after.coach_id == world.coach_b.id
    assert after.version == world.enrollment.version + 1
    assert after.is_primary
    [event] = coach_change_events(world.engine)
    assert event.actor_id == world.mentor.id and event.participant_id == world.learner.id
    assert json.loads(event.before)["coach_name"] == "Anna Coach"
    assert json.loads(event.after)["coach_name"] == "Bram Coach"


def test_assigning_a_coach_to_a_coachless_enrollment_makes_them_primary_when_none_is(world: World) -> None:
    with Session(world.engine) as session:
        session.get(Enrollment, world.enrollment.id).status = EnrollmentStatus.COMPLETED  # type: ignore[union-attr]
        session.commit()

    change(world, world.manager, world.coachless, world.coach_b)

    after = fresh(world.engine, world.coachless.id)
    assert after.coach_id == world.coach_b.id and after.coachless_since is None and after.is_primary


def test_a_manager_of_the_organisation_may_change_any_coach_there(world: World) -> None:
    change(world, world.manager, world.enrollment, world.coach_b)

    assert fresh(world.engine, world.enrollment.id).coach_id == world.coach_b.id


@pytest.mark.parametrize(
    "who", ["other_mentor", "coach_a", "foreign_manager", "plain_participant", "learner"]
)
def test_nobody_else_may_change_the_coach(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        change(world, getattr(world, who), world.enrollment, world.coach_b)

    assert fresh(world.engine, world.enrollment.id).coach_id == world.coach_a.id
    assert coach_change_events(world.engine) == []


@pytest.mark.parametrize(
    "coach", ["unregistered_coach", "inactive_coach", "foreign_coach", "plain_participant"]
)
def test_only_active_coaches_registered_for_the_program_are_eligible(world: World, coach: str) -> None:
    with pytest.raises(ValidationFailed):
        change(world, world.mentor, world.enrollment, getattr(world, coach))

    assert fresh(world.engine, world.enrollment.id).coach_id == world.coach_a.id


@pytest.mark.parametrize("bad_id", [987654, -1, True, "5"])
def test_a_coach_id_that_does_not_exist_is_refused(world: World, bad_id: object) -> None:
    with pytest.raises(DomainError):
        change(world, world.mentor, world.enrollment, bad_id)  # type: ignore[arg-type]

    assert fresh(world.engine, world.enrollment.id).coach_id == world.coach_a.id


def test_changing_to_the_same_coach_is_a_no_op_with_a_message_and_no_audit_entry(world: World) -> None:
    with pytest.raises(ValidationFailed, match="already coaches"):
        change(world, world.mentor, world.enrollment, world.coach_a)

    assert fresh(world.engine, world.enrollment.id).version == world.enrollment.version
    assert coach_change_events(world.engine) == []


def test_an_enrollment_unenrolled_meanwhile_keeps_its_coach(world: World) -> None:
    with Session(world.engine) as session:
        session.get(Enrollment, world.enrollment.id).status = EnrollmentStatus.UNENROLLED  # type: ignore[union-attr]
        session.commit()

    with pytest.raises(DomainError):
        change(world, world.mentor, world.enrollment, world.coach_b)


def test_a_stale_version_is_told_the_enrollment_changed_and_overwrites_nothing(world: World) -> None:
    stale = world.enrollment.version
    change(world, world.mentor, world.enrollment, world.coach_b, version=stale)

    with pytest.raises(Conflict, match="changed by someone else"):
        change(world, world.manager, world.enrollment, world.coach_a, version=stale)

    assert fresh(world.engine, world.enrollment.id).coach_id == world.coach_b.id
    assert len(coach_change_events(world.engine)) == 1


def test_two_people_changing_one_coach_at_once_give_one_success_and_one_conflict(world: World) -> None:
    version = world.enrollment.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(who: User, coach: User) -> None:
        barrier.wait()
        try:
            change(world, who, world.enrollment, coach, version=version)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    with override_engine(world.engine):
        threads = [
            threading.Thread(target=attempt, args=(world.mentor, world.coach_b)),
            threading.Thread(target=attempt, args=(world.manager, world.coach_b)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(outcomes) == ["conflict", "ok"]
    assert fresh(world.engine, world.enrollment.id).version == version + 1
    assert len(coach_change_events(world.engine)) == 1


def test_make_primary_moves_the_one_primary_marker(world: World) -> None:
    change(world, world.mentor, world.coachless, world.coach_b)
    assert not fresh(world.engine, world.coachless.id).is_primary

    run_write(enrollment_make_primary, actor=actor(world.mentor), enrollment_id=world.coachless.id)

    assert fresh(world.engine, world.coachless.id).is_primary
    assert not fresh(world.engine, world.enrollment.id).is_primary
    with Session(world.engine) as session:
        primaries = session.exec(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.participant_id == world.learner.id, Enrollment.is_primary.is_(True))
        ).one()
    assert primaries == 1


def test_a_coachless_enrollment_cannot_become_primary(world: World) -> None:
    with pytest.raises(ValidationFailed):
        run_write(enrollment_make_primary, actor=actor(world.mentor), enrollment_id=world.coachless.id)


@pytest.mark.parametrize("who", ["coach_a", "other_mentor", "foreign_manager"])
def test_coaches_and_strangers_cannot_set_the_primary_coach(world: World, who: str) -> None:
    change(world, world.mentor, world.coachless, world.coach_b)

    with pytest.raises(NotAllowed):
        run_write(enrollment_make_primary, actor=actor(getattr(world, who)), enrollment_id=world.coachless.id)


def test_archiving_hides_a_participant_for_the_mentor_and_unarchiving_brings_them_back(world: World) -> None:
    run_write(
        mentorship_set_archived, actor=actor(world.mentor), participant_id=world.learner.id, archived=True
    )
    with Session(world.engine) as session:
        assert session.exec(select(Mentorship.mentor_archived)).one() is True

    run_write(
        mentorship_set_archived, actor=actor(world.mentor), participant_id=world.learner.id, archived=False
    )

    with Session(world.engine) as session:
        assert session.exec(select(Mentorship.mentor_archived)).one() is False
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.outcome == "ok")).all()
    assert actions == [audit_actions.MENTOR_ARCHIVED, audit_actions.MENTOR_UNARCHIVED]


@pytest.mark.parametrize("who", ["other_mentor", "coach_a", "foreign_manager", "learner"])
def test_only_the_mentor_or_a_manager_archives_a_mentor_participant(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        run_write(
            mentorship_set_archived,
            actor=actor(getattr(world, who)),
            participant_id=world.learner.id,
            archived=True,
        )


def test_a_new_coach_starts_without_the_old_coachs_archive_flag_and_groups(world: World) -> None:
    from mentor_dash.models import GroupMembership, StudentGroup

    with Session(world.engine) as session:
        group = StudentGroup(
            organization_id=world.learner.organization_id,
            coach_id=world.coach_a.id,
            program_id=world.enrollment.program_id,
            name="Evening cohort",
        )
        session.add(group)
        session.flush()
        session.add(GroupMembership(group_id=group.id, enrollment_id=world.enrollment.id))
        session.get(Enrollment, world.enrollment.id).coach_archived = True  # type: ignore[union-attr]
        session.commit()

    change(world, world.mentor, world.enrollment, world.coach_b)

    assert fresh(world.engine, world.enrollment.id).coach_archived is False
    with Session(world.engine) as session:
        assert session.exec(select(GroupMembership)).all() == []
