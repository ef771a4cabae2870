"""Demo activity: coaches grade and evaluate, participants hand in, at a chosen rate.

    python -m mentor_dash.simulate --rate 2 --seconds 120

Every action goes through the same services as the app (access checks, audit events), so
open grids move exactly as they would with real people working.
"""

import argparse
import random
import sys
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlmodel import Session

from mentor_dash import settings
from mentor_dash.db import build_engine, override_engine
from mentor_dash.domain.errors import DomainError
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    ExamAttempt,
    ExamStatus,
    Module,
    Organization,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.hand_in import exam_submit, submission_hand_in
from mentor_dash.services.progress import exam_evaluate, submission_grade
from mentor_dash.services.unit_of_work import run_write

ANSWERS = [
    "Here is my solution, with notes on the trade-offs I made.",
    "https://github.com/example/solution",
    "I followed the brief; the write-up explains the tricky part in section 2.",
]


def _random_row(session: Session, statement):  # type: ignore[no-untyped-def]
    return session.execute(statement.order_by(func.random()).limit(1)).first()


def grade_one(session: Session, org_id: int, rng: random.Random) -> str | None:
    row = _random_row(
        session,
        select(Submission.id, Enrollment.coach_id)
        .join(Enrollment, Enrollment.id == Submission.enrollment_id)
        .where(
            Submission.organization_id == org_id,
            Submission.status == SubmissionStatus.WAITING,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.coach_id.is_not(None),
        ),
    )
    if row is None:
        return None
    coach = actor_from_user(session.get(User, row[1]))
    passed = rng.random() < 0.85
    run_write(
        submission_grade,
        actor=coach,
        submission_id=row[0],
        passed=passed,
        score=rng.randint(60, 100) if passed else rng.randint(20, 55),
        feedback="Thanks for your work.",
    )
    return f"graded submission {row[0]} ({'pass' if passed else 'fail'})"


def hand_in_one(session: Session, org_id: int, rng: random.Random) -> str | None:
    row = _random_row(
        session,
        select(Enrollment.id, Enrollment.participant_id, Assignment.id)
        .join(Module, Module.program_id == Enrollment.program_id)
        .join(Assignment, Assignment.module_id == Module.id)
        .where(
            Enrollment.organization_id == org_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.coach_id.is_not(None),
        ),
    )
    if row is None:
        return None
    learner = actor_from_user(session.get(User, row[1]))
    run_write(
        submission_hand_in,
        actor=learner,
        enrollment_id=row[0],
        assignment_id=row[2],
        content=rng.choice(ANSWERS),
    )
    return f"participant {row[1]} handed in assignment {row[2]}"


def evaluate_one(session: Session, org_id: int, rng: random.Random) -> str | None:
    row = _random_row(
        session,
        select(ExamAttempt.id, Enrollment.coach_id)
        .join(Enrollment, Enrollment.id == ExamAttempt.enrollment_id)
        .where(
            ExamAttempt.organization_id == org_id,
            ExamAttempt.status == ExamStatus.SUBMITTED,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.coach_id.is_not(None),
        ),
    )
    if row is None:
        return None
    coach = actor_from_user(session.get(User, row[1]))
    outcome = rng.choice(["pass", "good", "pass", "fail"])
    run_write(exam_evaluate, actor=coach, attempt_id=row[0], outcome=outcome, feedback="See my notes.")
    return f"evaluated exam attempt {row[0]} ({outcome})"


def submit_exam_one(session: Session, org_id: int, rng: random.Random) -> str | None:
    row = _random_row(
        session,
        select(ExamAttempt.id, Enrollment.participant_id)
        .join(Enrollment, Enrollment.id == ExamAttempt.enrollment_id)
        .where(
            ExamAttempt.organization_id == org_id,
            ExamAttempt.status == ExamStatus.RELEASED,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        ),
    )
    if row is None:
        return None
    learner = actor_from_user(session.get(User, row[1]))
    run_write(exam_submit, actor=learner, attempt_id=row[0], answer=rng.choice(ANSWERS))
    return f"participant {row[1]} submitted exam attempt {row[0]}"


ACTIONS: list[tuple[float, Callable[[Session, int, random.Random], str | None]]] = [
    (0.5, grade_one),
    (0.3, hand_in_one),
    (0.12, evaluate_one),
    (0.08, submit_exam_one),
]


def simulate(
    *,
    engine,
    organization_slug: str,
    rate: float,
    seconds: float,
    seed: int | None,  # type: ignore[no-untyped-def]
    quiet: bool = False,
) -> int:
    rng = random.Random(seed)
    done = 0
    with override_engine(engine), Session(engine) as session:
        org = session.execute(select(Organization).where(Organization.slug == organization_slug)).scalar_one()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            action = rng.choices([a for _, a in ACTIONS], weights=[w for w, _ in ACTIONS])[0]
            try:
                what = action(session, org.id, rng)
            except DomainError as error:
                what = f"skipped: {error.message}"
            session.rollback()
            if what and not what.startswith("skipped"):
                done += 1
            if what and not quiet:
                print(what, flush=True)
            time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
    return done


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=1.0, help="actions per second (default 1)")
    parser.add_argument("--seconds", type=float, default=3600, help="how long to run (default one hour)")
    parser.add_argument("--organization", default="demo-academy", help="organisation slug")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    engine = build_engine(
        settings.normalize_database_url(args.database_url) if args.database_url else settings.database_url()
    )
    done = simulate(
        engine=engine,
        organization_slug=args.organization,
        rate=max(args.rate, 0.01),
        seconds=args.seconds,
        seed=args.seed,
    )
    print(f"{done} actions written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
