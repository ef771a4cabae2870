"""Per-participant figures the grids filter and sort on, kept current by the services that change them."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mentor_dash.models._types import UTCDateTime


class ParticipantStats(SQLModel, table=True):
    __tablename__ = "participant_stats"
    __table_args__ = (
        Index("ix_stats_org_xp", "organization_id", "xp_earned"),
        Index("ix_stats_org_activity", "organization_id", "last_activity_at"),
        Index("ix_stats_org_expiry", "organization_id", "subscription_expires_at"),
        Index("ix_stats_org_coachless", "organization_id", "coachless_enrollments"),
    )

    participant_id: int = Field(foreign_key="app_user.id", primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    active_enrollments: int = 0
    coachless_enrollments: int = 0
    xp_earned: int = 0
    xp_available: int = 0
    last_activity_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    subscription_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    exams_released: int = 0
    exams_submitted: int = 0
    exams_passed: int = 0
    exams_failed: int = 0
    optional_exams_failed: int = 0
    # Earliest due date of a released, unsubmitted exam of an optional module: overdue is
    # decided when the grid is read, so the warning appears without any write.
    optional_exam_next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
