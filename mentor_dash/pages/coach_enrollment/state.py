"""State of /coach/enrollments/<id>: one enrollment module by module, and the coach's actions on it."""

import dataclasses
from typing import Any

import reflex as rx

from mentor_dash import routes
from mentor_dash.components.coach_picker import CandidateView
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, DomainError, ValidationFailed
from mentor_dash.domain.statuses import exam_passed
from mentor_dash.domain.validation import as_search
from mentor_dash.live import Apply, LivePage
from mentor_dash.models import ExamStatus, SubmissionStatus
from mentor_dash.pages.coach_workspace.grading import BAD_FORM, GradeDialog, form_texts, score_from, when
from mentor_dash.selectors.coach_candidates import coach_candidates
from mentor_dash.selectors.coach_enrollment import (
    EVALUATE,
    RELEASE,
    RELEASE_EARLY,
    RESIT,
    AttemptDetail,
    EnrollmentDetail,
    ExamDetail,
    SubmissionDetail,
    coach_enrollment_detail,
)
from mentor_dash.services.coach_enrollments import coach_enrollment_set_archived, coach_enrollment_unenroll
from mentor_dash.services.groups import group_add_member, group_remove_member
from mentor_dash.services.progress import (
    DEFAULT_EXAM_DAYS,
    DUE_RANGE,
    GRADE_RANGE,
    exam_evaluate,
    exam_grant_resit,
    exam_release_for_enrollment,
)
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

VIEW = (Action.VIEW_DETAILED_PROGRESS,)
EXAM_ACTIONS = (Action.RELEASE_EXAM, Action.EVALUATE_EXAM)
NOT_ON_PAGE = "That is not on this page any more."
STATUS_LABELS = {
    SubmissionStatus.WAITING: "Waiting for grading",
    SubmissionStatus.PASSED: "Passed",
    SubmissionStatus.FAILED: "Failed",
}


@dataclasses.dataclass
class GroupChip:
    group_id: int = 0
    name: str = ""


@dataclasses.dataclass
class SubmissionView:
    submission_id: int = 0
    status: str = ""
    status_label: str = ""
    content: str = ""
    submitted: str = ""
    score: str = ""
    feedback: str = ""
    graded: str = ""
    xp_awarded: int = 0


@dataclasses.dataclass
class AssignmentView:
    assignment_id: int = 0
    title: str = ""
    xp: int = 0
    passed: bool = False
    waiting_submission_id: int = 0
    submissions: list[SubmissionView] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class AttemptView:
    attempt_id: int = 0
    title: str = ""
    status: str = ""
    verdict: str = ""
    passed: bool = False
    answer: str = ""
    feedback: str = ""
    timeline: str = ""


@dataclasses.dataclass
class ExamView:
    exam_id: int = 0
    title: str = ""
    xp: int = 0
    status: str = ""
    status_label: str = ""
    next_step: str = ""
    attempts: list[AttemptView] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ModuleView:
    module_id: int = 0
    title: str = ""
    optional: bool = False
    done: bool = False
    assignments: list[AssignmentView] = dataclasses.field(default_factory=list)
    has_exam: bool = False
    exam: ExamView = dataclasses.field(default_factory=ExamView)


def _verdict(attempt: AttemptDetail) -> str:
    if attempt.passed is None:
        return ""
    word = "Passed" if attempt.passed else "Failed"
    if attempt.grade is not None:
        return f"{word}, grade {attempt.grade}"
    return f"{word} ({attempt.outcome})" if attempt.outcome == "good" else word


def _timeline(attempt: AttemptDetail) -> str:
    steps = [
        ("released", attempt.released_at),
        ("due", attempt.due_at),
        ("submitted", attempt.submitted_at),
        ("assessed", attempt.assessed_at),
    ]
    parts = [f"{label} {when(at)}" for label, at in steps if at is not None]
    if attempt.assessed_by:
        parts.append(f"by {attempt.assessed_by}")
    text = " · ".join(parts)
    return text[:1].upper() + text[1:] if text else "Not released yet"


def _exam_label(exam: ExamDetail) -> str:
    latest = exam.attempts[-1] if exam.attempts else None
    if latest is None or latest.status == ExamStatus.NOT_ELIGIBLE:
        return "Not eligible yet" if exam.next_step == RELEASE_EARLY else "Not started; you may release it"
    resit = f"Resit {latest.attempt_no - 1}: " if latest.attempt_no > 1 else ""
    if latest.status == ExamStatus.ELIGIBLE:
        return f"{resit}Eligible, not released"
    if latest.status == ExamStatus.RELEASED:
        return f"{resit}Released, due {when(latest.due_at)}"
    if latest.status == ExamStatus.SUBMITTED:
        return "Submitted, waiting for your evaluation"
    return _verdict(latest)


def _submission_view(submission: SubmissionDetail) -> SubmissionView:
    graded = ""
    if submission.graded_at is not None:
        graded = f"Graded {when(submission.graded_at)}" + (
            f" by {submission.graded_by}" if submission.graded_by else ""
        )
    return SubmissionView(
        submission_id=submission.submission_id,
        status=submission.status,
        status_label=STATUS_LABELS.get(submission.status, submission.status),  # type: ignore[call-overload]
        content=submission.content,
        submitted=when(submission.submitted_at),
        score="" if submission.score is None else f"Score {submission.score}",
        feedback=submission.feedback,
        graded=graded,
        xp_awarded=submission.xp_awarded,
    )


def _exam_view(exam: ExamDetail) -> ExamView:
    return ExamView(
        exam_id=exam.exam_id,
        title=exam.title,
        xp=exam.xp,
        status=exam.status,
        status_label=_exam_label(exam),
        next_step=exam.next_step or "",
        attempts=[
            AttemptView(
                attempt_id=a.attempt_id,
                title="First attempt" if a.attempt_no == 1 else f"Resit {a.attempt_no - 1}",
                status=a.status,
                verdict=_verdict(a),
                passed=bool(a.passed),
                answer=a.answer,
                feedback=a.feedback,
                timeline=_timeline(a),
            )
            for a in reversed(exam.attempts)
            if a.status != ExamStatus.NOT_ELIGIBLE
        ],
    )


def _route_enrollment(path: str) -> Any:
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() and len(tail) <= 10 else tail


class CoachEnrollmentState(GradeDialog, LivePage, rx.State):  # type: ignore[misc]
    loaded: bool = False
    error: str = ""
    name: str = ""
    email: str = ""
    program: str = ""
    primary: bool = False
    archived: bool = False
    xp: int = 0
    xp_total: int = 0
    xp_percent: int = 0
    threshold_pct: int = 0
    threshold_xp: int = 0
    modules_done: int = 0
    modules_total: int = 0
    last_activity: str = ""
    enrolled: str = ""
    groups: list[GroupChip] = []
    other_groups: list[GroupChip] = []
    modules: list[ModuleView] = []

    exam_open: bool = False
    exam_mode: str = ""
    exam_title: str = ""
    exam_answer: str = ""
    exam_error: str = ""
    exam_form_key: int = 0

    unenroll_open: bool = False
    unenroll_confirming: bool = False
    coach_search: str = ""
    candidates: list[CandidateView] = []
    chosen_name: str = ""
    unenroll_error: str = ""

    _enrollment_id: int = 0
    _participant_id: int = 0
    _version: int = 0
    _exam_id: int = 0
    _exam_attempt: int = 0
    _chosen_coach: int = 0

    # Loading

    def _show(self, detail: EnrollmentDetail) -> None:
        self._enrollment_id = detail.enrollment_id
        self._participant_id = detail.participant_id
        self._version = detail.version
        self.name, self.email, self.program = detail.name, detail.email, detail.program
        self.primary, self.archived = detail.is_primary, detail.archived
        self.xp, self.xp_total = detail.xp_earned, detail.xp_total
        self.xp_percent = min(100, round(100 * detail.xp_earned / detail.xp_total)) if detail.xp_total else 0
        self.threshold_pct, self.threshold_xp = detail.threshold_pct, detail.threshold_xp
        self.modules_done, self.modules_total = detail.modules_done, len(detail.modules)
        self.last_activity = when(detail.last_activity_at) if detail.last_activity_at else "No activity yet"
        self.enrolled = when(detail.enrolled_at)
        self.groups = [GroupChip(g.group_id, g.name) for g in detail.groups]
        self.other_groups = [GroupChip(g.group_id, g.name) for g in detail.other_groups]
        self.modules = [
            ModuleView(
                module_id=m.module_id,
                title=m.title,
                optional=m.optional,
                done=m.done,
                assignments=[
                    AssignmentView(
                        assignment_id=a.assignment_id,
                        title=a.title,
                        xp=a.xp,
                        passed=a.passed,
                        waiting_submission_id=a.waiting_submission_id or 0,
                        submissions=[_submission_view(s) for s in a.submissions],
                    )
                    for a in m.assignments
                ],
                has_exam=m.exam is not None,
                exam=_exam_view(m.exam) if m.exam else ExamView(),
            )
            for m in detail.modules
        ]
        self.loaded = True

    async def _fetch(self, actor: Actor, enrollment_id: Any) -> EnrollmentDetail:
        return await in_thread(run_read, coach_enrollment_detail, actor=actor, enrollment_id=enrollment_id)

    async def _reload(self) -> None:
        actor = await acting_user(self)
        wanted = self._enrollment_id or _route_enrollment(self.router.url.path)
        try:
            self._show(await self._fetch(actor, wanted))
            self.error = ""
        except DomainError as error:
            self.loaded = False
            self.error = error.message
            self.modules, self.groups, self.other_groups = [], [], []
            self.name = self.email = self.program = ""
            self._enrollment_id = self._participant_id = 0

    @rx.event
    @requires(*VIEW)
    async def load(self) -> rx.event.EventSpec | None:
        self.loaded = False
        self._enrollment_id = 0
        self.grade_open = self.exam_open = self.unenroll_open = False
        await self._reload()
        if not self.loaded:
            return None
        return await self._start_live(await acting_user(self))

    def _live_snapshot(self) -> tuple[int, int]:
        return self._enrollment_id, self._participant_id

    async def _live_reload(self, actor: Actor, touched: list[int], snapshot: tuple[int, int]) -> Apply | None:
        enrollment_id, participant_id = snapshot
        if participant_id not in touched:
            return None
        detail = await self._fetch(actor, enrollment_id)
        return lambda: self._show(detail)

    # Grading a waiting submission

    def _gradable_ids(self) -> set[int]:
        return {
            a.waiting_submission_id for m in self.modules for a in m.assignments if a.waiting_submission_id
        }

    async def _after_grade(self) -> None:
        await self._reload()

    # Exams: release, evaluate, resit

    def _exam_on_page(self, exam_id: Any, steps: tuple[str, ...]) -> ExamView | None:
        if isinstance(exam_id, bool):
            return None
        return next(
            (
                m.exam
                for m in self.modules
                if m.has_exam and m.exam.exam_id == exam_id and m.exam.next_step in steps
            ),
            None,
        )

    def _open_exam(self, exam: ExamView, mode: str) -> None:
        self._exam_id = exam.exam_id
        latest = exam.attempts[0] if exam.attempts else None
        self._exam_attempt = latest.attempt_id if latest else 0
        self.exam_answer = latest.answer if latest and mode == EVALUATE else ""
        self.exam_title = exam.title
        self.exam_mode = mode
        self.exam_error = ""
        self.exam_form_key += 1
        self.exam_open = True

    @rx.event
    @requires(Action.RELEASE_EXAM)
    def open_release(self, exam_id: int) -> rx.event.EventSpec | None:
        exam = self._exam_on_page(exam_id, (RELEASE, RELEASE_EARLY))
        if exam is None:
            return rx.toast.error(NOT_ON_PAGE)
        self._open_exam(exam, exam.next_step)
        return None

    @rx.event
    @requires(Action.EVALUATE_EXAM)
    def open_evaluate(self, exam_id: int) -> rx.event.EventSpec | None:
        exam = self._exam_on_page(exam_id, (EVALUATE,))
        if exam is None:
            return rx.toast.error(NOT_ON_PAGE)
        self._open_exam(exam, EVALUATE)
        return None

    @rx.event
    @requires(Action.EVALUATE_EXAM)
    def open_resit(self, exam_id: int) -> rx.event.EventSpec | None:
        exam = self._exam_on_page(exam_id, (RESIT,))
        if exam is None:
            return rx.toast.error(NOT_ON_PAGE)
        self._open_exam(exam, RESIT)
        return None

    @rx.event
    @requires(*EXAM_ACTIONS)
    def close_exam_dialog(self) -> None:
        self.exam_open = False
        self.exam_answer = ""
        self._exam_id = self._exam_attempt = 0

    async def _exam_done(self, message: str) -> rx.event.EventSpec:
        self.exam_open = False
        self.exam_answer = ""
        self._exam_id = self._exam_attempt = 0
        await self._reload()
        return rx.toast.success(message)

    async def _exam_refused(self, error: DomainError) -> rx.event.EventSpec | None:
        if isinstance(error, Conflict):
            self.exam_open = False
            await self._reload()
            return rx.toast.warning(error.message, duration=8000)
        self.exam_error = error.message
        return None

    @rx.event
    @requires(Action.RELEASE_EXAM, Action.EVALUATE_EXAM)
    async def submit_schedule(self, form_data: dict[str, Any]) -> rx.event.EventSpec | None:
        """Release an exam, or give a failed one a resit, due in the chosen number of days."""
        fields = form_texts(form_data, "due_in_days")
        if fields is None or not self.exam_open or self.exam_mode not in (RELEASE, RELEASE_EARLY, RESIT):
            self.exam_error = BAD_FORM
            return None
        days = score_from(fields["due_in_days"])
        days = DEFAULT_EXAM_DAYS if days is None else days
        if isinstance(days, str):
            self.exam_error = DUE_RANGE
            return None
        actor = await acting_user(self)
        title = self.exam_title
        try:
            if self.exam_mode == RESIT:
                await in_thread(
                    run_write, exam_grant_resit, actor=actor, attempt_id=self._exam_attempt, due_in_days=days
                )
            else:
                await in_thread(
                    run_write,
                    exam_release_for_enrollment,
                    actor=actor,
                    enrollment_id=self._enrollment_id,
                    exam_id=self._exam_id,
                    due_in_days=days,
                )
        except DomainError as error:
            return await self._exam_refused(error)
        what = "A resit of" if self.exam_mode == RESIT else ""
        return await self._exam_done(
            f"{what} {title} is released to {self.name}, due in {days} days.".strip()
        )

    @rx.event
    @requires(Action.EVALUATE_EXAM)
    async def submit_evaluation(self, form_data: dict[str, Any]) -> rx.event.EventSpec | None:
        fields = form_texts(form_data, "outcome", "grade", "feedback")
        if (
            fields is None
            or fields["outcome"] not in ("", "fail", "pass", "good")
            or not self.exam_open
            or self.exam_mode != EVALUATE
        ):
            self.exam_error = BAD_FORM
            return None
        grade = score_from(fields["grade"])
        if isinstance(grade, str):
            self.exam_error = GRADE_RANGE
            return None
        actor = await acting_user(self)
        title = self.exam_title
        try:
            assessed = await in_thread(
                run_write,
                exam_evaluate,
                actor=actor,
                attempt_id=self._exam_attempt,
                outcome=fields["outcome"] or None,
                grade=grade,
                feedback=fields["feedback"],
            )
        except DomainError as error:
            return await self._exam_refused(error)
        verdict = "passed" if exam_passed(assessed.outcome, assessed.grade) else "failed"
        return await self._exam_done(f"{title}: {self.name} {verdict}.")

    # Archive and groups

    @rx.event
    @requires(Action.ARCHIVE_STUDENT)
    async def toggle_archive(self) -> rx.event.EventSpec | None:
        if not self.loaded:
            return rx.toast.error(NOT_ON_PAGE)
        actor = await acting_user(self)
        archive = not self.archived
        try:
            await in_thread(
                run_write,
                coach_enrollment_set_archived,
                actor=actor,
                enrollment_id=self._enrollment_id,
                archived=archive,
            )
        except DomainError as error:
            await self._reload()
            return rx.toast.error(error.message)
        await self._reload()
        if archive:
            return rx.toast.success(
                f"{self.name} is archived in your list; find them under the Archived filter."
            )
        return rx.toast.success(f"{self.name} is back in your list.")

    async def _group_change(self, service: Any, chip: GroupChip, message: str) -> rx.event.EventSpec:
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write, service, actor=actor, group_id=chip.group_id, enrollment_id=self._enrollment_id
            )
        except DomainError as error:
            await self._reload()
            return rx.toast.error(error.message)
        await self._reload()
        return rx.toast.success(message)

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def add_to_group(self, group_id: int) -> rx.event.EventSpec:
        chip = next(
            (c for c in self.other_groups if not isinstance(group_id, bool) and c.group_id == group_id), None
        )
        if chip is None:
            return rx.toast.error(NOT_ON_PAGE)
        return await self._group_change(group_add_member, chip, f"{self.name} is now in {chip.name}.")

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def remove_from_group(self, group_id: int) -> rx.event.EventSpec:
        chip = next(
            (c for c in self.groups if not isinstance(group_id, bool) and c.group_id == group_id), None
        )
        if chip is None:
            return rx.toast.error(NOT_ON_PAGE)
        return await self._group_change(group_remove_member, chip, f"{self.name} left {chip.name}.")

    # Unenroll with hand-over

    async def _load_candidates(self) -> None:
        actor = await acting_user(self)
        try:
            found = await in_thread(
                run_read,
                coach_candidates,
                actor=actor,
                enrollment_id=self._enrollment_id,
                search=self.coach_search,
                action=Action.UNENROLL_WITH_HANDOVER,
            )
        except DomainError as error:
            self.unenroll_error = error.message
            return
        self.candidates = [
            CandidateView(c.coach_id, c.name, c.email, c.load, c.available, c.current) for c in found
        ]

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    async def open_unenroll(self) -> None:
        if not self.loaded:
            self.error = NOT_ON_PAGE
            return
        self.coach_search = ""
        self.chosen_name = ""
        self._chosen_coach = 0
        self.unenroll_confirming = False
        self.unenroll_error = ""
        self.unenroll_open = True
        await self._load_candidates()

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    async def search_coaches(self, value: str) -> None:
        try:
            self.coach_search = as_search(value)
        except ValidationFailed as error:
            self.unenroll_error = error.message
            return
        self.unenroll_error = ""
        await self._load_candidates()

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    def choose_coach(self, coach_id: int) -> None:
        candidate = next(
            (
                c
                for c in self.candidates
                if not isinstance(coach_id, bool) and c.coach_id == coach_id and not c.current
            ),
            None,
        )
        if candidate is None:
            self.unenroll_error = "Choose one of the coaches in the list."
            return
        self._chosen_coach = candidate.coach_id
        self.chosen_name = candidate.name
        self.unenroll_error = ""
        self.unenroll_confirming = True

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    def choose_no_coach(self) -> None:
        if not self.unenroll_open:
            self.error = NOT_ON_PAGE
            return
        self._chosen_coach = 0
        self.chosen_name = ""
        self.unenroll_error = ""
        self.unenroll_confirming = True

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    def back_to_coaches(self) -> None:
        self.unenroll_confirming = False

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    def close_unenroll(self) -> None:
        self.unenroll_open = False
        self.unenroll_confirming = False

    @rx.event
    @requires(Action.UNENROLL_WITH_HANDOVER)
    async def confirm_unenroll(self) -> rx.event.EventSpec | list[rx.event.EventSpec] | None:
        if not self.unenroll_open or not self.unenroll_confirming:
            self.unenroll_error = "Choose a coach, or to leave the participant without one, first."
            return None
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write,
                coach_enrollment_unenroll,
                actor=actor,
                enrollment_id=self._enrollment_id,
                expected_version=self._version,
                handover_coach_id=self._chosen_coach or None,
            )
        except Conflict as error:
            self.unenroll_open = False
            await self._reload()
            return rx.toast.warning(error.message, duration=8000)
        except DomainError as error:
            self.unenroll_error = error.message
            self.unenroll_confirming = False
            return None
        name, program, successor = self.name, self.program, self.chosen_name
        self.unenroll_open = False
        self.loaded = False
        message = (
            f"{name} in {program} is now coached by {successor}."
            if successor
            else f"{name} in {program} has no coach now; mentors and managers see them under Coachless only."
        )
        return [rx.toast.success(message, duration=8000), rx.redirect(routes.COACH)]
