"""The append-only record of every change; live pages follow it as their change feed."""

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from mentor_dash.domain.audit_actions import PROGRESS_PREFIXES
from mentor_dash.models._types import UTCDateTime, utcnow
from mentor_dash.models.enums import AuditOutcome

# Every change except progress: what moves people between grids or changes a count of people.
# A constant in the SQL (never a parameter), so the planner can match it to the partial index.
STRUCTURAL_CHANGE = " AND ".join(f"action NOT LIKE '{prefix}%'" for prefix in PROGRESS_PREFIXES)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_org_id", "organization_id", "id"),
        Index("ix_audit_participant_id", "participant_id", "id"),
        Index("ix_audit_org_action_id", "organization_id", "action", "id"),
        Index("ix_audit_actor_id", "actor_id", "id"),
        # The newest structural change of an organisation in one probe.
        Index(
            "ix_audit_org_structural_id",
            "organization_id",
            "id",
            sqlite_where=text(STRUCTURAL_CHANGE),
            postgresql_where=text(STRUCTURAL_CHANGE),
        ),
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
