"""Choosing a mentor (Change Mentor) and the coach directory behind it, on SQLite and PostgreSQL."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import NOT_ALLOWED, Conflict, NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.domain.grid import GridQuery, GridScope
from mentor_dash.models import AuditEvent, AuditOutcome, Mentorship, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.feed import feed_changes_since, feed_latest_id, feed_mentors_of, feed_step
from mentor_dash.selectors.mentor_directory import mentor_directory_search
from mentor_dash.selectors.participant_grid import participant_grid_export
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.mentorship import ALREADY_MENTOR, NOT_CHOOSABLE, mentor_choose
from mentor_dash.services.stats import stats_rebuild_all
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories
from tests.databases import DatabaseTemplate

FORGED_IDS = ["5", True, None, -1, 0, 2**40, 5.5, [5], {"id": 5}]


@dataclass
class World:
    participant: User
    mentor: User  # the participant's current mentor
    coach: User  # coaches the participant in a program
    other_coach: User
    inactive_coach: User
    other_participant: User
    manager: User
    foreign_coach: User  # a coach of another organisation
    newcomer: User  # a participant without a mentor


def actor(user: User) -> Actor:
    return actor_from_user(user)


@pytest.fixture
def world(empty_template: DatabaseTemplate) -> Iterator[tuple[Engine, World]]:
    with empty_template.copy() as engine, override_engine(engine):
        with Session(engine, expire_on_commit=False) as session:
            org, other_org = factories.organization(session), factories.organization(session)
            prog = factories.program(session, org, name="Data Analysis")
            participant = factories.participant(session, org, name="Pia Peters")
            mentor = factories.coach(session, org, name="Mara Mentor")
            coach = factories.coach(session, org, name="Carl Coach")
            other_coach = factories.coach(session, org, name="Anna Andersen")
            inactive = factories.coach(session, org, name="Ivo Inactive", active=False)
            other_participant = factories.participant(session, org, name="Quinn Other")
            manager = factories.manager(session, org, name="Manon Manager")
            foreign = factories.coach(session, other_org, name="Fay Foreign")
            newcomer = factories.participant(session, org, name="Nina New")
            factories.register(session, coach, prog)
            factories.enrollment(session, participant, prog, coach, primary=True)
            factories.mentorship(session, participant, mentor)
            factories.mentorship(session, other_participant, other_coach)
            stats_rebuild_all(session)  # the grids read the participant figures
            session.commit()
        yield (
            engine,
            World(
                participant,
                mentor,
                coach,
                other_coach,
                inactive,
                other_participant,
                manager,
                foreign,
                newcomer,
            ),
        )


def mentorships(engine: Engine, participant: User) -> list[Mentorship]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Mentorship).where(Mentorship.participant_id == participant.id).order_by(Mentorship.id)
            ).all()
        )


def active_mentor_id(engine: Engine, participant: User) -> int | None:
    active = [m for m in mentorships(engine, participant) if m.ended_at is None]
    assert len(active) <= 1
    return active[0].mentor_id if active else None


def audit_events(engine: Engine, action: str | None = None) -> list[AuditEvent]:
    with Session(engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(session.exec(query).all())


def denied_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).where(AuditEvent.outcome == AuditOutcome.DENIED)).one()


def choose(chooser: User, mentor_id: object, participant: User | None = None):  # type: ignore[no-untyped-def]
    return run_write(
        mentor_choose,
        actor=actor(chooser),
        participant_id=(participant or chooser).id,
        mentor_id=mentor_id,
    )


# Choosing


def test_choosing_a_new_mentor_ends_the_old_mentorship_and_keeps_it_as_history(
    world: tuple[Engine, World],
) -> None:
    engine, w = world
    before = utcnow()

    choose(w.participant, w.other_coach.id)

    rows = mentorships(engine, w.participant)
    assert [(m.mentor_id, m.ended_at is None) for m in rows] == [
        (w.mentor.id, False),
        (w.other_coach.id, True),
    ]
    assert rows[0].ended_at is not None and rows[0].ended_at >= before
    assert rows[1].started_at == rows[0].ended_at
    assert rows[1].organization_id == w.participant.organization_id
    assert rows[1].mentor_archived is False


def test_choosing_a_mentor_writes_one_audit_event_with_the_old_and_new_mentor(
    world: tuple[Engine, World],
) -> None:
    engine, w = world

    choose(w.participant, w.other_coach.id)

    [event] = audit_events(engine, audit_actions.MENTOR_CHANGED)
    assert event.outcome == AuditOutcome.OK
    assert (event.actor_id, event.target_type, event.target_id, event.participant_id) == (
        w.participant.id,
        "participant",
        w.participant.id,
        w.participant.id,
    )
    assert event.organization_id == w.participant.organization_id
    assert json.loads(event.before) == {"mentor_id": w.mentor.id, "mentor_name": "Mara Mentor"}
    assert json.loads(event.after) == {"mentor_id": w.other_coach.id, "mentor_name": "Anna Andersen"}


def test_a_participant_without_a_mentor_chooses_their_first_one(world: tuple[Engine, World]) -> None:
    engine, w = world

    change = choose(w.newcomer, w.coach.id)

    assert active_mentor_id(engine, w.newcomer) == w.coach.id
    assert change.previous_mentor_id is None
    [event] = audit_events(engine, audit_actions.MENTOR_CHANGED)
    assert json.loads(event.before) == {"mentor_id": None, "mentor_name": None}


def test_the_change_returns_the_new_mentors_contact_card(world: tuple[Engine, World]) -> None:
    _, w = world

    change = choose(w.participant, w.coach.id)

    assert (change.previous_mentor_id, change.previous_mentor_name) == (w.mentor.id, "Mara Mentor")
    assert change.mentor.mentor_id == w.coach.id
    assert change.mentor.name == "Carl Coach"
    assert change.mentor.initials == "CC"
    assert change.mentor.contact_email.endswith("@test.example")


def test_choosing_the_current_mentor_again_is_refused_and_changes_nothing(
    world: tuple[Engine, World],
) -> None:
    engine, w = world
    before = mentorships(engine, w.participant)

    with pytest.raises(ValidationFailed) as refused:
        choose(w.participant, w.mentor.id)

    assert refused.value.message == ALREADY_MENTOR.format(name="Mara Mentor")
    assert mentorships(engine, w.participant) == before
    assert audit_events(engine, audit_actions.MENTOR_CHANGED) == []


@pytest.mark.parametrize(
    "candidate", ["foreign_coach", "inactive_coach", "other_participant", "manager", "participant", "missing"]
)
def test_only_an_active_coach_of_the_own_organisation_can_be_chosen(
    world: tuple[Engine, World], candidate: str
) -> None:
    engine, w = world
    mentor_id = 987_654 if candidate == "missing" else getattr(w, candidate).id
    denied_before = denied_count(engine)

    with pytest.raises(NotAllowed) as refused:
        choose(w.participant, mentor_id)

    # A missing id, another organisation's coach and a non-coach get the same answer.
    assert refused.value.message == NOT_CHOOSABLE
    assert active_mentor_id(engine, w.participant) == w.mentor.id
    assert len(mentorships(engine, w.participant)) == 1
    assert audit_events(engine, audit_actions.MENTOR_CHANGED) == []
    assert denied_count(engine) == denied_before + 1


@pytest.mark.parametrize("mentor_id", FORGED_IDS, ids=repr)
def test_a_mentor_id_that_is_not_a_database_id_is_refused_like_a_missing_one(
    world: tuple[Engine, World], mentor_id: object
) -> None:
    engine, w = world

    with pytest.raises(NotAllowed) as refused:
        choose(w.participant, mentor_id)

    assert refused.value.message == NOT_CHOOSABLE
    assert active_mentor_id(engine, w.participant) == w.mentor.id


@pytest.mark.parametrize("chooser", ["mentor", "coach", "manager", "other_participant", "foreign_coach"])
def test_nobody_but_the_participant_themself_may_choose_their_mentor(
    world: tuple[Engine, World], chooser: str
) -> None:
    engine, w = world

    with pytest.raises(NotAllowed) as refused:
        choose(getattr(w, chooser), w.other_coach.id, participant=w.participant)

    assert refused.value.message == NOT_ALLOWED
    assert active_mentor_id(engine, w.participant) == w.mentor.id
    assert audit_events(engine, audit_actions.MENTOR_CHANGED) == []


def test_a_coach_without_the_participant_hat_cannot_choose_a_mentor_for_themself(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    with pytest.raises(NotAllowed):
        choose(w.coach, w.other_coach.id)


def test_a_deactivated_participant_cannot_choose_a_mentor(world: tuple[Engine, World]) -> None:
    engine, w = world
    deactivated = actor(w.participant)
    deactivated = Actor(**{**deactivated.__dict__, "is_active": False})

    with pytest.raises(NotAllowed):
        run_write(mentor_choose, actor=deactivated, participant_id=w.participant.id, mentor_id=w.coach.id)

    assert active_mentor_id(engine, w.participant) == w.mentor.id


def test_a_signed_out_caller_cannot_choose_a_mentor(world: tuple[Engine, World]) -> None:
    _, w = world

    with pytest.raises(NotSignedIn):
        run_write(mentor_choose, actor=None, participant_id=w.participant.id, mentor_id=w.coach.id)


def test_the_old_mentors_grid_loses_the_participant_and_the_new_mentors_grid_gains_them(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    def grid_of(mentor: User) -> set[int]:
        rows = run_read(
            participant_grid_export,
            actor=actor(mentor),
            scope=GridScope.MENTOR,
            query=GridQuery(),
            now=utcnow(),
        )
        return {row.participant_id for row in rows}

    assert w.participant.id in grid_of(w.mentor)
    assert w.participant.id not in grid_of(w.coach)
    cursor = run_read(feed_latest_id, organization_id=w.participant.organization_id)

    choose(w.participant, w.coach.id)

    assert w.participant.id not in grid_of(w.mentor)
    assert w.participant.id in grid_of(w.coach)
    # The live grids learn about it from the change feed.
    touched = run_read(feed_changes_since, organization_id=w.participant.organization_id, after_id=cursor)
    assert touched == [w.participant.id]
    # Both the mentor they left and the one they chose have a grid to update.
    concerned = run_read(
        feed_mentors_of, organization_id=w.participant.organization_id, participant_ids=touched
    )
    assert {w.mentor.id, w.coach.id} <= concerned
    assert w.other_coach.id not in concerned
    # Choosing a mentor changes who is on which grid: not mere progress.
    step = run_read(feed_step, organization_id=w.participant.organization_id, after_id=cursor)
    assert step.participants == [w.participant.id] and not step.progress_only


def test_two_choices_at_the_same_moment_leave_exactly_one_active_mentorship(
    world: tuple[Engine, World],
) -> None:
    engine, w = world
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(mentor: User) -> None:
        barrier.wait()
        try:
            choose(w.participant, mentor.id)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=attempt, args=(m,)) for m in (w.coach, w.other_coach)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) in (["ok", "ok"], ["conflict", "ok"])
    rows = mentorships(engine, w.participant)
    assert len([m for m in rows if m.ended_at is None]) == 1
    assert len(rows) == 1 + outcomes.count("ok")
    assert len(audit_events(engine, audit_actions.MENTOR_CHANGED)) == outcomes.count("ok")


# The directory of coaches to choose from


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.name for entry in page.entries]


def search(user: User, text: str = "", page: int = 1, page_size: int = 8):  # type: ignore[no-untyped-def]
    return run_read(mentor_directory_search, actor=actor(user), search=text, page=page, page_size=page_size)


def test_the_directory_lists_the_active_coaches_of_the_own_organisation_sorted_by_name(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    page = search(w.participant)

    assert names(page) == ["Anna Andersen", "Carl Coach", "Mara Mentor"]
    assert page.total == 3 and page.page_count == 1


def test_the_directory_marks_the_current_mentor_and_the_coaches_of_the_participant(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    entries = {entry.name: entry for entry in search(w.participant).entries}

    assert entries["Mara Mentor"].is_current_mentor
    assert not entries["Carl Coach"].is_current_mentor
    assert entries["Carl Coach"].coaches_you_in == ("Data Analysis",)
    assert entries["Anna Andersen"].coaches_you_in == ()
    assert entries["Carl Coach"].contact_email.endswith("@test.example")
    assert entries["Carl Coach"].availability == "available"


def test_the_directory_search_matches_part_of_the_name_or_contact_email_in_any_case(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    assert names(search(w.participant, "ANNA")) == ["Anna Andersen"]
    assert names(search(w.participant, " carl ")) == ["Carl Coach"]
    carl = next(e for e in search(w.participant).entries if e.name == "Carl Coach")
    assert names(search(w.participant, carl.contact_email.upper())) == ["Carl Coach"]
    # Login emails are not shown to participants, so they are not searched either.
    assert names(search(w.participant, w.coach.email)) == []


def test_like_wildcards_in_the_search_are_matched_literally(world: tuple[Engine, World]) -> None:
    _, w = world

    assert search(w.participant, "%").total == 0
    assert search(w.participant, "_").total == 0


def test_the_directory_pages_and_a_page_past_the_end_shows_the_last_page(world: tuple[Engine, World]) -> None:
    _, w = world

    first, second = search(w.participant, page=1, page_size=2), search(w.participant, page=2, page_size=2)
    past_end = search(w.participant, page=99, page_size=2)

    assert names(first) == ["Anna Andersen", "Carl Coach"]
    assert names(second) == ["Mara Mentor"]
    assert (first.page_count, past_end.page, names(past_end)) == (2, 2, ["Mara Mentor"])


@pytest.mark.parametrize(("text", "page"), [(5, 1), ("x" * 101, 1), ("", 0), ("", "2"), ("", True)])
def test_the_directory_refuses_bad_search_text_and_pages(
    world: tuple[Engine, World], text: object, page: object
) -> None:
    _, w = world

    with pytest.raises(ValidationFailed):
        search(w.participant, text, page)  # type: ignore[arg-type]


@pytest.mark.parametrize("viewer", ["coach", "manager", "foreign_coach"])
def test_only_participants_may_browse_the_coach_directory(world: tuple[Engine, World], viewer: str) -> None:
    _, w = world

    with pytest.raises(NotAllowed):
        search(getattr(w, viewer))


def test_a_signed_out_caller_cannot_browse_the_coach_directory(world: tuple[Engine, World]) -> None:
    with pytest.raises(NotSignedIn):
        run_read(mentor_directory_search, actor=None)


# On the demo data


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Engine]:
    with override_engine(demo_engine):
        yield demo_engine


def by_email(engine: Engine, email: str) -> User:
    with Session(engine) as session:
        return session.exec(select(User).where(User.email == email)).one()


def test_the_demo_participant_finds_every_active_coach_of_demo_academy_and_switches_to_one(
    demo: Engine,
) -> None:
    sam = by_email(demo, "participant@example.com")
    with Session(demo) as session:
        coach_count = session.exec(
            select(func.count()).where(
                User.organization_id == sam.organization_id, User.is_coach, User.is_active
            )
        ).one()
    maya = by_email(demo, "mentor@example.com")
    sanne = by_email(demo, "coach@example.com")

    everyone = search(sam, page_size=50)
    found = search(sam, "bakk")
    change = choose(sam, sanne.id)

    assert everyone.total == coach_count and len(everyone.entries) == coach_count
    assert names(everyone) == sorted(names(everyone))
    assert [e.name for e in everyone.entries if e.is_current_mentor] == ["Maya Jansen"]
    assert names(found) == ["Sanne Bakker"] and found.entries[0].coaches_you_in
    assert change.previous_mentor_id == maya.id
    assert change.mentor.contact_email == "sanne.bakker@demo-academy.example.com"
    assert active_mentor_id(demo, sam) == sanne.id
