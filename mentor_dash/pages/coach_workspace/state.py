"""State of /coach: the coach's enrollments, the grading queue and the coach's groups.

One page of rows and one page of the queue live in the browser; filters, paging and every
change go through selectors and services that check the coach's scope again.
"""

import dataclasses
import time
from typing import Any

import reflex as rx

from mentor_dash import routes
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import DomainError
from mentor_dash.live import HIGHLIGHT_SECONDS, Apply, LivePage, detached
from mentor_dash.pages.coach_workspace.grading import BAD_FORM, GradeDialog, form_texts, when
from mentor_dash.selectors.coach_workspace import (
    WorkspaceOptions,
    WorkspacePage,
    WorkspaceRow,
    coach_participants_touched,
    coach_workspace_options,
    coach_workspace_page,
    workspace_query_from,
)
from mentor_dash.selectors.grading_queue import QUEUE_PAGE_SIZES, GradingQueue, grading_queue
from mentor_dash.services.coach_enrollments import coach_enrollment_set_archived
from mentor_dash.services.groups import (
    group_add_member,
    group_create,
    group_delete,
    group_remove_member,
    group_rename,
)
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import acting_user, in_thread, requires

PAGE = (Action.VIEW_COACH_WORKSPACE,)
QUEUE_PAGE_SIZE = QUEUE_PAGE_SIZES[1]
NOT_ON_PAGE = "That is not on this page any more."


@dataclasses.dataclass
class GroupChip:
    group_id: int = 0
    name: str = ""


@dataclasses.dataclass
class RowView:
    """One enrollment as a table row, already formatted."""

    enrollment_id: int = 0
    href: str = ""
    name: str = ""
    email: str = ""
    program: str = ""
    program_start: bool = False
    program_count: int = 0
    primary: bool = False
    archived: bool = False
    xp: int = 0
    xp_total: int = 0
    xp_percent: int = 0
    threshold_pct: int = 0
    modules_done: int = 0
    modules_total: int = 0
    last_activity: str = ""
    waiting: int = 0
    eligible: int = 0
    released: int = 0
    submitted: int = 0
    passed: int = 0
    failed: int = 0
    groups: list[GroupChip] = dataclasses.field(default_factory=list)
    changed: bool = False


@dataclasses.dataclass
class QueueItemView:
    submission_id: int = 0
    href: str = ""
    participant: str = ""
    program: str = ""
    module: str = ""
    assignment: str = ""
    xp: int = 0
    preview: str = ""
    submitted: str = ""


@dataclasses.dataclass
class ExamItemView:
    attempt_id: int = 0
    href: str = ""
    participant: str = ""
    program: str = ""
    exam: str = ""
    attempt_no: int = 1
    submitted: str = ""


@dataclasses.dataclass
class GroupView:
    group_id: int = 0
    program_id: int = 0
    program: str = ""
    name: str = ""
    members: int = 0


def _row_view(row: WorkspaceRow, *, start: bool, count: int, changed: bool = False) -> RowView:
    percent = round(100 * row.xp_earned / row.xp_total) if row.xp_total else 0
    return RowView(
        enrollment_id=row.enrollment_id,
        href=routes.coach_enrollment(row.enrollment_id),
        name=row.name,
        email=row.email,
        program=row.program,
        program_start=start,
        program_count=count,
        primary=row.is_primary,
        archived=row.archived,
        xp=row.xp_earned,
        xp_total=row.xp_total,
        xp_percent=min(percent, 100),
        threshold_pct=row.threshold_pct,
        modules_done=row.modules_done,
        modules_total=row.modules_total,
        last_activity=when(row.last_activity_at) if row.last_activity_at else "No activity yet",
        waiting=row.waiting_submissions,
        eligible=row.exams.eligible,
        released=row.exams.released,
        submitted=row.exams.submitted,
        passed=row.exams.passed,
        failed=row.exams.failed,
        groups=[GroupChip(tag.group_id, tag.name) for tag in row.groups],
        changed=changed,
    )


def _row_views(page: WorkspacePage, changed: set[int] | None = None) -> list[RowView]:
    views, previous = [], None
    for row in page.rows:
        views.append(
            _row_view(
                row,
                start=row.program_id != previous,
                count=page.per_program.get(row.program_id, 0),
                changed=row.enrollment_id in (changed or set()),
            )
        )
        previous = row.program_id
    return views


def _int_or_raw(value: Any) -> Any:
    """Select boxes send numbers as text; anything else goes on as it came, to be refused."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    return value


class CoachWorkspaceState(GradeDialog, LivePage, rx.State):  # type: ignore[misc]
    loaded: bool = False
    error: str = ""

    rows: list[RowView] = []
    total: int = 0
    page_count: int = 1
    search: str = ""
    program_id: str = "all"
    group_id: str = "all"
    archived: bool = False
    attention_only: bool = False
    page: int = 1
    page_size: int = 25

    program_options: list[dict[str, str]] = []
    groups: list[GroupView] = []

    queue: list[QueueItemView] = []
    queue_total: int = 0
    queue_page: int = 1
    queue_page_count: int = 1
    exam_queue: list[ExamItemView] = []
    exam_queue_total: int = 0

    group_error: str = ""
    group_form_key: int = 0
    rename_open: bool = False
    rename_current: str = ""
    delete_open: bool = False
    delete_name: str = ""
    delete_members: int = 0
    member_open: bool = False
    member_name: str = ""
    member_program: str = ""
    member_choices: list[GroupChip] = []
    member_error: str = ""

    _rename_group: int = 0
    _delete_group: int = 0
    _member_enrollment: int = 0
    _highlight_until: float = 0.0
    _shown_participants: list[int] = []

    # Loading

    def _raw_query(self) -> dict[str, Any]:
        return {
            "search": self.search,
            "program_id": _int_or_raw(self.program_id),
            "group_id": _int_or_raw(self.group_id),
            "archived": self.archived,
            "attention_only": self.attention_only,
            "page": self.page,
            "page_size": self.page_size,
        }

    def _show_page(self, page: WorkspacePage, changed: set[int] | None = None) -> None:
        self.rows = _row_views(page, changed)
        self._shown_participants = sorted({row.participant_id for row in page.rows})
        self.total = page.total
        self.page_count = page.page_count
        self.page = page.query.page
        self.loaded = True

    def _show_options(self, options: WorkspaceOptions) -> None:
        self.program_options = [{"id": str(p.program_id), "label": p.name} for p in options.programs]
        self.groups = [
            GroupView(g.group_id, g.program_id, g.program, g.name, g.members) for g in options.groups
        ]
        if self.group_id != "all" and self.group_id not in {str(g.group_id) for g in self.groups}:
            self.group_id = "all"

    def _show_queue(self, queue: GradingQueue) -> None:
        self.queue = [
            QueueItemView(
                submission_id=item.submission_id,
                href=routes.coach_enrollment(item.enrollment_id),
                participant=item.participant,
                program=item.program,
                module=item.module,
                assignment=item.assignment,
                xp=item.xp,
                preview=item.preview,
                submitted=when(item.submitted_at),
            )
            for item in queue.submissions
        ]
        self.queue_total = queue.submissions_total
        self.queue_page = queue.page
        self.queue_page_count = queue.page_count
        self.exam_queue = [
            ExamItemView(
                attempt_id=item.attempt_id,
                href=routes.coach_enrollment(item.enrollment_id),
                participant=item.participant,
                program=item.program,
                exam=item.exam,
                attempt_no=item.attempt_no,
                submitted=when(item.submitted_at),
            )
            for item in queue.exams
        ]
        self.exam_queue_total = queue.exams_total

    async def _fetch(
        self, actor: Actor, raw: dict[str, Any], queue_page: int
    ) -> tuple[WorkspacePage, GradingQueue, WorkspaceOptions]:
        query = workspace_query_from(raw)

        def read_all() -> tuple[WorkspacePage, GradingQueue, WorkspaceOptions]:
            page = run_read(coach_workspace_page, actor=actor, query=query)
            if not page.rows and query.page > 1 and page.total:
                page = run_read(
                    coach_workspace_page,
                    actor=actor,
                    query=dataclasses.replace(query, page=page.page_count),
                )
            queue = run_read(grading_queue, actor=actor, page=queue_page, page_size=QUEUE_PAGE_SIZE)
            if not queue.submissions and queue_page > 1 and queue.submissions_total:
                queue = run_read(grading_queue, actor=actor, page=queue.page_count, page_size=QUEUE_PAGE_SIZE)
            return page, queue, run_read(coach_workspace_options, actor=actor)

        return await in_thread(read_all)

    async def _reload(self) -> None:
        actor = await acting_user(self)
        try:
            page, queue, options = await self._fetch(actor, self._raw_query(), self.queue_page)
        except DomainError as error:
            self.error = error.message
            return
        self.error = ""
        self._show_options(options)
        self._show_page(page)
        self._show_queue(queue)

    @rx.event
    @requires(*PAGE)
    async def load(self) -> rx.event.EventSpec | None:
        """on_load: the first page of enrollments, the grading queue, the groups; then follow changes."""
        self.grade_open = self.rename_open = self.delete_open = self.member_open = False
        await self._reload()
        if self.error:
            return None
        return await self._start_live(await acting_user(self))

    def _live_snapshot(self) -> tuple[dict[str, Any], int, dict[int, RowView], set[int]]:
        shown = {row.enrollment_id: detached(row) for row in self.rows}
        return self._raw_query(), self.queue_page, shown, set(self._shown_participants)

    async def _live_reload(
        self,
        actor: Actor,
        touched: list[int],
        snapshot: tuple[dict[str, Any], int, dict[int, RowView], set[int]],
    ) -> Apply | None:
        raw, queue_page, shown, shown_participants = snapshot
        # Group changes concern no participant (0); anything else matters when it is about
        # someone shown here or someone this coach coaches (new work in the queue, a hand-over).
        if not (0 in touched or shown_participants & set(touched)) and not await in_thread(
            run_read, coach_participants_touched, actor=actor, participant_ids=touched
        ):
            return None
        page, queue, options = await self._fetch(actor, raw, queue_page)
        fresh = _row_views(page)
        changed = {
            view.enrollment_id
            for view in fresh
            if view.enrollment_id in shown
            and dataclasses.replace(view, changed=False)
            != dataclasses.replace(shown[view.enrollment_id], changed=False)
        }

        def apply() -> None:
            self._show_options(options)
            self._show_page(page, changed)
            self._show_queue(queue)
            if changed:
                self._highlight_until = time.monotonic() + HIGHLIGHT_SECONDS

        return apply

    def _live_tick(self, now: float) -> None:
        if self._highlight_until and now >= self._highlight_until:
            self.rows = [dataclasses.replace(row, changed=False) for row in self.rows]
            self._highlight_until = 0.0

    # Filters and paging

    async def _set_and_reload(self, **values: Any) -> None:
        previous = {name: getattr(self, name) for name in (*values, "page")}
        for name, value in values.items():
            setattr(self, name, value)
        self.page = 1
        try:
            workspace_query_from(self._raw_query())
        except DomainError as error:
            for name, value in previous.items():
                setattr(self, name, value)
            self.error = error.message
            return
        await self._reload()

    @rx.event
    @requires(*PAGE)
    async def set_search(self, value: str) -> None:
        await self._set_and_reload(search=value)

    @rx.event
    @requires(*PAGE)
    async def set_program(self, value: str) -> None:
        if value != "all" and (
            not isinstance(value, str) or value not in {option["id"] for option in self.program_options}
        ):
            self.error = "Choose one of the programs in the list."
            return
        await self._set_and_reload(program_id=value)

    @rx.event
    @requires(*PAGE)
    async def set_group(self, value: str) -> None:
        if value != "all" and (
            not isinstance(value, str) or value not in {str(group.group_id) for group in self.groups}
        ):
            self.error = "Choose one of your groups in the list."
            return
        await self._set_and_reload(group_id=value)

    @rx.event
    @requires(*PAGE)
    async def set_archived(self, value: bool) -> None:
        await self._set_and_reload(archived=value)

    @rx.event
    @requires(*PAGE)
    async def set_attention_only(self, value: bool) -> None:
        await self._set_and_reload(attention_only=value)

    @rx.event
    @requires(*PAGE)
    async def set_page_size(self, value: str) -> None:
        await self._set_and_reload(page_size=_int_or_raw(value))

    @rx.event
    @requires(*PAGE)
    async def next_page(self) -> None:
        self.page = min(self.page + 1, self.page_count)
        await self._reload()

    @rx.event
    @requires(*PAGE)
    async def previous_page(self) -> None:
        self.page = max(self.page - 1, 1)
        await self._reload()

    @rx.event
    @requires(*PAGE)
    async def next_queue_page(self) -> None:
        self.queue_page = min(self.queue_page + 1, self.queue_page_count)
        await self._reload()

    @rx.event
    @requires(*PAGE)
    async def previous_queue_page(self) -> None:
        self.queue_page = max(self.queue_page - 1, 1)
        await self._reload()

    # Grading from the queue

    def _gradable_ids(self) -> set[int]:
        return {item.submission_id for item in self.queue}

    async def _after_grade(self) -> None:
        await self._reload()

    # Archive

    def _shown_row(self, enrollment_id: Any) -> RowView | None:
        if isinstance(enrollment_id, bool):
            return None
        return next((row for row in self.rows if row.enrollment_id == enrollment_id), None)

    @rx.event
    @requires(Action.ARCHIVE_STUDENT)
    async def toggle_archive(self, enrollment_id: int) -> rx.event.EventSpec | None:
        row = self._shown_row(enrollment_id)
        if row is None:
            return rx.toast.error(NOT_ON_PAGE)
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write,
                coach_enrollment_set_archived,
                actor=actor,
                enrollment_id=row.enrollment_id,
                archived=not row.archived,
            )
        except DomainError as error:
            await self._reload()
            return rx.toast.error(error.message)
        await self._reload()
        if row.archived:
            return rx.toast.success(f"{row.name} ({row.program}) is back in your list.")
        return rx.toast.success(
            f"{row.name} ({row.program}) is archived: find them under the Archived filter."
        )

    # Groups: members

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    def open_add_to_group(self, enrollment_id: int) -> rx.event.EventSpec | None:
        row = self._shown_row(enrollment_id)
        if row is None:
            return rx.toast.error(NOT_ON_PAGE)
        joined = {chip.group_id for chip in row.groups}
        self.member_choices = [
            GroupChip(g.group_id, g.name)
            for g in self.groups
            if g.program == row.program and g.group_id not in joined
        ]
        self._member_enrollment = row.enrollment_id
        self.member_name, self.member_program = row.name, row.program
        self.member_error = ""
        self.member_open = True
        return None

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    def close_member_dialog(self) -> None:
        self.member_open = False
        self._member_enrollment = 0

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def add_to_group(self, group_id: int) -> rx.event.EventSpec | None:
        chip = next(
            (c for c in self.member_choices if not isinstance(group_id, bool) and c.group_id == group_id),
            None,
        )
        if chip is None or not self.member_open or not self._member_enrollment:
            self.member_error = "Choose one of the groups in the list."
            return None
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write,
                group_add_member,
                actor=actor,
                group_id=chip.group_id,
                enrollment_id=self._member_enrollment,
            )
        except DomainError as error:
            self.member_error = error.message
            return None
        name = self.member_name
        self.member_open = False
        self._member_enrollment = 0
        await self._reload()
        return rx.toast.success(f"{name} is now in {chip.name}.")

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def remove_from_group(self, enrollment_id: int, group_id: int) -> rx.event.EventSpec | None:
        row = self._shown_row(enrollment_id)
        chip = (
            next((c for c in row.groups if not isinstance(group_id, bool) and c.group_id == group_id), None)
            if row
            else None
        )
        if row is None or chip is None:
            return rx.toast.error(NOT_ON_PAGE)
        actor = await acting_user(self)
        try:
            await in_thread(
                run_write,
                group_remove_member,
                actor=actor,
                group_id=chip.group_id,
                enrollment_id=row.enrollment_id,
            )
        except DomainError as error:
            await self._reload()
            return rx.toast.error(error.message)
        await self._reload()
        return rx.toast.success(f"{row.name} left {chip.name}.")

    # Groups: create, rename, delete

    def _shown_group(self, group_id: Any) -> GroupView | None:
        if isinstance(group_id, bool):
            return None
        return next((g for g in self.groups if g.group_id == group_id), None)

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def create_group(self, form_data: dict[str, Any]) -> rx.event.EventSpec | None:
        fields = form_texts(form_data, "program_id", "name")
        if fields is None:
            self.group_error = BAD_FORM
            return None
        if fields["program_id"] not in {option["id"] for option in self.program_options}:
            self.group_error = "Choose one of your programs."
            return None
        actor = await acting_user(self)
        try:
            group = await in_thread(
                run_write,
                group_create,
                actor=actor,
                program_id=int(fields["program_id"]),
                name=fields["name"],
            )
        except DomainError as error:
            self.group_error = error.message
            return None
        self.group_error = ""
        self.group_form_key += 1
        await self._reload()
        return rx.toast.success(f"Group “{group.name}” created.")

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    def open_rename(self, group_id: int) -> rx.event.EventSpec | None:
        group = self._shown_group(group_id)
        if group is None:
            return rx.toast.error(NOT_ON_PAGE)
        self._rename_group = group.group_id
        self.rename_current = group.name
        self.group_error = ""
        self.group_form_key += 1
        self.rename_open = True
        return None

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    def close_rename(self) -> None:
        self.rename_open = False
        self._rename_group = 0

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def rename_group(self, form_data: dict[str, Any]) -> rx.event.EventSpec | None:
        fields = form_texts(form_data, "name")
        if fields is None or not self.rename_open or not self._rename_group:
            self.group_error = BAD_FORM
            return None
        actor = await acting_user(self)
        try:
            group = await in_thread(
                run_write, group_rename, actor=actor, group_id=self._rename_group, name=fields["name"]
            )
        except DomainError as error:
            self.group_error = error.message
            return None
        self.rename_open = False
        self._rename_group = 0
        self.group_error = ""
        await self._reload()
        return rx.toast.success(f"Group renamed to “{group.name}”.")

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    def ask_delete_group(self, group_id: int) -> rx.event.EventSpec | None:
        group = self._shown_group(group_id)
        if group is None:
            return rx.toast.error(NOT_ON_PAGE)
        self._delete_group = group.group_id
        self.delete_name = group.name
        self.delete_members = group.members
        self.delete_open = True
        return None

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    def cancel_delete_group(self) -> None:
        self.delete_open = False
        self._delete_group = 0

    @rx.event
    @requires(Action.GROUP_STUDENTS)
    async def confirm_delete_group(self) -> rx.event.EventSpec | None:
        if not self.delete_open or not self._delete_group:
            return rx.toast.error(NOT_ON_PAGE)
        actor = await acting_user(self)
        name = self.delete_name
        self.delete_open = False
        try:
            await in_thread(run_write, group_delete, actor=actor, group_id=self._delete_group)
        except DomainError as error:
            return rx.toast.error(error.message)
        finally:
            self._delete_group = 0
        await self._reload()
        return rx.toast.success(f"Group “{name}” deleted. Its participants stay in your list.")
