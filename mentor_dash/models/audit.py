"""The append-only record of every change; live pages follow it as their change feed."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mentor_dash.models._types import UTCDateTime, utcnow
from mentor_dash.models.enums import AuditOutcome


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_org_id", "organization_id", "id"),
        Index("ix_audit_participant_id", "participant_id", "id"),
        Index("ix_audit_org_action_id", "organization_id", "action", "id"),
        Index("ix_audit_actor_id", "actor_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    action: str = Field(max_length=60)
    target_type: str = Field(max_length=40)
    target_id: int | None = None
    participant_id: int | None = Field(default=None, foreign_key="app_user.id")
    before: str = Field(default="", max_length=4000)
    after: str = Field(default="", max_length=4000)
    outcome: str = Field(default=AuditOutcome.OK, max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
