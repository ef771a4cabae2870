"""What the manager and mentor tables may be asked for: filters, sort keys, page sizes, bulk selections."""

import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from mentor_dash.domain.errors import ValidationFailed
from mentor_dash.domain.statuses import SubscriptionStatus
from mentor_dash.domain.validation import as_bool, as_choice, as_id, as_int, as_text

PAGE_SIZES = (25, 50, 100)
MAX_SEARCH = 100
MAX_PAGE = 100_000


class GridScope(StrEnum):
    MENTOR = "mentor"
    MANAGER = "manager"


class SortKey(StrEnum):
    NAME = "name"
    XP = "xp"
    EXPIRY = "expiry"
    ACTIVITY = "activity"


class ExamFilter(StrEnum):
    RELEASED = "released"
    SUBMITTED = "submitted"
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"


@dataclass(frozen=True)
class GridQuery:
    search: str = ""
    program_id: int | None = None
    coach_id: int | None = None
    coachless_only: bool = False
    no_mentor: bool = False
    subscription: SubscriptionStatus | None = None
    exam: ExamFilter | None = None
    archived: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False
    page: int = 1
    page_size: int = 25

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _optional_id(value: Any) -> int | None:
    return None if value in (None, "", 0) else as_id(value)


def _optional_choice(value: Any, enum: type[StrEnum]) -> Any:
    return None if value in (None, "", "all") else enum(as_choice(value, {e.value for e in enum}))


def grid_query_from(raw: dict[str, Any]) -> GridQuery:
    """Build a query from browser-sent values; anything out of range is refused, not guessed."""
    return GridQuery(
        search=as_text(raw.get("search", ""), limit=MAX_SEARCH),
        program_id=_optional_id(raw.get("program_id")),
        coach_id=_optional_id(raw.get("coach_id")),
        coachless_only=as_bool(raw.get("coachless_only", False)),
        no_mentor=as_bool(raw.get("no_mentor", False)),
        subscription=_optional_choice(raw.get("subscription"), SubscriptionStatus),
        exam=_optional_choice(raw.get("exam"), ExamFilter),
        archived=as_bool(raw.get("archived", False)),
        sort=SortKey(as_choice(raw.get("sort", "name"), {k.value for k in SortKey})),
        descending=as_bool(raw.get("descending", False)),
        page=as_int(raw.get("page", 1), low=1, high=MAX_PAGE),
        page_size=as_choice(raw.get("page_size", 25), PAGE_SIZES),
    )


# Query parameters of /manager links (the overview's figures link to the grid with a filter).
URL_FLAGS = {"coachless": "coachless_only"}
URL_IDS = {"program": "program_id", "coach": "coach_id"}
URL_CHOICES = {"subscription": "subscription", "exam": "exam"}
URL_KEYS = frozenset({*URL_FLAGS, *URL_IDS, *URL_CHOICES, "mentor"})
NO_MENTOR = "none"


def grid_filters_from_url(params: Mapping[str, str]) -> dict[str, Any]:
    """Filter values from a /manager URL such as ?coachless=1&program=3; checked again by grid_query_from."""
    raw: dict[str, Any] = {}
    for key, name in URL_FLAGS.items():
        if key in params:
            raw[name] = params[key] in ("1", "true", "yes")
    for key, name in URL_IDS.items():
        if key in params:
            value = params[key]
            raw[name] = int(value) if value.isdigit() and len(value) <= 10 else value
    for key, name in URL_CHOICES.items():
        if key in params:
            raw[name] = params[key]
    if "mentor" in params:
        raw["no_mentor"] = params["mentor"] == NO_MENTOR
    return raw


# Bulk actions on the manager grid: the visible page's ticked rows, or all rows the filter matches.
NOTHING_SELECTED = "Select at least one participant first."
SELECTION_TOO_LARGE = "Select rows of the visible page, or choose “all matching the filter”."


@dataclass(frozen=True)
class BulkSelection:
    query: GridQuery
    participant_ids: tuple[int, ...] = ()
    all_matching: bool = False


def bulk_selection_from(raw_query: dict[str, Any], participant_ids: Any, all_matching: Any) -> BulkSelection:
    """A selection as the browser describes it; the server re-runs the filter for "all matching"."""
    query = grid_query_from(raw_query)
    if as_bool(all_matching):
        return BulkSelection(query=query, all_matching=True)
    if not isinstance(participant_ids, list | tuple) or len(participant_ids) > max(PAGE_SIZES):
        raise ValidationFailed(SELECTION_TOO_LARGE)
    ids = tuple(sorted({as_id(value) for value in participant_ids}))
    if not ids:
        raise ValidationFailed(NOTHING_SELECTED)
    return BulkSelection(query=query, participant_ids=ids)


def spread_by_lowest_load(
    items: Sequence[int], loads: Mapping[int, int], coaches: Sequence[int]
) -> dict[int, int]:
    """Give each item, in order, to the coach with the lowest load so far; ties go to the earlier coach."""
    heap = [(loads.get(coach, 0), rank, coach) for rank, coach in enumerate(coaches)]
    heapq.heapify(heap)
    given: dict[int, int] = {}
    if not heap:
        return given
    for item in items:
        load, rank, coach = heapq.heappop(heap)
        given[item] = coach
        heapq.heappush(heap, (load + 1, rank, coach))
    return given


# The coach workload table of /manager/coaches.


class WorkloadSort(StrEnum):
    NAME = "name"
    LOAD = "load"
    WAITING = "waiting"
    MENTEES = "mentees"


class AvailabilityFilter(StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class WorkloadQuery:
    search: str = ""
    program_id: int | None = None
    availability: AvailabilityFilter | None = None
    sort: WorkloadSort = WorkloadSort.LOAD
    descending: bool = True
    page: int = 1
    page_size: int = 25

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def workload_query_from(raw: dict[str, Any]) -> WorkloadQuery:
    return WorkloadQuery(
        search=as_text(raw.get("search", ""), limit=MAX_SEARCH),
        program_id=_optional_id(raw.get("program_id")),
        availability=_optional_choice(raw.get("availability"), AvailabilityFilter),
        sort=WorkloadSort(as_choice(raw.get("sort", "load"), {k.value for k in WorkloadSort})),
        descending=as_bool(raw.get("descending", True)),
        page=as_int(raw.get("page", 1), low=1, high=MAX_PAGE),
        page_size=as_choice(raw.get("page_size", 25), PAGE_SIZES),
    )


# The audit log of /manager/audit: newest first, paged by id (keyset), never by offset.
AUDIT_PAGE_SIZES = (25, 50, 100)
BAD_DATE = "Give dates as YYYY-MM-DD."
DATES_REVERSED = "The start date is after the end date."


class OutcomeFilter(StrEnum):
    OK = "ok"
    DENIED = "denied"


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None
    actor_id: int | None = None
    participant_id: int | None = None
    outcome: OutcomeFilter | None = None
    date_from: date | None = None
    date_to: date | None = None
    before_id: int | None = None
    page_size: int = 50


def _optional_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise ValidationFailed(BAD_DATE)
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValidationFailed(BAD_DATE) from error


def audit_query_from(raw: dict[str, Any], *, actions: Collection[str]) -> AuditQuery:
    """Filters of the audit log; `actions` are the action names a manager may filter on."""
    action = raw.get("action")
    date_from, date_to = _optional_date(raw.get("date_from")), _optional_date(raw.get("date_to"))
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(DATES_REVERSED)
    return AuditQuery(
        action=None if action in (None, "", "all") else as_choice(action, actions),
        actor_id=_optional_id(raw.get("actor_id")),
        participant_id=_optional_id(raw.get("participant_id")),
        outcome=_optional_choice(raw.get("outcome"), OutcomeFilter),
        date_from=date_from,
        date_to=date_to,
        before_id=_optional_id(raw.get("before_id")),
        page_size=as_choice(raw.get("page_size", 50), AUDIT_PAGE_SIZES),
    )


def only_shown_rows_can_change(*, progress_only: bool, sort: str, exam: str) -> bool:
    """Whether changes leave the page's membership and every total alone.

    Progress (XP, exams, activity) moves row values only. Unless the grid is ordered by XP or
    activity, or filtered by exam status, nobody enters or leaves the page and no count of
    people moves: only rows already on show can be stale.
    """
    return progress_only and sort in (SortKey.NAME, SortKey.EXPIRY) and exam == "all"
