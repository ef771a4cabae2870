"""My programs: the participant's own programs, handing in assignments and submitting exams."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamStatus,
    Module,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.selectors.my_programs import OPEN, ProgramItem, my_programs_list
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.hand_in import (
    ALREADY_WAITING,
    EMPTY_ANSWER,
    NOT_RELEASED,
    exam_submit,
    submission_hand_in,
)
from mentor_dash.services.progress import exam_evaluate, exam_release, submission_grade
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories
from tests.databases import DatabaseTemplate


@dataclass
class World:
    participant: User
    other_participant: User
    coach: User
    manager: User
    enrollment_id: int  # Analytics, coached by `coach`
    coachless_enrollment_id: int  # Design, no coach yet
    other_enrollment_id: int  # the other participant's Analytics enrollment
    assignment_ids: list[int]  # Analytics, in module order
    attempt_id: int  # the exam attempt of Analytics module 1, eligible


@pytest.fixture
def world(empty_template: DatabaseTemplate) -> Iterator[tuple[Engine, World]]:
    with empty_template.copy() as engine, override_engine(engine):
        with Session(engine, expire_on_commit=False) as session:
            org = factories.organization(session)
            analytics = factories.program(session, org, modules=3, name="Analytics")
            design = factories.program(session, org, modules=1, name="Design")
            left = factories.program(session, org, modules=1, name="Left Behind")
            done = factories.program(session, org, modules=1, name="Basics")
            participant = factories.participant(session, org, name="Pia Peters")
            other = factories.participant(session, org, name="Quinn Other")
            coach = factories.coach(session, org, name="Carl Coach")
            manager = factories.manager(session, org)
            factories.register(session, coach, analytics)
            enrollment = factories.enrollment(session, participant, analytics, coach, primary=True)
            coachless = factories.enrollment(session, participant, design)
            factories.enrollment(session, participant, left, coach, status=EnrollmentStatus.UNENROLLED)
            factories.enrollment(session, participant, done, coach, status=EnrollmentStatus.COMPLETED)
            other_enrollment = factories.enrollment(session, other, analytics, coach, primary=True)
            modules = session.exec(select(Module).where(Module.program_id == analytics.id)).all()
            assignments = session.exec(
                select(Assignment.id)
                .join(Module, Module.id == Assignment.module_id)
                .where(Module.program_id == analytics.id)
                .order_by(Module.position)
            ).all()
            first_exam = session.exec(
                select(Exam).where(Exam.module_id == min(modules, key=lambda m: m.position).id)
            ).one()
            attempt = ExamAttempt(
                organization_id=org.id,
                enrollment_id=enrollment.id,
                exam_id=first_exam.id,
                status=ExamStatus.ELIGIBLE,
            )
            session.add(attempt)
            session.commit()
        yield (
            engine,
            World(
                participant,
                other,
                coach,
                manager,
                enrollment.id,  # type: ignore[arg-type]
                coachless.id,  # type: ignore[arg-type]
                other_enrollment.id,  # type: ignore[arg-type]
                list(assignments),  # type: ignore[arg-type]
                attempt.id,  # type: ignore[arg-type]
            ),
        )


def actor(user: User) -> Actor:
    return actor_from_user(user)


def programs_of(user: User) -> dict[str, ProgramItem]:
    return {program.name: program for program in run_read(my_programs_list, actor=actor(user))}


def assignment_statuses(program: ProgramItem) -> list[str]:
    return [a.status for module in program.modules for a in module.assignments]


def hand_in(user: User, enrollment_id: int, assignment_id: int, content: str = "https://github.com/pia/work"):  # type: ignore[no-untyped-def]
    return run_write(
        submission_hand_in,
        actor=actor(user),
        enrollment_id=enrollment_id,
        assignment_id=assignment_id,
        content=content,
    )


def test_the_participant_sees_their_current_and_completed_programs_but_not_the_ones_they_left(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    programs = run_read(my_programs_list, actor=actor(w.participant))

    assert [p.name for p in programs] == ["Analytics", "Basics", "Design"]
    basics = programs[1]
    assert basics.status == EnrollmentStatus.COMPLETED
    assert not any(a.can_hand_in for m in basics.modules for a in m.assignments)


def test_each_program_shows_its_coach_or_none_and_the_primary_marker(world: tuple[Engine, World]) -> None:
    _, w = world

    programs = programs_of(w.participant)

    assert (programs["Analytics"].coach_name, programs["Analytics"].is_primary) == ("Carl Coach", True)
    assert programs["Design"].coach_name is None


def test_modules_come_in_order_with_optional_ones_marked_and_xp_totals_with_the_exam_threshold(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    analytics = programs_of(w.participant)["Analytics"]

    assert [m.position for m in analytics.modules] == [1, 2, 3]
    assert [m.is_optional for m in analytics.modules] == [False, False, True]
    # Three modules of one 5 XP assignment and one 5 XP exam each.
    assert (analytics.xp_total, analytics.threshold_pct, analytics.threshold_xp) == (30, 80, 24)
    assert analytics.xp_earned == 0
    assert assignment_statuses(analytics) == [OPEN, OPEN, OPEN]
    assert all(a.can_hand_in for m in analytics.modules for a in m.assignments)


def test_handing_in_shows_the_work_as_waiting_for_grading_and_the_coach_can_grade_it(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    submission = hand_in(w.participant, w.enrollment_id, w.assignment_ids[0])

    first = programs_of(w.participant)["Analytics"].modules[0].assignments[0]
    assert (first.status, first.can_hand_in) == (SubmissionStatus.WAITING, False)
    assert first.submitted_at is not None
    graded = run_write(
        submission_grade,
        actor=actor(w.coach),
        submission_id=submission.id,
        passed=True,
        score=85,
        feedback="Clear and complete.",
    )
    assert graded.status == SubmissionStatus.PASSED


def test_graded_work_shows_the_coachs_feedback_score_and_xp(world: tuple[Engine, World]) -> None:
    _, w = world
    submission = hand_in(w.participant, w.enrollment_id, w.assignment_ids[0])
    run_write(
        submission_grade,
        actor=actor(w.coach),
        submission_id=submission.id,
        passed=True,
        score=85,
        feedback="Clear and complete.",
    )

    analytics = programs_of(w.participant)["Analytics"]

    first = analytics.modules[0].assignments[0]
    assert (first.status, first.score, first.feedback, first.xp_awarded) == (
        SubmissionStatus.PASSED,
        85,
        "Clear and complete.",
        5,
    )
    assert not first.can_hand_in
    assert analytics.xp_earned == 5


def test_failed_work_can_be_handed_in_again_and_the_latest_submission_counts(
    world: tuple[Engine, World],
) -> None:
    _, w = world
    first = hand_in(w.participant, w.enrollment_id, w.assignment_ids[1])
    run_write(
        submission_grade,
        actor=actor(w.coach),
        submission_id=first.id,
        passed=False,
        feedback="Add the tests.",
    )
    failed = programs_of(w.participant)["Analytics"].modules[1].assignments[0]
    assert (failed.status, failed.feedback, failed.can_hand_in) == (
        SubmissionStatus.FAILED,
        "Add the tests.",
        True,
    )

    hand_in(
        w.participant, w.enrollment_id, w.assignment_ids[1], content="Now with tests: https://x.example/pr/2"
    )

    again = programs_of(w.participant)["Analytics"].modules[1].assignments[0]
    assert (again.status, again.feedback, again.can_hand_in) == (SubmissionStatus.WAITING, "", False)


def test_a_second_hand_in_while_one_waits_is_refused(world: tuple[Engine, World]) -> None:
    engine, w = world
    hand_in(w.participant, w.enrollment_id, w.assignment_ids[0])

    with pytest.raises(Conflict) as refused:
        hand_in(w.participant, w.enrollment_id, w.assignment_ids[0])

    assert refused.value.message == ALREADY_WAITING
    with Session(engine) as session:
        assert len(session.exec(select(Submission)).all()) == 1


def test_an_empty_answer_is_refused_with_a_message(world: tuple[Engine, World]) -> None:
    _, w = world

    with pytest.raises(ValidationFailed) as refused:
        hand_in(w.participant, w.enrollment_id, w.assignment_ids[0], content="  ")

    assert refused.value.message == EMPTY_ANSWER


def test_work_of_a_coachless_program_waits_until_a_coach_is_assigned(world: tuple[Engine, World]) -> None:
    _, w = world
    design_assignment = programs_of(w.participant)["Design"].modules[0].assignments[0].assignment_id

    hand_in(w.participant, w.coachless_enrollment_id, design_assignment)

    assert programs_of(w.participant)["Design"].modules[0].assignments[0].status == SubmissionStatus.WAITING


@pytest.mark.parametrize("target", ["someone_elses_enrollment", "assignment_of_another_program"])
def test_a_participant_cannot_hand_in_outside_their_own_enrollment(
    world: tuple[Engine, World], target: str
) -> None:
    engine, w = world
    if target == "someone_elses_enrollment":
        enrollment_id, assignment_id = w.other_enrollment_id, w.assignment_ids[0]
    else:
        design = programs_of(w.participant)["Design"].modules[0].assignments[0].assignment_id
        enrollment_id, assignment_id = w.enrollment_id, design

    with pytest.raises(NotAllowed):
        hand_in(w.participant, enrollment_id, assignment_id)

    with Session(engine) as session:
        assert session.exec(select(Submission)).all() == []


def test_exams_show_their_status_and_a_released_exam_can_be_submitted_once(
    world: tuple[Engine, World],
) -> None:
    _, w = world
    exam = programs_of(w.participant)["Analytics"].modules[0].exam
    assert exam is not None and (exam.status, exam.can_submit) == (ExamStatus.ELIGIBLE, False)
    later = programs_of(w.participant)["Analytics"].modules[1].exam
    assert later is not None and (later.status, later.attempt_id, later.can_submit) == (
        ExamStatus.NOT_ELIGIBLE,
        None,
        False,
    )

    run_write(exam_release, actor=actor(w.coach), attempt_id=w.attempt_id)
    released = programs_of(w.participant)["Analytics"].modules[0].exam
    assert released is not None and released.can_submit and released.due_at is not None

    run_write(
        exam_submit, actor=actor(w.participant), attempt_id=w.attempt_id, answer="My exam answer, in full."
    )
    submitted = programs_of(w.participant)["Analytics"].modules[0].exam
    assert submitted is not None and (submitted.status, submitted.can_submit) == (ExamStatus.SUBMITTED, False)
    with pytest.raises(Conflict) as refused:
        run_write(exam_submit, actor=actor(w.participant), attempt_id=w.attempt_id, answer="A second try.")
    assert refused.value.message == NOT_RELEASED


def test_an_assessed_exam_shows_the_result_and_feedback_to_the_participant(
    world: tuple[Engine, World],
) -> None:
    _, w = world
    run_write(exam_release, actor=actor(w.coach), attempt_id=w.attempt_id)
    run_write(
        exam_submit, actor=actor(w.participant), attempt_id=w.attempt_id, answer="My exam answer, in full."
    )

    run_write(exam_evaluate, actor=actor(w.coach), attempt_id=w.attempt_id, grade=7, feedback="Well argued.")

    exam = programs_of(w.participant)["Analytics"].modules[0].exam
    assert exam is not None
    assert (exam.status, exam.grade, exam.passed, exam.feedback) == (
        ExamStatus.ASSESSED,
        7,
        True,
        "Well argued.",
    )
    assert programs_of(w.participant)["Analytics"].xp_earned == 5


def test_a_participant_cannot_submit_an_exam_of_someone_else(world: tuple[Engine, World]) -> None:
    _, w = world
    run_write(exam_release, actor=actor(w.coach), attempt_id=w.attempt_id)

    with pytest.raises(NotAllowed):
        run_write(
            exam_submit, actor=actor(w.other_participant), attempt_id=w.attempt_id, answer="Not mine at all."
        )


@pytest.mark.parametrize("who", ["coach", "manager"])
def test_only_participants_have_my_programs(world: tuple[Engine, World], who: str) -> None:
    _, w = world

    with pytest.raises(NotAllowed):
        run_read(my_programs_list, actor=actor(getattr(w, who)))


def test_a_signed_out_caller_has_no_programs(world: tuple[Engine, World]) -> None:
    with pytest.raises(NotSignedIn):
        run_read(my_programs_list, actor=None)


def test_the_demo_participant_sees_two_programs_one_coached_by_sanne_and_one_without_coach(
    demo_engine: Engine,
) -> None:
    with override_engine(demo_engine), Session(demo_engine) as session:
        sam = session.exec(select(User).where(User.email == "participant@example.com")).one()
        enrollments = {
            e.id: e
            for e in session.exec(
                select(Enrollment).where(
                    Enrollment.participant_id == sam.id, Enrollment.status != EnrollmentStatus.UNENROLLED
                )
            ).all()
        }
        programs = run_read(my_programs_list, actor=actor(sam))

    assert len(programs) == 2
    assert sorted(p.coach_name or "" for p in programs) == ["", "Sanne Bakker"]
    for program in programs:
        assert program.xp_earned == enrollments[program.enrollment_id].xp_earned
        assert 0 < program.threshold_xp < program.xp_total
        assert [m.position for m in program.modules] == sorted(m.position for m in program.modules)
    statuses = {status for program in programs for status in assignment_statuses(program)}
    assert SubmissionStatus.WAITING in statuses and OPEN in statuses


def test_a_passed_assignment_cannot_be_handed_in_again_so_its_xp_is_never_earned_twice(
    engine: Engine,
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        org = factories.organization(session)
        prog = factories.program(session, org)
        coach = factories.coach(session, org)
        factories.register(session, coach, prog)
        learner = factories.participant(session, org)
        enrollment = factories.enrollment(session, learner, prog, coach, primary=True)
        assignment_id = session.exec(
            select(Assignment.id)
            .join(Module, Module.id == Assignment.module_id)
            .where(Module.program_id == prog.id)
        ).first()
        session.commit()
    with override_engine(engine):
        first = run_write(
            submission_hand_in,
            actor=actor_from_user(learner),
            enrollment_id=enrollment.id,
            assignment_id=assignment_id,
            content="My first answer",
        )
        run_write(
            submission_grade, actor=actor_from_user(coach), submission_id=first.id, passed=True, score=90
        )

        with pytest.raises(Conflict):
            run_write(
                submission_hand_in,
                actor=actor_from_user(learner),
                enrollment_id=enrollment.id,
                assignment_id=assignment_id,
                content="Once more, for more XP",
            )
