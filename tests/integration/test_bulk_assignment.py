"""Bulk coach assignment, even distribution, transferring a coach's list and coach availability."""

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.errors import Conflict, NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.domain.grid import BulkSelection, GridQuery, bulk_selection_from, spread_by_lowest_load
from mentor_dash.models import (
    AuditEvent,
    AuditOutcome,
    Availability,
    CoachProfile,
    Enrollment,
    GroupMembership,
    ParticipantStats,
    StudentGroup,
    User,
)
from mentor_dash.selectors.coach_candidates import coach_candidates, program_coach_candidates
from mentor_dash.services import bulk_assignment
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.bulk_assignment import (
    bulk_assignment_apply,
    bulk_assignment_preview,
    bulk_distribution_apply,
    bulk_distribution_preview,
    coach_transfer_apply,
    coach_transfer_preview,
)
from mentor_dash.services.coach_availability import coach_set_availability
from mentor_dash.services.coaching import enrollment_change_coach
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories


@dataclass
class World:
    engine: Engine
    manager: User
    foreign_manager: User
    mentor: User
    plain_coach: User
    learner: User
    anna: User
    bram: User
    cleo: User
    away: User
    foreign_coach: User
    foreign_participant: User
    program: int
    second: int
    foreign_program: int
    waiting: list[User]
    with_anna: User
    with_bram: User
    enrollments: dict[int, int]


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    with Session(engine, expire_on_commit=False) as session, override_engine(engine):
        org, other = factories.organization(session), factories.organization(session)
        prog, second = factories.program(session, org), factories.program(session, org)
        foreign_prog = factories.program(session, other)
        anna = factories.coach(session, org, name="Anna Coach")
        bram = factories.coach(session, org, name="Bram Coach")
        cleo = factories.coach(session, org, name="Cleo Coach")
        away = factories.coach(session, org, name="Away Coach")
        foreign_coach = factories.coach(session, other, name="Foreign Coach")
        for coach in (anna, bram, cleo, away):
            factories.register(session, coach, prog)
        factories.register(session, anna, second)
        factories.register(session, cleo, second)
        factories.register(session, foreign_coach, foreign_prog)
        session.get(CoachProfile, away.id).availability = Availability.UNAVAILABLE  # type: ignore[union-attr]
        waiting = [factories.participant(session, org, name=f"Waiting {n}") for n in range(1, 5)]
        with_anna = factories.participant(session, org, name="Anna's Learner")
        with_bram = factories.participant(session, org, name="Bram's Learner")
        enrollments: dict[int, int] = {}
        for learner in waiting:
            enrollments[learner.id] = factories.enrollment(session, learner, prog).id  # type: ignore[assignment]
        enrollments[with_anna.id] = factories.enrollment(session, with_anna, prog, anna, primary=True).id  # type: ignore[index,assignment]
        enrollments[with_bram.id] = factories.enrollment(session, with_bram, prog, bram, primary=True).id  # type: ignore[index,assignment]
        factories.enrollment(session, waiting[0], second)
        factories.enrollment(session, with_anna, second, anna)
        mentor = factories.coach(session, org, name="Mentor")
        factories.mentorship(session, waiting[0], mentor)
        foreign_participant = factories.participant(session, other)
        factories.enrollment(session, foreign_participant, foreign_prog)
        world = World(
            engine=engine,
            manager=factories.manager(session, org),
            foreign_manager=factories.manager(session, other),
            mentor=mentor,
            plain_coach=factories.coach(session, org),
            learner=waiting[1],
            anna=anna,
            bram=bram,
            cleo=cleo,
            away=away,
            foreign_coach=foreign_coach,
            foreign_participant=foreign_participant,
            program=prog.id,  # type: ignore[arg-type]
            second=second.id,  # type: ignore[arg-type]
            foreign_program=foreign_prog.id,  # type: ignore[arg-type]
            waiting=waiting,
            with_anna=with_anna,
            with_bram=with_bram,
            enrollments=enrollments,
        )
        session.commit()
        from mentor_dash.services.stats import stats_rebuild_all

        stats_rebuild_all(session)
        session.commit()
        yield world


def actor(user: User):  # type: ignore[no-untyped-def]
    return actor_from_user(user)


def page_of(*users: User) -> BulkSelection:
    return bulk_selection_from({}, [u.id for u in users], False)


def coach_of(engine: Engine, enrollment_id: int) -> int | None:
    with Session(engine) as session:
        return session.get(Enrollment, enrollment_id).coach_id  # type: ignore[union-attr]


def snapshot(engine: Engine) -> list[tuple]:
    with Session(engine) as session:
        return [
            (e.id, e.coach_id, e.version, e.is_primary, e.coachless_since is None)
            for e in session.exec(select(Enrollment).order_by(Enrollment.id)).all()
        ]


def coach_events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(
                    AuditEvent.action == audit_actions.COACH_CHANGED, AuditEvent.outcome == AuditOutcome.OK
                )
                .order_by(AuditEvent.id)
            ).all()
        )


def assign(world: World, who: User, selection: BulkSelection, coach: User | int):  # type: ignore[no-untyped-def]
    coach_id = coach.id if isinstance(coach, User) else coach
    preview = run_read(
        bulk_assignment_preview,
        actor=actor(who),
        selection=selection,
        program_id=world.program,
        coach_id=coach_id,
    )
    result = run_write(
        bulk_assignment_apply,
        actor=actor(who),
        selection=selection,
        program_id=world.program,
        coach_id=coach_id,
        expected_digest=preview.digest,
    )
    return preview, result


def test_the_preview_says_how_many_enrollments_change_and_from_which_coaches(world: World) -> None:
    selection = page_of(world.waiting[0], world.waiting[1], world.with_anna, world.with_bram)

    preview = run_read(
        bulk_assignment_preview,
        actor=actor(world.manager),
        selection=selection,
        program_id=world.program,
        coach_id=world.bram.id,
    )

    assert preview.changes == 3
    assert preview.skipped_same_coach == 1
    assert {(f.name, f.count) for f in preview.from_coaches} == {("No coach", 2), ("Anna Coach", 1)}
    [load] = preview.loads
    assert (load.name, load.before, load.after) == ("Bram Coach", 1, 4)


def test_a_manager_assigns_one_coach_to_the_selected_rows_with_one_audit_event_per_enrollment(
    world: World,
) -> None:
    selection = page_of(world.waiting[0], world.waiting[1], world.with_anna)
    before = {e[0]: e for e in snapshot(world.engine)}

    _, result = assign(world, world.manager, selection, world.cleo)

    assert (result.changed, result.participants) == (3, 3)
    for learner in (world.waiting[0], world.waiting[1], world.with_anna):
        enrollment_id = world.enrollments[learner.id]
        after = next(e for e in snapshot(world.engine) if e[0] == enrollment_id)
        assert after[1] == world.cleo.id
        assert after[2] == before[enrollment_id][2] + 1
        assert after[4], "coachless_since is cleared"
    events = coach_events(world.engine)
    assert len(events) == 3
    by_target = {e.target_id: e for e in events}
    anna_event = by_target[world.enrollments[world.with_anna.id]]
    assert anna_event.participant_id == world.with_anna.id
    assert json.loads(anna_event.before)["coach_name"] == "Anna Coach"
    assert json.loads(anna_event.after)["coach_name"] == "Cleo Coach"
    assert set(json.loads(anna_event.before)) == {"coach_id", "coach_name", "program"}
    with Session(world.engine) as session:
        stats = session.get(ParticipantStats, world.waiting[0].id)
        assert stats is not None and stats.coachless_enrollments == 1  # the second program still waits


def test_the_first_coach_of_a_participant_becomes_their_primary_coach(world: World) -> None:
    assign(world, world.manager, page_of(world.waiting[1]), world.cleo)

    with Session(world.engine) as session:
        assert session.get(Enrollment, world.enrollments[world.waiting[1].id]).is_primary  # type: ignore[union-attr]


def test_all_matching_the_filter_is_worked_out_again_on_the_server(world: World) -> None:
    selection = bulk_selection_from({"coachless_only": True, "program_id": world.program}, [], True)

    preview, result = assign(world, world.manager, selection, world.anna)

    assert preview.changes == 4 and result.changed == 4
    assert all(coach_of(world.engine, world.enrollments[w.id]) == world.anna.id for w in world.waiting)
    assert coach_of(world.engine, world.enrollments[world.with_bram.id]) == world.bram.id


def test_participants_who_are_not_in_the_program_are_counted_as_skipped(world: World) -> None:
    selection = page_of(world.waiting[0], world.waiting[1], world.with_anna)

    preview = run_read(
        bulk_assignment_preview,
        actor=actor(world.manager),
        selection=selection,
        program_id=world.second,
        coach_id=world.cleo.id,
    )

    assert (preview.changes, preview.skipped_not_enrolled) == (2, 1)


@pytest.mark.parametrize("failing_call", [1, 3])
def test_a_bulk_assignment_is_all_or_nothing_when_it_fails_midway(
    world: World, monkeypatch: pytest.MonkeyPatch, failing_call: int
) -> None:
    selection = bulk_selection_from({"program_id": world.program}, [], True)
    preview = run_read(
        bulk_assignment_preview,
        actor=actor(world.manager),
        selection=selection,
        program_id=world.program,
        coach_id=world.cleo.id,
    )
    before = snapshot(world.engine)
    real = bulk_assignment.audit_record
    calls = Counter[str]()

    def failing_audit(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk_assignment, "audit_record", failing_audit)

    with pytest.raises(RuntimeError):
        run_write(
            bulk_assignment_apply,
            actor=actor(world.manager),
            selection=selection,
            program_id=world.program,
            coach_id=world.cleo.id,
            expected_digest=preview.digest,
        )

    assert snapshot(world.engine) == before
    assert coach_events(world.engine) == []


def test_an_enrollment_changed_since_the_preview_fails_the_whole_bulk_with_a_conflict(world: World) -> None:
    selection = page_of(*world.waiting)
    preview = run_read(
        bulk_assignment_preview,
        actor=actor(world.manager),
        selection=selection,
        program_id=world.program,
        coach_id=world.cleo.id,
    )
    changed = world.enrollments[world.waiting[2].id]
    with Session(world.engine) as session:
        version = session.get(Enrollment, changed).version  # type: ignore[union-attr]
    run_write(
        enrollment_change_coach,
        actor=actor(world.manager),
        enrollment_id=changed,
        coach_id=world.bram.id,
        expected_version=version,
    )
    before = snapshot(world.engine)

    with pytest.raises(Conflict):
        run_write(
            bulk_assignment_apply,
            actor=actor(world.manager),
            selection=selection,
            program_id=world.program,
            coach_id=world.cleo.id,
            expected_digest=preview.digest,
        )

    assert snapshot(world.engine) == before
    assert coach_of(world.engine, world.enrollments[world.waiting[0].id]) is None


def test_a_forged_fingerprint_changes_nothing(world: World) -> None:
    before = snapshot(world.engine)

    with pytest.raises(Conflict):
        run_write(
            bulk_assignment_apply,
            actor=actor(world.manager),
            selection=page_of(*world.waiting),
            program_id=world.program,
            coach_id=world.cleo.id,
            expected_digest="0" * 64,
        )

    assert snapshot(world.engine) == before


def test_a_bulk_larger_than_the_limit_is_refused(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_assignment, "MAX_BULK", 3)

    with pytest.raises(ValidationFailed, match="narrow the filter"):
        run_read(
            bulk_assignment_preview,
            actor=actor(world.manager),
            selection=bulk_selection_from({}, [], True),
            program_id=world.program,
            coach_id=world.cleo.id,
        )


def test_distribute_evenly_gives_each_waiting_enrollment_to_the_least_loaded_coach(world: World) -> None:
    selection = page_of(*world.waiting, world.with_anna)
    coaches = [world.anna.id, world.bram.id, world.cleo.id]
    preview = run_read(
        bulk_distribution_preview,
        actor=actor(world.manager),
        selection=selection,
        program_id=world.program,
        coach_ids=coaches,
    )

    assert preview.changes == 4 and preview.skipped_has_coach == 1
    assert {(load.name, load.before, load.after) for load in preview.loads} == {
        ("Anna Coach", 1, 2),
        ("Bram Coach", 1, 2),
        ("Cleo Coach", 0, 2),
    }
    result = run_write(
        bulk_distribution_apply,
        actor=actor(world.manager),
        selection=selection,
        program_id=world.program,
        coach_ids=coaches,
        expected_digest=preview.digest,
    )

    assert result.changed == 4
    given = Counter(coach_of(world.engine, world.enrollments[w.id]) for w in world.waiting)
    assert given == {world.cleo.id: 2, world.anna.id: 1, world.bram.id: 1}
    events = coach_events(world.engine)
    assert len(events) == 4 and all(json.loads(e.before)["coach_id"] is None for e in events)


def test_spreading_by_lowest_load_keeps_loads_within_one_of_each_other() -> None:
    given = spread_by_lowest_load(list(range(100)), {1: 10, 2: 0, 3: 4}, [1, 2, 3])

    loads = Counter(given.values())
    final = {coach: {1: 10, 2: 0, 3: 4}[coach] + loads[coach] for coach in (1, 2, 3)}
    assert max(final.values()) - min(final.values()) <= 1
    assert sum(loads.values()) == 100


def test_transfer_all_moves_every_active_enrollment_of_a_coach_and_can_mark_them_unavailable(
    world: World,
) -> None:
    preview = run_read(
        coach_transfer_preview,
        actor=actor(world.manager),
        from_coach_id=world.anna.id,
        to_coach_ids=[world.bram.id, world.cleo.id],
    )
    assert preview.changes == 2
    assert preview.programs and len(preview.programs) == 2
    anna_load = next(load for load in preview.loads if load.coach_id == world.anna.id)
    assert (anna_load.before, anna_load.after) == (2, 0)

    result = run_write(
        coach_transfer_apply,
        actor=actor(world.manager),
        from_coach_id=world.anna.id,
        to_coach_ids=[world.bram.id, world.cleo.id],
        expected_digest=preview.digest,
        mark_unavailable=True,
    )

    assert result.changed == 2
    with Session(world.engine) as session:
        left = session.exec(
            select(Enrollment).where(Enrollment.coach_id == world.anna.id, Enrollment.status == "active")
        ).all()
        assert left == []
        second = session.exec(
            select(Enrollment).where(
                Enrollment.participant_id == world.with_anna.id, Enrollment.program_id == world.second
            )
        ).one()
        assert second.coach_id == world.cleo.id  # Bram is not registered for the second program
        assert session.get(CoachProfile, world.anna.id).availability == Availability.UNAVAILABLE  # type: ignore[union-attr]
        [availability_event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == audit_actions.COACH_AVAILABILITY_CHANGED)
        ).all()
        assert availability_event.target_id == world.anna.id
        assert json.loads(availability_event.after) == {"availability": "unavailable"}


def test_transfer_of_one_program_leaves_the_other_programs_alone(world: World) -> None:
    preview = run_read(
        coach_transfer_preview,
        actor=actor(world.manager),
        from_coach_id=world.anna.id,
        to_coach_ids=[world.bram.id],
        program_id=world.program,
    )
    run_write(
        coach_transfer_apply,
        actor=actor(world.manager),
        from_coach_id=world.anna.id,
        to_coach_ids=[world.bram.id],
        program_id=world.program,
        expected_digest=preview.digest,
    )

    with Session(world.engine) as session:
        programs = session.exec(
            select(Enrollment.program_id).where(Enrollment.coach_id == world.anna.id)
        ).all()
    assert programs == [world.second]


def test_a_transfer_is_refused_when_no_chosen_coach_can_take_one_of_the_programs(world: World) -> None:
    with pytest.raises(ValidationFailed, match="None of the chosen coaches can take"):
        run_read(
            coach_transfer_preview,
            actor=actor(world.manager),
            from_coach_id=world.anna.id,
            to_coach_ids=[world.bram.id],
        )


def test_a_coach_cannot_take_over_their_own_list(world: World) -> None:
    with pytest.raises(ValidationFailed):
        run_read(
            coach_transfer_preview,
            actor=actor(world.manager),
            from_coach_id=world.anna.id,
            to_coach_ids=[world.anna.id, world.cleo.id],
        )


def test_unavailable_coaches_are_left_out_of_pickers_and_refused_for_new_assignments(world: World) -> None:
    manager = actor(world.manager)
    enrollment_id = world.enrollments[world.waiting[0].id]

    single = run_read(coach_candidates, actor=manager, enrollment_id=enrollment_id)
    bulk = run_read(program_coach_candidates, actor=manager, program_id=world.program)

    assert world.away.id not in {c.coach_id for c in single}
    assert world.away.id not in {c.coach_id for c in bulk}
    assert {c.coach_id for c in bulk} == {world.anna.id, world.bram.id, world.cleo.id}
    assert [c.load for c in bulk] == sorted(c.load for c in bulk)
    with pytest.raises(ValidationFailed, match="unavailable"):
        run_write(
            enrollment_change_coach,
            actor=manager,
            enrollment_id=enrollment_id,
            coach_id=world.away.id,
            expected_version=1,
        )
    with pytest.raises(ValidationFailed, match="unavailable"):
        assign(world, world.manager, page_of(world.waiting[0]), world.away)


def test_marking_a_coach_available_again_puts_them_back_in_the_pickers(world: World) -> None:
    run_write(coach_set_availability, actor=actor(world.manager), coach_id=world.away.id, available=True)

    bulk = run_read(program_coach_candidates, actor=actor(world.manager), program_id=world.program)

    assert world.away.id in {c.coach_id for c in bulk}


def test_candidates_for_a_transfer_of_a_whole_list_leave_out_the_replaced_coach(world: World) -> None:
    found = run_read(
        program_coach_candidates, actor=actor(world.manager), replacing_coach_id=world.anna.id, search="coach"
    )

    assert world.anna.id not in {c.coach_id for c in found}
    assert world.cleo.id in {c.coach_id for c in found}


def test_ids_of_another_organisation_are_refused_like_forbidden_ones(world: World) -> None:
    manager = actor(world.manager)
    with pytest.raises(NotAllowed):
        run_read(
            bulk_assignment_preview,
            actor=manager,
            selection=page_of(world.waiting[0], world.foreign_participant),
            program_id=world.program,
            coach_id=world.cleo.id,
        )
    with pytest.raises(NotAllowed):
        run_read(
            bulk_assignment_preview,
            actor=manager,
            selection=page_of(world.waiting[0]),
            program_id=world.foreign_program,
            coach_id=world.cleo.id,
        )
    with pytest.raises(ValidationFailed):
        run_read(
            bulk_assignment_preview,
            actor=manager,
            selection=page_of(world.waiting[0]),
            program_id=world.program,
            coach_id=world.foreign_coach.id,
        )
    for call, kwargs in (
        (coach_transfer_preview, {"from_coach_id": world.foreign_coach.id, "to_coach_ids": [world.cleo.id]}),
        (coach_set_availability, {"coach_id": world.foreign_coach.id, "available": False}),
        (program_coach_candidates, {"program_id": world.foreign_program}),
        (program_coach_candidates, {"replacing_coach_id": world.foreign_coach.id}),
        (coach_set_availability, {"coach_id": 987_654, "available": False}),
    ):
        with pytest.raises(NotAllowed):
            run_write(call, actor=manager, **kwargs)


NOT_MANAGERS = ["plain_coach", "mentor", "learner", "foreign_manager", "anna"]


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_nobody_but_a_manager_of_the_organisation_may_assign_in_bulk(world: World, who: str) -> None:
    before = snapshot(world.engine)
    someone = actor(getattr(world, who))
    selection = page_of(world.waiting[0])
    calls = [
        (bulk_assignment_preview, {"coach_id": world.cleo.id}),
        (bulk_assignment_apply, {"coach_id": world.cleo.id, "expected_digest": ""}),
        (bulk_distribution_preview, {"coach_ids": [world.cleo.id]}),
        (bulk_distribution_apply, {"coach_ids": [world.cleo.id], "expected_digest": ""}),
    ]
    for call, kwargs in calls:
        with pytest.raises(NotAllowed):
            run_write(call, actor=someone, selection=selection, program_id=world.program, **kwargs)

    assert snapshot(world.engine) == before
    assert coach_events(world.engine) == []


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_nobody_but_a_manager_of_the_organisation_may_transfer_a_list_or_change_availability(
    world: World, who: str
) -> None:
    before = snapshot(world.engine)
    someone = actor(getattr(world, who))
    for call, kwargs in (
        (coach_transfer_preview, {"from_coach_id": world.anna.id, "to_coach_ids": [world.cleo.id]}),
        (
            coach_transfer_apply,
            {"from_coach_id": world.anna.id, "to_coach_ids": [world.cleo.id], "expected_digest": ""},
        ),
        (coach_set_availability, {"coach_id": world.anna.id, "available": False}),
        (program_coach_candidates, {"program_id": world.program}),
    ):
        with pytest.raises(NotAllowed):
            run_write(call, actor=someone, **kwargs)

    assert snapshot(world.engine) == before
    with Session(world.engine) as session:
        assert session.get(CoachProfile, world.anna.id).availability == Availability.AVAILABLE  # type: ignore[union-attr]


def test_nobody_signed_in_can_preview_anything(world: World) -> None:
    with pytest.raises(NotSignedIn):
        run_read(
            bulk_assignment_preview,
            actor=None,
            selection=page_of(world.waiting[0]),
            program_id=world.program,
            coach_id=world.cleo.id,
        )


@pytest.mark.parametrize(
    ("ids", "all_matching"),
    [([], False), (list(range(1, 102)), False), ("1,2", False), ([True], False), ([1], "yes")],
)
def test_a_selection_the_browser_made_up_is_refused(ids: object, all_matching: object) -> None:
    with pytest.raises((ValidationFailed, NotAllowed)):
        bulk_selection_from({}, ids, all_matching)


def test_a_selection_keeps_only_the_query_when_all_matching_is_chosen() -> None:
    selection = bulk_selection_from({"coachless_only": True}, [1, 2, 3], True)

    assert selection.all_matching and selection.participant_ids == ()
    assert selection.query == GridQuery(coachless_only=True)


def test_moved_enrollments_leave_the_old_coachs_archive_and_groups_like_a_single_change(world: World) -> None:
    enrollment_id = world.enrollments[world.with_anna.id]
    with Session(world.engine) as session:
        group = StudentGroup(
            organization_id=world.anna.organization_id,
            coach_id=world.anna.id,
            program_id=world.program,
            name="Evening cohort",
        )
        session.add(group)
        session.flush()
        session.add(GroupMembership(group_id=group.id, enrollment_id=enrollment_id))
        session.get(Enrollment, enrollment_id).coach_archived = True  # type: ignore[union-attr]
        session.commit()

    assign(world, world.manager, page_of(world.with_anna), world.bram)

    with Session(world.engine) as session:
        assert session.get(Enrollment, enrollment_id).coach_archived is False  # type: ignore[union-attr]
        assert session.exec(select(GroupMembership)).all() == []
