"""The manager tools called straight over the websocket: non-managers, the other organisation's
manager and forged arguments all get nothing and change nothing."""

import asyncio

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_dash.db import build_engine
from mentor_dash.models import AuditEvent, AuditOutcome, CoachProfile, Enrollment, User
from mentor_dash.pages.manager_audit.state import ManagerAuditState
from mentor_dash.pages.manager_coaches.state import ManagerCoachesState
from mentor_dash.pages.participant_grid.state import ManagerGridState
from tests.e2e.conftest import RunningApp
from tests.e2e.ws import handler, signed_in_client
from tests.loops import run_async
from tests.ws_client import AppClient

FORGED_VALUES = [True, "5", [5], {}, -1, 2**63, "x" * 100_000, None, 5.5]


def database_facts(app: RunningApp) -> tuple[int, int, int, tuple[str, ...]]:
    """What a forged call must not change: enrollment versions, coaches, refusals, availabilities."""
    engine = build_engine(app.database_url)
    with Session(engine) as session:
        versions = session.execute(select(func.sum(Enrollment.version))).scalar_one()
        coached = session.execute(select(func.count()).where(Enrollment.coach_id.is_not(None))).scalar_one()
        denied = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == AuditOutcome.DENIED)
        ).scalar_one()
        availability = tuple(
            session.execute(select(CoachProfile.availability).order_by(CoachProfile.user_id)).scalars()
        )
    engine.dispose()
    return versions, coached, denied, availability


def ids_of(app: RunningApp, email_domain: str, *, coach: bool) -> list[int]:
    engine = build_engine(app.database_url)
    with Session(engine) as session:
        flag = User.is_coach if coach else User.is_participant
        ids = list(
            session.execute(
                select(User.id).where(flag, User.email.like(f"%{email_domain}")).order_by(User.id).limit(3)
            ).scalars()
        )
    engine.dispose()
    return ids


async def settle(client: AppClient) -> None:
    await asyncio.sleep(0.4)


async def _non_managers_get_nothing(app: RunningApp, email: str) -> None:
    before = database_facts(app)
    client = await signed_in_client(app, email, path="/manager/coaches")
    try:
        await client.emit(handler(ManagerCoachesState, "load"))
        await client.emit(handler(ManagerCoachesState, "export_csv"))
        await client.emit(handler(ManagerAuditState, "load"))
        await client.emit(handler(ManagerAuditState, "export_csv"))
        await client.emit(handler(ManagerAuditState, "search_actor"), {"value": "maya"})
        await client.emit(handler(ManagerGridState, "load"))
        await client.emit(handler(ManagerGridState, "select_all_matching"))
        await client.emit(handler(ManagerGridState, "open_bulk"), {"mode": "assign"})
        await client.emit(handler(ManagerGridState, "preview_bulk"))
        await client.emit(handler(ManagerGridState, "confirm_bulk"))
        await client.wait_for(lambda: bool(client.get(ManagerAuditState, "error")), timeout=10)
        await settle(client)

        assert client.get(ManagerCoachesState, "rows") in (None, [])
        assert client.get(ManagerAuditState, "rows") in (None, [])
        assert client.get(ManagerAuditState, "actor_suggestions") in (None, [])
        assert client.get(ManagerGridState, "rows") in (None, [])
        assert client.get(ManagerGridState, "bulk_coaches") in (None, [])
        assert not any(event.get("name") == "_download" for event in client.events)
    finally:
        await client.close()
    after = database_facts(app)
    assert after[:2] == before[:2] and after[3] == before[3]
    assert after[2] >= before[2] + 3, "each refused call leaves a denied audit event"


@pytest.mark.parametrize("email", ["participant@example.com", "coach@example.com", "mentor@example.com"])
def test_people_who_are_not_managers_get_nothing_from_the_manager_tools(
    app_server: RunningApp, email: str
) -> None:
    run_async(_non_managers_get_nothing(app_server, email))


async def _other_organisation(app: RunningApp) -> None:
    demo_coaches = ids_of(app, "demo-academy.example.com", coach=True)
    demo_participants = ids_of(app, "demo-academy.example.com", coach=False)
    before = database_facts(app)
    client = await signed_in_client(app, "manager@northwind.example.com", path="/manager/coaches")
    try:
        await client.wait_for(lambda: bool(client.get(ManagerCoachesState, "rows")), timeout=15)
        own = {row["coach_id"] for row in client.get(ManagerCoachesState, "rows")}
        assert own and not own & set(demo_coaches)
        for coach_id in demo_coaches:
            await client.emit(
                handler(ManagerCoachesState, "set_coach_available"),
                {"coach_id": coach_id, "available": False},
            )
            await client.emit(handler(ManagerCoachesState, "open_transfer"), {"coach_id": coach_id})
        await client.emit(handler(ManagerCoachesState, "set_program"), {"value": "1"})
        await settle(client)
        assert client.get(ManagerCoachesState, "transfer_open") is not True
        assert {row["coach_id"] for row in client.get(ManagerCoachesState, "rows")} <= own

        await client.navigate("/manager")
        await client.wait_for(lambda: bool(client.get(ManagerGridState, "rows")), timeout=15)
        for participant_id in demo_participants:
            await client.emit(
                handler(ManagerGridState, "toggle_row"), {"participant_id": participant_id, "checked": True}
            )
        await settle(client)
        assert not set(client.get(ManagerGridState, "selected_ids") or []) & set(demo_participants)

        await client.navigate(f"/manager/audit?participant={demo_participants[0]}")
        await client.wait_for(lambda: bool(client.get(ManagerAuditState, "error")), timeout=10)
        assert client.get(ManagerAuditState, "rows") in (None, [])
        await client.emit(handler(ManagerAuditState, "choose_actor"), {"user_id": demo_participants[0]})
        await settle(client)
        assert client.get(ManagerAuditState, "actor_label") in (None, "")
    finally:
        await client.close()
    after = database_facts(app)
    assert (after[0], after[1], after[3]) == (before[0], before[1], before[3])


def test_the_other_organisations_manager_cannot_reach_this_organisation(app_server: RunningApp) -> None:
    run_async(_other_organisation(app_server))


async def _forged_values(app: RunningApp, value: object) -> None:
    before = database_facts(app)
    client = await signed_in_client(app, "manager@example.com", path="/manager")
    try:
        await client.wait_for(lambda: bool(client.get(ManagerGridState, "rows")), timeout=15)
        selected = client.get(ManagerGridState, "selected_ids")
        await client.emit(handler(ManagerGridState, "toggle_row"), {"participant_id": value, "checked": True})
        if not isinstance(value, bool):
            # A boolean is what the "select all on this page" box legitimately sends.
            await client.emit(handler(ManagerGridState, "toggle_page"), {"checked": value})
        await client.emit(handler(ManagerGridState, "open_bulk"), {"mode": value})
        await client.emit(handler(ManagerGridState, "choose_bulk_coach"), {"coach_id": value})
        await client.emit(handler(ManagerGridState, "set_bulk_program"), {"value": value})
        await client.emit(handler(ManagerGridState, "confirm_bulk"))
        await client.emit(handler(ManagerCoachesState, "open_transfer"), {"coach_id": value})
        await client.emit(
            handler(ManagerCoachesState, "set_coach_available"), {"coach_id": value, "available": value}
        )
        await client.emit(handler(ManagerCoachesState, "confirm_transfer"))
        await client.emit(handler(ManagerAuditState, "choose_participant"), {"user_id": value})
        await client.emit(handler(ManagerAuditState, "set_date_from"), {"value": value})
        await client.emit(handler(ManagerAuditState, "set_action"), {"value": value})
        await settle(client)

        assert client.get(ManagerGridState, "selected_ids") == selected
        assert client.get(ManagerGridState, "all_matching") is not True
        assert client.get(ManagerGridState, "bulk_open") is not True
        assert client.get(ManagerCoachesState, "transfer_open") is not True
        assert client.get(ManagerAuditState, "action") in (None, "all")
        assert client.get(ManagerAuditState, "date_from") in (None, "")
    finally:
        await client.close()
    after = database_facts(app)
    assert (after[0], after[1], after[3]) == (before[0], before[1], before[3])


@pytest.mark.parametrize("value", FORGED_VALUES, ids=lambda v: type(v).__name__ + str(v)[:8])
def test_manager_tool_handlers_refuse_forged_values_and_change_nothing(
    app_server: RunningApp, value: object
) -> None:
    run_async(_forged_values(app_server, value))
