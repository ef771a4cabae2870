"""State of /manager/coaches: one page of coaches with their load, and moving a coach's participants."""

import dataclasses
from typing import Any

import reflex as rx

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import Conflict, DomainError, ValidationFailed
from mentor_dash.domain.grid import GridScope, WorkloadQuery, workload_query_from
from mentor_dash.domain.validation import as_bool, as_search
from mentor_dash.live import Apply, LivePage
from mentor_dash.pages.participant_grid.manager_tools import (
    BulkCoach,
    LoadLine,
    SourceLine,
    preview_lines,
)
from mentor_dash.reports.workload import load_chart, workload_csv
from mentor_dash.selectors.coach_candidates import program_coach_candidates
from mentor_dash.selectors.coach_workload import WorkloadPage, coach_workload, coach_workload_export
from mentor_dash.selectors.grid_options import grid_options
from mentor_dash.services.bulk_assignment import (
    MAX_COACHES,
    BulkPreview,
    coach_transfer_apply,
    coach_transfer_preview,
)
from mentor_dash.services.coach_availability import coach_set_availability
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

VIEW = (Action.MANAGE_COACHES,)
MOVE = (Action.BULK_ASSIGN_COACHES, Action.TRANSFER_COACH)
PALETTE = [
    "var(--indigo-9)",
    "var(--teal-9)",
    "var(--amber-9)",
    "var(--crimson-9)",
    "var(--violet-9)",
    "var(--lime-9)",
]
NOT_ON_PAGE = "That coach is not on this page."


@dataclasses.dataclass
class ProgramChip:
    program_id: int = 0
    program: str = ""
    active: int = 0


@dataclasses.dataclass
class CoachRow:
    coach_id: int = 0
    name: str = ""
    email: str = ""
    is_active: bool = True
    available: bool = True
    load: int = 0
    mentees: int = 0
    waiting: int = 0
    programs: list[ProgramChip] = dataclasses.field(default_factory=list)


def _row(coach: Any) -> CoachRow:
    return CoachRow(
        coach_id=coach.coach_id,
        name=coach.name,
        email=coach.email,
        is_active=coach.is_active,
        available=coach.available,
        load=coach.active_enrollments,
        mentees=coach.mentor_participants,
        waiting=coach.waiting_submissions,
        programs=[ProgramChip(p.program_id, p.program, p.active) for p in coach.programs],
    )


def _id_or_raw(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    return value


class ManagerCoachesState(LivePage, rx.State):  # type: ignore[misc]
    rows: list[CoachRow] = []
    chart: list[dict[str, Any]] = []
    series: list[dict[str, str]] = []
    total: int = 0
    unavailable_total: int = 0
    page_count: int = 1
    program_options: list[dict[str, str]] = []
    error: str = ""
    loaded: bool = False

    search: str = ""
    program_id: str = "all"
    availability: str = "all"
    sort: str = "load"
    descending: bool = True
    page: int = 1
    page_size: int = 25

    transfer_open: bool = False
    transfer_coach_name: str = ""
    transfer_programs: list[dict[str, str]] = []
    transfer_program: str = "all"
    transfer_search: str = ""
    transfer_candidates: list[BulkCoach] = []
    transfer_chosen_names: list[str] = []
    mark_unavailable: bool = False
    transfer_error: str = ""
    previewing: bool = False
    preview_changes: int = 0
    preview_participants: int = 0
    preview_sources: list[SourceLine] = []
    preview_more_sources: int = 0
    preview_loads: list[LoadLine] = []
    preview_programs: str = ""

    _transfer_coach: int = 0
    _transfer_chosen: list[int] = []
    _preview_digest: str = ""

    def _raw_query(self) -> dict[str, Any]:
        return {
            "search": self.search,
            "program_id": None if self.program_id == "all" else _id_or_raw(self.program_id),
            "availability": self.availability,
            "sort": self.sort,
            "descending": self.descending,
            "page": self.page,
            "page_size": self.page_size,
        }

    def _show(self, page: WorkloadPage) -> None:
        self.rows = [_row(coach) for coach in page.rows]
        data, series = load_chart(page.rows)
        self.chart = data
        self.series = [{**s, "color": PALETTE[i % len(PALETTE)]} for i, s in enumerate(series)]
        self.total, self.unavailable_total = page.coaches, page.unavailable
        self.page_count = page.page_count
        self.page = page.query.page
        self.loaded = True

    async def _fetch(self, actor: Actor, query: WorkloadQuery) -> WorkloadPage:
        return await in_thread(run_read, coach_workload, actor=actor, query=query)

    async def _reload(self) -> None:
        actor = await acting_user(self)
        try:
            query = workload_query_from(self._raw_query())
            page = await self._fetch(actor, query)
            if not page.rows and query.page > 1 and page.coaches:
                page = await self._fetch(
                    actor, workload_query_from({**self._raw_query(), "page": page.page_count})
                )
        except DomainError as error:
            self.error = error.message
            return
        self.error = ""
        self._show(page)

    @rx.event
    @requires(*VIEW)
    async def load(self) -> rx.event.EventSpec | None:
        actor = await acting_user(self)
        self.transfer_open = False
        try:
            options = await in_thread(run_read, grid_options, actor=actor, scope=GridScope.MANAGER)
        except DomainError as error:
            self.error = error.message
            return None
        self.program_options = [{"id": str(o.id), "label": o.label} for o in options.programs]
        await self._reload()
        if not self.loaded:
            return None
        return await self._start_live(actor)

    def _live_snapshot(self) -> dict[str, Any]:
        return self._raw_query()

    async def _live_reload(self, actor: Actor, touched: list[int], snapshot: dict[str, Any]) -> Apply | None:
        page = await self._fetch(actor, workload_query_from(snapshot))
        return lambda: self._show(page)

    async def _set_and_reload(self, **values: Any) -> None:
        previous = {name: getattr(self, name) for name in (*values, "page")}
        for name, value in values.items():
            setattr(self, name, value)
        self.page = 1
        try:
            workload_query_from(self._raw_query())
        except DomainError as error:
            for name, value in previous.items():
                setattr(self, name, value)
            self.error = error.message
            return
        await self._reload()

    @rx.event
    @requires(*VIEW)
    async def set_search(self, value: str) -> None:
        await self._set_and_reload(search=value)

    @rx.event
    @requires(*VIEW)
    async def set_program(self, value: str) -> None:
        await self._set_and_reload(program_id=value)

    @rx.event
    @requires(*VIEW)
    async def set_availability(self, value: str) -> None:
        await self._set_and_reload(availability=value)

    @rx.event
    @requires(*VIEW)
    async def set_sort(self, value: str) -> None:
        await self._set_and_reload(sort=value)

    @rx.event
    @requires(*VIEW)
    async def toggle_direction(self) -> None:
        await self._set_and_reload(descending=not self.descending)

    @rx.event
    @requires(*VIEW)
    async def set_page_size(self, value: str) -> None:
        await self._set_and_reload(page_size=_id_or_raw(value))

    @rx.event
    @requires(*VIEW)
    async def next_page(self) -> None:
        self.page = min(self.page + 1, self.page_count)
        await self._reload()

    @rx.event
    @requires(*VIEW)
    async def previous_page(self) -> None:
        self.page = max(self.page - 1, 1)
        await self._reload()

    @rx.event
    @requires(*VIEW)
    async def export_csv(self) -> rx.event.EventSpec | None:
        actor = await acting_user(self)
        try:
            rows = await in_thread(
                run_read, coach_workload_export, actor=actor, query=workload_query_from(self._raw_query())
            )
        except DomainError as error:
            self.error = error.message
            return None
        csv = await in_thread(workload_csv, rows)
        return rx.download(data=csv, filename="coach-workload.csv", mime_type="text/csv")

    @rx.event
    @requires(*VIEW)
    async def set_coach_available(self, coach_id: int, available: bool) -> rx.event.EventSpec | None:
        row = next((r for r in self.rows if r.coach_id == coach_id and not isinstance(coach_id, bool)), None)
        if row is None:
            self.error = NOT_ON_PAGE
            return None
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write,
                coach_set_availability,
                actor=actor,
                coach_id=row.coach_id,
                available=as_bool(available),
            )
        except DomainError as error:
            self.error = error.message
            return None
        await self._reload()
        return rx.toast.success(
            f"{row.name} is available again." if available else f"{row.name} is marked unavailable."
        )

    # Transfer all: pick the program(s), the receiving coaches, preview, confirm.

    async def _load_candidates(self) -> None:
        actor = await acting_user(self)
        program = None if self.transfer_program == "all" else _id_or_raw(self.transfer_program)
        try:
            found = await in_thread(
                run_read,
                program_coach_candidates,
                actor=actor,
                program_id=program,
                replacing_coach_id=self._transfer_coach if program is None else None,
                search=self.transfer_search,
            )
        except DomainError as error:
            self.transfer_error = error.message
            self.transfer_candidates = []
            return
        chosen = set(self._transfer_chosen)
        self.transfer_candidates = [
            BulkCoach(c.coach_id, c.name, c.email, c.load, c.coach_id in chosen)
            for c in found
            if c.coach_id != self._transfer_coach
        ]

    def _reset_preview(self) -> None:
        self.previewing = False
        self._preview_digest = ""
        self.preview_sources, self.preview_loads = [], []
        self.preview_changes = self.preview_participants = self.preview_more_sources = 0
        self.preview_programs = ""

    @rx.event
    @requires(*MOVE)
    async def open_transfer(self, coach_id: int) -> None:
        row = next((r for r in self.rows if r.coach_id == coach_id and not isinstance(coach_id, bool)), None)
        if row is None:
            self.error = NOT_ON_PAGE
            return
        self._transfer_coach = row.coach_id
        self.transfer_coach_name = row.name
        self.transfer_programs = [{"id": str(p.program_id), "label": p.program} for p in row.programs]
        self.transfer_program = "all"
        self.transfer_search = ""
        self._transfer_chosen, self.transfer_chosen_names = [], []
        self.mark_unavailable = False
        self.transfer_error = ""
        self._reset_preview()
        self.transfer_open = True
        await self._load_candidates()

    @rx.event
    @requires(*MOVE)
    async def set_transfer_program(self, value: str) -> None:
        if value != "all" and not any(p["id"] == value for p in self.transfer_programs):
            self.transfer_error = "Choose one of this coach's programs."
            return
        self.transfer_program = value
        self._transfer_chosen, self.transfer_chosen_names = [], []
        self.transfer_error = ""
        self._reset_preview()
        await self._load_candidates()

    @rx.event
    @requires(*MOVE)
    async def search_transfer_coaches(self, value: str) -> None:
        try:
            self.transfer_search = as_search(value)
        except ValidationFailed as error:
            self.transfer_error = error.message
            return
        self.transfer_error = ""
        await self._load_candidates()

    @rx.event
    @requires(*MOVE)
    def toggle_transfer_coach(self, coach_id: int) -> None:
        picked = next(
            (
                c
                for c in self.transfer_candidates
                if c.coach_id == coach_id and not isinstance(coach_id, bool)
            ),
            None,
        )
        if picked is None:
            self.transfer_error = "Choose a coach from the list."
            return
        if picked.coach_id in self._transfer_chosen:
            keep = [i for i, cid in enumerate(self._transfer_chosen) if cid != picked.coach_id]
            self._transfer_chosen = [self._transfer_chosen[i] for i in keep]
            self.transfer_chosen_names = [self.transfer_chosen_names[i] for i in keep]
        elif len(self._transfer_chosen) >= MAX_COACHES:
            self.transfer_error = f"Choose at most {MAX_COACHES} coaches."
            return
        else:
            self._transfer_chosen = [*self._transfer_chosen, picked.coach_id]
            self.transfer_chosen_names = [*self.transfer_chosen_names, picked.name]
        chosen = set(self._transfer_chosen)
        self.transfer_candidates = [
            dataclasses.replace(c, chosen=c.coach_id in chosen) for c in self.transfer_candidates
        ]
        self.transfer_error = ""

    @rx.event
    @requires(*MOVE)
    def set_mark_unavailable(self, value: bool) -> None:
        if isinstance(value, bool):
            self.mark_unavailable = value

    def _program_choice(self) -> int | None:
        return None if self.transfer_program == "all" else _id_or_raw(self.transfer_program)

    async def _preview(self, actor: Actor) -> BulkPreview:
        return await in_thread(
            run_read,
            coach_transfer_preview,
            actor=actor,
            from_coach_id=self._transfer_coach,
            to_coach_ids=list(self._transfer_chosen),
            program_id=self._program_choice(),
        )

    def _show_preview(self, preview: BulkPreview) -> None:
        sources, more, loads, _ = preview_lines(preview)
        self.preview_sources, self.preview_more_sources, self.preview_loads = sources, more, loads
        self.preview_changes, self.preview_participants = preview.changes, preview.participants
        self.preview_programs = ", ".join(preview.programs)
        self._preview_digest = preview.digest
        self.previewing = True

    @rx.event
    @requires(*MOVE)
    async def preview_transfer(self) -> None:
        if not self._transfer_chosen:
            self.transfer_error = "Choose at least one coach to take over."
            return
        actor = await acting_user(self)
        try:
            self._show_preview(await self._preview(actor))
        except DomainError as error:
            self.transfer_error = error.message
            return
        self.transfer_error = ""

    @rx.event
    @requires(*MOVE)
    def back_from_preview(self) -> None:
        self._reset_preview()

    @rx.event
    @requires(*MOVE)
    def close_transfer(self) -> None:
        self.transfer_open = False
        self._reset_preview()

    @rx.event
    @requires(*MOVE)
    async def confirm_transfer(self) -> rx.event.EventSpec | None:
        if not self.previewing or not self._preview_digest:
            self.transfer_error = "Preview the transfer first."
            return None
        actor = await acting_user(self)
        name, unavailable = self.transfer_coach_name, self.mark_unavailable
        try:
            result = await in_thread(
                run_write,
                coach_transfer_apply,
                actor=actor,
                from_coach_id=self._transfer_coach,
                to_coach_ids=list(self._transfer_chosen),
                program_id=self._program_choice(),
                expected_digest=self._preview_digest,
                mark_unavailable=unavailable,
            )
        except Conflict as error:
            self.transfer_error = error.message
            try:
                self._show_preview(await self._preview(actor))
            except DomainError:
                self._reset_preview()
            return None
        except DomainError as error:
            self.transfer_error = error.message
            return None
        self.transfer_open = False
        self._reset_preview()
        await self._reload()
        suffix = f" {name} is marked unavailable." if unavailable else ""
        return rx.toast.success(f"{result.changed} enrollments moved from {name}.{suffix}")
