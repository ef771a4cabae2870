"""State of the participant grids (/mentor and /manager): one page of rows, filters, live follow.

Everything is filtered, sorted and paged on the server; the browser holds the visible page only.
"""

import dataclasses
import time
from datetime import datetime
from typing import Any, ClassVar

import reflex as rx

from mentor_dash import routes
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import DomainError
from mentor_dash.domain.grid import GridQuery, GridScope, grid_query_from, only_shown_rows_can_change
from mentor_dash.live import HIGHLIGHT_SECONDS, Apply, LivePage, detached, watcher
from mentor_dash.models._types import utcnow
from mentor_dash.pages.participant_grid.manager_tools import ManagerTools
from mentor_dash.reports.grid_export import grid_csv
from mentor_dash.selectors.feed import FeedStep
from mentor_dash.selectors.grid_options import grid_options
from mentor_dash.selectors.participant_grid import (
    GridPage,
    GridRow,
    participant_grid,
    participant_grid_export,
)
from mentor_dash.services.unit_of_work import run_read
from mentor_dash.state import acting_user, in_thread, requires

GRID = (Action.VIEW_MENTOR_OVERVIEW, Action.VIEW_MANAGER_OVERVIEW)


def _date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else "—"


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y %H:%M") if value else "No activity yet"


@dataclasses.dataclass
class ProgramChip:
    program: str = ""
    coach: str = ""
    coachless: bool = False
    primary: bool = False


@dataclasses.dataclass
class RowView:
    """What one table row shows, already formatted: the browser gets text and numbers only."""

    id: int = 0
    href: str = ""
    name: str = ""
    email: str = ""
    programs: list[ProgramChip] = dataclasses.field(default_factory=list)
    xp: int = 0
    xp_available: int = 0
    xp_percent: int = 0
    expiry: str = ""
    subscription: str = ""
    released: int = 0
    submitted: int = 0
    passed: int = 0
    failed: int = 0
    exam_count: int = 0
    warning: bool = False
    last_activity: str = ""
    mentor: str = ""
    changed: bool = False


def row_view(row: GridRow, *, changed: bool = False) -> RowView:
    percent = round(100 * row.xp_earned / row.xp_available) if row.xp_available else 0
    return RowView(
        id=row.participant_id,
        href=routes.mentor_participant(row.participant_id),
        name=row.name,
        email=row.email,
        programs=[
            ProgramChip(cell.program_name, cell.coach_name or "", cell.coach_id is None, cell.is_primary)
            for cell in row.programs
        ],
        xp=row.xp_earned,
        xp_available=row.xp_available,
        xp_percent=min(percent, 100),
        expiry=_date(row.subscription_expires_at),
        subscription=row.subscription_status.value,
        released=row.exams_released,
        submitted=row.exams_submitted,
        passed=row.exams_passed,
        failed=row.exams_failed,
        exam_count=row.exams_released + row.exams_submitted + row.exams_passed + row.exams_failed,
        warning=row.exam_warning,
        last_activity=_when(row.last_activity_at),
        mentor=row.mentor_name or "—",
        changed=changed,
    )


class GridState(LivePage, mixin=True):
    scope: ClassVar[GridScope]

    rows: list[RowView] = []
    total: int = 0
    page_count: int = 1
    coachless_total: int = 0
    coachless_people: int = 0
    expiring_total: int = 0
    expired_total: int = 0
    program_options: list[dict[str, str]] = []
    coach_options: list[dict[str, str]] = []
    error: str = ""
    loaded: bool = False

    search: str = ""
    program_id: str = "all"
    coach_id: str = "all"
    coachless_only: bool = False
    no_mentor: bool = False
    subscription: str = "all"
    exam: str = "all"
    archived: bool = False
    sort: str = "name"
    descending: bool = False
    page: int = 1
    page_size: int = 25

    _highlight_until: float = 0.0

    def _raw_query(self) -> dict[str, Any]:
        return {
            "search": self.search,
            "program_id": None if self.program_id == "all" else _id_or_raw(self.program_id),
            "coach_id": None if self.coach_id == "all" else _id_or_raw(self.coach_id),
            "coachless_only": self.coachless_only,
            "no_mentor": self.no_mentor,
            "subscription": self.subscription,
            "exam": self.exam,
            "archived": self.archived,
            "sort": self.sort,
            "descending": self.descending,
            "page": self.page,
            "page_size": self.page_size,
        }

    def _show(self, page: GridPage, changed_ids: set[int] | None = None) -> None:
        changed_ids = changed_ids or set()
        self.rows = [row_view(row, changed=row.participant_id in changed_ids) for row in page.rows]
        self.total = page.totals.participants
        self.coachless_total = page.totals.coachless_enrollments
        self.coachless_people = page.totals.coachless_participants
        self.expiring_total = page.totals.expiring
        self.expired_total = page.totals.expired
        self.page_count = page.page_count
        self.page = page.query.page
        self.loaded = True
        self._after_show()
        self._share_snapshot()

    # Hooks for the manager's grid (summary, selection, links with filters); the mentor's grid has none.

    def _after_show(self) -> None:
        return None

    def _filters_changed(self) -> None:
        return None

    def _url_filters(self) -> dict[str, Any] | None:
        return None

    async def _load_extras(self, actor: Actor) -> None:
        return None

    async def _live_extras(self, actor: Actor) -> Apply | None:
        return None

    def _reset_filters(self) -> None:
        self.search, self.program_id, self.coach_id = "", "all", "all"
        self.coachless_only = self.no_mentor = self.archived = False
        self.subscription, self.exam = "all", "all"
        self.page = 1

    async def _query_page(self, query: GridQuery) -> GridPage:
        actor = await acting_user(self)
        return await in_thread(
            run_read, participant_grid, actor=actor, scope=self.scope, query=query, now=utcnow()
        )

    async def _reload(self) -> None:
        """Query the page the filters describe; a bad value leaves the grid as it was, with a message."""
        try:
            query = grid_query_from(self._raw_query())
            page = await self._query_page(query)
            if page.rows == [] and query.page > 1 and page.total > 0:
                page = await self._query_page(grid_query_from({**self._raw_query(), "page": page.page_count}))
        except DomainError as error:
            self.error = error.message
            return
        self.error = ""
        self._show(page)

    @rx.event
    @requires(*GRID)
    async def load(self) -> rx.event.EventSpec | None:
        """on_load: filter choices, the first page, and the live follow of the change feed."""
        actor = await acting_user(self)
        try:
            options = await in_thread(run_read, grid_options, actor=actor, scope=self.scope)
        except DomainError as error:
            self.error = error.message
            return None
        self.program_options = [{"id": str(o.id), "label": o.label} for o in options.programs]
        self.coach_options = [{"id": str(o.id), "label": o.label} for o in options.coaches]
        self._apply_url_filters()
        await self._load_extras(actor)
        await self._reload()
        return await self._start_live(actor)

    def _apply_url_filters(self) -> None:
        """A link such as /manager?coachless=1&program=3 opens the grid with that filter, and only that."""
        wanted = self._url_filters()
        if wanted is None:
            return
        self._reset_filters()
        self._filters_changed()
        for name, value in wanted.items():
            setattr(self, name, str(value) if name in ("program_id", "coach_id") else value)
        try:
            grid_query_from(self._raw_query())
        except DomainError as error:
            self._reset_filters()
            self.error = error.message

    async def _set_and_reload(self, **values: Any) -> None:
        """Apply a filter change if it is valid; a refused value leaves the filters as they were."""
        previous = {name: getattr(self, name) for name in (*values, "page")}
        for name, value in values.items():
            setattr(self, name, value)
        self.page = 1
        self._filters_changed()
        try:
            grid_query_from(self._raw_query())
        except DomainError as error:
            for name, value in previous.items():
                setattr(self, name, value)
            self.error = error.message
            return
        await self._reload()

    @rx.event
    @requires(*GRID)
    async def set_search(self, value: str) -> None:
        await self._set_and_reload(search=value)

    @rx.event
    @requires(*GRID)
    async def set_program(self, value: str) -> None:
        await self._set_and_reload(program_id=value)

    @rx.event
    @requires(*GRID)
    async def set_coach(self, value: str) -> None:
        await self._set_and_reload(coach_id=value)

    @rx.event
    @requires(*GRID)
    async def set_coachless_only(self, value: bool) -> None:
        await self._set_and_reload(coachless_only=value)

    @rx.event
    @requires(*GRID)
    async def set_no_mentor(self, value: bool) -> None:
        await self._set_and_reload(no_mentor=value)

    @rx.event
    @requires(*GRID)
    async def set_subscription(self, value: str) -> None:
        await self._set_and_reload(subscription=value)

    @rx.event
    @requires(*GRID)
    async def set_exam(self, value: str) -> None:
        await self._set_and_reload(exam=value)

    @rx.event
    @requires(*GRID)
    async def set_archived(self, value: bool) -> None:
        await self._set_and_reload(archived=value)

    @rx.event
    @requires(*GRID)
    async def set_sort(self, value: str) -> None:
        await self._set_and_reload(sort=value)

    @rx.event
    @requires(*GRID)
    async def toggle_direction(self) -> None:
        await self._set_and_reload(descending=not self.descending)

    @rx.event
    @requires(*GRID)
    async def set_page_size(self, value: str) -> None:
        await self._set_and_reload(page_size=_id_or_raw(value))

    @rx.event
    @requires(*GRID)
    async def next_page(self) -> None:
        self.page = min(self.page + 1, self.page_count)
        await self._reload()

    @rx.event
    @requires(*GRID)
    async def previous_page(self) -> None:
        self.page = max(self.page - 1, 1)
        await self._reload()

    @rx.event
    @requires(*GRID)
    async def export_csv(self) -> rx.event.EventSpec | None:
        """Every matching row (not just this page) as CSV, in the grid's order."""
        actor = await acting_user(self)
        try:
            query = grid_query_from(self._raw_query())
            rows = await in_thread(
                run_read, participant_grid_export, actor=actor, scope=self.scope, query=query, now=utcnow()
            )
        except DomainError as error:
            self.error = error.message
            return None
        csv = await in_thread(grid_csv, rows, include_mentor=self.scope is GridScope.MANAGER)
        return rx.download(data=csv, filename=f"{self.scope.value}-participants.csv", mime_type="text/csv")

    def _live_snapshot(self) -> tuple[dict[str, Any], dict[int, RowView]]:
        return self._raw_query(), {row.id: detached(row) for row in self.rows}

    async def _live_relevant(
        self, actor: Actor, step: FeedStep, snapshot: tuple[dict[str, Any], dict[int, RowView]]
    ) -> bool:
        raw, shown = snapshot
        if only_shown_rows_can_change(progress_only=step.progress_only, sort=raw["sort"], exam=raw["exam"]):
            return not shown.keys().isdisjoint(step.participants)
        if self.scope is GridScope.MENTOR:
            # Only changes to this mentor's (current or former) participants move rows or totals.
            return actor.user_id in await watcher.mentors_of(actor.organization_id, step.participants)
        return bool(step.participants)

    async def _live_reload(
        self, actor: Actor, touched: list[int], snapshot: tuple[dict[str, Any], dict[int, RowView]]
    ) -> Apply | None:
        raw, shown = snapshot
        page = await in_thread(
            run_read,
            participant_grid,
            actor=actor,
            scope=self.scope,
            query=grid_query_from(raw),
            now=utcnow(),
        )
        changed = {
            row.participant_id
            for row in page.rows
            if row.participant_id not in shown or _differs(row_view(row), shown[row.participant_id])
        }

        extras = await self._live_extras(actor)

        def apply() -> None:
            self._show(page, changed)
            if changed:
                self._highlight_until = time.monotonic() + HIGHLIGHT_SECONDS
            if extras is not None:
                extras()

        return apply

    def _live_tick(self, now: float) -> bool:
        if self._highlight_until and now >= self._highlight_until:
            self.rows = [dataclasses.replace(row, changed=False) for row in self.rows]
            self._highlight_until = 0.0
        return bool(self._highlight_until)


def _differs(fresh: RowView, shown: RowView) -> bool:
    return dataclasses.replace(fresh, changed=False) != dataclasses.replace(shown, changed=False)


def _id_or_raw(value: Any) -> Any:
    """Select boxes send numbers as text; anything else goes on as it came, to be refused."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    return value


class MentorGridState(GridState, rx.State):  # type: ignore[misc]
    scope: ClassVar[GridScope] = GridScope.MENTOR


class ManagerGridState(ManagerTools, GridState, rx.State):  # type: ignore[misc]
    scope: ClassVar[GridScope] = GridScope.MANAGER
