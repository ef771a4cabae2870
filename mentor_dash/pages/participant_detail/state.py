"""State of /mentor/participants/<id>: one participant's programs, and changing their coaches."""

import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx

from mentor_dash.components.coach_picker import CandidateView
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, DomainError, ValidationFailed
from mentor_dash.domain.validation import as_id, as_search
from mentor_dash.live import Apply, LivePage
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_candidates import coach_candidates
from mentor_dash.selectors.feed import FeedStep
from mentor_dash.selectors.participant_detail import ParticipantBreakdown, participant_breakdown
from mentor_dash.services.coaching import (
    enrollment_change_coach,
    enrollment_make_primary,
    mentorship_set_archived,
)
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

VIEW = (Action.VIEW_GLOBAL_PROGRESS,)


@dataclasses.dataclass
class ExamView:
    module: str = ""
    optional: bool = False
    status: str = ""
    overdue: bool = False


@dataclasses.dataclass
class ProgramView:
    enrollment_id: int = 0
    program: str = ""
    coach: str = ""
    coachless: bool = False
    primary: bool = False
    status: str = ""
    xp: int = 0
    xp_total: int = 0
    xp_percent: int = 0
    exams: list[ExamView] = dataclasses.field(default_factory=list)
    can_change_coach: bool = False
    can_make_primary: bool = False


@dataclasses.dataclass
class HistoryView:
    when: str = ""
    who: str = ""
    program: str = ""
    change: str = ""


def _date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "—"
    return value.strftime("%d %b %Y %H:%M" if with_time else "%d %b %Y")


class ParticipantDetailState(LivePage, rx.State):  # type: ignore[misc]
    loaded: bool = False
    error: str = ""
    name: str = ""
    email: str = ""
    sees_subscription: bool = False
    plan: str = ""
    expiry: str = ""
    subscription: str = ""
    mentor: str = ""
    mentor_since: str = ""
    archived: bool = False
    can_archive: bool = False
    last_activity: str = ""
    programs: list[ProgramView] = []
    chart: list[dict[str, Any]] = []
    history: list[HistoryView] = []

    dialog_open: bool = False
    dialog_program: str = ""
    dialog_current: str = ""
    coach_search: str = ""
    candidates: list[CandidateView] = []
    chosen_name: str = ""
    confirming: bool = False
    dialog_error: str = ""
    archive_confirm_open: bool = False

    _participant_id: int = 0
    _versions: dict[int, int] = {}
    _dialog_enrollment: int = 0
    _chosen_coach: int = 0

    def _route_participant(self) -> Any:
        tail = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() and len(tail) <= 10 else tail

    def _show(self, breakdown: ParticipantBreakdown) -> None:
        self._participant_id = breakdown.participant_id
        self.name, self.email = breakdown.name, breakdown.email
        self.sees_subscription = breakdown.subscription is not None
        self.plan = breakdown.plan or "—"
        self.expiry = _date(breakdown.expires_at)
        self.subscription = breakdown.subscription.value if breakdown.subscription else ""
        self.mentor = breakdown.mentor_name or "No mentor"
        self.mentor_since = _date(breakdown.mentor_since)
        self.archived = breakdown.mentor_archived
        self.can_archive = breakdown.can_archive
        self.last_activity = _date(breakdown.last_activity_at, with_time=True)
        self._versions = {p.enrollment_id: p.version for p in breakdown.programs}
        self.programs = [
            ProgramView(
                enrollment_id=p.enrollment_id,
                program=p.program,
                coach=p.coach_name or "",
                coachless=p.coach_id is None,
                primary=p.is_primary,
                status=p.status,
                xp=p.xp_earned,
                xp_total=p.xp_total,
                xp_percent=min(100, round(100 * p.xp_earned / p.xp_total)) if p.xp_total else 0,
                exams=[ExamView(e.module, e.optional, e.status, e.overdue) for e in p.exams],
                can_change_coach=p.can_change_coach,
                can_make_primary=p.can_make_primary,
            )
            for p in breakdown.programs
        ]
        self.chart = breakdown.xp_series
        self.history = [
            HistoryView(
                _date(h.at, with_time=True), h.actor_name, h.program, f"{h.from_coach} → {h.to_coach}"
            )
            for h in breakdown.coach_history
        ]
        self.loaded = True

    async def _fetch(self, actor: Actor, participant_id: Any) -> ParticipantBreakdown:
        return await in_thread(
            run_read, participant_breakdown, actor=actor, participant_id=participant_id, now=utcnow()
        )

    async def _reload(self) -> None:
        actor = await acting_user(self)
        try:
            self._show(await self._fetch(actor, self._route_participant()))
            self.error = ""
        except DomainError as error:
            self.loaded = False
            self.error = error.message

    @rx.event
    @requires(*VIEW)
    async def load(self) -> rx.event.EventSpec | None:
        self.loaded = False
        self.dialog_open = False
        self.archive_confirm_open = False
        await self._reload()
        if not self.loaded:
            return None
        return await self._start_live(await acting_user(self))

    def _live_snapshot(self) -> int:
        return self._participant_id

    async def _live_relevant(self, actor: Actor, step: FeedStep, snapshot: int) -> bool:
        return snapshot in step.participants

    async def _live_reload(self, actor: Actor, touched: list[int], snapshot: int) -> Apply | None:
        if snapshot not in touched:
            return None
        breakdown = await self._fetch(actor, snapshot)
        return lambda: self._show(breakdown)

    # Changing or assigning a coach: pick from the program's coaches, then confirm.

    async def _load_candidates(self) -> None:
        actor = await acting_user(self)
        try:
            found = await in_thread(
                run_read,
                coach_candidates,
                actor=actor,
                enrollment_id=self._dialog_enrollment,
                search=self.coach_search,
            )
        except DomainError as error:
            self.dialog_error = error.message
            return
        self.candidates = [
            CandidateView(c.coach_id, c.name, c.email, c.load, c.available, c.current) for c in found
        ]

    @rx.event
    @requires(Action.TRANSFER_COACH)
    async def open_change_coach(self, enrollment_id: int) -> None:
        program = next((p for p in self.programs if p.enrollment_id == enrollment_id), None)
        if program is None or not program.can_change_coach:
            self.error = "That program is not on this page."
            return
        self._dialog_enrollment = program.enrollment_id
        self.dialog_program = program.program
        self.dialog_current = program.coach or "No coach"
        self.coach_search = ""
        self.chosen_name = ""
        self._chosen_coach = 0
        self.confirming = False
        self.dialog_error = ""
        self.dialog_open = True
        await self._load_candidates()

    @rx.event
    @requires(Action.TRANSFER_COACH)
    async def search_coaches(self, value: str) -> None:
        try:
            self.coach_search = as_search(value)
        except ValidationFailed as error:
            self.dialog_error = error.message
            return
        self.dialog_error = ""
        await self._load_candidates()

    @rx.event
    @requires(Action.TRANSFER_COACH)
    def choose_coach(self, coach_id: int) -> None:
        candidate = next((c for c in self.candidates if c.coach_id == coach_id), None)
        if candidate is None:
            self.dialog_error = "Choose one of the coaches in the list."
            return
        self._chosen_coach = candidate.coach_id
        self.chosen_name = candidate.name
        self.confirming = True

    @rx.event
    @requires(Action.TRANSFER_COACH)
    def back_to_list(self) -> None:
        self.confirming = False

    @rx.event
    @requires(Action.TRANSFER_COACH)
    def close_dialog(self) -> None:
        self.dialog_open = False
        self.confirming = False

    @rx.event
    @requires(Action.TRANSFER_COACH)
    async def confirm_change(self) -> rx.event.EventSpec | None:
        actor = await acting_user(self)
        enrollment_id, coach_id = self._dialog_enrollment, self._chosen_coach
        try:
            await in_thread(
                run_write,
                enrollment_change_coach,
                actor=actor,
                enrollment_id=enrollment_id,
                coach_id=coach_id,
                expected_version=self._versions.get(enrollment_id, 0),
            )
        except Conflict as error:
            self.dialog_open = False
            await self._reload()
            return rx.toast.warning(error.message, duration=8000)
        except DomainError as error:
            self.dialog_error = error.message
            self.confirming = False
            return None
        program, new_coach = self.dialog_program, self.chosen_name
        self.dialog_open = False
        await self._reload()
        return rx.toast.success(f"{new_coach} now coaches {self.name} in {program}.")

    @rx.event
    @requires(Action.SET_PRIMARY_COACH)
    async def make_primary(self, enrollment_id: int) -> rx.event.EventSpec | None:
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write, enrollment_make_primary, actor=actor, enrollment_id=as_id(enrollment_id)
            )
        except DomainError as error:
            await self._reload()
            return rx.toast.error(error.message)
        await self._reload()
        return rx.toast.success("Primary coach changed.")

    @rx.event
    @requires(Action.ARCHIVE_STUDENT)
    def ask_archive(self) -> None:
        self.archive_confirm_open = True

    @rx.event
    @requires(Action.ARCHIVE_STUDENT)
    def cancel_archive(self) -> None:
        self.archive_confirm_open = False

    @rx.event
    @requires(Action.ARCHIVE_STUDENT)
    async def confirm_archive(self) -> rx.event.EventSpec | None:
        actor = await acting_user(self)
        archive = not self.archived
        self.archive_confirm_open = False
        try:
            await in_thread(
                run_write,
                mentorship_set_archived,
                actor=actor,
                participant_id=self._participant_id,
                archived=archive,
            )
        except DomainError as error:
            return rx.toast.error(error.message)
        await self._reload()
        return rx.toast.success(
            f"{self.name} is archived: find them under the Archived filter."
            if archive
            else f"{self.name} is back in your overview."
        )
