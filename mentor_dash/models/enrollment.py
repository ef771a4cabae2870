"""Who learns what with whom: enrollments, mentorships, subscriptions and coach groups."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from mentor_dash.models._types import UTCDateTime, utcnow
from mentor_dash.models.enums import EnrollmentStatus


class Enrollment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("participant_id", "program_id", name="uq_enrollment_participant_program"),
        Index("ix_enrollment_coach_status", "coach_id", "status"),
        Index("ix_enrollment_org_status_coach", "organization_id", "status", "coach_id"),
        Index("ix_enrollment_program_status", "program_id", "status"),
        # Exactly one primary coach among a participant's active enrollments.
        Index(
            "uq_enrollment_one_primary",
            "participant_id",
            unique=True,
            sqlite_where=text("is_primary AND status = 'active'"),
            postgresql_where=text("is_primary AND status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    participant_id: int = Field(foreign_key="app_user.id")
    program_id: int = Field(foreign_key="learning_program.id")
    coach_id: int | None = Field(default=None, foreign_key="app_user.id")
    is_primary: bool = False
    status: str = Field(default=EnrollmentStatus.ACTIVE, max_length=20)
    coach_archived: bool = False
    enrolled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    coachless_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Cached from the XP ledger so grids never sum it per request.
    xp_earned: int = 0
    last_activity_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1


class Mentorship(SQLModel, table=True):
    __table_args__ = (
        Index("ix_mentorship_mentor_active", "mentor_id", "ended_at"),
        Index("ix_mentorship_participant", "participant_id"),
        # One active mentorship per participant; ended ones stay as history.
        Index(
            "uq_mentorship_one_active",
            "participant_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    participant_id: int = Field(foreign_key="app_user.id")
    mentor_id: int = Field(foreign_key="app_user.id")
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mentor_archived: bool = False


class Subscription(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    participant_id: int = Field(foreign_key="app_user.id", index=True)
    plan: str = Field(max_length=80)
    started_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class StudentGroup(SQLModel, table=True):
    __tablename__ = "student_group"
    __table_args__ = (UniqueConstraint("coach_id", "program_id", "name", name="uq_group_coach_program_name"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    coach_id: int = Field(foreign_key="app_user.id")
    program_id: int = Field(foreign_key="learning_program.id")
    name: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GroupMembership(SQLModel, table=True):
    __tablename__ = "group_membership"
    __table_args__ = (
        UniqueConstraint("group_id", "enrollment_id", name="uq_membership_group_enrollment"),
        Index("ix_membership_enrollment", "enrollment_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="student_group.id")
    enrollment_id: int = Field(foreign_key="enrollment.id")
