"""Events sent straight over the websocket, the way an attacker would: every one is refused
and changes nothing. Also: a foreign Origin cannot open the socket at all."""

import asyncio

import pytest
import socketio
from sqlalchemy import func, select
from sqlmodel import Session

from mentor_dash.db import build_engine
from mentor_dash.models import AuditEvent, AuditOutcome, Enrollment, Mentorship, User
from mentor_dash.pages.participant_detail.state import ParticipantDetailState
from mentor_dash.pages.participant_grid.state import ManagerGridState, MentorGridState
from mentor_dash.state import SessionState
from tests.e2e.conftest import RunningApp
from tests.e2e.ws import handler, signed_in_client
from tests.loops import run_async
from tests.ws_client import AppClient

FORGED_VALUES = [True, "5", [5], {}, -1, 2**63, "x" * 1_000_000, None, 5.5]


def denied_count(app: RunningApp) -> int:
    engine = build_engine(app.database_url)
    with Session(engine) as session:
        count = session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == AuditOutcome.DENIED)
        ).scalar_one()
    engine.dispose()
    return count


async def settle(client: AppClient) -> None:
    """Give the server time to answer (a refused event may get no reply at all)."""
    await asyncio.sleep(0.4)


async def _test_a_participant_calling_the_manager_grid_gets_no_rows_and_a_refusal_is_recorded(
    app_server: RunningApp,
) -> None:
    client = await signed_in_client(app_server, "participant@example.com")
    before = denied_count(app_server)
    try:
        await client.emit(handler(ManagerGridState, "load"))
        await client.emit(handler(ManagerGridState, "export_csv"))
        await client.wait_for(lambda: bool(client.get(ManagerGridState, "error")), timeout=10)

        # Both refusals are written to the audit trail (each in its own transaction, in order).
        for _ in range(50):
            if denied_count(app_server) >= before + 2:
                break
            await asyncio.sleep(0.2)
        assert denied_count(app_server) >= before + 2
        assert client.get(ManagerGridState, "rows") in (None, [])
        assert not any(event.get("name") == "_download" for event in client.events)
    finally:
        await client.close()


async def _test_mentor_grid_handlers_refuse_wrong_types_and_keep_the_grid_as_it_was(
    app_server: RunningApp, value: object
) -> None:
    client = await signed_in_client(app_server, "mentor@example.com", path="/mentor")
    try:
        await client.wait_for(lambda: bool(client.get(MentorGridState, "rows")), timeout=15)
        rows_before = client.get(MentorGridState, "rows")
        handlers = ["set_page_size", "set_sort", "set_exam", "set_subscription"]
        if not isinstance(value, bool):
            handlers.append("set_coachless_only")
        if not (isinstance(value, str) and len(value) < 100):
            # A short string is a legitimate search text or program choice.
            handlers += ["set_search", "set_program", "set_coach"]
        for name in handlers:
            await client.emit(handler(MentorGridState, name), {"value": value})
        await client.emit(handler(MentorGridState, "set_page_size"), {"value": "25", "extra": "argument"})
        await settle(client)

        assert client.get(MentorGridState, "page_size") == 25
        assert client.get(MentorGridState, "sort") == "name"
        assert client.get(MentorGridState, "rows") == rows_before
    finally:
        await client.close()


async def _test_the_generic_setter_cannot_grant_hats_or_open_a_page(app_server: RunningApp) -> None:
    client = await signed_in_client(app_server, "participant@example.com")
    try:
        for var, value in (("is_manager", True), ("page_allowed", True), ("session_checked", True)):
            await client.emit(handler(SessionState, "setvar"), {"var_name": var, "value": value})
        await client.emit(handler(ManagerGridState, "setvar"), {"var_name": "total", "value": 999})
        await settle(client)

        assert client.get(SessionState, "is_manager") is not True
        assert client.get(ManagerGridState, "total") in (None, 0)
    finally:
        await client.close()


async def _test_a_signed_out_tab_is_sent_to_sign_in_instead_of_getting_data(app_server: RunningApp) -> None:
    client = AppClient(app_server.base_url)
    await client.connect("/mentor")
    try:
        await client.emit(handler(MentorGridState, "load"))
        assert await client.wait_for(
            lambda: any(p.startswith("/login") for p in client.redirects()), timeout=10
        )
        assert client.get(MentorGridState, "rows") in (None, [])
    finally:
        await client.close()


async def _test_a_forged_session_cookie_signs_nobody_in(app_server: RunningApp) -> None:
    client = AppClient(app_server.base_url)
    await client.connect(
        "/mentor",
        storage={
            "reflex___state____state.mentor_dash___state____session_state"
            ".session_token_rx_state_": "forged-token"
        },
    )
    try:
        await client.emit(handler(MentorGridState, "load"))
        assert await client.wait_for(
            lambda: any(p.startswith("/login") for p in client.redirects()), timeout=10
        )
        assert client.get(MentorGridState, "rows") in (None, [])
    finally:
        await client.close()


async def _test_a_websocket_handshake_from_a_foreign_origin_is_refused(app_server: RunningApp) -> None:
    client = AppClient(app_server.base_url, origin="http://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect("/")
    await client.close()


async def _test_a_websocket_handshake_from_the_apps_own_origin_is_accepted(app_server: RunningApp) -> None:
    client = AppClient(app_server.base_url)
    await client.connect("/")
    assert client.sio.connected
    await client.close()


def test_a_participant_calling_the_manager_grid_gets_no_rows_and_a_refusal_is_recorded(
    app_server: RunningApp,
) -> None:
    run_async(_test_a_participant_calling_the_manager_grid_gets_no_rows_and_a_refusal_is_recorded(app_server))


@pytest.mark.parametrize("value", FORGED_VALUES, ids=lambda v: type(v).__name__ + str(v)[:8])
def test_mentor_grid_handlers_refuse_wrong_types_and_keep_the_grid_as_it_was(
    app_server: RunningApp, value: object
) -> None:
    run_async(_test_mentor_grid_handlers_refuse_wrong_types_and_keep_the_grid_as_it_was(app_server, value))


def test_the_generic_setter_cannot_grant_hats_or_open_a_page(app_server: RunningApp) -> None:
    run_async(_test_the_generic_setter_cannot_grant_hats_or_open_a_page(app_server))


def test_a_signed_out_tab_is_sent_to_sign_in_instead_of_getting_data(app_server: RunningApp) -> None:
    run_async(_test_a_signed_out_tab_is_sent_to_sign_in_instead_of_getting_data(app_server))


def test_a_forged_session_cookie_signs_nobody_in(app_server: RunningApp) -> None:
    run_async(_test_a_forged_session_cookie_signs_nobody_in(app_server))


def test_a_websocket_handshake_from_a_foreign_origin_is_refused(app_server: RunningApp) -> None:
    run_async(_test_a_websocket_handshake_from_a_foreign_origin_is_refused(app_server))


def test_a_websocket_handshake_from_the_apps_own_origin_is_accepted(app_server: RunningApp) -> None:
    run_async(_test_a_websocket_handshake_from_the_apps_own_origin_is_accepted(app_server))


async def _someone_elses_participant_page_shows_nothing(app_server: RunningApp) -> None:
    engine = build_engine(app_server.database_url)
    with Session(engine) as session:
        maya = session.execute(select(User.id).where(User.email == "mentor@example.com")).scalar_one()
        other_id, enrollment_id = session.execute(
            select(Mentorship.participant_id, Enrollment.id)
            .join(Enrollment, Enrollment.participant_id == Mentorship.participant_id)
            .where(
                Mentorship.mentor_id != maya,
                Mentorship.ended_at.is_(None),
                Enrollment.status == "active",
                Enrollment.coach_id != maya,
            )
        ).first()
        before = session.get(Enrollment, enrollment_id)
        assert before is not None
        version_before, primary_before = before.version, before.is_primary
    engine.dispose()
    client = await signed_in_client(app_server, "mentor@example.com", path=f"/mentor/participants/{other_id}")
    try:
        await client.emit(handler(ParticipantDetailState, "load"))
        assert await client.wait_for(lambda: bool(client.get(ParticipantDetailState, "error")), timeout=10)
        assert not client.get(ParticipantDetailState, "loaded")
        assert client.get(ParticipantDetailState, "name") in (None, "")
        for name, payload in (
            ("make_primary", {"enrollment_id": enrollment_id}),
            ("open_change_coach", {"enrollment_id": enrollment_id}),
            ("choose_coach", {"coach_id": 1}),
            ("confirm_change", {}),
            ("confirm_archive", {}),
        ):
            await client.emit(handler(ParticipantDetailState, name), payload)
        await settle(client)
        assert not client.get(ParticipantDetailState, "dialog_open")
    finally:
        await client.close()
    with Session(build_engine(app_server.database_url)) as session:
        enrollment = session.get(Enrollment, enrollment_id)
        archived = session.execute(
            select(Mentorship.mentor_archived).where(
                Mentorship.participant_id == other_id, Mentorship.ended_at.is_(None)
            )
        ).scalar_one()
    assert enrollment is not None
    assert (enrollment.version, enrollment.is_primary) == (version_before, primary_before)
    assert archived is False


def test_a_mentor_cannot_open_or_change_someone_elses_participant(app_server: RunningApp) -> None:
    run_async(_someone_elses_participant_page_shows_nothing(app_server))
