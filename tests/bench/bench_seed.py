"""How long the demo data and a small scale run take to build on each backend."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import Engine

from mentor_dash.db import build_engine, migrate_to_head
from tests.bench.report import Figure
from tests.databases import create_postgres_database, drop_postgres_database, postgres_available, postgres_url

SCALE_PARTICIPANTS = 10_000


@contextmanager
def fresh_database(backend: str) -> Iterator[Engine]:
    if backend == "sqlite":
        with TemporaryDirectory() as folder:
            engine = build_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            migrate_to_head(engine)
            yield engine
            engine.dispose()
    else:
        name = create_postgres_database()
        engine = build_engine(postgres_url(name))
        try:
            migrate_to_head(engine)
            yield engine
        finally:
            engine.dispose()
            drop_postgres_database(name)


def run(*, postgres: bool) -> list[Figure]:
    from mentor_dash.seed import seed_demo, seed_scale

    backends = ["sqlite"] + (["postgresql"] if postgres and postgres_available() is None else [])
    figures = []
    for backend in backends:
        with fresh_database(backend) as engine:
            start = time.perf_counter()
            summary = seed_demo(engine)
            figures.append(
                Figure(
                    "seed_demo",
                    backend,
                    "seconds",
                    time.perf_counter() - start,
                    "s",
                    notes={"participants": summary.participants, "enrollments": summary.enrollments},
                )
            )
        with fresh_database(backend) as engine:
            start = time.perf_counter()
            summary = seed_scale(engine, participants=SCALE_PARTICIPANTS)
            elapsed = time.perf_counter() - start
            figures.append(
                Figure(
                    "seed_scale",
                    backend,
                    f"seconds_{SCALE_PARTICIPANTS}_participants",
                    elapsed,
                    "s",
                    notes={
                        "enrollments": summary.enrollments,
                        "rows_per_s": round(
                            (summary.enrollments + summary.submissions + summary.xp_events) / elapsed
                        ),
                    },
                )
            )
    return figures
