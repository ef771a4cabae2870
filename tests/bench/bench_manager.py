"""Program manager tools at 100,000 participants: coachless summary, bulk assignment, workload, audit log.

Each figure goes through the service layer the way the page handlers call it (`run_read`, or the
service on a session). The bulk assignment runs inside a transaction that is rolled back, so the
shared scale databases stay as they were. The audit log is measured with at least 1,000,000
events: synthetic ones are added to the scale databases once, in bulk (the table is append-only).
Baselines are measured in the same run: the naive way for the summary, one-by-one coach changes
for the bulk, OFFSET paging for the audit log.
"""

import json
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.grid import (
    AuditQuery,
    ExamFilter,
    GridQuery,
    GridScope,
    WorkloadQuery,
    WorkloadSort,
    bulk_selection_from,
)
from mentor_dash.domain.statuses import SubscriptionStatus
from mentor_dash.models import AuditEvent, Enrollment, EnrollmentStatus, Mentorship, Organization, User
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.audit_log import audit_log_page
from mentor_dash.selectors.coach_candidates import program_coach_candidates
from mentor_dash.selectors.coach_workload import coach_workload
from mentor_dash.selectors.coachless_summary import coachless_summary, summary_cache
from mentor_dash.selectors.participant_grid import participant_grid
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.bulk_assignment import bulk_assignment_apply, bulk_assignment_preview
from mentor_dash.services.coaching import enrollment_change_coach
from mentor_dash.services.unit_of_work import run_read
from tests.bench.report import Figure, percentile, time_ms
from tests.bench.scale_data import PARTICIPANTS, scale_engine
from tests.databases import postgres_available

RUNS = 30
AUDIT_EVENTS = 1_000_000
BULK_SIZE = 5_000
ONE_BY_ONE = 200
INSERT_BATCH = 50_000
ACTIONS = [
    (audit_actions.XP_AWARDED, 0.35),
    (audit_actions.SUBMISSION_GRADED, 0.25),
    (audit_actions.SUBMISSION_HANDED_IN, 0.2),
    (audit_actions.COACH_CHANGED, 0.05),
    (audit_actions.MENTOR_CHANGED, 0.05),
    (audit_actions.EXAM_RELEASED, 0.05),
    (audit_actions.SIGN_IN, 0.05),
]


def _manager(engine: Engine) -> Actor:
    with Session(engine) as session:
        return actor_from_user(
            session.execute(select(User).where(User.email == "manager@example.com")).scalar_one()
        )


def _p(samples: list[float], pct: float) -> float:
    return round(percentile(samples, pct), 2)


# Synthetic audit history, added once.


def _synthetic_rows(engine: Engine, count: int, organization_id: int) -> list[tuple]:
    rng = random.Random(8)
    with Session(engine) as session:
        coaches = list(
            session.execute(
                select(User.id).where(User.organization_id == organization_id, User.is_coach)
            ).scalars()
        )
        participants = list(
            session.execute(
                select(User.id).where(User.organization_id == organization_id, User.is_participant)
            ).scalars()
        )
    actions, weights = zip(*ACTIONS, strict=True)
    start = utcnow() - timedelta(days=400)
    step = timedelta(days=399) / max(count, 1)
    rows = []
    for n in range(count):
        action = rng.choices(actions, weights)[0]
        participant = rng.choice(participants)
        actor = (
            participant
            if action in (audit_actions.SUBMISSION_HANDED_IN, audit_actions.SIGN_IN)
            else rng.choice(coaches)
        )
        rows.append(
            (
                organization_id,
                actor,
                action,
                "enrollment" if action != audit_actions.SIGN_IN else "user",
                rng.randint(1, 200_000),
                participant if action != audit_actions.SIGN_IN else None,
                "",
                json.dumps({"amount": rng.randint(1, 20)}) if action == audit_actions.XP_AWARDED else "",
                "ok",
                start + step * n,
            )
        )
    return rows


_COLUMNS = (
    "organization_id, actor_id, action, target_type, target_id, participant_id, "
    "before, after, outcome, created_at"
)


def ensure_audit_events(engine: Engine, backend: str) -> int:
    """At least AUDIT_EVENTS events in the table; missing ones are added in bulk, once."""
    with Session(engine) as session:
        existing = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        organization_id = session.execute(
            select(Organization.id).where(Organization.slug == "demo-academy")
        ).scalar_one()
    missing = AUDIT_EVENTS - existing
    if missing <= 0:
        return existing
    print(f"  adding {missing:,} synthetic audit events on {backend} (once)", file=sys.stderr)
    started = time.perf_counter()
    for offset in range(0, missing, INSERT_BATCH):
        rows = _synthetic_rows(engine, min(INSERT_BATCH, missing - offset), organization_id)
        with engine.begin() as connection:
            raw = connection.connection.dbapi_connection
            if backend == "postgresql":
                with raw.cursor() as cursor, cursor.copy(f"COPY audit_event ({_COLUMNS}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                connection.exec_driver_sql(
                    f"INSERT INTO audit_event ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*row[:9], row[9].strftime("%Y-%m-%d %H:%M:%S.%f")) for row in rows],
                )
    if backend == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE audit_event"))
    print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return AUDIT_EVENTS


# The figures.


def _naive_summary(engine: Engine, actor: Actor) -> None:
    """The common naive way: every enrollment and mentorship into Python, then count."""
    with Session(engine) as session:
        enrollments = (
            session.execute(select(Enrollment).where(Enrollment.organization_id == actor.organization_id))
            .scalars()
            .all()
        )
        mentored = {
            m.participant_id
            for m in session.execute(select(Mentorship)).scalars().all()
            if m.ended_at is None
        }
        participants = (
            session.execute(
                select(User.id).where(User.organization_id == actor.organization_id, User.is_participant)
            )
            .scalars()
            .all()
        )
    waiting: dict[int, int] = {}
    for enrollment in enrollments:
        if enrollment.status == EnrollmentStatus.ACTIVE and enrollment.coach_id is None:
            waiting[enrollment.program_id] = waiting.get(enrollment.program_id, 0) + 1
    _ = sum(1 for pid in participants if pid not in mentored)


def summary_figures(backend: str, engine: Engine, actor: Actor) -> list[Figure]:
    def uncached() -> None:
        summary_cache.clear()
        run_read(coachless_summary, actor=actor, now=utcnow())

    uncached()
    samples = time_ms(uncached, RUNS)
    naive = time_ms(lambda: _naive_summary(engine, actor), 3)
    p50 = _p(samples, 50)
    return [
        Figure("manager_summary", backend, "coachless_summary_ms_p50", p50, "ms", "< 200", p50 < 200),
        Figure("manager_summary", backend, "coachless_summary_ms_p95", _p(samples, 95), "ms"),
        Figure("manager_summary", backend, "naive_baseline_ms_p50", _p(naive, 50), "ms", notes={"runs": 3}),
    ]


def _bulk_query(actor: Actor, programs: list[int]) -> tuple[GridQuery, int]:
    """A filter of one program matching close to BULK_SIZE participants (at least that many if any does)."""
    now = utcnow()
    candidates = [
        GridQuery(program_id=p, **extra)  # type: ignore[arg-type]
        for p in programs
        for extra in (
            *({"subscription": s} for s in SubscriptionStatus),
            *({"exam": e} for e in ExamFilter),
            {"no_mentor": True},
            {},
        )
    ]
    counted = [
        (run_read(participant_grid, actor=actor, scope=GridScope.MANAGER, query=q, now=now).total, q)
        for q in candidates
    ]
    # A little over the size: a few of the matching enrollments may already have the chosen coach.
    big_enough = [c for c in counted if c[0] >= BULK_SIZE + 50]
    count, query = min(big_enough or counted, key=lambda c: abs(c[0] - BULK_SIZE))
    return query, count


def _in_rolled_back_transaction(engine: Engine, work: Callable[[Session], object]) -> float:
    with engine.execution_options(sqlite_immediate=True).connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection)
        started = time.perf_counter()
        try:
            work(session)
            session.flush()
            return (time.perf_counter() - started) * 1000
        finally:
            session.close()
            transaction.rollback()


def bulk_figures(backend: str, engine: Engine, actor: Actor) -> list[Figure]:
    with Session(engine) as session:
        programs = list(
            session.execute(
                text("SELECT id FROM learning_program WHERE organization_id = :o ORDER BY id"),
                {"o": actor.organization_id},
            ).scalars()
        )
    query, matching = _bulk_query(actor, programs)
    assert query.program_id is not None
    selection = bulk_selection_from(
        {k: v for k, v in query.__dict__.items() if k in ("program_id", "subscription", "exam", "no_mentor")},
        [],
        True,
    )
    coach = run_read(program_coach_candidates, actor=actor, program_id=query.program_id)[0]
    previews = []
    for _ in range(3):
        started = time.perf_counter()
        preview = run_read(
            bulk_assignment_preview,
            actor=actor,
            selection=selection,
            program_id=query.program_id,
            coach_id=coach.coach_id,
        )
        previews.append((time.perf_counter() - started) * 1000)

    def apply(session: Session) -> None:
        result = bulk_assignment_apply(
            session=session,
            actor=actor,
            selection=selection,
            program_id=query.program_id,
            coach_id=coach.coach_id,
            expected_digest=preview.digest,
        )
        assert result.changed == preview.changes

    applies = [_in_rolled_back_transaction(engine, apply) for _ in range(3)]

    with Session(engine) as session:
        one_by_one = list(
            session.execute(
                select(Enrollment.id, Enrollment.version)
                .where(
                    Enrollment.program_id == query.program_id,
                    Enrollment.status == EnrollmentStatus.ACTIVE,
                    Enrollment.coach_id != coach.coach_id,
                )
                .limit(ONE_BY_ONE)
            ).all()
        )

    def one_at_a_time(session: Session) -> None:
        for enrollment_id, version in one_by_one:
            enrollment_change_coach(
                session=session,
                actor=actor,
                enrollment_id=enrollment_id,
                coach_id=coach.coach_id,
                expected_version=version,
            )

    per_enrollment = _in_rolled_back_transaction(engine, one_at_a_time) / len(one_by_one)
    apply_p50 = _p(applies, 50)
    notes = {"enrollments": preview.changes, "matching_participants": matching, "filter": _describe(query)}
    return [
        Figure("bulk_assign", backend, "preview_ms_p50", _p(previews, 50), "ms", notes=notes),
        Figure(
            "bulk_assign",
            backend,
            "apply_one_transaction_ms_p50",
            apply_p50,
            "ms",
            "< 5000",
            apply_p50 < 5000,
            notes={**notes, "rolled_back": "yes"},
        ),
        Figure(
            "bulk_assign",
            backend,
            "one_by_one_baseline_ms_extrapolated",
            round(per_enrollment * preview.changes, 1),
            "ms",
            notes={"measured_enrollments": len(one_by_one), "ms_each": round(per_enrollment, 2)},
        ),
    ]


def _describe(query: GridQuery) -> str:
    parts = [f"program={query.program_id}"]
    if query.subscription:
        parts.append(f"subscription={query.subscription.value}")
    if query.exam:
        parts.append(f"exam={query.exam.value}")
    if query.no_mentor:
        parts.append("no_mentor")
    return " ".join(parts)


def workload_figures(backend: str, actor: Actor) -> list[Figure]:
    figures = []
    for sort in (WorkloadSort.LOAD, WorkloadSort.NAME, WorkloadSort.WAITING):
        query = WorkloadQuery(sort=sort)
        run_read(coach_workload, actor=actor, query=query)
        samples = time_ms(lambda query=query: run_read(coach_workload, actor=actor, query=query), 10)
        coaches = run_read(coach_workload, actor=actor, query=query).coaches
        figures.append(
            Figure(
                "coach_workload",
                backend,
                f"first_page_by_{sort.value}_ms_p50",
                _p(samples, 50),
                "ms",
                notes={"coaches": coaches, "p95": _p(samples, 95)},
            )
        )
    return figures


def audit_figures(backend: str, engine: Engine, actor: Actor, events: int) -> list[Figure]:
    with Session(engine) as session:
        someone = session.execute(
            select(AuditEvent.participant_id)
            .where(
                AuditEvent.organization_id == actor.organization_id, AuditEvent.participant_id.is_not(None)
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one()
        coach = session.execute(
            select(AuditEvent.actor_id)
            .where(
                AuditEvent.organization_id == actor.organization_id,
                AuditEvent.action == audit_actions.XP_AWARDED,
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one()
        newest = session.execute(select(func.max(AuditEvent.created_at))).scalar_one()
    day = (newest - timedelta(days=30)).date()
    cases = {
        "first_page": AuditQuery(),
        "by_action": AuditQuery(action=audit_actions.COACH_CHANGED),
        "by_actor": AuditQuery(actor_id=coach),
        "by_participant": AuditQuery(participant_id=someone),
        "one_day_a_month_ago": AuditQuery(date_from=day, date_to=day),
    }
    figures = []
    for name, query in cases.items():
        run_read(audit_log_page, actor=actor, query=query)
        samples = time_ms(lambda query=query: run_read(audit_log_page, actor=actor, query=query), RUNS)
        p50 = _p(samples, 50)
        target = "< 100" if name == "first_page" else ""
        figures.append(
            Figure(
                "audit_log",
                backend,
                f"{name}_ms_p50",
                p50,
                "ms",
                target,
                p50 < 100 if target else None,
                notes={"events": events, "p95": _p(samples, 95)},
            )
        )
    # Page 1,000 (50 rows each) by keyset, against the OFFSET way to the same rows.
    page = run_read(audit_log_page, actor=actor, query=AuditQuery())
    with Session(engine) as session:
        cursor = session.execute(
            select(AuditEvent.id)
            .where(AuditEvent.organization_id == actor.organization_id)
            .order_by(AuditEvent.id.desc())
            .offset(999 * 50 - 1)
            .limit(1)
        ).scalar_one()
    deep = time_ms(lambda: run_read(audit_log_page, actor=actor, query=AuditQuery(before_id=cursor)), RUNS)

    def offset_page() -> None:
        with Session(engine) as session:
            session.execute(
                select(AuditEvent.id, AuditEvent.action, AuditEvent.created_at)
                .where(AuditEvent.organization_id == actor.organization_id)
                .order_by(AuditEvent.id.desc())
                .offset(999 * 50)
                .limit(50)
            ).all()

    offset = time_ms(offset_page, 10)
    assert page.rows
    figures += [
        Figure("audit_log", backend, "page_1000_keyset_ms_p50", _p(deep, 50), "ms"),
        Figure("audit_log", backend, "page_1000_offset_baseline_ms_p50", _p(offset, 50), "ms"),
    ]
    return figures


def run(*, postgres: bool) -> list[Figure]:
    backends = ["sqlite"] + (["postgresql"] if postgres and postgres_available() is None else [])
    figures: list[Figure] = []
    for backend in backends:
        print(f"  manager benchmark on {backend} with {PARTICIPANTS:,} participants", file=sys.stderr)
        engine = scale_engine(backend)
        events = ensure_audit_events(engine, backend)
        actor = _manager(engine)
        with override_engine(engine):
            figures += summary_figures(backend, engine, actor)
            figures += bulk_figures(backend, engine, actor)
            figures += workload_figures(backend, actor)
            figures += audit_figures(backend, engine, actor, events)
        engine.dispose()
    return figures
