"""`python -m mentor_dash.seed [--participants N] [--seed S] [--database-url URL]`

Migrates the database to head, then seeds it only when it is empty: existing data is never
wiped or added to.
"""

import argparse
import sys
from typing import TextIO

from mentor_dash import settings
from mentor_dash.db import build_engine, migrate_to_head
from mentor_dash.seed.runner import (
    COACH_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    MENTOR_EMAIL,
    NORTHWIND_MANAGER_EMAIL,
    PARTICIPANT_EMAIL,
    DatabaseNotEmpty,
    SeedSummary,
    database_is_empty,
    seed_demo,
    seed_scale,
)

ALREADY_SEEDED = "Database already has data; nothing seeded."
BAR_WIDTH = 30

DEMO_LOGINS = (
    (MENTOR_EMAIL, "mentor (a coach who mentors participants)"),
    (COACH_EMAIL, "coach"),
    (PARTICIPANT_EMAIL, "participant"),
    (MANAGER_EMAIL, "program manager, Demo Academy"),
    (NORTHWIND_MANAGER_EMAIL, "program manager, Northwind Institute"),
)


class ProgressBar:
    """A one-line text bar, redrawn in place with a carriage return."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width_drawn = 0

    def __call__(self, fraction: float, label: str) -> None:
        fraction = max(0.0, min(1.0, fraction))
        filled = round(fraction * BAR_WIDTH)
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:4.0%} {label}"
        self.stream.write("\r" + line.ljust(self.width_drawn))
        self.stream.flush()
        self.width_drawn = len(line)

    def finish(self) -> None:
        if self.width_drawn:
            self.stream.write("\n")
            self.stream.flush()


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    url = settings.normalize_database_url(arguments.database_url or settings.database_url())
    engine = build_engine(url)
    try:
        migrate_to_head(engine)
        if not database_is_empty(engine):
            print(ALREADY_SEEDED)
            return 0
        bar = ProgressBar(sys.stderr)
        try:
            if arguments.participants is None:
                summary = seed_demo(engine, seed=arguments.seed, progress=bar)
            else:
                summary = seed_scale(
                    engine, participants=arguments.participants, seed=arguments.seed, progress=bar
                )
        except DatabaseNotEmpty:
            bar.finish()
            print(ALREADY_SEEDED)
            return 0
        bar.finish()
        _print_summary(summary)
        return 0
    finally:
        engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mentor_dash.seed",
        description="Seed an empty database with demo data (or scale data with --participants).",
    )
    parser.add_argument(
        "--participants",
        type=_positive_int,
        default=None,
        help="build scale data with this many participants instead of the demo",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="database to seed (default: DATABASE_URL or the local SQLite file)",
    )
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _print_summary(summary: SeedSummary) -> None:
    counts = {
        "organizations": summary.organizations,
        "users": summary.users,
        "participants": summary.participants,
        "coaches": summary.coaches,
        "enrollments": summary.enrollments,
        "coachless enrollments": summary.coachless_enrollments,
        "mentorships": summary.mentorships,
        "submissions": summary.submissions,
        "exam attempts": summary.exam_attempts,
        "XP events": summary.xp_events,
        "audit events": summary.audit_events,
    }
    print(f"Seeded in {summary.seconds:.1f} s:")
    for label, value in counts.items():
        print(f"  {label:<22} {value:>10,}")
    print(f"Demo logins (password {DEMO_PASSWORD}; every seeded user has this password):")
    for email, role in DEMO_LOGINS:
        print(f"  {email:<32} {role}")


if __name__ == "__main__":
    sys.exit(main())
