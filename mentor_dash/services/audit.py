"""Appending to the audit trail (never updated or deleted by the app)."""

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session

from mentor_dash.db import write_session
from mentor_dash.domain.access import Actor
from mentor_dash.models import AuditEvent, AuditOutcome
from mentor_dash.models._types import utcnow

MAX_VALUE_CHARS = 4000


def _as_json(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def audit_record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: int | None = None,
    participant_id: int | None = None,
    organization_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: AuditOutcome = AuditOutcome.OK,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one audit event to the caller's transaction."""
    event = AuditEvent(
        organization_id=organization_id
        if organization_id is not None
        else (actor.organization_id if actor else None),
        actor_id=actor.user_id if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        participant_id=participant_id,
        before=_as_json(before),
        after=_as_json(after),
        outcome=outcome,
        created_at=at or utcnow(),
    )
    session.add(event)
    return event


def audit_denied(*, actor: Actor | None, action: str, target_type: str, target_id: int | None) -> None:
    """Record a refused attempt in a transaction of its own (the refused one was rolled back)."""
    with write_session() as session:
        audit_record(
            session,
            actor=actor,
            action=action or "unknown",
            target_type=target_type or "unknown",
            target_id=target_id,
            outcome=AuditOutcome.DENIED,
        )
