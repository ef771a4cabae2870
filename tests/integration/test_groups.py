"""A coach's student groups: create, rename, delete, members; every refusal changes nothing."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import NotAllowed, ValidationFailed
from mentor_dash.models import AuditEvent, AuditOutcome, GroupMembership, Organization, StudentGroup, User
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.groups import (
    group_add_member,
    group_create,
    group_delete,
    group_remove_member,
    group_rename,
)
from mentor_dash.services.unit_of_work import run_write
from tests import factories
from tests.integration.test_progress import CoachWorld, build_coach_world


@pytest.fixture
def world(engine: Engine) -> Iterator[CoachWorld]:
    with Session(engine, expire_on_commit=False) as session, override_engine(engine):
        yield build_coach_world(session, engine)


def actor(user: User) -> Actor:
    return actor_from_user(user)


def create(w: CoachWorld, name: str = "Evening cohort", who: User | None = None, program_id: object = None):  # type: ignore[no-untyped-def]
    return run_write(
        group_create,
        actor=actor(who or w.coach),
        program_id=w.program_id if program_id is None else program_id,
        name=name,
    )


def groups(w: CoachWorld) -> list[tuple[int, str]]:
    with Session(w.engine) as session:
        return [
            (g.coach_id, g.name) for g in session.exec(select(StudentGroup).order_by(StudentGroup.id)).all()
        ]


def members(w: CoachWorld, group_id: int) -> list[int]:
    with Session(w.engine) as session:
        return list(
            session.exec(
                select(GroupMembership.enrollment_id).where(GroupMembership.group_id == group_id)
            ).all()
        )


def ok_actions(w: CoachWorld) -> list[str]:
    with Session(w.engine) as session:
        return list(
            session.exec(
                select(AuditEvent.action)
                .where(AuditEvent.outcome == AuditOutcome.OK, AuditEvent.action.like("group.%"))  # type: ignore[attr-defined]
                .order_by(AuditEvent.id)
            ).all()
        )


def test_a_coach_creates_renames_and_deletes_a_group_with_an_audit_trail(world: CoachWorld) -> None:
    group = create(world, "  Evening   cohort ")
    assert groups(world) == [(world.coach.id, "Evening cohort")]

    run_write(group_rename, actor=actor(world.coach), group_id=group.id, name="Team Blue")
    assert groups(world) == [(world.coach.id, "Team Blue")]

    run_write(
        group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )
    run_write(group_delete, actor=actor(world.coach), group_id=group.id)

    assert groups(world) == []
    with Session(world.engine) as session:
        assert session.exec(select(func.count()).select_from(GroupMembership)).one() == 0
    assert ok_actions(world) == [
        audit_actions.GROUP_CREATED,
        audit_actions.GROUP_RENAMED,
        audit_actions.GROUP_MEMBER_ADDED,
        audit_actions.GROUP_DELETED,
    ]


def test_a_coach_adds_and_removes_a_participant(world: CoachWorld) -> None:
    group = create(world)

    run_write(
        group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )
    assert members(world, group.id) == [world.enrollment_id]

    run_write(
        group_remove_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )
    assert members(world, group.id) == []
    with Session(world.engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == audit_actions.GROUP_MEMBER_REMOVED)
        ).one()
    assert (event.participant_id, event.organization_id) == (world.learner.id, world.org_id)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, None, 5, ["a"]])
def test_an_empty_or_bad_group_name_is_refused(world: CoachWorld, name: object) -> None:
    with pytest.raises(ValidationFailed):
        create(world, name)  # type: ignore[arg-type]

    assert groups(world) == []


@pytest.mark.parametrize("name", ["Evening cohort", "evening COHORT", " Evening  cohort "])
def test_a_group_name_the_coach_already_uses_in_the_program_is_refused(world: CoachWorld, name: str) -> None:
    create(world)

    with pytest.raises(ValidationFailed, match="already have a group"):
        create(world, name)

    assert groups(world) == [(world.coach.id, "Evening cohort")]


def test_the_same_name_is_fine_in_another_program_or_for_another_coach(world: CoachWorld) -> None:
    create(world)
    create(world, program_id=world.second_program_id)
    create(world, who=world.other_coach)

    assert len(groups(world)) == 3


def test_renaming_to_a_name_in_use_or_to_nothing_is_refused(world: CoachWorld) -> None:
    first, second = create(world, "Alpha"), create(world, "Beta")

    with pytest.raises(ValidationFailed, match="already have a group"):
        run_write(group_rename, actor=actor(world.coach), group_id=second.id, name="alpha")
    with pytest.raises(ValidationFailed, match="name"):
        run_write(group_rename, actor=actor(world.coach), group_id=second.id, name=" ")
    with pytest.raises(ValidationFailed, match="already called"):
        run_write(group_rename, actor=actor(world.coach), group_id=first.id, name="Alpha")

    assert [name for _, name in groups(world)] == ["Alpha", "Beta"]


def test_a_coach_cannot_create_a_group_in_a_program_they_do_not_coach(world: CoachWorld) -> None:
    with pytest.raises(NotAllowed):
        create(world, who=world.unregistered_coach)

    assert groups(world) == []


@pytest.mark.parametrize("who", ["mentor", "manager", "foreign_manager", "learner"])
def test_people_who_do_not_coach_the_program_cannot_create_groups(world: CoachWorld, who: str) -> None:
    with pytest.raises(NotAllowed):
        create(world, who=getattr(world, who))

    assert groups(world) == []


def test_a_foreign_or_missing_program_is_refused(world: CoachWorld) -> None:
    with Session(world.engine) as session:
        foreign_org = session.get(User, world.foreign_coach.id).organization_id  # type: ignore[union-attr]
        foreign_program = factories.program(session, session.get(Organization, foreign_org))  # type: ignore[arg-type]
        factories.register(session, world.coach, foreign_program)
        session.commit()
        foreign_program_id = foreign_program.id
    for program_id in (987_654, -1, "1", foreign_program_id):
        with pytest.raises(NotAllowed):
            create(world, program_id=program_id)

    assert groups(world) == []


@pytest.mark.parametrize("who", ["other_coach", "mentor", "manager", "foreign_manager", "foreign_coach"])
def test_only_the_coach_who_made_a_group_may_change_it(world: CoachWorld, who: str) -> None:
    group = create(world)
    stranger = actor(getattr(world, who))

    with pytest.raises(NotAllowed):
        run_write(group_rename, actor=stranger, group_id=group.id, name="Hijacked")
    with pytest.raises(NotAllowed):
        run_write(group_delete, actor=stranger, group_id=group.id)
    with pytest.raises(NotAllowed):
        run_write(group_add_member, actor=stranger, group_id=group.id, enrollment_id=world.enrollment_id)

    assert groups(world) == [(world.coach.id, "Evening cohort")]
    assert members(world, group.id) == []


def test_a_coach_cannot_put_another_coachs_participant_in_a_group(world: CoachWorld) -> None:
    group = create(world)

    with pytest.raises(NotAllowed):
        run_write(
            group_add_member,
            actor=actor(world.coach),
            group_id=group.id,
            enrollment_id=world.other_enrollment_id,
        )

    assert members(world, group.id) == []


def test_a_participant_of_another_program_does_not_join_the_group(world: CoachWorld) -> None:
    group = create(world, program_id=world.second_program_id)

    with pytest.raises(ValidationFailed, match="is not in Data"):
        run_write(
            group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
        )

    assert members(world, group.id) == []


def test_adding_a_member_twice_or_removing_a_non_member_is_refused(world: CoachWorld) -> None:
    group = create(world)
    run_write(
        group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )

    with pytest.raises(ValidationFailed, match="already in"):
        run_write(
            group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
        )
    run_write(
        group_remove_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )
    with pytest.raises(ValidationFailed, match="is not in"):
        run_write(
            group_remove_member,
            actor=actor(world.coach),
            group_id=group.id,
            enrollment_id=world.enrollment_id,
        )

    assert members(world, group.id) == []


@pytest.mark.parametrize("bad_id", [987_654, 0, "1", True, None, [1]])
def test_missing_or_malformed_group_and_enrollment_ids_are_refused(world: CoachWorld, bad_id: object) -> None:
    group = create(world)

    with pytest.raises(NotAllowed):
        run_write(group_rename, actor=actor(world.coach), group_id=bad_id, name="X")
    with pytest.raises(NotAllowed):
        run_write(group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=bad_id)

    assert members(world, group.id) == []
