"""Grading one waiting submission in a dialog, shared by the grading queue and the enrollment page."""

from datetime import datetime
from typing import Any

import reflex as rx

from mentor_dash.domain.access import Action
from mentor_dash.domain.errors import Conflict, DomainError
from mentor_dash.selectors.grading_queue import submission_to_grade
from mentor_dash.services.progress import SCORE_RANGE, submission_grade
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

BAD_FORM = "The form did not arrive as expected. Reload the page and try again."
NOT_ON_PAGE = "That submission is not on this page any more."
MAX_FORM_TEXT = 6000


def when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y %H:%M") if value else "—"


def score_from(text: str) -> Any:
    """A score typed in the form: empty means none; digits a number; anything else goes on to be refused."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and len(text) <= 3:
        return int(text)
    return text


def form_texts(form_data: Any, *names: str) -> dict[str, str] | None:
    """The named fields as text (missing ones empty); None when the form is not a form at all."""
    if not isinstance(form_data, dict):
        return None
    values = {}
    for name in names:
        value = form_data.get(name, "")
        if not isinstance(value, str) or len(value) > MAX_FORM_TEXT:
            return None
        values[name] = value
    return values


class GradeDialog(rx.State, mixin=True):
    """Pages implement `_gradable_ids` (what they show) and `_after_grade` (reload)."""

    grade_open: bool = False
    grade_participant: str = ""
    grade_program: str = ""
    grade_assignment: str = ""
    grade_xp: int = 0
    grade_content: str = ""
    grade_submitted: str = ""
    grade_error: str = ""
    grade_form_key: int = 0

    _grade_submission: int = 0

    def _gradable_ids(self) -> set[int]:
        raise NotImplementedError

    async def _after_grade(self) -> None:
        raise NotImplementedError

    @rx.event
    @requires(Action.GRADE_ASSIGNMENT)
    async def open_grade(self, submission_id: int) -> rx.event.EventSpec | None:
        if (
            not isinstance(submission_id, int)
            or isinstance(submission_id, bool)
            or submission_id not in self._gradable_ids()
        ):
            return rx.toast.error(NOT_ON_PAGE)
        actor = await acting_user(self)
        try:
            found = await in_thread(run_read, submission_to_grade, actor=actor, submission_id=submission_id)
        except DomainError as error:
            await self._after_grade()
            return rx.toast.warning(error.message)
        self._grade_submission = found.submission_id
        self.grade_participant = found.participant
        self.grade_program = found.program
        self.grade_assignment = found.assignment
        self.grade_xp = found.xp
        self.grade_content = found.content
        self.grade_submitted = when(found.submitted_at)
        self.grade_error = ""
        self.grade_form_key += 1
        self.grade_open = True
        return None

    def _close_grade(self) -> None:
        self.grade_open = False
        self.grade_content = ""
        self._grade_submission = 0

    @rx.event
    @requires(Action.GRADE_ASSIGNMENT)
    def close_grade(self) -> None:
        self._close_grade()

    @rx.event
    @requires(Action.GRADE_ASSIGNMENT)
    async def submit_grade(self, form_data: dict[str, Any]) -> rx.event.EventSpec | None:
        fields = form_texts(form_data, "result", "score", "feedback")
        if fields is None or fields["result"] not in ("", "pass", "fail"):
            self.grade_error = BAD_FORM
            return None
        if not self.grade_open or not self._grade_submission:
            self.grade_error = NOT_ON_PAGE
            return None
        passed = {"pass": True, "fail": False}.get(fields["result"])
        score = score_from(fields["score"])
        if isinstance(score, str):
            self.grade_error = SCORE_RANGE
            return None
        actor = await acting_user(self)
        try:
            graded = await in_thread(
                run_write,
                submission_grade,
                actor=actor,
                submission_id=self._grade_submission,
                passed=passed,
                score=score,
                feedback=fields["feedback"],
            )
        except Conflict as error:
            self._close_grade()
            await self._after_grade()
            return rx.toast.warning(error.message, duration=8000)
        except DomainError as error:
            self.grade_error = error.message
            return None
        verdict = "passed" if graded.status == "passed" else "failed"
        xp = f" (+{graded.xp_awarded} XP)" if graded.xp_awarded else ""
        message = f"{self.grade_assignment} by {self.grade_participant}: {verdict}{xp}."
        self._close_grade()
        await self._after_grade()
        return rx.toast.success(message)
