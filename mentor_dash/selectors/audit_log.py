"""The organisation's audit trail for its program managers: newest first, filtered, paged by id.

Pages are keyset pages (`id < before_id`, newest first): the first page costs the same with a
thousand events as with a million, where OFFSET would walk past every skipped row.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlmodel import Session

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotSignedIn
from mentor_dash.domain.grid import AuditQuery
from mentor_dash.domain.validation import as_text
from mentor_dash.models import AuditEvent, User
from mentor_dash.selectors.guard import TargetKind, authorize

EXPORT_LIMIT = 50_000
MAX_PEOPLE = 10
MAX_SEARCH = 100
MAX_CHANGE_CHARS = 300

# What each recorded action is called on the page; refusals are recorded under the permission's name.
ACTION_LABELS: dict[str, str] = {
    value: value.split(".", 1)[0].capitalize() + ": " + value.split(".", 1)[-1].replace("_", " ")
    for name, value in vars(audit_actions).items()
    if name.isupper() and isinstance(value, str)
}
ACTION_LABELS.update({action.value: "Refused: " + action.value.replace("_", " ") for action in Action})


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    action_label: str
    target_type: str
    target_id: int | None
    participant_id: int | None
    participant_name: str
    change: str
    before: str
    after: str
    outcome: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    query: AuditQuery
    older_before_id: int | None

    @property
    def has_older(self) -> bool:
        return self.older_before_id is not None


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    email: str


def audit_action_choices() -> list[tuple[str, str]]:
    """The actions a manager can filter on, by label."""
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])


def _change(before: str, after: str) -> str:
    """ "key: old → new" for what an event changed, in plain text."""
    try:
        old, new = json.loads(before or "{}"), json.loads(after or "{}")
    except ValueError:
        return (before + " → " + after)[:MAX_CHANGE_CHARS]
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    parts = []
    for key in sorted({*old, *new}):
        if key.endswith("_id"):
            continue
        label = key.removesuffix("_name").replace("_", " ")
        was, now = old.get(key), new.get(key)
        if key in old and key in new and was == now:
            parts.append(f"{label}: {now}")
        elif key in old and key in new:
            parts.append(f"{label}: {was if was is not None else '—'} → {now if now is not None else '—'}")
        else:
            parts.append(f"{label}: {now if key in new else was}")
    text = "; ".join(parts)
    return text if len(text) <= MAX_CHANGE_CHARS else text[: MAX_CHANGE_CHARS - 1] + "…"


def _authorized(session: Session, actor: Actor | None, query: AuditQuery) -> Actor:
    if actor is None:
        raise NotSignedIn()
    authorize(session, actor, Action.VIEW_AUDIT_LOG, TargetKind.ORGANIZATION, actor.organization_id)
    for user_id in (query.actor_id, query.participant_id):
        if user_id is not None:
            # Someone of another organisation is refused like someone who does not exist.
            authorize(session, actor, Action.VIEW_AUDIT_LOG, TargetKind.USER, user_id)
    return actor


def _statement(actor: Actor, query: AuditQuery):  # type: ignore[no-untyped-def]
    statement = select(
        AuditEvent.id,
        AuditEvent.created_at,
        AuditEvent.actor_id,
        AuditEvent.action,
        AuditEvent.target_type,
        AuditEvent.target_id,
        AuditEvent.participant_id,
        AuditEvent.before,
        AuditEvent.after,
        AuditEvent.outcome,
    ).where(AuditEvent.organization_id == actor.organization_id)
    if query.action is not None:
        statement = statement.where(AuditEvent.action == query.action)
    if query.actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == query.actor_id)
    if query.participant_id is not None:
        statement = statement.where(AuditEvent.participant_id == query.participant_id)
    if query.outcome is not None:
        statement = statement.where(AuditEvent.outcome == query.outcome.value)
    if query.date_from is not None:
        statement = statement.where(AuditEvent.created_at >= datetime.combine(query.date_from, time(), UTC))
    if query.date_to is not None:
        end = datetime.combine(query.date_to + timedelta(days=1), time(), UTC)
        statement = statement.where(AuditEvent.created_at < end)
    if query.before_id is not None:
        statement = statement.where(AuditEvent.id < query.before_id)
    return statement.order_by(AuditEvent.id.desc())


def _rows(session: Session, records: list) -> list[AuditRow]:
    people = {uid for r in records for uid in (r.actor_id, r.participant_id) if uid is not None}
    names = (
        dict(session.execute(select(User.id, User.name).where(User.id.in_(sorted(people)))).all())
        if people
        else {}
    )
    return [
        AuditRow(
            id=r.id,
            at=r.created_at,
            actor_id=r.actor_id,
            actor_name=names.get(r.actor_id, "System") if r.actor_id else "System",
            action=r.action,
            action_label=ACTION_LABELS.get(r.action, r.action),
            target_type=r.target_type,
            target_id=r.target_id,
            participant_id=r.participant_id,
            participant_name=names.get(r.participant_id, "") if r.participant_id else "",
            change=_change(r.before, r.after),
            before=r.before,
            after=r.after,
            outcome=r.outcome,
        )
        for r in records
    ]


def audit_log_page(*, session: Session, actor: Actor | None, query: AuditQuery) -> AuditPage:
    """One page of the organisation's events, newest first, starting below `query.before_id`."""
    manager = _authorized(session, actor, query)
    records = session.execute(_statement(manager, query).limit(query.page_size + 1)).all()
    shown = records[: query.page_size]
    older = shown[-1].id if len(records) > query.page_size else None
    # Names are looked up for the page only: joining users into the scan would slow the first page.
    return AuditPage(rows=_rows(session, shown), query=query, older_before_id=older)


def audit_log_export(*, session: Session, actor: Actor | None, query: AuditQuery) -> list[AuditRow]:
    """Every event the filter matches (newest first, at most EXPORT_LIMIT), for CSV."""
    manager = _authorized(session, actor, query)
    records = session.execute(_statement(manager, query).limit(EXPORT_LIMIT)).all()
    rows: list[AuditRow] = []
    for start in range(0, len(records), 900):
        rows += _rows(session, records[start : start + 900])
    return rows


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def audit_people(*, session: Session, actor: Actor | None, search: str) -> list[Person]:
    """People of the organisation to filter the log by (who acted, or whom it was about)."""
    if actor is None:
        raise NotSignedIn()
    authorize(session, actor, Action.VIEW_AUDIT_LOG, TargetKind.ORGANIZATION, actor.organization_id)
    search = as_text(search, limit=MAX_SEARCH).lower()
    if len(search) < 2:
        return []
    pattern = f"%{_escape_like(search)}%"
    rows = session.execute(
        select(User.id, User.name, User.email)
        .where(
            User.organization_id == actor.organization_id,
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            ),
        )
        .order_by(User.name, User.id)
        .limit(MAX_PEOPLE)
    ).all()
    return [Person(uid, name, email) for uid, name, email in rows]
