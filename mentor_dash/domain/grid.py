"""What the participant grids may be asked for: filters, sort keys and page sizes."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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
        subscription=_optional_choice(raw.get("subscription"), SubscriptionStatus),
        exam=_optional_choice(raw.get("exam"), ExamFilter),
        archived=as_bool(raw.get("archived", False)),
        sort=SortKey(as_choice(raw.get("sort", "name"), {k.value for k in SortKey})),
        descending=as_bool(raw.get("descending", False)),
        page=as_int(raw.get("page", 1), low=1, high=MAX_PAGE),
        page_size=as_choice(raw.get("page_size", 25), PAGE_SIZES),
    )
