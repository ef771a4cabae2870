"""The production setup keeps working when parts fail: a worker dies, Redis restarts, PostgreSQL
drops its connections, two processes write to one SQLite file at once."""

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.models import AuditEvent, Enrollment, Mentorship, Submission, SubmissionStatus, User
from mentor_dash.pages.participant_detail.state import ParticipantDetailState
from mentor_dash.pages.participant_grid.state import MentorGridState
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.coaching import mentorship_set_archived
from mentor_dash.services.progress import submission_grade
from mentor_dash.services.unit_of_work import run_write
from mentor_dash.settings import PROJECT_ROOT
from mentor_dash.state import SessionState
from tests.databases import DatabaseTemplate
from tests.e2e.ws import handler, signed_in_client
from tests.faults.conftest import RedisServer
from tests.loops import run_async
from tests.running_app import RunningApp, running_app
from tests.ws_client import AppClient, state_name

COOKIE = f"{state_name(SessionState)}.session_token_rx_state_"


def _storage(client: AppClient) -> dict[str, str]:
    return {COOKIE: client.get(SessionState, "session_token") or ""}


def _worker_holding(port: int, client: AppClient) -> int:
    """The backend worker process that holds this client's socket (from `ss`)."""
    output = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    peer = f":{client.local_port()} "
    for line in output.splitlines():
        if peer in line + " " and "pid=" in line:
            return int(line.split("pid=")[1].split(",")[0])
    raise AssertionError(f"no worker holds the socket of port {client.local_port()}: {output!r}")


def _mentor_participants(engine: Engine, email: str, count: int) -> list[int]:
    with Session(engine) as session:
        mentor = session.execute(select(User.id).where(User.email == email)).scalar_one()
        return list(
            session.execute(
                select(Mentorship.participant_id)
                .where(
                    Mentorship.mentor_id == mentor,
                    Mentorship.ended_at.is_(None),
                    Mentorship.mentor_archived.is_(False),
                )
                .order_by(Mentorship.participant_id)
                .limit(count)
            ).scalars()
        )


async def _toggle_archive(client: AppClient, confirmed: list[bool]) -> None:
    """Ask to archive or unarchive; count it as confirmed only when the page says so."""
    wanted = not client.get(ParticipantDetailState, "archived")
    await client.emit(handler(ParticipantDetailState, "confirm_archive"))
    if await client.wait_for(lambda: client.get(ParticipantDetailState, "archived") == wanted, timeout=8):
        confirmed.append(wanted)


async def _worker_dies_scenario(app: RunningApp, engine: Engine) -> None:
    port = int(app.base_url.rsplit(":", 1)[1])
    participants = _mentor_participants(engine, "mentor@example.com", 4)
    grids = [await signed_in_client(app, "mentor@example.com", path="/mentor") for _ in range(6)]
    writers = [
        await signed_in_client(app, "mentor@example.com", path=f"/mentor/participants/{pid}")
        for pid in participants
    ]
    for client in grids:
        await client.wait_for(lambda c=client: bool(c.get(MentorGridState, "rows")), timeout=30)
        await client.emit(handler(MentorGridState, "set_sort"), {"value": "xp"})
        await client.wait_for(lambda c=client: c.get(MentorGridState, "sort") == "xp", timeout=15)
        await client.emit(handler(MentorGridState, "next_page"))
        await client.wait_for(lambda c=client: c.get(MentorGridState, "page") == 2, timeout=15)
    for client in writers:
        await client.wait_for(lambda c=client: bool(c.get(ParticipantDetailState, "loaded")), timeout=30)
    confirmed: dict[int, list[bool]] = {pid: [] for pid in participants}
    attempts: dict[int, int] = dict.fromkeys(participants, 0)

    async def keep_writing(client: AppClient, pid: int, seconds: float) -> None:
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            await asyncio.sleep(0.2)
            if not client.connected:
                await client.reconnect(storage=_storage(client))
                await client.wait_for(lambda: bool(client.get(ParticipantDetailState, "loaded")), timeout=30)
            attempts[pid] += 1
            try:
                await _toggle_archive(client, confirmed[pid])
            except Exception:  # the socket went away mid-event: the next round reconnects
                await asyncio.sleep(0.5)

    writing = [
        asyncio.create_task(keep_writing(c, pid, 10)) for c, pid in zip(writers, participants, strict=True)
    ]
    await asyncio.sleep(1.5)
    victim = _worker_holding(port, grids[0])
    os.kill(victim, signal.SIGKILL)
    await asyncio.gather(*writing)
    await grids[0].wait_for(lambda: not grids[0].connected, timeout=5)

    dropped = [c for c in grids if not c.connected]
    assert dropped, f"killing worker {victim} dropped no grid socket: {[c.connected for c in grids]}"
    for client in grids:
        if not client.connected:
            await client.reconnect(storage=_storage(client))
        assert await client.wait_for(lambda c=client: bool(c.get(MentorGridState, "rows")), timeout=30)
        assert client.get(MentorGridState, "sort") == "xp"
        assert client.get(MentorGridState, "page") == 2
        assert client.get(SessionState, "session_token")
    # An event queued behind a lock the dead worker held runs once that lock expires (10 s).
    await asyncio.sleep(11)
    with Session(engine) as session:
        stored = dict(
            session.execute(
                select(Mentorship.participant_id, Mentorship.mentor_archived).where(
                    Mentorship.participant_id.in_(participants), Mentorship.ended_at.is_(None)
                )
            ).all()
        )
    shown: dict[int, bool] = {}
    for client, pid in zip(writers, participants, strict=True):
        if not client.connected:
            await client.reconnect(storage=_storage(client))
        client.vars.clear()
        await client.navigate(f"/mentor/participants/{pid}", storage=_storage(client))
        # The page's own load re-reads the database right after hydration (which may replay
        # the tab's last saved state first).
        await client.wait_for(
            lambda c=client, p=pid: (
                c.get(ParticipantDetailState, "loaded") is True
                and c.get(ParticipantDetailState, "archived") == stored[p]
            ),
            timeout=15,
        )
        shown[pid] = client.get(ParticipantDetailState, "archived")
    await asyncio.gather(*[c.close() for c in grids + writers])

    with Session(engine) as session:
        for pid in participants:
            events = (
                session.execute(
                    select(AuditEvent.action)
                    .where(
                        AuditEvent.participant_id == pid,
                        AuditEvent.action.in_(
                            [audit_actions.MENTOR_ARCHIVED, audit_actions.MENTOR_UNARCHIVED]
                        ),
                    )
                    .order_by(AuditEvent.id)
                )
                .scalars()
                .all()
            )
            archived = session.execute(
                select(Mentorship.mentor_archived).where(
                    Mentorship.participant_id == pid, Mentorship.ended_at.is_(None)
                )
            ).scalar_one()
            # Applied at most once: archive and unarchive alternate, one event per attempt at most.
            assert len(events) <= attempts[pid]
            assert all(a != b for a, b in itertools.pairwise(events)), events
            assert archived == (events[-1] == audit_actions.MENTOR_ARCHIVED if events else False)
            # Nothing was lost: what the reopened page shows is what the database holds.
            assert shown[pid] == archived


def test_killing_one_of_two_workers_keeps_sessions_filters_and_every_write_exactly_once(
    demo_postgres_template: DatabaseTemplate, redis_server: RedisServer, tmp_path: Path
) -> None:
    with demo_postgres_template.copy() as engine:
        url = engine.url.render_as_string(hide_password=False)
        with running_app(url, tmp_path, redis_url=redis_server.url, workers=2) as app:
            run_async(_worker_dies_scenario(app, engine))


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.execute(select(func.count()).select_from(User)).scalar_one(),
            session.execute(select(func.count()).select_from(Enrollment)).scalar_one(),
            session.execute(select(func.count()).select_from(Submission)).scalar_one(),
        )


async def _redis_restart_scenario(app: RunningApp, engine: Engine, server: RedisServer) -> None:
    clients = [await signed_in_client(app, "mentor@example.com", path="/mentor") for _ in range(3)]
    for client in clients:
        assert await client.wait_for(lambda c=client: bool(c.get(MentorGridState, "rows")), timeout=30)
    before = _counts(engine)

    server.stop()
    await asyncio.sleep(1)
    server.start()
    await asyncio.sleep(2)

    for client in clients:
        storage = _storage(client)
        client.vars.clear()
        await client.reconnect(storage=storage)
        for _ in range(20):
            if await client.wait_for(lambda c=client: bool(c.get(MentorGridState, "rows")), timeout=3):
                break
            await client.reconnect(storage=storage)
        assert client.get(MentorGridState, "rows"), "the grid did not come back after Redis restarted"
        await client.emit(handler(MentorGridState, "set_sort"), {"value": "xp"})
        assert await client.wait_for(lambda c=client: c.get(MentorGridState, "sort") == "xp", timeout=15)
    await asyncio.gather(*[c.close() for c in clients])
    assert _counts(engine) == before


def test_the_app_recovers_when_redis_restarts_and_the_database_keeps_everything(
    demo_postgres_template: DatabaseTemplate, redis_server: RedisServer, tmp_path: Path
) -> None:
    with demo_postgres_template.copy() as engine:
        url = engine.url.render_as_string(hide_password=False)
        with running_app(url, tmp_path, redis_url=redis_server.url, workers=2) as app:
            run_async(_redis_restart_scenario(app, engine, redis_server))


async def _postgres_drop_scenario(app: RunningApp, engine: Engine) -> None:
    client = await signed_in_client(app, "mentor@example.com", path="/mentor")
    try:
        assert await client.wait_for(lambda: bool(client.get(MentorGridState, "rows")), timeout=30)
        database = engine.url.database
        with engine.connect() as connection:
            dropped = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": database},
            ).scalar_one()
            connection.commit()
        assert dropped >= 1
        for sort in ("xp", "activity", "name"):
            await client.emit(handler(MentorGridState, "set_sort"), {"value": sort})
            done = await client.wait_for(
                lambda s=sort: (
                    client.get(MentorGridState, "sort") == s or bool(client.get(MentorGridState, "error"))
                ),
                timeout=15,
            )
            assert done
            if client.get(MentorGridState, "sort") != sort:
                # The failed action said so clearly; the retry works.
                assert "try again" in client.get(MentorGridState, "error")
                await client.emit(handler(MentorGridState, "set_sort"), {"value": sort})
                assert await client.wait_for(
                    lambda s=sort: client.get(MentorGridState, "sort") == s, timeout=15
                )
            assert client.get(MentorGridState, "rows")
    finally:
        await client.close()


def test_dropped_postgres_connections_are_replaced_and_actions_work_again(
    demo_postgres_template: DatabaseTemplate, tmp_path: Path
) -> None:
    with demo_postgres_template.copy() as engine:
        url = engine.url.render_as_string(hide_password=False)
        with running_app(url, tmp_path, workers=1) as app:
            run_async(_postgres_drop_scenario(app, engine))


def test_the_simulator_and_the_app_write_to_one_sqlite_file_without_locking_errors(
    demo_sqlite_template: DatabaseTemplate,
) -> None:
    with demo_sqlite_template.copy() as engine:
        url = engine.url.render_as_string(hide_password=False)
        simulator = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mentor_dash.simulate",
                "--rate",
                "40",
                "--seconds",
                "12",
                "--seed",
                "3",
                "--database-url",
                url,
            ],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        errors: list[str] = []
        writes = 0
        with override_engine(engine), Session(engine) as session:
            mentor = actor_from_user(
                session.execute(select(User).where(User.email == "mentor@example.com")).scalar_one()
            )
            participants = _mentor_participants(engine, "mentor@example.com", 10)
            waiting = session.execute(
                select(Submission.id, Enrollment.coach_id)
                .join(Enrollment, Enrollment.id == Submission.enrollment_id)
                .where(
                    Submission.status == SubmissionStatus.WAITING,
                    Enrollment.coach_id.is_not(None),
                    Enrollment.status == "active",
                )
                .order_by(Submission.id.desc())
                .limit(60)
            ).all()
            coaches = {cid: actor_from_user(session.get(User, cid)) for _, cid in waiting}
        deadline = time.monotonic() + 10
        index = 0
        with override_engine(engine):
            while time.monotonic() < deadline:
                try:
                    if index % 2 and waiting:
                        submission_id, coach_id = waiting.pop()
                        run_write(
                            submission_grade,
                            actor=coaches[coach_id],
                            submission_id=submission_id,
                            passed=True,
                        )
                    else:
                        pid = participants[index % len(participants)]
                        run_write(
                            mentorship_set_archived, actor=mentor, participant_id=pid, archived=index % 4 == 0
                        )
                    writes += 1
                except Exception as error:  # any failure is a finding; a refusal about state is fine
                    if "locked" in str(error).lower() or "could not be reached" in str(error):
                        errors.append(str(error))
                index += 1
        output, _ = simulator.communicate(timeout=60)

        assert errors == []
        assert "locked" not in output.lower(), output[-2000:]
        assert "Traceback" not in output, output[-2000:]
        assert simulator.returncode == 0
        assert writes > 20
