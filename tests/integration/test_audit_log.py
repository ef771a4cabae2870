"""The audit log page: newest first, keyset pages, filters, CSV, and who may read it."""

import csv
import io
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.domain.grid import AuditQuery, OutcomeFilter, audit_query_from
from mentor_dash.models._types import utcnow
from mentor_dash.reports.audit_export import audit_csv
from mentor_dash.selectors.audit_log import (
    ACTION_LABELS,
    audit_log_export,
    audit_log_page,
    audit_people,
)
from mentor_dash.services.coach_availability import coach_set_availability
from mentor_dash.services.unit_of_work import run_read, run_write
from tests.factories import actor_by_email


def events(engine: Engine, organization_id: int) -> pd.DataFrame:
    with engine.connect() as connection:
        frame = pd.read_sql_query(
            "SELECT id, actor_id, action, participant_id, outcome, created_at FROM audit_event "
            f"WHERE organization_id = {organization_id}",
            connection,
        )
    frame["created_at"] = pd.to_datetime(frame.created_at, utc=True, format="mixed")
    return frame.sort_values("id", ascending=False)


def with_some_activity(engine: Engine) -> Actor:
    """A manager's change and a refused call, so outcomes and actors differ."""
    manager = actor_by_email(engine, "manager@example.com")
    coach = actor_by_email(engine, "coach@example.com")
    run_write(coach_set_availability, actor=manager, coach_id=coach.user_id, available=False)
    with pytest.raises(NotAllowed):
        run_write(coach_set_availability, actor=coach, coach_id=coach.user_id, available=True)
    return manager


def all_pages(manager: Actor, query: AuditQuery) -> list[int]:
    seen: list[int] = []
    while True:
        page = run_read(audit_log_page, actor=manager, query=query)
        seen += [row.id for row in page.rows]
        if not page.has_older:
            return seen
        query = AuditQuery(**{**query.__dict__, "before_id": page.older_before_id})


def test_the_first_page_holds_the_newest_events_of_the_organisation(demo: Engine) -> None:
    manager = with_some_activity(demo)
    expected = events(demo, manager.organization_id)

    page = run_read(audit_log_page, actor=manager, query=AuditQuery(page_size=50))

    assert [row.id for row in page.rows] == list(expected.id[:50])
    newest = page.rows[0]
    assert newest.action == "manage_coaches" and newest.outcome == "denied"
    availability = page.rows[1]
    assert availability.action_label == ACTION_LABELS[audit_actions.COACH_AVAILABILITY_CHANGED]
    assert availability.change == "availability: available → unavailable"
    assert availability.actor_name == "Lotte de Boer"


def test_keyset_pages_walk_through_every_event_exactly_once(demo: Engine) -> None:
    manager = with_some_activity(demo)

    seen = all_pages(manager, AuditQuery(page_size=100))

    assert seen == list(events(demo, manager.organization_id).id)


def test_each_filter_keeps_exactly_the_matching_events(demo: Engine) -> None:
    manager = with_some_activity(demo)
    frame = events(demo, manager.organization_id)
    some = frame[frame.participant_id.notna()].iloc[0]
    actor_id = int(frame[frame.actor_id.notna()].actor_id.iloc[-1])
    middle = frame.created_at.iloc[len(frame) // 2]
    day = middle.date()
    cases = [
        (AuditQuery(action=audit_actions.COACH_CHANGED), frame.action == audit_actions.COACH_CHANGED),
        (AuditQuery(participant_id=int(some.participant_id)), frame.participant_id == some.participant_id),
        (AuditQuery(actor_id=actor_id), frame.actor_id == actor_id),
        (AuditQuery(outcome=OutcomeFilter.DENIED), frame.outcome == "denied"),
        (
            AuditQuery(date_from=day, date_to=day),
            (frame.created_at >= pd.Timestamp(day, tz="UTC"))
            & (frame.created_at < pd.Timestamp(day + timedelta(days=1), tz="UTC")),
        ),
        (
            AuditQuery(action=audit_actions.MENTOR_CHANGED, date_to=day),
            (frame.action == audit_actions.MENTOR_CHANGED)
            & (frame.created_at < pd.Timestamp(day + timedelta(days=1), tz="UTC")),
        ),
    ]
    for query, mask in cases:
        expected = list(frame[mask].id)
        assert expected, query
        assert all_pages(manager, AuditQuery(**{**query.__dict__, "page_size": 100})) == expected, query


def test_the_export_holds_every_matching_event_as_csv(demo: Engine) -> None:
    manager = with_some_activity(demo)
    query = AuditQuery(action=audit_actions.COACH_CHANGED)

    rows = run_read(audit_log_export, actor=manager, query=query)
    exported = list(csv.DictReader(io.StringIO(audit_csv(rows))))

    expected = events(demo, manager.organization_id)
    assert [int(r["id"]) for r in exported] == list(
        expected[expected.action == audit_actions.COACH_CHANGED].id
    )
    assert {r["action"] for r in exported} == {audit_actions.COACH_CHANGED}
    assert all(r["at_utc"].endswith("+00:00") for r in exported)


def test_text_that_a_spreadsheet_would_run_is_neutralised_in_the_csv(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    row = run_read(audit_log_page, actor=manager, query=AuditQuery()).rows[0]
    from dataclasses import replace

    exported = list(csv.DictReader(io.StringIO(audit_csv([replace(row, actor_name="=HYPERLINK(1)")]))))

    assert exported[0]["actor"] == "'=HYPERLINK(1)"


def test_a_manager_never_sees_another_organisations_events(demo: Engine) -> None:
    with_some_activity(demo)
    northwind = actor_by_email(demo, "manager@northwind.example.com")

    seen = all_pages(northwind, AuditQuery(page_size=100))

    assert seen == list(events(demo, northwind.organization_id).id)
    demo_manager = actor_by_email(demo, "manager@example.com")
    assert not set(seen) & set(events(demo, demo_manager.organization_id).id)


def test_filtering_by_someone_of_another_organisation_is_refused(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")
    northwind = actor_by_email(demo, "manager@northwind.example.com")

    for query in (AuditQuery(actor_id=northwind.user_id), AuditQuery(participant_id=northwind.user_id)):
        with pytest.raises(NotAllowed):
            run_read(audit_log_page, actor=manager, query=query)
    with pytest.raises(NotAllowed):
        run_read(audit_log_page, actor=manager, query=AuditQuery(actor_id=987_654))


def test_people_to_filter_by_come_from_the_own_organisation_only(demo: Engine) -> None:
    manager = actor_by_email(demo, "manager@example.com")

    found = run_read(audit_people, actor=manager, search="manager@")

    assert [p.email for p in found] == ["manager@example.com"]
    assert run_read(audit_people, actor=manager, search="m") == []


@pytest.mark.parametrize("email", ["participant@example.com", "coach@example.com", "mentor@example.com"])
def test_nobody_but_a_manager_reads_the_audit_log(demo: Engine, email: str) -> None:
    someone = actor_by_email(demo, email)
    for call, kwargs in (
        (audit_log_page, {"query": AuditQuery()}),
        (audit_log_export, {"query": AuditQuery()}),
        (audit_people, {"search": "maya"}),
    ):
        with pytest.raises(NotAllowed):
            run_read(call, actor=someone, **kwargs)


def test_nobody_signed_in_reads_no_audit_log(demo: Engine) -> None:
    with pytest.raises(NotSignedIn):
        run_read(audit_log_page, actor=None, query=AuditQuery())


@pytest.mark.parametrize(
    "raw",
    [
        {"action": "drop table"},
        {"date_from": "2024-13-01"},
        {"date_from": "2024-05-02", "date_to": "2024-05-01"},
        {"page_size": 1_000_000},
        {"before_id": -5},
        {"outcome": "maybe"},
    ],
)
def test_audit_queries_the_browser_made_up_are_refused(raw: dict) -> None:
    with pytest.raises((ValidationFailed, NotAllowed)):
        audit_query_from(raw, actions=ACTION_LABELS)


def test_the_date_range_takes_whole_utc_days() -> None:
    today = utcnow().date()
    query = audit_query_from(
        {"date_from": today.isoformat(), "date_to": today.isoformat()}, actions=ACTION_LABELS
    )

    assert query.date_from == query.date_to == today
