"""The coach workspace reads: the enrollment list, one enrollment in detail and the grading queue.

Scoped to the coach's own active enrollments, and never reading subscription data.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, ValidationFailed
from mentor_dash.models import (
    Enrollment,
    EnrollmentStatus,
    ExamStatus,
    LearningProgram,
    Organization,
    StudentGroup,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_enrollment import (
    EVALUATE,
    RELEASE,
    RELEASE_EARLY,
    RESIT,
    coach_enrollment_detail,
)
from mentor_dash.selectors.coach_workspace import (
    WorkspaceQuery,
    coach_workspace_options,
    coach_workspace_page,
    workspace_query_from,
)
from mentor_dash.selectors.grading_queue import grading_queue, submission_to_grade
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.coach_enrollments import coach_enrollment_set_archived
from mentor_dash.services.groups import group_add_member, group_create
from mentor_dash.services.hand_in import exam_submit, submission_hand_in
from mentor_dash.services.progress import exam_evaluate, exam_release_for_enrollment, submission_grade
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories
from tests.databases import recorded_statements
from tests.integration.test_progress import CoachWorld, build_coach_world, build_program


@pytest.fixture
def world(engine: Engine) -> Iterator[CoachWorld]:
    with Session(engine, expire_on_commit=False) as session, override_engine(engine):
        yield build_coach_world(session, engine)


def actor(user: User) -> Actor:
    return actor_from_user(user)


def page(w: CoachWorld, who: User | None = None, **query: Any):  # type: ignore[no-untyped-def]
    return run_read(coach_workspace_page, actor=actor(who or w.coach), query=WorkspaceQuery(**query))


def hand_in(w: CoachWorld, index: int, content: str = "https://github.com/lena/work") -> int:
    return run_write(  # type: ignore[no-any-return]
        submission_hand_in,
        actor=actor(w.learner),
        enrollment_id=w.enrollment_id,
        assignment_id=w.assignment_ids[index],
        content=content,
    ).id


def add_learners(w: CoachWorld, count: int) -> list[int]:
    """More participants in Web coached by Carla; returns their enrollment ids."""
    with Session(w.engine, expire_on_commit=False) as session:
        org = session.get(User, w.coach.id).organization_id  # type: ignore[union-attr]
        organization = session.get(Organization, org)
        web = session.get(LearningProgram, w.program_id)
        ids = []
        for n in range(count):
            learner = factories.participant(session, organization, name=f"Zed {n:02d}")  # type: ignore[arg-type]
            ids.append(factories.enrollment(session, learner, web, w.coach).id)  # type: ignore[arg-type]
        session.commit()
    return ids  # type: ignore[return-value]


# The list


def test_a_coach_sees_their_own_active_enrollments_with_detailed_progress(world: CoachWorld) -> None:
    grade_id = hand_in(world, 0)
    run_write(submission_grade, actor=actor(world.coach), submission_id=grade_id, passed=True)
    hand_in(world, 1)

    result = page(world)

    assert [(row.name, row.program) for row in result.rows] == [("Lena Learner", "Web")]
    [row] = result.rows
    assert row.enrollment_id == world.enrollment_id and row.is_primary
    assert (row.xp_earned, row.xp_total, row.threshold_pct, row.threshold_xp) == (10, 75, 50, 38)
    assert (row.modules_done, row.modules_total) == (0, 3)
    assert row.waiting_submissions == 1
    assert row.last_activity_at is not None
    assert result.total == 1 and result.per_program == {world.program_id: 1}


def test_modules_count_as_done_when_their_assignments_and_exam_are_passed(world: CoachWorld) -> None:
    for index in (0, 1):
        run_write(
            submission_grade, actor=actor(world.coach), submission_id=hand_in(world, index), passed=True
        )
    released = run_write(
        exam_release_for_enrollment,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        exam_id=world.exam_ids[0],
    )
    run_write(exam_submit, actor=actor(world.learner), attempt_id=released.id, answer="All of module one.")
    assert page(world).rows[0].modules_done == 0

    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=released.id, outcome="good")

    row = page(world).rows[0]
    assert row.modules_done == 1
    assert (row.exams.passed, row.exams.released, row.exams.submitted) == (1, 0, 0)


def test_exam_counts_follow_the_latest_attempt_of_each_exam(world: CoachWorld) -> None:
    for exam_id in world.exam_ids[1:]:
        run_write(
            exam_release_for_enrollment,
            actor=actor(world.coach),
            enrollment_id=world.enrollment_id,
            exam_id=exam_id,
        )
    submitted = run_read(coach_enrollment_detail, actor=actor(world.coach), enrollment_id=world.enrollment_id)
    attempt_id = submitted.modules[1].exam.latest_attempt_id  # type: ignore[union-attr]
    run_write(exam_submit, actor=actor(world.learner), attempt_id=attempt_id, answer="My answer here.")

    exams = page(world).rows[0].exams

    assert (exams.eligible, exams.released, exams.submitted, exams.passed, exams.failed) == (0, 1, 1, 0, 0)


def test_unenrolled_completed_and_other_coaches_enrollments_are_not_listed(world: CoachWorld) -> None:
    with Session(world.engine) as session:
        org = session.get(User, world.coach.id).organization_id  # type: ignore[union-attr]
        organization = session.get(Organization, org)
        web = session.get(LearningProgram, world.program_id)
        for status in (EnrollmentStatus.UNENROLLED, EnrollmentStatus.COMPLETED):
            learner = factories.participant(session, organization, name=f"Gone {status}")  # type: ignore[arg-type]
            factories.enrollment(session, learner, web, world.coach, status=status)  # type: ignore[arg-type]
        session.commit()

    assert [row.name for row in page(world).rows] == ["Lena Learner"]
    assert [row.name for row in page(world, who=world.other_coach).rows] == ["Lena Learner", "Olaf Other"]
    assert page(world, who=world.mentor).rows == []


def test_rows_are_grouped_by_program_and_paged_on_the_server(world: CoachWorld) -> None:
    with Session(world.engine, expire_on_commit=False) as session:
        org = session.get(Organization, world.org_id)
        apps = build_program(session, org, name="Apps")  # type: ignore[arg-type]
        factories.register(session, world.coach, apps)
        learner = session.get(User, world.other_learner.id)
        factories.enrollment(session, learner, apps, world.coach)  # type: ignore[arg-type]
        session.commit()
    add_learners(world, 30)

    first = page(world, page_size=25)
    second = page(world, page_size=25, page=2)

    assert first.total == second.total == 32
    assert first.page_count == 2
    assert [row.program for row in first.rows[:2]] == ["Apps", "Web"]
    assert [row.name for row in first.rows[1:3]] == ["Lena Learner", "Zed 00"]
    assert len(first.rows) == 25 and len(second.rows) == 7
    assert {r.enrollment_id for r in first.rows}.isdisjoint({r.enrollment_id for r in second.rows})
    assert sorted(first.per_program.values()) == [1, 31]


def test_filters_by_program_search_group_archive_and_attention(world: CoachWorld) -> None:
    extra = add_learners(world, 3)
    group = run_write(group_create, actor=actor(world.coach), program_id=world.program_id, name="Team Blue")
    run_write(group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=extra[0])
    run_write(coach_enrollment_set_archived, actor=actor(world.coach), enrollment_id=extra[1], archived=True)
    hand_in(world, 0)

    assert page(world).total == 3
    assert [r.name for r in page(world, search="LENA").rows] == ["Lena Learner"]
    assert [r.name for r in page(world, search="%").rows] == []
    assert [r.name for r in page(world, group_id=group.id).rows] == ["Zed 00"]
    assert page(world, group_id=group.id).rows[0].groups[0].name == "Team Blue"
    assert [r.name for r in page(world, archived=True).rows] == ["Zed 01"]
    assert [r.name for r in page(world, attention_only=True).rows] == ["Lena Learner"]
    assert page(world, program_id=world.second_program_id).total == 0


def test_another_coachs_group_filters_to_nothing(world: CoachWorld) -> None:
    theirs = run_write(
        group_create, actor=actor(world.other_coach), program_id=world.program_id, name="Theirs"
    )
    run_write(
        group_add_member,
        actor=actor(world.other_coach),
        group_id=theirs.id,
        enrollment_id=world.other_enrollment_id,
    )

    assert page(world, group_id=theirs.id).rows == []


def test_the_options_list_the_coachs_programs_and_groups_with_member_counts(world: CoachWorld) -> None:
    group = run_write(group_create, actor=actor(world.coach), program_id=world.program_id, name="Team Blue")
    run_write(
        group_add_member, actor=actor(world.coach), group_id=group.id, enrollment_id=world.enrollment_id
    )
    run_write(group_create, actor=actor(world.other_coach), program_id=world.program_id, name="Not mine")

    options = run_read(coach_workspace_options, actor=actor(world.coach))

    assert [p.name for p in options.programs] == ["Data", "Web"]
    assert [(g.name, g.program, g.members) for g in options.groups] == [("Team Blue", "Web", 1)]


@pytest.mark.parametrize(
    "raw",
    [
        {"page_size": 1000},
        {"page": 0},
        {"page": "2"},
        {"search": "x" * 101},
        {"program_id": "abc"},
        {"group_id": -4},
        {"archived": "yes"},
        {"attention_only": 1},
    ],
)
def test_bad_list_queries_are_refused(raw: dict[str, Any]) -> None:
    with pytest.raises((ValidationFailed, NotAllowed)):
        workspace_query_from(raw)


@pytest.mark.parametrize("who", ["manager", "learner", "foreign_manager"])
def test_people_without_a_coach_hat_have_no_coach_workspace(world: CoachWorld, who: str) -> None:
    with pytest.raises(NotAllowed):
        page(world, who=getattr(world, who))
    with pytest.raises(NotAllowed):
        run_read(coach_workspace_options, actor=actor(getattr(world, who)))
    with pytest.raises(NotAllowed):
        run_read(grading_queue, actor=actor(getattr(world, who)))


def test_a_foreign_coach_sees_nothing_of_this_organisation(world: CoachWorld) -> None:
    assert page(world, who=world.foreign_coach).rows == []
    assert run_read(grading_queue, actor=actor(world.foreign_coach)).submissions == []


# No subscription data, ever


def test_the_coach_reads_never_touch_subscription_data(world: CoachWorld) -> None:
    hand_in(world, 0)
    with recorded_statements(world.engine) as recorded:
        page(world)
        page(world, attention_only=True, search="le")
        run_read(coach_workspace_options, actor=actor(world.coach))
        run_read(coach_enrollment_detail, actor=actor(world.coach), enrollment_id=world.enrollment_id)
        run_read(grading_queue, actor=actor(world.coach))
    statements = [statement.lower() for statement in recorded]

    assert statements, "no statement recorded: the check would prove nothing"
    assert not [s for s in statements if "subscription" in s or "participant_stats" in s]


def test_the_rows_a_coach_gets_carry_no_subscription_fields() -> None:
    from mentor_dash.selectors import coach_enrollment, coach_workspace
    from mentor_dash.selectors import grading_queue as queue

    for module in (coach_workspace, coach_enrollment, queue):
        for name in dir(module):
            fields = getattr(getattr(module, name), "__dataclass_fields__", {})
            assert not [f for f in fields if "subscri" in f or "expir" in f], f"{module.__name__}.{name}"


# One enrollment in detail


def test_the_detail_shows_every_submission_with_content_and_grade_and_every_exam_attempt(
    world: CoachWorld,
) -> None:
    first = hand_in(world, 0, content="First go: https://github.com/lena/one")
    run_write(
        submission_grade,
        actor=actor(world.coach),
        submission_id=first,
        passed=False,
        feedback="Missing tests",
    )
    hand_in(world, 0, content="Second go, with tests")
    released = run_write(
        exam_release_for_enrollment,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        exam_id=world.exam_ids[1],
    )
    run_write(exam_submit, actor=actor(world.learner), attempt_id=released.id, answer="<b>my</b> exam answer")

    detail = run_read(coach_enrollment_detail, actor=actor(world.coach), enrollment_id=world.enrollment_id)

    assert (detail.name, detail.program, detail.xp_total, detail.threshold_xp) == (
        "Lena Learner",
        "Web",
        75,
        38,
    )
    assert [m.title for m in detail.modules] == ["Web module 1", "Web module 2", "Web module 3"]
    task = detail.modules[0].assignments[0]
    assert [s.content for s in task.submissions] == [
        "Second go, with tests",
        "First go: https://github.com/lena/one",
    ]
    assert [s.status for s in task.submissions] == [SubmissionStatus.WAITING, SubmissionStatus.FAILED]
    assert task.submissions[1].feedback == "Missing tests" and task.submissions[1].graded_by == "Carla Coach"
    assert task.waiting_submission_id == task.submissions[0].submission_id
    exams = [m.exam for m in detail.modules]
    assert [e.next_step for e in exams] == [RELEASE_EARLY, EVALUATE, RELEASE_EARLY]  # type: ignore[union-attr]
    assert exams[1].attempts[0].answer == "<b>my</b> exam answer"  # type: ignore[union-attr]
    assert exams[2].attempts == [] and exams[2].status == ExamStatus.NOT_ELIGIBLE  # type: ignore[union-attr]


def test_the_next_step_of_an_exam_follows_its_latest_attempt(world: CoachWorld) -> None:
    for index in range(4):
        run_write(
            submission_grade, actor=actor(world.coach), submission_id=hand_in(world, index), passed=True
        )
    steps = run_read(coach_enrollment_detail, actor=actor(world.coach), enrollment_id=world.enrollment_id)
    assert {m.exam.next_step for m in steps.modules} == {RELEASE}  # type: ignore[union-attr]

    attempt_id = steps.modules[0].exam.latest_attempt_id  # type: ignore[union-attr]
    run_write(
        exam_release_for_enrollment,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        exam_id=world.exam_ids[0],
    )
    run_write(exam_submit, actor=actor(world.learner), attempt_id=attempt_id, answer="Answer one.")
    run_write(exam_evaluate, actor=actor(world.coach), attempt_id=attempt_id, grade=3)

    detail = run_read(coach_enrollment_detail, actor=actor(world.coach), enrollment_id=world.enrollment_id)
    assert detail.modules[0].exam.next_step == RESIT  # type: ignore[union-attr]
    assert detail.modules[0].exam.attempts[0].passed is False  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "who", ["other_coach", "mentor", "manager", "foreign_manager", "foreign_coach", "learner"]
)
def test_only_the_enrollments_coach_sees_its_detailed_progress(world: CoachWorld, who: str) -> None:
    with pytest.raises(NotAllowed):
        run_read(coach_enrollment_detail, actor=actor(getattr(world, who)), enrollment_id=world.enrollment_id)


@pytest.mark.parametrize("bad_id", [987_654, 0, "1", None, [1]])
def test_a_missing_enrollment_is_refused_like_a_forbidden_one(world: CoachWorld, bad_id: object) -> None:
    with pytest.raises(NotAllowed):
        run_read(coach_enrollment_detail, actor=actor(world.coach), enrollment_id=bad_id)


# The grading queue


def test_the_grading_queue_lists_waiting_work_of_the_coachs_enrollments_oldest_first(
    world: CoachWorld,
) -> None:
    newer, older = hand_in(world, 1), hand_in(world, 0)
    with Session(world.engine) as session:
        session.get(Submission, older).submitted_at = utcnow() - timedelta(days=2)  # type: ignore[union-attr]
        session.commit()
    run_write(
        submission_hand_in,
        actor=actor(world.other_learner),
        enrollment_id=world.other_enrollment_id,
        assignment_id=world.assignment_ids[0],
        content="Olaf's work, for Otto",
    )
    released = run_write(
        exam_release_for_enrollment,
        actor=actor(world.coach),
        enrollment_id=world.enrollment_id,
        exam_id=world.exam_ids[1],
    )
    run_write(exam_submit, actor=actor(world.learner), attempt_id=released.id, answer="Exam answer.")

    queue = run_read(grading_queue, actor=actor(world.coach))

    assert [item.submission_id for item in queue.submissions] == [older, newer]
    assert queue.submissions_total == 2
    assert [item.attempt_id for item in queue.exams] == [released.id] and queue.exams_total == 1
    assert (
        queue.submissions[0].participant == "Lena Learner" and queue.submissions[0].assignment == "Task 1.1"
    )


def test_the_grading_queue_pages_and_shortens_long_work(world: CoachWorld) -> None:
    extra = add_learners(world, 11)
    with Session(world.engine) as session:
        for n, enrollment_id in enumerate(extra):
            session.add(
                Submission(
                    organization_id=world.org_id,
                    enrollment_id=enrollment_id,
                    assignment_id=world.assignment_ids[0],
                    content="y" * 2000,
                    submitted_at=utcnow() - timedelta(hours=n),
                )
            )
        session.commit()

    first = run_read(grading_queue, actor=actor(world.coach), page=1, page_size=10)
    second = run_read(grading_queue, actor=actor(world.coach), page=2, page_size=10)

    assert (first.submissions_total, first.page_count, len(first.submissions), len(second.submissions)) == (
        11,
        2,
        10,
        1,
    )
    assert len(first.submissions[0].preview) == 280 and first.submissions[0].preview.endswith("…")
    with pytest.raises(ValidationFailed):
        run_read(grading_queue, actor=actor(world.coach), page=1, page_size=1000)


def test_the_whole_submission_is_read_only_by_its_coach_and_only_while_it_waits(world: CoachWorld) -> None:
    submission_id = hand_in(world, 0, content="z" * 3000)

    full = run_read(submission_to_grade, actor=actor(world.coach), submission_id=submission_id)
    assert len(full.content) == 3000
    with pytest.raises(NotAllowed):
        run_read(submission_to_grade, actor=actor(world.other_coach), submission_id=submission_id)
    with pytest.raises(NotAllowed):
        run_read(submission_to_grade, actor=actor(world.mentor), submission_id=submission_id)

    run_write(submission_grade, actor=actor(world.coach), submission_id=submission_id, passed=True)
    with pytest.raises(Conflict):
        run_read(submission_to_grade, actor=actor(world.coach), submission_id=submission_id)


# The demo data


def test_the_demo_coachs_workspace_agrees_with_a_direct_count(demo_engine: Engine) -> None:
    with override_engine(demo_engine), Session(demo_engine) as session:
        coach = session.exec(select(User).where(User.email == "coach@example.com")).one()
        mine = select(Enrollment.id).where(
            Enrollment.coach_id == coach.id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
        direct_total = session.exec(select(func.count()).select_from(mine.subquery())).one()
        direct_waiting = session.exec(
            select(func.count())
            .select_from(Submission)
            .where(Submission.enrollment_id.in_(mine), Submission.status == SubmissionStatus.WAITING)  # type: ignore[attr-defined]
        ).one()
        groups = session.exec(select(StudentGroup.name).where(StudentGroup.coach_id == coach.id)).all()

        result = run_read(coach_workspace_page, actor=actor(coach), query=WorkspaceQuery(page_size=100))
        queue = run_read(grading_queue, actor=actor(coach))
        options = run_read(coach_workspace_options, actor=actor(coach))

    assert result.total == direct_total == len(result.rows)
    assert sum(row.waiting_submissions for row in result.rows) == direct_waiting == queue.submissions_total
    assert direct_waiting > 0 and queue.exams_total > 0
    assert sorted(g.name for g in options.groups) == sorted(groups)
    assert any(row.exams.eligible for row in result.rows) and any(row.exams.released for row in result.rows)
