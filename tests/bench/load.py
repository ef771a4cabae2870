"""`make load`: hundreds of signed-in clients on the real websocket against the production setup.

Mentors open their grid and change filters, sorting and pages; managers search; a writer grades
work through the services meanwhile, and a few observers time how long a change takes to appear.
Run against PostgreSQL + Redis with 1 and with 2 backend workers; figures go to bench/results.json.

    python -m tests.bench.load --clients 200 --seconds 120
"""

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, and_, func, select
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.models import Enrollment, Mentorship, Submission, SubmissionStatus, User
from mentor_dash.pages.participant_grid.state import ManagerGridState, MentorGridState
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.progress import submission_grade
from mentor_dash.services.unit_of_work import run_write
from tests.bench.report import Figure, append_results, percentile, print_table
from tests.bench.scale_data import PARTICIPANTS, scale_engine
from tests.e2e.ws import handler, signed_in_client
from tests.running_app import RunningApp, running_app
from tests.ws_client import AppClient

REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/5")
SORTS = ["name", "xp", "expiry", "activity"]
SUBSCRIPTIONS = ["all", "active", "expiring", "expired"]
SEARCHES = ["an", "de", "ma", "van", "el", "jo", "sa", "ri"]


@dataclass
class Tally:
    roundtrips: list[float] = field(default_factory=list)
    # When each round trip started (monotonic seconds), to show how the run went over time.
    started_at: list[float] = field(default_factory=list)
    live: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    events: int = 0


def _rss_kib(root_pid: int) -> int:
    """Resident memory of a process tree (the supervisor and its workers)."""
    total, pending = 0, [root_pid]
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            for line in open(f"/proc/{pid}/status"):  # noqa: SIM115
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def _timed(
    client: AppClient, state: type, name: str, payload: dict, var: str, want, tally: Tally
) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    tally.events += 1
    try:
        await client.emit(handler(state, name), payload)
    except Exception:
        tally.errors += 1
        return
    if await client.wait_for(lambda: client.get(state, var) == want, timeout=15):
        roundtrip = time.perf_counter() - started
        tally.roundtrips.append(roundtrip * 1000)
        tally.started_at.append(time.monotonic() - roundtrip)
    else:
        tally.timeouts += 1


async def _mentor_session(client: AppClient, rng: random.Random, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        await asyncio.sleep(rng.uniform(0.5, 2.5))
        choice = rng.random()
        if choice < 0.4:
            sort = rng.choice([s for s in SORTS if s != client.get(MentorGridState, "sort")])
            await _timed(client, MentorGridState, "set_sort", {"value": sort}, "sort", sort, tally)
        elif choice < 0.7:
            sub = rng.choice([s for s in SUBSCRIPTIONS if s != client.get(MentorGridState, "subscription")])
            await _timed(
                client, MentorGridState, "set_subscription", {"value": sub}, "subscription", sub, tally
            )
        else:
            page = client.get(MentorGridState, "page") or 1
            count = client.get(MentorGridState, "page_count") or 1
            if count > 1:
                name, want = ("next_page", page + 1) if page < count else ("previous_page", page - 1)
                await _timed(client, MentorGridState, name, {}, "page", want, tally)


async def _manager_session(client: AppClient, rng: random.Random, deadline: float, tally: Tally) -> None:
    while time.monotonic() < deadline:
        await asyncio.sleep(rng.uniform(0.5, 2.5))
        text = rng.choice([s for s in SEARCHES if s != client.get(ManagerGridState, "search")])
        await _timed(client, ManagerGridState, "set_search", {"value": text}, "search", text, tally)


async def _observe_and_write(
    app: RunningApp, engine: Engine, mentor_email: str, deadline: float, tally: Tally
) -> None:
    observer = await signed_in_client(app, mentor_email, path="/mentor")
    try:
        await observer.wait_for(lambda: bool(observer.get(MentorGridState, "rows")), timeout=60)
        await observer.emit(handler(MentorGridState, "set_page_size"), {"value": "100"})
        await observer.wait_for(lambda: len(observer.get(MentorGridState, "rows") or []) > 25, timeout=30)
        while time.monotonic() < deadline - 5:
            await asyncio.sleep(2)
            shown = {row["id"]: row["xp"] for row in observer.get(MentorGridState, "rows") or []}
            with Session(engine) as session:
                work = session.execute(
                    select(Submission.id, Enrollment.participant_id, Enrollment.coach_id)
                    .join(Enrollment, Enrollment.id == Submission.enrollment_id)
                    .where(
                        Enrollment.participant_id.in_(list(shown)),
                        Enrollment.coach_id.is_not(None),
                        Submission.status == SubmissionStatus.WAITING,
                        Enrollment.status == "active",
                    )
                    .limit(1)
                ).first()
                if work is None:
                    continue
                coach = actor_from_user(session.get(User, work[2]))
            submission_id, participant_id = work[0], work[1]
            started = time.perf_counter()
            with override_engine(engine):
                await asyncio.to_thread(
                    run_write,
                    submission_grade,
                    actor=coach,
                    submission_id=submission_id,
                    passed=True,
                    score=75,
                )

            def arrived(pid: int = participant_id, old: int = shown[participant_id]) -> bool:
                return any(
                    r["id"] == pid and r["xp"] > old for r in observer.get(MentorGridState, "rows") or []
                )

            if await observer.wait_for(arrived, timeout=10):
                tally.live.append((time.perf_counter() - started) * 1000)
            else:
                tally.timeouts += 1
    finally:
        await observer.close()


def _print_timeline(tally: Tally, started: float, elapsed: float, window: float = 20.0) -> None:
    """Round trips per window of the run: a slow start (cold caches) reads differently from a slow middle."""
    for begin in range(0, int(elapsed), int(window)):
        samples = [
            ms
            for ms, at in zip(tally.roundtrips, tally.started_at, strict=True)
            if begin <= at - started < begin + window
        ]
        if samples:
            print(
                f"load: {begin:>4}-{begin + window:.0f} s  {len(samples) / window:6.1f} events/s  "
                f"p50 {percentile(samples, 50):7.0f} ms  p95 {percentile(samples, 95):7.0f} ms  "
                f"max {max(samples):7.0f} ms",
                file=sys.stderr,
            )


def _observer_emails(engine: Engine, count: int) -> list[str]:
    """Mentors whose whole grid fits on one page and whose participants have the most work waiting.

    Every run grades some of it, so the observers are chosen afresh each time.
    """
    mentees = func.count(func.distinct(Mentorship.participant_id))
    waiting = func.count(Submission.id)
    with Session(engine) as session:
        return list(
            session.execute(
                select(User.email)
                .join(Mentorship, and_(Mentorship.mentor_id == User.id, Mentorship.ended_at.is_(None)))
                .join(
                    Enrollment,
                    and_(
                        Enrollment.participant_id == Mentorship.participant_id,
                        Enrollment.status == "active",
                        Enrollment.coach_id.is_not(None),
                    ),
                )
                .outerjoin(
                    Submission,
                    and_(
                        Submission.enrollment_id == Enrollment.id,
                        Submission.status == SubmissionStatus.WAITING,
                    ),
                )
                .group_by(User.email)
                .having(mentees.between(25, 100))
                .order_by(waiting.desc(), User.email)
                .limit(count)
            ).scalars()
        )


def _mentor_emails(engine: Engine, count: int) -> list[str]:
    with Session(engine) as session:
        return list(
            session.execute(
                select(User.email)
                .join(Mentorship, Mentorship.mentor_id == User.id)
                .where(Mentorship.ended_at.is_(None))
                .group_by(User.email)
                .having(func.count() >= 25)
                .order_by(User.email)
                .limit(count)
            ).scalars()
        )


async def _run(app: RunningApp, engine: Engine, clients: int, seconds: float) -> tuple[Tally, float, int]:
    tally = Tally()
    rng = random.Random(7)
    mentors = _mentor_emails(engine, 40)
    before_kib = _rss_kib(app.pid)
    sessions: list[tuple[str, AppClient]] = []
    for index in range(clients):
        if index % 5 == 4:
            sessions.append(("manager", await signed_in_client(app, "manager@example.com", path="/manager")))
        else:
            sessions.append(
                ("mentor", await signed_in_client(app, mentors[index % len(mentors)], path="/mentor"))
            )
    print(f"load: {clients} clients signed in; running", file=sys.stderr)
    await asyncio.sleep(3)
    connected_kib = _rss_kib(app.pid)
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    tasks = [
        _mentor_session(c, random.Random(rng.random()), deadline, tally)
        if kind == "mentor"
        else _manager_session(c, random.Random(rng.random()), deadline, tally)
        for kind, c in sessions
    ]
    observers = _observer_emails(engine, 3)
    tasks += [_observe_and_write(app, engine, email, deadline, tally) for email in observers]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    _print_timeline(tally, started, elapsed)
    await asyncio.gather(*[c.close() for _, c in sessions])
    return tally, elapsed, max(0, connected_kib - before_kib) // max(1, clients)


def _figures(
    label: str, clients: int, tally: Tally, elapsed: float, kib_per_client: int | None
) -> list[Figure]:
    p95 = percentile(tally.roundtrips, 95)
    live95 = percentile(tally.live, 95) if tally.live else float("nan")
    figures = [
        Figure(
            label,
            "postgresql+redis",
            "events_per_second",
            len(tally.roundtrips) / elapsed,
            "1/s",
            notes={"clients": clients, "seconds": round(elapsed)},
        ),
        Figure(label, "postgresql+redis", "roundtrip_ms_p50", percentile(tally.roundtrips, 50), "ms"),
        Figure(label, "postgresql+redis", "roundtrip_ms_p95", p95, "ms", "< 500", p95 < 500),
        Figure(label, "postgresql+redis", "roundtrip_ms_p99", percentile(tally.roundtrips, 99), "ms"),
        Figure(
            label,
            "postgresql+redis",
            "live_update_ms_p95",
            live95,
            "ms",
            "< 2000",
            live95 < 2000,
            notes={"updates": len(tally.live)},
        ),
        Figure(
            label,
            "postgresql+redis",
            "errors",
            tally.errors + tally.timeouts,
            "",
            "0",
            tally.errors + tally.timeouts == 0,
            notes={"errors": tally.errors, "timeouts": tally.timeouts},
        ),
    ]
    if kib_per_client is not None:
        figures.append(Figure(label, "postgresql+redis", "backend_memory_per_client", kib_per_client, "KiB"))
    return figures


def run_load(*, clients: int, seconds: float, workers: list[int]) -> list[Figure]:
    engine = scale_engine("postgresql")
    url = engine.url.render_as_string(hide_password=False)
    figures: list[Figure] = []
    for count in workers:
        print(f"load: {clients} clients for {seconds:.0f} s against {count} worker(s)", file=sys.stderr)
        with (
            tempfile.TemporaryDirectory() as folder,
            running_app(url, Path(folder), redis_url=REDIS_URL, workers=count) as app,
        ):
            tally, elapsed, kib_per_client = asyncio.run(_run(app, engine, clients, seconds))
        figures += _figures(
            f"load_{count}_worker{'s' if count > 1 else ''}", clients, tally, elapsed, kib_per_client
        )
    engine.dispose()
    return figures


def run_load_against(*, base_url: str, pid: int | None, clients: int, seconds: float) -> list[Figure]:
    """The same clients against a server started elsewhere (another host, or by hand) on the scale data."""
    engine = scale_engine("postgresql")
    app = RunningApp(base_url.rstrip("/"), engine.url.render_as_string(hide_password=False), Path(), pid or 0)
    print(f"load: {clients} clients for {seconds:.0f} s against {app.base_url}", file=sys.stderr)
    tally, elapsed, kib_per_client = asyncio.run(_run(app, engine, clients, seconds))
    engine.dispose()
    return _figures("load_external", clients, tally, elapsed, kib_per_client if pid else None)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--url", help="load a server that is already running on the scale data instead")
    parser.add_argument("--pid", type=int, help="with --url: the server's process, to measure its memory")
    args = parser.parse_args(argv)
    if args.url:
        figures = run_load_against(
            base_url=args.url, pid=args.pid, clients=args.clients, seconds=args.seconds
        )
    else:
        figures = run_load(clients=args.clients, seconds=args.seconds, workers=args.workers)
    print_table(figures)
    append_results(figures, participants=PARTICIPANTS, benchmarks=["load"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
