"""What the manager's grid adds to the mentor's: the summary, row selection and bulk coach assignment.

The browser holds the ticked ids of the visible page only, or the flag "all matching the
filter"; the server works out the participants again when it previews and when it applies.
"""

import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx

from mentor_dash import routes
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, DomainError, ValidationFailed
from mentor_dash.domain.grid import URL_KEYS, BulkSelection, bulk_selection_from, grid_filters_from_url
from mentor_dash.domain.validation import as_id, as_search
from mentor_dash.live import Apply
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.coach_candidates import program_coach_candidates
from mentor_dash.selectors.coachless_summary import CoachlessSummary, coachless_summary
from mentor_dash.services.bulk_assignment import (
    MAX_COACHES,
    BulkPreview,
    bulk_assignment_apply,
    bulk_assignment_preview,
    bulk_distribution_apply,
    bulk_distribution_preview,
)
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

VIEW = (Action.VIEW_MANAGER_OVERVIEW,)
BULK = (Action.BULK_ASSIGN_COACHES, Action.TRANSFER_COACH)
ASSIGN, SPREAD = "assign", "spread"
SHOWN_SOURCES = 8
NOTHING_SELECTED = "Select participants first: tick rows, or select all matching the filter."
NOT_ON_PAGE = "That participant is not on this page."
CHOOSE_ONE = "Choose a coach from the list."
CHOOSE_SOME = "Choose at least one coach from the list."


@dataclasses.dataclass
class WaitingProgram:
    program_id: int = 0
    program: str = ""
    coachless: int = 0
    active: int = 0
    oldest: str = ""
    href: str = ""


@dataclasses.dataclass
class BulkCoach:
    coach_id: int = 0
    name: str = ""
    email: str = ""
    load: int = 0
    chosen: bool = False


@dataclasses.dataclass
class SourceLine:
    name: str = ""
    count: int = 0


@dataclasses.dataclass
class LoadLine:
    name: str = ""
    before: int = 0
    after: int = 0


def _waiting_since(value: datetime | None, now: datetime) -> str:
    if value is None:
        return ""
    days = max(0, (now - value).days)
    return f"oldest waiting {days} day{'s' if days != 1 else ''} (since {value.strftime('%d %b %Y')})"


def preview_lines(preview: BulkPreview) -> tuple[list[SourceLine], int, list[LoadLine], str]:
    """The preview as the dialog shows it: the largest sources, resulting loads, what is skipped."""
    sources = [SourceLine(f.name, f.count) for f in preview.from_coaches[:SHOWN_SOURCES]]
    more = sum(f.count for f in preview.from_coaches[SHOWN_SOURCES:])
    loads = [LoadLine(load.name, load.before, load.after) for load in preview.loads]
    skipped = []
    if preview.skipped_same_coach:
        skipped.append(f"{preview.skipped_same_coach} already have that coach")
    if preview.skipped_has_coach:
        skipped.append(f"{preview.skipped_has_coach} already have a coach")
    if preview.skipped_not_enrolled:
        skipped.append(f"{preview.skipped_not_enrolled} are not enrolled in the program")
    return sources, more, loads, ("Unchanged: " + "; ".join(skipped) + ".") if skipped else ""


class ManagerTools(rx.State, mixin=True):
    # The overview's summary.
    summary_programs: list[WaitingProgram] = []
    summary_coachless: int = 0
    summary_without_mentor: int = 0
    summary_expiring: int = 0
    summary_coachless_href: str = routes.manager_grid_filtered(coachless=True)
    summary_no_mentor_href: str = routes.manager_grid_filtered(no_mentor=True)
    summary_expiring_href: str = routes.manager_grid_filtered(subscription="expiring")

    # The selection: ticked rows of this page, or everything the filter matches.
    selected_ids: list[int] = []
    all_matching: bool = False

    # The bulk dialog.
    bulk_open: bool = False
    bulk_mode: str = ASSIGN
    bulk_program: str = ""
    bulk_search: str = ""
    bulk_coaches: list[BulkCoach] = []
    bulk_chosen_names: list[str] = []
    bulk_error: str = ""
    previewing: bool = False
    preview_changes: int = 0
    preview_participants: int = 0
    preview_sources: list[SourceLine] = []
    preview_more_sources: int = 0
    preview_loads: list[LoadLine] = []
    preview_skipped: str = ""

    _bulk_chosen: list[int] = []
    _preview_digest: str = ""

    @rx.var
    def selected_count(self) -> int:
        return self.total if self.all_matching else len(self.selected_ids)  # type: ignore[attr-defined]

    @rx.var
    def page_selected(self) -> bool:
        rows = self.rows  # type: ignore[attr-defined]
        return bool(rows) and (self.all_matching or len(self.selected_ids) == len(rows))

    # Hooks of GridState.

    def _url_filters(self) -> dict[str, Any] | None:
        params = self.router.url.query_parameters
        return grid_filters_from_url(params) if URL_KEYS & set(params) else None

    def _after_show(self) -> None:
        shown = {row.id for row in self.rows}  # type: ignore[attr-defined]
        self.selected_ids = [pid for pid in self.selected_ids if pid in shown]

    def _filters_changed(self) -> None:
        self.selected_ids = []
        self.all_matching = False

    def _show_summary(self, summary: CoachlessSummary) -> None:
        now = utcnow()
        self.summary_programs = [
            WaitingProgram(
                program_id=p.program_id,
                program=p.program,
                coachless=p.coachless,
                active=p.active,
                oldest=_waiting_since(p.oldest_since, now),
                href=routes.manager_grid_filtered(coachless=True, program_id=p.program_id),
            )
            for p in summary.programs
        ]
        self.summary_coachless = summary.coachless_enrollments
        self.summary_without_mentor = summary.without_mentor
        self.summary_expiring = summary.expiring

    async def _load_extras(self, actor: Actor) -> None:
        try:
            summary = await in_thread(run_read, coachless_summary, actor=actor, now=utcnow())
        except DomainError as error:
            self.error = error.message  # type: ignore[attr-defined]
            return
        self._show_summary(summary)

    async def _live_extras(self, actor: Actor) -> Apply | None:
        summary = await in_thread(run_read, coachless_summary, actor=actor, now=utcnow())
        return lambda: self._show_summary(summary)

    # Selecting rows.

    @rx.event
    @requires(*VIEW)
    def toggle_row(self, participant_id: int, checked: bool) -> None:
        shown = [row.id for row in self.rows]  # type: ignore[attr-defined]
        if isinstance(participant_id, bool) or participant_id not in shown or not isinstance(checked, bool):
            self.error = NOT_ON_PAGE  # type: ignore[attr-defined]
            return
        if self.all_matching:
            # Unticking one row of "all matching" leaves the rest of this page ticked.
            self.all_matching = False
            self.selected_ids = shown
        wanted = (
            set(self.selected_ids) | {participant_id}
            if checked
            else set(self.selected_ids) - {participant_id}
        )
        self.selected_ids = [pid for pid in shown if pid in wanted]

    @rx.event
    @requires(*VIEW)
    def toggle_page(self, checked: bool) -> None:
        if not isinstance(checked, bool):
            return
        self.all_matching = False
        self.selected_ids = [row.id for row in self.rows] if checked else []  # type: ignore[attr-defined]

    @rx.event
    @requires(*VIEW)
    def select_all_matching(self) -> None:
        self.all_matching = True
        self.selected_ids = [row.id for row in self.rows]  # type: ignore[attr-defined]

    @rx.event
    @requires(*VIEW)
    def clear_selection(self) -> None:
        self.all_matching = False
        self.selected_ids = []

    def _selection(self) -> BulkSelection:
        return bulk_selection_from(self._raw_query(), list(self.selected_ids), self.all_matching)  # type: ignore[attr-defined]

    # The bulk dialog: program, coaches, preview, confirm.

    async def _load_bulk_coaches(self) -> None:
        actor = await acting_user(self)
        try:
            found = await in_thread(
                run_read,
                program_coach_candidates,
                actor=actor,
                program_id=_int_or_raw(self.bulk_program),
                search=self.bulk_search,
            )
        except DomainError as error:
            self.bulk_error = error.message
            self.bulk_coaches = []
            return
        chosen = set(self._bulk_chosen)
        self.bulk_coaches = [
            BulkCoach(c.coach_id, c.name, c.email, c.load, c.coach_id in chosen) for c in found
        ]

    def _reset_preview(self) -> None:
        self.previewing = False
        self._preview_digest = ""
        self.preview_sources, self.preview_loads = [], []
        self.preview_changes = self.preview_participants = self.preview_more_sources = 0
        self.preview_skipped = ""

    @rx.event
    @requires(*BULK)
    async def open_bulk(self, mode: str) -> None:
        if mode not in (ASSIGN, SPREAD):
            self.error = "Choose assign or distribute."  # type: ignore[attr-defined]
            return
        if not self.all_matching and not self.selected_ids:
            self.error = NOTHING_SELECTED  # type: ignore[attr-defined]
            return
        programs = self.program_options  # type: ignore[attr-defined]
        current = self.program_id  # type: ignore[attr-defined]
        self.bulk_program = current if current != "all" else (programs[0]["id"] if programs else "")
        self.bulk_mode = mode
        self.bulk_search = ""
        self._bulk_chosen, self.bulk_chosen_names = [], []
        self.bulk_error = ""
        self._reset_preview()
        self.bulk_open = True
        await self._load_bulk_coaches()

    @rx.event
    @requires(*BULK)
    async def set_bulk_program(self, value: str) -> None:
        if not any(option["id"] == value for option in self.program_options):  # type: ignore[attr-defined]
            self.bulk_error = "Choose one of the programs."
            return
        self.bulk_program = value
        self._bulk_chosen, self.bulk_chosen_names = [], []
        self.bulk_error = ""
        self._reset_preview()
        await self._load_bulk_coaches()

    @rx.event
    @requires(*BULK)
    async def search_bulk_coaches(self, value: str) -> None:
        try:
            self.bulk_search = as_search(value)
        except ValidationFailed as error:
            self.bulk_error = error.message
            return
        self.bulk_error = ""
        await self._load_bulk_coaches()

    @rx.event
    @requires(*BULK)
    def choose_bulk_coach(self, coach_id: int) -> None:
        picked = next((c for c in self.bulk_coaches if c.coach_id == coach_id), None)
        if picked is None or isinstance(coach_id, bool):
            self.bulk_error = CHOOSE_ONE
            return
        if self.bulk_mode == ASSIGN:
            chosen = [picked.coach_id]
            names = [picked.name]
        elif picked.coach_id in self._bulk_chosen:
            keep = [i for i, cid in enumerate(self._bulk_chosen) if cid != picked.coach_id]
            chosen = [self._bulk_chosen[i] for i in keep]
            names = [self.bulk_chosen_names[i] for i in keep]
        else:
            if len(self._bulk_chosen) >= MAX_COACHES:
                self.bulk_error = f"Choose at most {MAX_COACHES} coaches."
                return
            chosen = [*self._bulk_chosen, picked.coach_id]
            names = [*self.bulk_chosen_names, picked.name]
        self._bulk_chosen, self.bulk_chosen_names = chosen, names
        self.bulk_coaches = [dataclasses.replace(c, chosen=c.coach_id in chosen) for c in self.bulk_coaches]
        self.bulk_error = ""

    async def _preview(self, actor: Actor) -> BulkPreview:
        selection = self._selection()
        program_id = as_id(_int_or_raw(self.bulk_program))
        if self.bulk_mode == ASSIGN:
            return await in_thread(
                run_read,
                bulk_assignment_preview,
                actor=actor,
                selection=selection,
                program_id=program_id,
                coach_id=self._bulk_chosen[0],
            )
        return await in_thread(
            run_read,
            bulk_distribution_preview,
            actor=actor,
            selection=selection,
            program_id=program_id,
            coach_ids=list(self._bulk_chosen),
        )

    def _show_preview(self, preview: BulkPreview) -> None:
        sources, more, loads, skipped = preview_lines(preview)
        self.preview_sources, self.preview_more_sources, self.preview_loads = sources, more, loads
        self.preview_skipped = skipped
        self.preview_changes, self.preview_participants = preview.changes, preview.participants
        self._preview_digest = preview.digest
        self.previewing = True

    @rx.event
    @requires(*BULK)
    async def preview_bulk(self) -> None:
        if not self._bulk_chosen:
            self.bulk_error = CHOOSE_ONE if self.bulk_mode == ASSIGN else CHOOSE_SOME
            return
        actor = await acting_user(self)
        try:
            preview = await self._preview(actor)
        except DomainError as error:
            self.bulk_error = error.message
            return
        self.bulk_error = ""
        self._show_preview(preview)

    @rx.event
    @requires(*BULK)
    def back_from_preview(self) -> None:
        self._reset_preview()

    @rx.event
    @requires(*BULK)
    def close_bulk(self) -> None:
        self.bulk_open = False
        self._reset_preview()

    @rx.event
    @requires(*BULK)
    async def confirm_bulk(self) -> rx.event.EventSpec | None:
        if not self.previewing or not self._preview_digest or not self._bulk_chosen:
            self.bulk_error = "Preview the change first."
            return None
        actor = await acting_user(self)
        try:
            selection = self._selection()
            program_id = as_id(_int_or_raw(self.bulk_program))
            if self.bulk_mode == ASSIGN:
                result = await in_thread(
                    run_write,
                    bulk_assignment_apply,
                    actor=actor,
                    selection=selection,
                    program_id=program_id,
                    coach_id=self._bulk_chosen[0],
                    expected_digest=self._preview_digest,
                )
            else:
                result = await in_thread(
                    run_write,
                    bulk_distribution_apply,
                    actor=actor,
                    selection=selection,
                    program_id=program_id,
                    coach_ids=list(self._bulk_chosen),
                    expected_digest=self._preview_digest,
                )
        except Conflict as error:
            # Show what confirming would do now, so the manager decides again on current data.
            self.bulk_error = error.message
            try:
                self._show_preview(await self._preview(actor))
            except DomainError:
                self._reset_preview()
            return None
        except DomainError as error:
            self.bulk_error = error.message
            return None
        self.bulk_open = False
        self._reset_preview()
        self.selected_ids, self.all_matching = [], False
        await self._load_extras(actor)
        await self._reload()  # type: ignore[attr-defined]
        return rx.toast.success(
            f"{result.changed} enrollment{'s' if result.changed != 1 else ''} changed coach "
            f"({result.participants} participant{'s' if result.participants != 1 else ''})."
        )


def _int_or_raw(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    return value
