"""State of /manager/audit: one page of the organisation's audit trail, its filters and keyset paging."""

import dataclasses
from typing import Any

import reflex as rx

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import DomainError, ValidationFailed
from mentor_dash.domain.grid import AuditQuery, audit_query_from
from mentor_dash.domain.validation import as_search
from mentor_dash.live import Apply, LivePage
from mentor_dash.reports.audit_export import audit_csv
from mentor_dash.selectors.audit_log import (
    ACTION_LABELS,
    AuditPage,
    AuditRow,
    audit_action_choices,
    audit_log_export,
    audit_log_page,
    audit_people,
)
from mentor_dash.services.unit_of_work import run_read
from mentor_dash.state import acting_user, in_thread, requires

VIEW = (Action.VIEW_AUDIT_LOG,)
MAX_DEPTH = 1_000
CHOOSE_PERSON = "Choose someone from the list."


@dataclasses.dataclass
class EventView:
    id: int = 0
    when: str = ""
    who: str = ""
    action: str = ""
    target: str = ""
    participant: str = ""
    change: str = ""
    denied: bool = False


@dataclasses.dataclass
class PersonView:
    user_id: int = 0
    name: str = ""
    email: str = ""


def event_view(row: AuditRow) -> EventView:
    return EventView(
        id=row.id,
        when=row.at.strftime("%d %b %Y %H:%M:%S"),
        who=row.actor_name,
        action=row.action_label,
        target=f"{row.target_type} {row.target_id}" if row.target_id is not None else row.target_type,
        participant=row.participant_name or "—",
        change=row.change or "—",
        denied=row.outcome == "denied",
    )


def _id_or_raw(value: Any) -> Any:
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    return value


class ManagerAuditState(LivePage, rx.State):  # type: ignore[misc]
    rows: list[EventView] = []
    action_options: list[dict[str, str]] = [
        {"id": key, "label": label} for key, label in audit_action_choices()
    ]
    error: str = ""
    loaded: bool = False

    action: str = "all"
    outcome: str = "all"
    date_from: str = ""
    date_to: str = ""
    page_size: int = 50
    actor_label: str = ""
    participant_label: str = ""
    actor_search: str = ""
    participant_search: str = ""
    actor_suggestions: list[PersonView] = []
    participant_suggestions: list[PersonView] = []

    page_number: int = 1
    has_older: bool = False

    _actor_id: int = 0
    _participant_id: int = 0
    _cursors: list[int] = []
    _older: int = 0

    def _raw_query(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "outcome": self.outcome,
            "actor_id": self._actor_id or None,
            "participant_id": self._participant_id or None,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "before_id": self._cursors[-1] if self._cursors else None,
            "page_size": self.page_size,
        }

    def _query(self) -> AuditQuery:
        return audit_query_from(self._raw_query(), actions=ACTION_LABELS)

    def _show(self, page: AuditPage) -> None:
        self.rows = [event_view(row) for row in page.rows]
        self._older = page.older_before_id or 0
        self.has_older = page.has_older
        self.page_number = len(self._cursors) + 1
        self.loaded = True

    async def _fetch(self, actor: Actor, query: AuditQuery) -> AuditPage:
        return await in_thread(run_read, audit_log_page, actor=actor, query=query)

    async def _reload(self) -> bool:
        actor = await acting_user(self)
        try:
            page = await self._fetch(actor, self._query())
        except DomainError as error:
            self.error = error.message
            return False
        self.error = ""
        self._show(page)
        return True

    def _url_filters(self) -> None:
        params = self.router.url.query_parameters
        for key, attribute in (("participant", "_participant_id"), ("actor", "_actor_id")):
            value = params.get(key, "")
            setattr(self, attribute, int(value) if value.isdigit() and len(value) <= 10 else 0)
        action = params.get("action", "")
        self.action = action if action in ACTION_LABELS else "all"

    @rx.event
    @requires(*VIEW)
    async def load(self) -> rx.event.EventSpec | None:
        self._cursors = []
        if set(self.router.url.query_parameters) & {"participant", "actor", "action"}:
            self._url_filters()
            self.actor_label = f"#{self._actor_id}" if self._actor_id else ""
            self.participant_label = f"#{self._participant_id}" if self._participant_id else ""
        if not await self._reload():
            self._actor_id = self._participant_id = 0
            self.actor_label = self.participant_label = ""
            return None
        if self.rows and self._actor_id:
            self.actor_label = self.rows[0].who
        if self.rows and self._participant_id:
            self.participant_label = self.rows[0].participant
        return await self._start_live(await acting_user(self))

    def _live_snapshot(self) -> dict[str, Any] | None:
        # Only the first page follows the feed: older pages stay where the reader is.
        return self._raw_query() if not self._cursors else None

    async def _live_reload(
        self, actor: Actor, touched: list[int], snapshot: dict[str, Any] | None
    ) -> Apply | None:
        if snapshot is None:
            return None
        page = await self._fetch(actor, audit_query_from(snapshot, actions=ACTION_LABELS))

        def apply() -> None:
            if not self._cursors:
                self._show(page)

        return apply

    async def _set_and_reload(self, **values: Any) -> None:
        previous = {name: getattr(self, name) for name in values}
        cursors = list(self._cursors)
        for name, value in values.items():
            setattr(self, name, value)
        self._cursors = []
        try:
            self._query()
        except DomainError as error:
            for name, value in previous.items():
                setattr(self, name, value)
            self._cursors = cursors
            self.error = error.message
            return
        await self._reload()

    @rx.event
    @requires(*VIEW)
    async def set_action(self, value: str) -> None:
        await self._set_and_reload(action=value)

    @rx.event
    @requires(*VIEW)
    async def set_outcome(self, value: str) -> None:
        await self._set_and_reload(outcome=value)

    @rx.event
    @requires(*VIEW)
    async def set_date_from(self, value: str) -> None:
        await self._set_and_reload(date_from=value)

    @rx.event
    @requires(*VIEW)
    async def set_date_to(self, value: str) -> None:
        await self._set_and_reload(date_to=value)

    @rx.event
    @requires(*VIEW)
    async def set_page_size(self, value: str) -> None:
        await self._set_and_reload(page_size=_id_or_raw(value))

    # Choosing whose events to see (who acted, or whom they were about).

    async def _people(self, search: str) -> list[PersonView] | None:
        try:
            search = as_search(search)
        except ValidationFailed as error:
            self.error = error.message
            return None
        actor = await acting_user(self)
        try:
            found = await in_thread(run_read, audit_people, actor=actor, search=search)
        except DomainError as error:
            self.error = error.message
            return None
        return [PersonView(p.user_id, p.name, p.email) for p in found]

    @rx.event
    @requires(*VIEW)
    async def search_actor(self, value: str) -> None:
        found = await self._people(value)
        if found is not None:
            self.actor_search, self.actor_suggestions = value, found

    @rx.event
    @requires(*VIEW)
    async def search_participant(self, value: str) -> None:
        found = await self._people(value)
        if found is not None:
            self.participant_search, self.participant_suggestions = value, found

    def _suggested(self, suggestions: list[PersonView], user_id: Any) -> PersonView | None:
        if isinstance(user_id, bool):
            return None
        return next((p for p in suggestions if p.user_id == user_id), None)

    @rx.event
    @requires(*VIEW)
    async def choose_actor(self, user_id: int) -> None:
        person = self._suggested(self.actor_suggestions, user_id)
        if person is None:
            self.error = CHOOSE_PERSON
            return
        self.actor_label, self.actor_search, self.actor_suggestions = person.name, "", []
        await self._set_and_reload(_actor_id=person.user_id)

    @rx.event
    @requires(*VIEW)
    async def choose_participant(self, user_id: int) -> None:
        person = self._suggested(self.participant_suggestions, user_id)
        if person is None:
            self.error = CHOOSE_PERSON
            return
        self.participant_label, self.participant_search, self.participant_suggestions = person.name, "", []
        await self._set_and_reload(_participant_id=person.user_id)

    @rx.event
    @requires(*VIEW)
    async def clear_actor(self) -> None:
        self.actor_label = ""
        await self._set_and_reload(_actor_id=0)

    @rx.event
    @requires(*VIEW)
    async def clear_participant(self) -> None:
        self.participant_label = ""
        await self._set_and_reload(_participant_id=0)

    # Keyset paging: older pages start below the last id shown; newer ones pop the cursor.

    @rx.event
    @requires(*VIEW)
    async def older_page(self) -> None:
        if not self._older or len(self._cursors) >= MAX_DEPTH:
            return
        self._cursors = [*self._cursors, self._older]
        if not await self._reload():
            self._cursors = self._cursors[:-1]

    @rx.event
    @requires(*VIEW)
    async def newer_page(self) -> None:
        if not self._cursors:
            return
        self._cursors = self._cursors[:-1]
        await self._reload()

    @rx.event
    @requires(*VIEW)
    async def newest_page(self) -> None:
        self._cursors = []
        await self._reload()

    @rx.event
    @requires(*VIEW)
    async def export_csv(self) -> rx.event.EventSpec | None:
        actor = await acting_user(self)
        try:
            query = audit_query_from({**self._raw_query(), "before_id": None}, actions=ACTION_LABELS)
            rows = await in_thread(run_read, audit_log_export, actor=actor, query=query)
        except DomainError as error:
            self.error = error.message
            return None
        csv = await in_thread(audit_csv, rows)
        return rx.download(data=csv, filename="audit-log.csv", mime_type="text/csv")
