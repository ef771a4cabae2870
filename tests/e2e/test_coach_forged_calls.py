"""Coach handlers called straight over the websocket, the way an attacker would: with another
coach's ids, another person's session or wrong types. Every call is refused and changes nothing."""

import asyncio
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_dash.db import build_engine
from mentor_dash.models import (
    AuditEvent,
    AuditOutcome,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    ExamAttempt,
    ExamStatus,
    GroupMembership,
    LearningProgram,
    Mentorship,
    StudentGroup,
    Submission,
    SubmissionStatus,
    User,
    XpEvent,
)
from mentor_dash.pages.coach_enrollment.state import CoachEnrollmentState
from mentor_dash.pages.coach_workspace.state import CoachWorkspaceState
from tests.e2e.conftest import RunningApp
from tests.e2e.ws import handler, signed_in_client
from tests.loops import run_async
from tests.ws_client import AppClient

COACH_EMAIL = "coach@example.com"
FORGED_VALUES = [True, "5", [5], {}, -1, 2**63, "x" * 100_000, None, 5.5]


@dataclass(frozen=True)
class Foreign:
    """Things of another coach that the demo coach must not touch."""

    enrollment_id: int
    participant_id: int
    submission_id: int | None
    attempt_id: int | None
    exam_id: int | None
    group_id: int
    program_id: int  # a program the demo coach does not coach


@dataclass(frozen=True)
class Snapshot:
    enrollment: tuple[int | None, int, bool, str]
    submission: str | None
    attempt: str | None
    xp_events: int
    group: tuple[str, int] | None
    own_group_members: int


def _session(app: RunningApp) -> Session:
    return Session(build_engine(app.database_url))


def _sanne(session: Session) -> int:
    return session.execute(select(User.id).where(User.email == COACH_EMAIL)).scalar_one()


def foreign(app: RunningApp) -> Foreign:
    with _session(app) as session:
        sanne = _sanne(session)
        waiting = aliased(Submission)
        row = session.execute(
            select(Enrollment.id, Enrollment.participant_id, Enrollment.program_id, waiting.id)
            .join(waiting, waiting.enrollment_id == Enrollment.id)
            .where(
                Enrollment.coach_id != sanne,
                Enrollment.coach_id.is_not(None),
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.organization_id
                == select(User.organization_id).where(User.id == sanne).scalar_subquery(),
                waiting.status == SubmissionStatus.WAITING,
            )
            .order_by(Enrollment.id)
        ).first()
        assert row is not None, "the demo has no waiting work of another coach"
        enrollment_id, participant_id, _, submission_id = row
        attempt = session.execute(
            select(ExamAttempt.id, ExamAttempt.exam_id)
            .where(ExamAttempt.enrollment_id == enrollment_id)
            .order_by(ExamAttempt.id)
        ).first()
        group_id = session.execute(
            select(StudentGroup.id).where(StudentGroup.coach_id != sanne).order_by(StudentGroup.id)
        ).scalar()
        assert group_id is not None
        other_program = session.execute(
            select(LearningProgram.id)
            .where(
                LearningProgram.organization_id
                == select(User.organization_id).where(User.id == sanne).scalar_subquery(),
                LearningProgram.id.not_in(
                    select(CoachRegistration.program_id).where(CoachRegistration.coach_id == sanne)
                ),
            )
            .order_by(LearningProgram.id)
        ).scalar()
        assert other_program is not None
        return Foreign(
            enrollment_id,
            participant_id,
            submission_id,
            attempt[0] if attempt else None,
            attempt[1] if attempt else None,
            group_id,
            other_program,
        )


def snapshot(app: RunningApp, target: Foreign) -> Snapshot:
    with _session(app) as session:
        enrollment = session.get(Enrollment, target.enrollment_id)
        assert enrollment is not None
        submission = session.get(Submission, target.submission_id) if target.submission_id else None
        attempt = session.get(ExamAttempt, target.attempt_id) if target.attempt_id else None
        group = session.get(StudentGroup, target.group_id)
        members = session.execute(
            select(func.count())
            .select_from(GroupMembership)
            .join(StudentGroup, StudentGroup.id == GroupMembership.group_id)
            .where(StudentGroup.coach_id == _sanne(session))
        ).scalar_one()
        xp = session.execute(
            select(func.count()).select_from(XpEvent).where(XpEvent.enrollment_id == target.enrollment_id)
        ).scalar_one()
        return Snapshot(
            (enrollment.coach_id, enrollment.version, enrollment.coach_archived, enrollment.status),
            submission.status if submission else None,
            attempt.status if attempt else None,
            xp,
            (group.name, group.coach_id) if group else None,
            members,
        )


def own_group(app: RunningApp) -> int:
    with _session(app) as session:
        return (
            session.execute(
                select(StudentGroup.id)
                .where(StudentGroup.coach_id == _sanne(session))
                .order_by(StudentGroup.id)
            ).scalar()
            or 0
        )


def denied_count(app: RunningApp) -> int:
    with _session(app) as session:
        return session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == AuditOutcome.DENIED)
        ).scalar_one()


async def settle() -> None:
    """A refused event may get no reply at all: give the server time to (not) act."""
    await asyncio.sleep(0.5)


async def _foreign_enrollment_page_shows_nothing_and_changes_nothing(app: RunningApp) -> None:
    target = foreign(app)
    before = snapshot(app, target)
    denied_before = denied_count(app)
    client = await signed_in_client(app, COACH_EMAIL, path=f"/coach/enrollments/{target.enrollment_id}")
    state = CoachEnrollmentState
    try:
        assert await client.wait_for(lambda: bool(client.get(state, "error")), timeout=15)
        assert not client.get(state, "loaded")
        assert client.get(state, "name") in (None, "")
        assert client.get(state, "modules") in (None, [])
        calls = [
            ("open_grade", {"submission_id": target.submission_id}),
            ("submit_grade", {"form_data": {"result": "pass", "score": "90", "feedback": "forged"}}),
            ("open_release", {"exam_id": target.exam_id}),
            ("open_evaluate", {"exam_id": target.exam_id}),
            ("open_resit", {"exam_id": target.exam_id}),
            ("submit_schedule", {"form_data": {"due_in_days": "7"}}),
            ("submit_evaluation", {"form_data": {"outcome": "pass", "grade": "", "feedback": "forged"}}),
            ("toggle_archive", {}),
            ("add_to_group", {"group_id": own_group(app)}),
            ("remove_from_group", {"group_id": target.group_id}),
            ("open_unenroll", {}),
            ("choose_no_coach", {}),
            ("confirm_unenroll", {}),
        ]
        for name, payload in calls:
            await client.emit(handler(state, name), payload)
        await settle()
        assert not client.get(state, "grade_open")
        assert not client.get(state, "exam_open")
        assert client.get(state, "grade_content") in (None, "")
    finally:
        await client.close()
    assert snapshot(app, target) == before
    assert denied_count(app) > denied_before


def test_a_coach_cannot_open_or_work_on_another_coachs_enrollment_page(app_server: RunningApp) -> None:
    run_async(_foreign_enrollment_page_shows_nothing_and_changes_nothing(app_server))


async def _workspace_refuses_foreign_ids(app: RunningApp) -> None:
    target = foreign(app)
    before = snapshot(app, target)
    client = await signed_in_client(app, COACH_EMAIL, path="/coach")
    state = CoachWorkspaceState
    try:
        assert await client.wait_for(lambda: bool(client.get(state, "rows")), timeout=15)
        rows_before = client.get(state, "rows")
        calls = [
            ("open_grade", {"submission_id": target.submission_id}),
            ("submit_grade", {"form_data": {"result": "pass", "score": "", "feedback": ""}}),
            ("toggle_archive", {"enrollment_id": target.enrollment_id}),
            ("open_add_to_group", {"enrollment_id": target.enrollment_id}),
            ("add_to_group", {"group_id": target.group_id}),
            ("remove_from_group", {"enrollment_id": target.enrollment_id, "group_id": target.group_id}),
            ("open_rename", {"group_id": target.group_id}),
            ("rename_group", {"form_data": {"name": "Taken over"}}),
            ("ask_delete_group", {"group_id": target.group_id}),
            ("confirm_delete_group", {}),
            ("create_group", {"form_data": {"program_id": str(target.program_id), "name": "Sneaky"}}),
            ("create_group", {"form_data": {"program_id": "987654", "name": "Sneaky"}}),
        ]
        for name, payload in calls:
            await client.emit(handler(state, name), payload)
        await settle()
        assert not client.get(state, "grade_open")
        assert not client.get(state, "rename_open")
        assert not client.get(state, "delete_open")
        assert not client.get(state, "member_open")
        assert client.get(state, "rows") == rows_before
    finally:
        await client.close()
    assert snapshot(app, target) == before
    with _session(app) as session:
        assert session.execute(select(StudentGroup.id).where(StudentGroup.name == "Sneaky")).first() is None


def test_workspace_handlers_refuse_another_coachs_ids(app_server: RunningApp) -> None:
    run_async(_workspace_refuses_foreign_ids(app_server))


async def _workspace_refuses_wrong_types(app: RunningApp, value: object) -> None:
    client = await signed_in_client(app, COACH_EMAIL, path="/coach")
    state = CoachWorkspaceState
    try:
        assert await client.wait_for(lambda: bool(client.get(state, "rows")), timeout=15)
        rows_before = client.get(state, "rows")
        for name, payload in (
            ("set_page_size", {"value": value}),
            ("set_group", {"value": value}),
            ("open_grade", {"submission_id": value}),
            ("toggle_archive", {"enrollment_id": value}),
            ("open_add_to_group", {"enrollment_id": value}),
            ("open_rename", {"group_id": value}),
            ("ask_delete_group", {"group_id": value}),
            ("create_group", {"form_data": value}),
            ("submit_grade", {"form_data": value}),
        ):
            await client.emit(handler(state, name), payload)
        if not isinstance(value, bool):
            # True and False are what these switches legitimately send.
            await client.emit(handler(state, "set_archived"), {"value": value})
            await client.emit(handler(state, "set_attention_only"), {"value": value})
        if not (isinstance(value, str) and len(value) < 100):
            await client.emit(handler(state, "set_search"), {"value": value})
            await client.emit(handler(state, "set_program"), {"value": value})
        await settle()
        assert client.get(state, "page_size") == 25
        assert client.get(state, "archived") is False
        assert client.get(state, "attention_only") is False
        assert client.get(state, "rows") == rows_before
        assert not client.get(state, "grade_open") and not client.get(state, "member_open")
    finally:
        await client.close()


@pytest.mark.parametrize("value", FORGED_VALUES, ids=lambda v: type(v).__name__ + str(v)[:8])
def test_workspace_handlers_refuse_wrong_types_and_keep_the_list_as_it_was(
    app_server: RunningApp, value: object
) -> None:
    run_async(_workspace_refuses_wrong_types(app_server, value))


async def _bad_input_on_own_page_gets_a_message(app: RunningApp) -> None:
    with _session(app) as session:
        sanne = _sanne(session)
        later = aliased(ExamAttempt)
        row = session.execute(
            select(Enrollment.id, ExamAttempt.id, ExamAttempt.exam_id)
            .join(ExamAttempt, ExamAttempt.enrollment_id == Enrollment.id)
            .where(
                Enrollment.coach_id == sanne,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                ExamAttempt.status == ExamStatus.ELIGIBLE,
                ~select(later.id)
                .where(
                    later.enrollment_id == ExamAttempt.enrollment_id,
                    later.exam_id == ExamAttempt.exam_id,
                    later.attempt_no > ExamAttempt.attempt_no,
                )
                .exists(),
            )
            .order_by(Enrollment.id.desc())
        ).first()
    assert row is not None
    enrollment_id, attempt_id, exam_id = row
    client = await signed_in_client(app, COACH_EMAIL, path=f"/coach/enrollments/{enrollment_id}")
    state = CoachEnrollmentState
    try:
        assert await client.wait_for(lambda: bool(client.get(state, "loaded")), timeout=15)
        await client.emit(handler(state, "submit_schedule"), {"form_data": {"due_in_days": "7"}})
        await client.emit(handler(state, "open_release"), {"exam_id": exam_id})
        assert await client.wait_for(lambda: bool(client.get(state, "exam_open")), timeout=10)
        for days in ("500", "0", "seven", "-3"):
            await client.emit(handler(state, "submit_schedule"), {"form_data": {"due_in_days": days}})
            assert await client.wait_for(lambda: "due in 1 to 120" in (client.get(state, "exam_error") or ""))
        await client.emit(handler(state, "submit_evaluation"), {"form_data": {"outcome": "pass"}})
        await settle()
        assert client.get(state, "exam_open")
    finally:
        await client.close()
    with _session(app) as session:
        attempt = session.get(ExamAttempt, attempt_id)
        assert attempt is not None and attempt.status == ExamStatus.ELIGIBLE


def test_bad_input_on_the_coachs_own_page_gets_a_clear_message_and_changes_nothing(
    app_server: RunningApp,
) -> None:
    run_async(_bad_input_on_own_page_gets_a_message(app_server))


async def _mentor_cannot_coach(app: RunningApp) -> None:
    """Maya mentors participants whom Sanne coaches: a mentor sees XP, never grades or answers."""
    with _session(app) as session:
        maya = session.execute(select(User.id).where(User.email == "mentor@example.com")).scalar_one()
        row = session.execute(
            select(Enrollment.id, Submission.id)
            .join(Mentorship, Mentorship.participant_id == Enrollment.participant_id)
            .join(Submission, Submission.enrollment_id == Enrollment.id)
            .where(
                Mentorship.mentor_id == maya,
                Mentorship.ended_at.is_(None),
                Enrollment.coach_id != maya,
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
            .order_by(Submission.id)
        ).first()
    assert row is not None
    enrollment_id, submission_id = row
    client = await signed_in_client(app, "mentor@example.com", path=f"/coach/enrollments/{enrollment_id}")
    state = CoachEnrollmentState
    try:
        assert await client.wait_for(lambda: bool(client.get(state, "error")), timeout=15)
        await client.emit(handler(state, "open_grade"), {"submission_id": submission_id})
        await settle()
        assert client.get(state, "modules") in (None, [])
        assert client.get(state, "grade_content") in (None, "")
    finally:
        await client.close()


def test_a_mentor_sees_no_grades_or_answers_of_their_mentor_participants(app_server: RunningApp) -> None:
    run_async(_mentor_cannot_coach(app_server))


async def _participant_has_no_workspace(app: RunningApp) -> None:
    before = denied_count(app)
    client = await signed_in_client(app, "participant@example.com", path="/coach")
    try:
        await client.emit(handler(CoachWorkspaceState, "load"))
        assert await client.wait_for(lambda: bool(client.get(CoachWorkspaceState, "error")), timeout=10)
        assert client.get(CoachWorkspaceState, "rows") in (None, [])
        assert client.get(CoachWorkspaceState, "queue") in (None, [])
    finally:
        await client.close()
    assert denied_count(app) > before


def test_a_participant_calling_the_coach_workspace_gets_nothing(app_server: RunningApp) -> None:
    run_async(_participant_has_no_workspace(app_server))


async def _signed_out_tab_is_sent_to_sign_in(app: RunningApp) -> None:
    client = AppClient(app.base_url)
    await client.connect("/coach")
    try:
        await client.emit(handler(CoachWorkspaceState, "load"))
        await client.emit(handler(CoachWorkspaceState, "submit_grade"), {"form_data": {"result": "pass"}})
        assert await client.wait_for(
            lambda: any(p.startswith("/login") for p in client.redirects()), timeout=10
        )
        assert client.get(CoachWorkspaceState, "rows") in (None, [])
    finally:
        await client.close()


def test_a_signed_out_tab_gets_no_coach_data(app_server: RunningApp) -> None:
    run_async(_signed_out_tab_is_sent_to_sign_in(app_server))
