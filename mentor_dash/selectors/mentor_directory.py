"""The coaches a participant may choose as mentor: searched, sorted by name and paged in SQL.

Only the active coaches of the participant's own organisation are listed, with what the
participant may see of them (name, contact email, availability); login emails are never shown
or searched.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.validation import as_int, as_text
from mentor_dash.models import (
    Availability,
    CoachProfile,
    Enrollment,
    EnrollmentStatus,
    LearningProgram,
    Mentorship,
    User,
)
from mentor_dash.selectors.account import initials, own_id
from mentor_dash.selectors.guard import TargetKind, authorize

DIRECTORY_PAGE_SIZE = 8
MAX_SEARCH = 100
MAX_PAGE = 10_000


@dataclass(frozen=True)
class DirectoryEntry:
    coach_id: int
    name: str
    initials: str
    contact_email: str
    availability: str
    coaches_you_in: tuple[str, ...]  # programs of the participant this coach coaches
    is_current_mentor: bool


@dataclass(frozen=True)
class DirectoryPage:
    entries: list[DirectoryEntry]
    total: int
    page: int
    page_size: int
    search: str

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _choosable(session: Session, organization_id: int) -> list[ColumnElement[bool]]:
    """Who may be chosen as mentor: the rule the service enforces, as SQL."""
    organization = User.organization_id
    if session.get_bind().dialect.name == "sqlite":
        # SQLite would walk ix_user_org_name through every user of the organisation (participants
        # too) and look each row up to find the coaches: ten times slower than one sequential scan.
        # "+ 0" keeps it off that index; PostgreSQL plans this well by itself.
        organization = organization + 0  # type: ignore[assignment]
    return [
        organization == organization_id,
        User.is_coach.is_(True),  # type: ignore[attr-defined]
        User.is_active.is_(True),  # type: ignore[attr-defined]
    ]


def _matches(search: str) -> ColumnElement[bool]:
    pattern = f"%{_escape_like(search.lower())}%"
    return or_(
        func.lower(User.name).like(pattern, escape="\\"),
        func.lower(func.coalesce(CoachProfile.contact_email, "")).like(pattern, escape="\\"),
    )


def _programs_coached(session: Session, participant_id: int, coach_ids: list[int]) -> dict[int, list[str]]:
    if not coach_ids:
        return {}
    rows = session.execute(
        select(Enrollment.coach_id, LearningProgram.name)
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .where(
            Enrollment.participant_id == participant_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.coach_id.in_(coach_ids),  # type: ignore[union-attr]
        )
        .order_by(LearningProgram.name)
    ).all()
    programs: dict[int, list[str]] = defaultdict(list)
    for coach_id, program_name in rows:
        programs[coach_id].append(program_name)
    return programs


def mentor_directory_search(
    *,
    session: Session,
    actor: Actor | None,
    search: str = "",
    page: int = 1,
    page_size: int = DIRECTORY_PAGE_SIZE,
) -> DirectoryPage:
    """One page of the coaches the actor may choose as mentor; a page past the end shows the last one."""
    authorize(session, actor, Action.CHOOSE_MENTOR, TargetKind.USER, own_id(actor))
    assert actor is not None
    search = as_text(search, limit=MAX_SEARCH)
    page = as_int(page, low=1, high=MAX_PAGE)
    page_size = as_int(page_size, low=1, high=50)
    conditions = _choosable(session, actor.organization_id)
    if search:
        conditions.append(_matches(search))
    joined = select(User.id).outerjoin(CoachProfile, CoachProfile.user_id == User.id).where(and_(*conditions))
    total = session.execute(joined.with_only_columns(func.count(), maintain_column_froms=True)).scalar_one()
    page = min(page, max(1, -(-total // page_size)))
    current_mentor = session.execute(
        select(Mentorship.mentor_id).where(
            Mentorship.participant_id == actor.user_id,
            Mentorship.ended_at.is_(None),  # type: ignore[union-attr]
        )
    ).scalar_one_or_none()
    rows = session.execute(
        joined.with_only_columns(
            User.id,
            User.name,
            CoachProfile.contact_email,
            CoachProfile.availability,
            maintain_column_froms=True,
        )
        .order_by(User.name, User.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    coached = _programs_coached(session, actor.user_id, [row[0] for row in rows])
    entries = [
        DirectoryEntry(
            coach_id=coach_id,
            name=name,
            initials=initials(name),
            contact_email=contact_email or "",
            availability=availability or Availability.AVAILABLE.value,
            coaches_you_in=tuple(coached.get(coach_id, ())),
            is_current_mentor=coach_id == current_mentor,
        )
        for coach_id, name, contact_email, availability in rows
    ]
    return DirectoryPage(entries=entries, total=total, page=page, page_size=page_size, search=search)
