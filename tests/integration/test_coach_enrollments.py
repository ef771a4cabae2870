"""A coach archives their own enrollments and ends their coaching with a hand-over (or none)."""

import json
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from mentor_dash.domain.grid import GridQuery, GridScope
from mentor_dash.models import (
    AuditEvent,
    AuditOutcome,
    Enrollment,
    EnrollmentStatus,
    GroupMembership,
    ParticipantStats,
    User,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_candidates import coach_candidates
from mentor_dash.selectors.participant_grid import participant_grid
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.coach_enrollments import (
    HANDOVER_REASON,
    coach_enrollment_set_archived,
    coach_enrollment_unenroll,
)
from mentor_dash.services.groups import group_add_member, group_create
from mentor_dash.services.unit_of_work import run_read, run_write
from tests.integration.test_progress import CoachWorld, build_coach_world


@pytest.fixture
def world(engine: Engine) -> Iterator[CoachWorld]:
    with Session(engine, expire_on_commit=False) as session, override_engine(engine):
        yield build_coach_world(session, engine)


def actor(user: User) -> Actor:
    return actor_from_user(user)


def enrollment(w: CoachWorld, enrollment_id: int | None = None) -> Enrollment:
    with Session(w.engine) as session:
        found = session.get(Enrollment, enrollment_id or w.enrollment_id)
        assert found is not None
        return found


def ok_events(w: CoachWorld, action: str) -> list[AuditEvent]:
    with Session(w.engine) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(AuditEvent.action == action, AuditEvent.outcome == AuditOutcome.OK)
                .order_by(AuditEvent.id)
            ).all()
        )


def archive(w: CoachWorld, archived: object = True, who: User | None = None, enrollment_id: object = None):  # type: ignore[no-untyped-def]
    return run_write(
        coach_enrollment_set_archived,
        actor=actor(who or w.coach),
        enrollment_id=enrollment_id or w.enrollment_id,
        archived=archived,
    )


def unenroll(w: CoachWorld, handover: object = None, who: User | None = None, version: int | None = None):  # type: ignore[no-untyped-def]
    return run_write(
        coach_enrollment_unenroll,
        actor=actor(who or w.coach),
        enrollment_id=w.enrollment_id,
        expected_version=version if version is not None else enrollment(w).version,
        handover_coach_id=handover,
    )


# Archive


def test_a_coach_archives_and_unarchives_an_enrollment_in_their_own_list(world: CoachWorld) -> None:
    version = enrollment(world).version

    archive(world, True)
    assert enrollment(world).coach_archived is True
    archive(world, False)

    after = enrollment(world)
    assert after.coach_archived is False
    assert after.version == version  # archiving is no coach change: nobody's coach dialog goes stale
    events = ok_events(world, audit_actions.COACH_ARCHIVED) + ok_events(world, audit_actions.COACH_UNARCHIVED)
    assert [(e.action, e.participant_id, e.organization_id) for e in events] == [
        (audit_actions.COACH_ARCHIVED, world.learner.id, world.org_id),
        (audit_actions.COACH_UNARCHIVED, world.learner.id, world.org_id),
    ]


def test_archiving_twice_says_so_and_records_nothing_more(world: CoachWorld) -> None:
    archive(world, True)

    with pytest.raises(ValidationFailed, match="already archived"):
        archive(world, True)
    archive(world, False)
    with pytest.raises(ValidationFailed, match="not archived"):
        archive(world, False)

    assert len(ok_events(world, audit_actions.COACH_ARCHIVED)) == 1


@pytest.mark.parametrize("value", ["yes", 1, None, [True]])
def test_archive_takes_only_true_or_false(world: CoachWorld, value: object) -> None:
    with pytest.raises(ValidationFailed):
        archive(world, value)

    assert enrollment(world).coach_archived is False


@pytest.mark.parametrize(
    "who", ["other_coach", "mentor", "manager", "foreign_manager", "foreign_coach", "learner"]
)
def test_only_the_enrollments_coach_archives_it_in_the_coach_list(world: CoachWorld, who: str) -> None:
    with pytest.raises(NotAllowed):
        archive(world, True, who=getattr(world, who))

    assert enrollment(world).coach_archived is False
    assert ok_events(world, audit_actions.COACH_ARCHIVED) == []


def test_a_coach_cannot_archive_another_coachs_enrollment(world: CoachWorld) -> None:
    with pytest.raises(NotAllowed):
        archive(world, True, enrollment_id=world.other_enrollment_id)

    assert enrollment(world, world.other_enrollment_id).coach_archived is False


# Unenroll with hand-over


def test_unenrolling_with_a_hand_over_gives_the_enrollment_to_the_chosen_coach(world: CoachWorld) -> None:
    before = enrollment(world)

    unenroll(world, handover=world.other_coach.id)

    after = enrollment(world)
    assert after.coach_id == world.other_coach.id
    assert after.status == EnrollmentStatus.ACTIVE
    assert after.is_primary  # the primary marker stays with the enrollment and its new coach
    assert after.version == before.version + 1
    [change] = ok_events(world, audit_actions.COACH_CHANGED)
    assert json.loads(change.after)["reason"] == HANDOVER_REASON
    assert json.loads(change.before)["coach_name"] == "Carla Coach"
    assert json.loads(change.after)["coach_name"] == "Otto Coach"
    [ended] = ok_events(world, audit_actions.UNENROLLED)
    assert (ended.actor_id, ended.participant_id, ended.organization_id) == (
        world.coach.id,
        world.learner.id,
        world.org_id,
    )
    assert json.loads(ended.after)["handed_over"] is True


def test_unenrolling_without_a_hand_over_leaves_the_participant_coachless_for_mentors_and_managers(
    world: CoachWorld,
) -> None:
    unenroll(world, handover=None)

    after = enrollment(world)
    assert after.coach_id is None and after.coachless_since is not None
    assert after.status == EnrollmentStatus.ACTIVE and not after.is_primary
    with Session(world.engine) as session:
        assert session.get(ParticipantStats, world.learner.id).coachless_enrollments == 1  # type: ignore[union-attr]
    for who, scope in ((world.mentor, GridScope.MENTOR), (world.manager, GridScope.MANAGER)):
        page = run_read(
            participant_grid,
            actor=actor(who),
            scope=scope,
            query=GridQuery(coachless_only=True),
            now=utcnow(),
        )
        assert [row.participant_id for row in page.rows] == [world.learner.id]


def test_after_unenrolling_the_old_coach_can_no_longer_act_on_the_enrollment(world: CoachWorld) -> None:
    unenroll(world, handover=world.other_coach.id)

    with pytest.raises(NotAllowed):
        archive(world, True)
    with pytest.raises(NotAllowed):
        unenroll(world, handover=None)


def test_unenrolling_removes_the_participant_from_the_coachs_groups_and_clears_the_archive_mark(
    world: CoachWorld,
) -> None:
    group = run_write(group_create, actor=actor(world.coach), program_id=world.program_id, name="Evening")
    run_write(
        group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )
    archive(world, True)

    unenroll(world, handover=world.other_coach.id)

    with Session(world.engine) as session:
        assert session.exec(select(GroupMembership)).all() == []
    assert enrollment(world).coach_archived is False


def test_the_hand_over_picker_lists_only_coaches_registered_for_the_program(world: CoachWorld) -> None:
    found = run_read(
        coach_candidates,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        action=Action.UNENROLL_WITH_HANDOVER,
    )

    assert {c.name for c in found} == {"Carla Coach", "Otto Coach"}
    assert [c.current for c in found if c.name == "Carla Coach"] == [True]


@pytest.mark.parametrize("who", ["unregistered_coach", "foreign_coach", "learner", "mentor"])
def test_a_hand_over_only_goes_to_an_active_coach_registered_for_the_program(
    world: CoachWorld, who: str
) -> None:
    with pytest.raises(ValidationFailed, match="registered for the program"):
        unenroll(world, handover=getattr(world, who).id)

    assert enrollment(world).coach_id == world.coach.id


def test_a_coach_cannot_hand_over_to_themselves(world: CoachWorld) -> None:
    with pytest.raises(ValidationFailed, match="another coach"):
        unenroll(world, handover=world.coach.id)

    assert enrollment(world).coach_id == world.coach.id


@pytest.mark.parametrize("bad", [987_654, 0, "5", True, [1]])
def test_a_missing_or_malformed_hand_over_coach_is_refused(world: CoachWorld, bad: object) -> None:
    with pytest.raises(DomainError):
        unenroll(world, handover=bad)

    assert enrollment(world).coach_id == world.coach.id
    assert ok_events(world, audit_actions.UNENROLLED) == []


@pytest.mark.parametrize(
    "who", ["other_coach", "mentor", "manager", "foreign_manager", "foreign_coach", "learner"]
)
def test_only_the_enrollments_coach_may_unenroll_with_a_hand_over(world: CoachWorld, who: str) -> None:
    with pytest.raises(NotAllowed):
        unenroll(world, handover=world.other_coach.id, who=getattr(world, who))

    assert enrollment(world).coach_id == world.coach.id
    assert ok_events(world, audit_actions.COACH_CHANGED) == []


def test_a_stale_version_is_told_the_enrollment_changed_and_hands_nothing_over(world: CoachWorld) -> None:
    stale = enrollment(world).version
    archive(world, True)  # archiving does not move the version ...
    with Session(world.engine) as session:
        row = session.get(Enrollment, world.enrollment_id)
        row.version += 1  # type: ignore[union-attr]  # ... but a mentor's primary-coach change does
        session.commit()

    with pytest.raises(Conflict, match="changed by someone else"):
        unenroll(world, handover=world.other_coach.id, version=stale)

    assert enrollment(world).coach_id == world.coach.id


def test_two_unenrolls_at_once_hand_over_once(world: CoachWorld) -> None:
    version = enrollment(world).version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(handover: int | None) -> None:
        barrier.wait()
        try:
            unenroll(world, handover=handover, version=version)
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(type(error).__name__)

    threads = [
        threading.Thread(target=attempt, args=(world.other_coach.id,)),
        threading.Thread(target=attempt, args=(None,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) in (["Conflict", "ok"], ["NotAllowed", "ok"])
    assert enrollment(world).version == version + 1
    assert len(ok_events(world, audit_actions.UNENROLLED)) == 1
