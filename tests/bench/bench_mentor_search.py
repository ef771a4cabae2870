"""Change Mentor's coach search with 1,000 coaches in the organisation, through the service layer.

The scale seed with 25,000 participants gives Demo Academy exactly 1,000 coaches (one per 25
participants), so the search runs next to a realistic user table. Each call goes through
`run_read` (session, permission check, count and one page), the way the page handler calls it.
The baseline, measured in the same run, is the cheapest guarded read there is (the own profile).
"""

import random
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.domain.access import Actor
from mentor_dash.models import CoachProfile, User
from mentor_dash.selectors.account import account_profile
from mentor_dash.selectors.mentor_directory import mentor_directory_search
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.unit_of_work import run_read
from tests.bench.bench_seed import fresh_database
from tests.bench.report import Figure, summary_ms, time_ms
from tests.databases import postgres_available

PARTICIPANTS = 25_000
TARGET_P95_MS = 50.0
RUNS = 300
WARMUP = 20


def _participant(engine: Engine) -> Actor:
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == "participant@example.com")).one()
        return actor_from_user(user)


def _coach_count(engine: Engine, organization_id: int) -> int:
    with Session(engine) as session:
        return session.execute(
            select(func.count()).where(User.organization_id == organization_id, User.is_coach, User.is_active)
        ).scalar_one()


def _queries(engine: Engine, organization_id: int, rng: random.Random) -> list[tuple[str, int]]:
    """What people type: parts of names and contact emails, an empty box with paging, typos."""
    with Session(engine) as session:
        names = session.scalars(
            select(User.name).where(User.organization_id == organization_id, User.is_coach)
        ).all()
        emails = session.scalars(
            select(CoachProfile.contact_email)
            .join(User, User.id == CoachProfile.user_id)
            .where(User.organization_id == organization_id)
        ).all()
    queries: list[tuple[str, int]] = []
    for _ in range(RUNS):
        kind = rng.random()
        if kind < 0.45:
            name = rng.choice(names)
            start = rng.randrange(max(1, len(name) - 3))
            queries.append((name[start : start + rng.randint(2, 6)], 1))
        elif kind < 0.6:
            queries.append((rng.choice(emails).split("@")[0][: rng.randint(3, 8)], 1))
        elif kind < 0.85:
            queries.append(("", rng.randint(1, 125)))  # browsing: 1,000 coaches are 125 pages of 8
        else:
            queries.append((rng.choice(["zzq", "nobody here", "x_y%"]), 1))
    return queries


def _measure(run: Callable[[], object]) -> list[float]:
    for _ in range(WARMUP):
        run()
    return time_ms(run, RUNS)


def _backend_figures(backend: str, engine: Engine) -> list[Figure]:
    from mentor_dash.seed import seed_scale

    seed_scale(engine, participants=PARTICIPANTS)
    actor = _participant(engine)
    coaches = _coach_count(engine, actor.organization_id)
    queries = iter(_queries(engine, actor.organization_id, random.Random(7)) * 2)
    with override_engine(engine):

        def search() -> object:
            text, page = next(queries)
            return run_read(mentor_directory_search, actor=actor, search=text, page=page)

        baseline = summary_ms(_measure(lambda: run_read(account_profile, actor=actor)))
        searched = summary_ms(_measure(search))
    notes = {"coaches": coaches, "participants": PARTICIPANTS, "runs": RUNS}
    return [
        Figure("mentor_search", backend, "baseline_own_profile_p50", baseline["p50"], "ms", notes=notes),
        Figure("mentor_search", backend, "baseline_own_profile_p95", baseline["p95"], "ms", notes=notes),
        Figure("mentor_search", backend, "search_p50", searched["p50"], "ms", notes=notes),
        Figure(
            "mentor_search",
            backend,
            "search_p95",
            searched["p95"],
            "ms",
            target=f"< {TARGET_P95_MS:.0f} ms" if backend == "sqlite" else "",
            met=searched["p95"] < TARGET_P95_MS if backend == "sqlite" else None,
            notes={**notes, "over_baseline_p95": round(searched["p95"] / max(baseline["p95"], 0.01), 1)},
        ),
    ]


def run(*, postgres: bool) -> list[Figure]:
    backends = ["sqlite"] + (["postgresql"] if postgres and postgres_available() is None else [])
    figures: list[Figure] = []
    for backend in backends:
        with fresh_database(backend) as engine:
            figures.extend(_backend_figures(backend, engine))
    return figures
