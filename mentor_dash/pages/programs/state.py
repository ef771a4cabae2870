"""State of My programs (/programs): the participant's programs, handing in work and exams.

The page follows the change feed, so a grade or a released exam shows up without reload. What
the participant is answering is kept on the server; the browser only sends the text.
"""

import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import DomainError
from mentor_dash.live import Apply, LivePage
from mentor_dash.models import ExamStatus, SubmissionStatus
from mentor_dash.selectors.my_programs import AssignmentItem, ExamItem, ProgramItem, my_programs_list
from mentor_dash.services.hand_in import exam_submit, submission_hand_in
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

ASSIGNMENT, EXAM = "assignment", "exam"
NOT_ON_PAGE = "That is not one of your open assignments or exams. Reload the page and try again."
BAD_FORM = "The form was not sent completely. Reload the page and try again."

ASSIGNMENT_LABELS = {
    "open": "Open",
    SubmissionStatus.WAITING.value: "Waiting for grading",
    SubmissionStatus.PASSED.value: "Passed",
    SubmissionStatus.FAILED.value: "Failed: hand it in again",
}
EXAM_LABELS = {
    ExamStatus.NOT_ELIGIBLE.value: "Not available yet",
    ExamStatus.ELIGIBLE.value: "Eligible: your coach can release it",
    ExamStatus.RELEASED.value: "Released",
    ExamStatus.SUBMITTED.value: "Submitted: waiting for evaluation",
    ExamStatus.ASSESSED.value: "Assessed",
}


def _date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


@dataclasses.dataclass
class AssignmentView:
    id: int = 0
    enrollment_id: int = 0
    title: str = ""
    xp: int = 0
    status: str = "open"
    label: str = ""
    submitted: str = ""
    score: str = ""
    feedback: str = ""
    xp_awarded: int = 0
    can_hand_in: bool = False


@dataclasses.dataclass
class ExamView:
    exists: bool = False
    attempt_id: int = 0
    title: str = ""
    xp: int = 0
    status: str = ""
    label: str = ""
    result: str = ""
    passed: bool = False
    failed: bool = False
    feedback: str = ""
    can_submit: bool = False


@dataclasses.dataclass
class ModuleView:
    id: int = 0
    position: int = 0
    title: str = ""
    optional: bool = False
    assignments: list[AssignmentView] = dataclasses.field(default_factory=list)
    exam: ExamView = dataclasses.field(default_factory=ExamView)


@dataclasses.dataclass
class ProgramView:
    enrollment_id: int = 0
    name: str = ""
    completed: bool = False
    coach: str = ""
    primary: bool = False
    xp: int = 0
    xp_total: int = 0
    xp_percent: int = 0
    threshold_percent: int = 0
    threshold_xp: int = 0
    modules: list[ModuleView] = dataclasses.field(default_factory=list)


def assignment_view(item: AssignmentItem, enrollment_id: int) -> AssignmentView:
    label = ASSIGNMENT_LABELS.get(item.status, item.status)
    if item.status == SubmissionStatus.PASSED:
        label = f"Passed · +{item.xp_awarded} XP"
    return AssignmentView(
        id=item.assignment_id,
        enrollment_id=enrollment_id,
        title=item.title,
        xp=item.xp,
        status=item.status,
        label=label,
        submitted=_date(item.submitted_at),
        score="" if item.score is None else f"{item.score}/100",
        feedback=item.feedback,
        xp_awarded=item.xp_awarded,
        can_hand_in=item.can_hand_in,
    )


def _exam_result(item: ExamItem) -> str:
    if item.passed is None:
        return ""
    verdict = "Passed" if item.passed else "Failed"
    if item.grade is not None:
        return f"{verdict} · grade {item.grade}"
    return f"{verdict} (good)" if item.outcome == "good" else verdict


def exam_view(item: ExamItem | None) -> ExamView:
    if item is None:
        return ExamView()
    label = EXAM_LABELS.get(item.status, item.status)
    if item.status == ExamStatus.RELEASED and item.due_at:
        label = f"Released: due {_date(item.due_at)}"
    if item.attempt_no > 1 and item.status != ExamStatus.ASSESSED:
        label = f"Resit: {label[0].lower()}{label[1:]}"
    return ExamView(
        exists=True,
        attempt_id=item.attempt_id or 0,
        title=item.title,
        xp=item.xp,
        status=item.status,
        label=label,
        result=_exam_result(item),
        passed=item.passed is True,
        failed=item.passed is False,
        feedback=item.feedback,
        can_submit=item.can_submit,
    )


def program_view(item: ProgramItem) -> ProgramView:
    total = item.xp_total
    return ProgramView(
        enrollment_id=item.enrollment_id,
        name=item.name,
        completed=item.status == "completed",
        coach=item.coach_name or "",
        primary=item.is_primary,
        xp=item.xp_earned,
        xp_total=total,
        xp_percent=min(100, round(100 * item.xp_earned / total)) if total else 0,
        threshold_percent=item.threshold_pct,
        threshold_xp=item.threshold_xp,
        modules=[
            ModuleView(
                id=module.module_id,
                position=module.position,
                title=module.title,
                optional=module.is_optional,
                assignments=[assignment_view(a, item.enrollment_id) for a in module.assignments],
                exam=exam_view(module.exam),
            )
            for module in item.modules
        ],
    )


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class ProgramsState(LivePage, rx.State):  # type: ignore[misc]
    programs: list[ProgramView] = []
    loaded: bool = False
    error: str = ""
    message: str = ""

    answer_open: bool = False
    answer_kind: str = ASSIGNMENT
    answer_title: str = ""
    answer_error: str = ""
    answer_version: int = 0
    # (kind, enrollment id, assignment id or exam attempt id) of what the dialog answers.
    _answer_target: tuple[str, int, int] = ("", 0, 0)

    async def _query(self, actor: Actor) -> list[ProgramView]:
        return [program_view(item) for item in await in_thread(run_read, my_programs_list, actor=actor)]

    @rx.event
    @requires(Action.VIEW_OWN_PROGRAMS)
    async def load(self) -> rx.event.EventSpec | None:
        """on_load: every program with modules, assignments and exams; then follow the change feed."""
        actor = await acting_user(self)
        self.answer_open = False
        self.message = ""
        try:
            self.programs = await self._query(actor)
        except DomainError as error:
            self.error = error.message
            return None
        self.error = ""
        self.loaded = True
        return await self._start_live(actor)

    async def _live_reload(self, actor: Actor, touched: list[int], snapshot: Any) -> Apply | None:
        if actor.user_id not in touched:
            return None
        programs = await self._query(actor)

        def apply() -> None:
            self.programs = programs

        return apply

    def _find_assignment(self, enrollment_id: Any, assignment_id: Any) -> AssignmentView | None:
        if not (_is_id(enrollment_id) and _is_id(assignment_id)):
            return None
        for program in self.programs:
            if program.enrollment_id != enrollment_id:
                continue
            for module in program.modules:
                for assignment in module.assignments:
                    if assignment.id == assignment_id and assignment.can_hand_in:
                        return assignment
        return None

    def _find_exam(self, attempt_id: Any) -> tuple[int, ExamView] | None:
        if not _is_id(attempt_id):
            return None
        for program in self.programs:
            for module in program.modules:
                if module.exam.attempt_id == attempt_id and module.exam.can_submit:
                    return program.enrollment_id, module.exam
        return None

    def _open_answer(self, kind: str, title: str, target: tuple[str, int, int]) -> None:
        self._answer_target = target
        self.answer_kind = kind
        self.answer_title = title
        self.answer_error = ""
        self.message = ""
        self.answer_version += 1
        self.answer_open = True

    @rx.event
    @requires(Action.HAND_IN_WORK)
    def start_hand_in(self, enrollment_id: int, assignment_id: int) -> None:
        assignment = self._find_assignment(enrollment_id, assignment_id)
        if assignment is None:
            self.error = NOT_ON_PAGE
            return
        self.error = ""
        self._open_answer(ASSIGNMENT, assignment.title, (ASSIGNMENT, assignment.enrollment_id, assignment.id))

    @rx.event
    @requires(Action.HAND_IN_WORK)
    def start_exam(self, attempt_id: int) -> None:
        found = self._find_exam(attempt_id)
        if found is None:
            self.error = NOT_ON_PAGE
            return
        self.error = ""
        enrollment_id, exam = found
        self._open_answer(EXAM, exam.title, (EXAM, enrollment_id, exam.attempt_id))

    @rx.event
    @requires(Action.HAND_IN_WORK)
    def set_answer_open(self, value: bool) -> None:
        """The dialog closes itself (Escape, outside click); opening goes through start_*."""
        if value is not True:
            self.answer_open = False
            self._answer_target = ("", 0, 0)

    @rx.event
    @requires(Action.HAND_IN_WORK)
    async def submit_answer(self, form_data: dict[str, Any]) -> None:
        actor = await acting_user(self)
        kind, enrollment_id, target_id = self._answer_target
        answer = form_data.get("answer") if isinstance(form_data, dict) else None
        if not kind:
            self.answer_error = NOT_ON_PAGE
            return
        if not isinstance(answer, str):
            self.answer_error = BAD_FORM
            return
        try:
            if kind == ASSIGNMENT:
                await in_thread(
                    run_write,
                    submission_hand_in,
                    actor=actor,
                    enrollment_id=enrollment_id,
                    assignment_id=target_id,
                    content=answer,
                )
            else:
                await in_thread(run_write, exam_submit, actor=actor, attempt_id=target_id, answer=answer)
        except DomainError as error:
            self.answer_error = error.message
            return
        title = self.answer_title
        self.answer_open = False
        self._answer_target = ("", 0, 0)
        self.message = (
            f"“{title}” is handed in and waiting for grading by your coach."
            if kind == ASSIGNMENT
            else f"“{title}” is submitted and waiting for evaluation by your coach."
        )
        try:
            self.programs = await self._query(actor)
        except DomainError as error:
            self.error = error.message
