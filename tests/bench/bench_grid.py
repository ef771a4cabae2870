"""The participant grid at 100,000 participants: service, SQL floor, naive baseline, websocket, live.

Mentor scope: mentor@example.com with 1,000 mentor participants; manager scope: the whole
organisation. Everything is measured in one run so the figures compare with each other.
"""

import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.domain.grid import GridQuery, GridScope, SortKey
from mentor_dash.models import Enrollment, Mentorship, Submission, SubmissionStatus, User
from mentor_dash.models._types import utcnow
from mentor_dash.pages.participant_grid.state import MentorGridState
from mentor_dash.selectors.participant_grid import pages_cache, participant_grid, totals_cache
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.progress import submission_grade
from mentor_dash.services.unit_of_work import run_read, run_write
from tests.bench.report import Figure, percentile, time_ms
from tests.bench.scale_data import PARTICIPANTS, scale_engine
from tests.databases import postgres_available
from tests.e2e.ws import handler, signed_in_client
from tests.running_app import running_app
from tests.ws_client import state_name

RUNS = 30
CLIENTS = 50
THINK_SECONDS = 1.0

# The best single hand-written query for the same first page: its rows and the header totals
# (window aggregates over the whole filtered set).
_FLOOR_COLUMNS = """
    u.id, u.name, u.email, s.xp_earned, s.xp_available, s.subscription_expires_at,
    s.exams_released, s.exams_submitted, s.exams_passed, s.exams_failed, s.last_activity_at,
    COUNT(*) OVER () AS participants,
    SUM(s.coachless_enrollments) OVER () AS coachless,
    SUM(CASE WHEN s.subscription_expires_at > :now AND s.subscription_expires_at <= :soon THEN 1 ELSE 0 END)
        OVER () AS expiring,
    SUM(CASE WHEN s.subscription_expires_at <= :now THEN 1 ELSE 0 END) OVER () AS expired
"""
SQL_FLOOR = {
    GridScope.MENTOR: f"""
        SELECT {_FLOOR_COLUMNS}
        FROM mentorship m
        JOIN app_user u ON u.id = m.participant_id
        JOIN participant_stats s ON s.participant_id = u.id
        WHERE m.mentor_id = :actor AND m.ended_at IS NULL AND m.mentor_archived = :archived
        ORDER BY u.name, u.id LIMIT 25
    """,
    GridScope.MANAGER: f"""
        SELECT {_FLOOR_COLUMNS}
        FROM app_user u
        JOIN participant_stats s ON s.participant_id = u.id
        WHERE u.organization_id = :org AND u.is_participant = :yes
        ORDER BY u.name, u.id LIMIT 25
    """,
}


def _actor(engine: Engine, email: str):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return actor_from_user(session.execute(select(User).where(User.email == email)).scalar_one())


def naive_first_page(engine: Engine, actor, scope: GridScope) -> list:  # type: ignore[no-untyped-def]
    """The common naive way: every participant and enrollment into Python, then filter and slice."""
    with Session(engine) as session:
        users = (
            session.execute(select(User).where(User.organization_id == actor.organization_id)).scalars().all()
        )
        enrollments = session.execute(select(Enrollment)).scalars().all()
        mentorships = session.execute(select(Mentorship).where(Mentorship.ended_at.is_(None))).scalars().all()
    mentor_of = {m.participant_id: m.mentor_id for m in mentorships}
    xp: dict[int, int] = {}
    for enrollment in enrollments:
        xp[enrollment.participant_id] = xp.get(enrollment.participant_id, 0) + enrollment.xp_earned
    rows = [
        (user.name, user.id, xp.get(user.id, 0))
        for user in users
        if user.is_participant and (scope is GridScope.MANAGER or mentor_of.get(user.id) == actor.user_id)
    ]
    return sorted(rows)[:25]


def service_figures(backend: str, engine: Engine) -> list[Figure]:
    figures = []
    now = utcnow()
    with override_engine(engine):
        for scope, email, target_ms in (
            (GridScope.MENTOR, "mentor@example.com", 30.0),
            (GridScope.MANAGER, "manager@example.com", 150.0),
        ):
            actor = _actor(engine, email)

            def service_page(actor=actor, scope=scope) -> None:  # type: ignore[no-untyped-def]
                totals_cache.clear()
                pages_cache.clear()
                run_read(participant_grid, actor=actor, scope=scope, query=GridQuery(), now=now)

            def service_sorted(actor=actor, scope=scope) -> None:  # type: ignore[no-untyped-def]
                pages_cache.clear()
                run_read(
                    participant_grid, actor=actor, scope=scope, query=GridQuery(sort=SortKey.XP), now=now
                )

            def floor_page(actor=actor, scope=scope) -> None:  # type: ignore[no-untyped-def]
                with engine.connect() as connection:
                    connection.execute(
                        text(SQL_FLOOR[scope]),
                        {
                            "actor": actor.user_id,
                            "org": actor.organization_id,
                            "archived": False,
                            "yes": True,
                            "now": now,
                            "soon": now + timedelta(days=30),
                        },
                    ).all()

            for warm in (service_page, service_sorted, floor_page):
                warm()
            service = time_ms(service_page, RUNS)
            resorted = time_ms(service_sorted, RUNS)
            floor = time_ms(floor_page, RUNS)
            naive = time_ms(lambda actor=actor, scope=scope: naive_first_page(engine, actor, scope), 3)
            p50, p95, floor_p50 = percentile(service, 50), percentile(service, 95), percentile(floor, 50)
            label = f"grid_{scope.value}"
            figures += [
                Figure(
                    label, backend, "grid_first_page_ms_p50", p50, "ms", f"< {target_ms:g}", p50 < target_ms
                ),
                Figure(label, backend, "grid_first_page_ms_p95", p95, "ms"),
                Figure(
                    label,
                    backend,
                    "grid_sort_change_ms_p50",
                    percentile(resorted, 50),
                    "ms",
                    notes={"totals": "cached until the change feed moves; the page itself not"},
                ),
                Figure(label, backend, "sql_floor_ms_p50", floor_p50, "ms"),
                Figure(
                    label, backend, "ratio_to_sql_floor", p50 / floor_p50, "x", "< 3", p50 / floor_p50 < 3
                ),
                Figure(
                    label,
                    backend,
                    "naive_state_baseline_ms_p50",
                    percentile(naive, 50),
                    "ms",
                    notes={"runs": 3},
                ),
            ]
    return figures


async def _roundtrips(app_url: str, clients: int, events_each: int, think_s: float) -> list[float]:
    """Each client changes the sort, waits for the new page, then thinks like a person would."""
    from tests.running_app import RunningApp

    app = RunningApp(app_url, "", Path("."), 0)
    sessions = [await signed_in_client(app, "mentor@example.com", path="/mentor") for _ in range(clients)]
    try:
        await asyncio.gather(
            *[c.wait_for(lambda c=c: bool(c.get(MentorGridState, "rows")), timeout=60) for c in sessions]
        )
        samples: list[float] = []

        async def drive(client, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
            await asyncio.sleep(rng.uniform(0, think_s))
            for index in range(events_each):
                sort = "xp" if index % 2 == 0 else "name"
                started = time.perf_counter()
                await client.emit(handler(MentorGridState, "set_sort"), {"value": sort})
                if await client.wait_for(lambda s=sort: client.get(MentorGridState, "sort") == s, timeout=30):
                    samples.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)

        await asyncio.gather(*[drive(c, random.Random(i)) for i, c in enumerate(sessions)])
        return samples
    finally:
        await asyncio.gather(*[c.close() for c in sessions])


async def _live_updates(app_url: str, engine: Engine, count: int) -> tuple[list[float], int]:
    from tests.running_app import RunningApp

    app = RunningApp(app_url, "", Path("."), 0)
    observer = await signed_in_client(app, "mentor@example.com", path="/mentor")
    try:
        await observer.emit(handler(MentorGridState, "load"))
        await observer.wait_for(lambda: bool(observer.get(MentorGridState, "rows")), timeout=60)
        await observer.emit(handler(MentorGridState, "set_page_size"), {"value": "100"})
        await observer.wait_for(lambda: len(observer.get(MentorGridState, "rows") or []) > 25, timeout=30)
        state_bytes = len(json.dumps(observer.vars[state_name(MentorGridState)]).encode())
        shown = {row["id"]: row["xp"] for row in observer.get(MentorGridState, "rows")}
        with Session(engine) as session:
            work = session.execute(
                select(Submission.id, Enrollment.participant_id, Enrollment.coach_id)
                .join(Enrollment, Enrollment.id == Submission.enrollment_id)
                .where(
                    Enrollment.participant_id.in_(list(shown)),
                    Submission.status == SubmissionStatus.WAITING,
                    Enrollment.coach_id.is_not(None),
                    Enrollment.status == "active",
                )
                .order_by(Submission.id)
            ).all()
            coaches = {cid: actor_from_user(session.get(User, cid)) for _, _, cid in work}
        used: set[int] = set()
        samples = []
        for submission_id, participant_id, coach_id in work:
            if participant_id in used or len(samples) >= count:
                continue
            used.add(participant_id)
            before = next(r["xp"] for r in observer.get(MentorGridState, "rows") if r["id"] == participant_id)
            started = time.perf_counter()
            with override_engine(engine):
                await asyncio.to_thread(
                    run_write,
                    submission_grade,
                    actor=coaches[coach_id],
                    submission_id=submission_id,
                    passed=True,
                    score=80,
                )

            def shows_it(pid: int = participant_id, old: int = before) -> bool:
                return any(
                    r["id"] == pid and r["xp"] > old for r in observer.get(MentorGridState, "rows") or []
                )

            if await observer.wait_for(shows_it, timeout=10):
                samples.append((time.perf_counter() - started) * 1000)
        return samples, state_bytes
    finally:
        await observer.close()


def websocket_figures(backend: str, engine: Engine) -> list[Figure]:
    figures = []
    with (
        tempfile.TemporaryDirectory() as folder,
        running_app(engine.url.render_as_string(hide_password=False), Path(folder), workers=1) as app,
    ):
        for clients, events_each, think_s in ((1, RUNS, 0.0), (CLIENTS, 8, THINK_SECONDS)):
            samples = asyncio.run(_roundtrips(app.base_url, clients, events_each, think_s))
            p95 = percentile(samples, 95)
            target = "< 250" if clients == CLIENTS else ""
            figures += [
                Figure(
                    "event_roundtrip",
                    backend,
                    f"ms_p50_{clients}_clients",
                    percentile(samples, 50),
                    "ms",
                    notes={"events": len(samples)},
                ),
                Figure(
                    "event_roundtrip",
                    backend,
                    f"ms_p95_{clients}_clients",
                    p95,
                    "ms",
                    target,
                    p95 < 250 if target else None,
                ),
            ]
        live, state_bytes = asyncio.run(_live_updates(app.base_url, engine, 10))
        if live:
            figures += [
                Figure(
                    "live_update", backend, "ms_p50", percentile(live, 50), "ms", notes={"updates": len(live)}
                ),
                Figure(
                    "live_update",
                    backend,
                    "ms_p95",
                    percentile(live, 95),
                    "ms",
                    "< 2000",
                    percentile(live, 95) < 2000,
                ),
            ]
        figures.append(
            Figure(
                "state_bytes_per_client",
                backend,
                "mentor_grid_100_rows",
                state_bytes,
                "bytes",
                "< 100000",
                state_bytes < 100_000,
            )
        )
    return figures


def run(*, postgres: bool) -> list[Figure]:
    backends = ["sqlite"] + (["postgresql"] if postgres and postgres_available() is None else [])
    figures: list[Figure] = []
    for backend in backends:
        print(f"  grid benchmark on {backend} with {PARTICIPANTS:,} participants", file=sys.stderr)
        engine = scale_engine(backend)
        figures += service_figures(backend, engine)
        figures += websocket_figures(backend, engine)
        engine.dispose()
    return figures
