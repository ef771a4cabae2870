"""Seeding runs: the demo data set and the scale data set, written in one transaction each."""

import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, Engine, Table, func, select
from sqlmodel import Session

from mentor_dash.domain.passwords import hash_password
from mentor_dash.domain.statuses import SubscriptionStatus
from mentor_dash.seed import tables
from mentor_dash.seed.bulk import Batch, BulkWriter, IdSequence, Row
from mentor_dash.seed.catalog import DEMO_PROGRAMS, NORTHWIND_PROGRAMS
from mentor_dash.seed.learning import Scenario, Volume
from mentor_dash.seed.people import Arrangements, EnrollmentWish, ParticipantFactory
from mentor_dash.seed.structure import OrgContext, OrgSpec, StaffSpec, build_organization
from mentor_dash.services.stats import stats_rebuild_all

Progress = Callable[[float, str], None]

DEMO_PASSWORD = "demo1234"
MENTOR_EMAIL = "mentor@example.com"
COACH_EMAIL = "coach@example.com"
PARTICIPANT_EMAIL = "participant@example.com"
MANAGER_EMAIL = "manager@example.com"
NORTHWIND_MANAGER_EMAIL = "manager@northwind.example.com"

DEMO_PARTICIPANTS = 600
NORTHWIND_PARTICIPANTS = 40
PARTICIPANTS_PER_COACH = 25
MENTOR_SHARE = 0.70
SCALE_MENTEES = 1_000
SCALE_MENTEES_FROM = 2_000
BATCH_PARTICIPANTS = 5_000
COACH_ENROLLMENT_LIMIT = 45

DEMO_VOLUME = Volume(exam_stage_share=0.30, partial_progress_max=0.9)
# Fewer submissions per enrollment keep 100,000 participants within minutes.
SCALE_VOLUME = Volume(exam_stage_share=0.08, partial_progress_max=0.25)


class DatabaseNotEmpty(RuntimeError):
    """Seeding only fills an empty database; it never adds to or replaces existing data."""


@dataclass(frozen=True)
class SeedSummary:
    organizations: int
    users: int
    participants: int
    coaches: int
    enrollments: int
    coachless_enrollments: int
    mentorships: int
    submissions: int
    exam_attempts: int
    xp_events: int
    audit_events: int
    seconds: float


@dataclass(frozen=True)
class _Plan:
    participants: int
    coaches: int
    mentees: int
    volume: Volume
    unavailable_coaches: int
    generated_groups: int


def database_is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        return _organization_count(connection) == 0


def seed_demo(
    engine: Engine,
    *,
    seed: int = 42,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> SeedSummary:
    """The demo data set: about 600 participants in Demo Academy plus the small Northwind Institute."""
    plan = _Plan(
        participants=DEMO_PARTICIPANTS,
        coaches=25,
        mentees=60,
        volume=DEMO_VOLUME,
        unavailable_coaches=3,
        generated_groups=5,
    )
    return _seed(engine, plan, seed=seed, now=now, progress=progress)


def seed_scale(
    engine: Engine,
    *,
    participants: int,
    seed: int = 42,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SeedSummary:
    """Demo Academy with `participants` participants and proportional data, for benchmarks.

    Northwind Institute and the demo logins exist as in the demo; mentor@example.com mentors
    exactly 1,000 participants from 2,000 participants on (a tenth of them below that).
    """
    if participants < 1:
        raise ValueError("participants must be at least 1")
    coaches = max(25, round(participants / PARTICIPANTS_PER_COACH))
    mentees = SCALE_MENTEES if participants >= SCALE_MENTEES_FROM else max(1, participants // 10)
    plan = _Plan(
        participants=participants,
        coaches=coaches,
        mentees=mentees,
        volume=SCALE_VOLUME,
        unavailable_coaches=coaches // 10,
        generated_groups=max(5, coaches // 8),
    )
    return _seed(engine, plan, seed=seed, now=now, progress=progress)


def _seed(
    engine: Engine, plan: _Plan, *, seed: int, now: datetime | None, progress: Progress | None
) -> SeedSummary:
    started = time.perf_counter()
    report = progress or (lambda fraction, label: None)
    now = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    password_hash = hash_password(DEMO_PASSWORD)
    ids = IdSequence()
    audit: list[Row] = []

    with engine.execution_options(sqlite_immediate=True).begin() as connection:
        if _organization_count(connection) > 0:
            raise DatabaseNotEmpty("the database already has data")
        writer = BulkWriter(connection)
        report(0.0, "programs and staff")
        batch = Batch()
        demo = build_organization(
            _demo_academy(plan), rng=rng, now=now, ids=ids, batch=batch, password_hash=password_hash
        )
        northwind = build_organization(
            _northwind(), rng=rng, now=now, ids=ids, batch=batch, password_hash=password_hash
        )
        writer.flush(batch)

        _add_demo_participants(
            demo,
            plan,
            rng=rng,
            now=now,
            ids=ids,
            writer=writer,
            audit=audit,
            password_hash=password_hash,
            report=report,
        )
        report(0.92, "Northwind Institute")
        _add_northwind_participants(
            northwind, rng=rng, now=now, ids=ids, writer=writer, audit=audit, password_hash=password_hash
        )
        report(0.94, "audit history")
        _write_audit_history(writer, audit, ids)
        report(0.96, "participant statistics")
        with Session(bind=connection) as session:
            stats_rebuild_all(session)
        report(0.98, "sequences")
        writer.reset_sequences()
        summary = _summarize(connection, seconds=0.0)
    report(0.99, "planner statistics")
    _analyze(engine)
    report(1.0, "done")
    return replace(summary, seconds=round(time.perf_counter() - started, 2))


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics: without them the first queries on bulk-loaded tables plan badly."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _demo_academy(plan: _Plan) -> OrgSpec:
    return OrgSpec(
        name="Demo Academy",
        slug="demo-academy",
        email_domain="demo-academy.example.com",
        phone_prefix="+31 6",
        programs=DEMO_PROGRAMS,
        staff=(
            StaffSpec("Lotte de Boer", MANAGER_EMAIL, is_coach=False, is_manager=True),
            StaffSpec(
                "Maya Jansen",
                MENTOR_EMAIL,
                programs=(0, 2),
                contact_email="maya.jansen@demo-academy.example.com",
                bio=(
                    "Maya coached career switchers in web development and UX for eight years. As your "
                    "mentor she keeps an eye on your whole journey, so reach out whenever you feel stuck."
                ),
            ),
            StaffSpec(
                "Sanne Bakker",
                COACH_EMAIL,
                programs=(0, 1),
                contact_email="sanne.bakker@demo-academy.example.com",
                bio=(
                    "Sanne is a full-stack developer who loves turning beginners into confident "
                    "programmers. Expect quick, practical feedback on your work."
                ),
                groups=("Evening cohort", "Team Blue"),
            ),
        ),
        generated_coaches=plan.coaches - 2,
        unavailable_coaches=plan.unavailable_coaches,
        generated_groups=plan.generated_groups,
    )


def _northwind() -> OrgSpec:
    return OrgSpec(
        name="Northwind Institute",
        slug="northwind",
        email_domain="northwind.example.com",
        phone_prefix="+44 7700",
        programs=NORTHWIND_PROGRAMS,
        staff=(StaffSpec("Oliver Grant", NORTHWIND_MANAGER_EMAIL, is_coach=False, is_manager=True),),
        generated_coaches=3,
        unavailable_coaches=0,
        generated_groups=1,
    )


def _add_demo_participants(
    demo: OrgContext,
    plan: _Plan,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    writer: BulkWriter,
    audit: list[Row],
    password_hash: str,
    report: Progress,
) -> None:
    mentor_id = demo.staff_ids_by_email[MENTOR_EMAIL]
    coach_id = demo.staff_ids_by_email[COACH_EMAIL]
    count = plan.participants
    mentees = frozenset({0, *rng.sample(range(1, count), min(plan.mentees, count) - 1)})
    # The others are mentored often enough that about 70% of everyone has a mentor.
    others_share = (MENTOR_SHARE * count - len(mentees)) / max(1, count - len(mentees))
    arrangements = Arrangements(
        mentor_id=mentor_id,
        mentee_indexes=mentees,
        mentee_scenarios=deque(
            [
                Scenario.OPTIONAL_EXAM_OVERDUE,
                Scenario.EXAM_SUBMITTED,
                Scenario.EXAM_FAILED,
                Scenario.EXAM_RELEASED,
                Scenario.OPTIONAL_EXAM_OVERDUE,
                Scenario.EXAM_SUBMITTED,
                Scenario.EXAM_FAILED,
            ]
        ),
        mentee_subscriptions=deque(
            [
                SubscriptionStatus.EXPIRING,
                SubscriptionStatus.EXPIRED,
                SubscriptionStatus.EXPIRING,
                SubscriptionStatus.EXPIRED,
            ]
        ),
        coach_scenarios={
            coach_id: deque(
                [
                    Scenario.EXAM_SUBMITTED,
                    Scenario.EXAM_RELEASED,
                    Scenario.EXAM_ELIGIBLE,
                    Scenario.EXAM_SUBMITTED,
                    Scenario.WAITING_SUBMISSION,
                    Scenario.EXAM_FAILED,
                ]
            )
        },
        busy_coaches={coach_id: COACH_ENROLLMENT_LIMIT},
    )
    factory = ParticipantFactory(
        demo,
        rng=rng,
        now=now,
        ids=ids,
        volume=plan.volume,
        password_hash=password_hash,
        mentor_share=max(0.0, min(1.0, others_share)),
        arrangements=arrangements,
        audit=audit,
    )
    batch = Batch()
    factory.add(
        batch,
        index=0,
        name="Sam Visser",
        email=PARTICIPANT_EMAIL,
        wishes=[
            EnrollmentWish(0, coach_id, is_primary=True, scenario=Scenario.WAITING_SUBMISSION),
            EnrollmentWish(3, None),
        ],
        subscription=SubscriptionStatus.ACTIVE,
    )
    for index in range(1, count):
        factory.add(batch, index=index)
        if (index + 1) % BATCH_PARTICIPANTS == 0:
            writer.flush(batch)
            report(0.02 + 0.9 * (index + 1) / count, f"participants {index + 1:,}/{count:,}")
    writer.flush(batch)
    report(0.92, f"participants {count:,}/{count:,}")


def _add_northwind_participants(
    northwind: OrgContext,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    writer: BulkWriter,
    audit: list[Row],
    password_hash: str,
) -> None:
    factory = ParticipantFactory(
        northwind,
        rng=rng,
        now=now,
        ids=ids,
        volume=DEMO_VOLUME,
        password_hash=password_hash,
        mentor_share=MENTOR_SHARE,
        audit=audit,
    )
    batch = Batch()
    for index in range(1, NORTHWIND_PARTICIPANTS + 1):
        factory.add(batch, index=index)
    writer.flush(batch)


def _write_audit_history(writer: BulkWriter, audit: list[Row], ids: IdSequence) -> None:
    """Ids follow time, as they would had every change been recorded when it happened."""
    audit.sort(key=lambda row: row["created_at"])
    for row in audit:
        row["id"] = ids.next(tables.AUDIT_EVENT)
    if audit:
        writer.write(tables.AUDIT_EVENT, audit)


def _organization_count(connection: Connection) -> int:
    return connection.execute(select(func.count()).select_from(tables.ORGANIZATION)).scalar_one()


def _summarize(connection: Connection, *, seconds: float) -> SeedSummary:
    def count(table: Table, *conditions: ColumnElement[bool]) -> int:
        return connection.execute(select(func.count()).select_from(table).where(*conditions)).scalar_one()

    user, enrollment = tables.USER.c, tables.ENROLLMENT.c
    return SeedSummary(
        organizations=count(tables.ORGANIZATION),
        users=count(tables.USER),
        participants=count(tables.USER, user.is_participant.is_(True)),
        coaches=count(tables.USER, user.is_coach.is_(True)),
        enrollments=count(tables.ENROLLMENT),
        coachless_enrollments=count(tables.ENROLLMENT, enrollment.coach_id.is_(None)),
        mentorships=count(tables.MENTORSHIP),
        submissions=count(tables.SUBMISSION),
        exam_attempts=count(tables.EXAM_ATTEMPT),
        xp_events=count(tables.XP_EVENT),
        audit_events=count(tables.AUDIT_EVENT),
        seconds=seconds,
    )
