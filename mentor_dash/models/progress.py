"""Work handed in, exams and the XP ledger."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from mentor_dash.models._types import UTCDateTime, utcnow
from mentor_dash.models.enums import ExamStatus, SubmissionStatus


class Submission(SQLModel, table=True):
    __table_args__ = (
        Index("ix_submission_enrollment", "enrollment_id"),
        Index("ix_submission_status_submitted", "status", "submitted_at"),
        # At most one submission per assignment waits for grading at a time.
        Index(
            "uq_submission_one_waiting",
            "enrollment_id",
            "assignment_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    enrollment_id: int = Field(foreign_key="enrollment.id")
    assignment_id: int = Field(foreign_key="assignment.id")
    content: str = Field(max_length=10000)
    status: str = Field(default=SubmissionStatus.WAITING, max_length=20)
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    score: int | None = None
    feedback: str = Field(default="", max_length=5000)
    graded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    graded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    xp_awarded: int = 0


class ExamAttempt(SQLModel, table=True):
    __tablename__ = "exam_attempt"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "exam_id", "attempt_no", name="uq_attempt_enrollment_exam_no"),
        Index("ix_attempt_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    enrollment_id: int = Field(foreign_key="enrollment.id")
    exam_id: int = Field(foreign_key="exam.id")
    attempt_no: int = 1
    status: str = Field(default=ExamStatus.NOT_ELIGIBLE, max_length=20)
    outcome: str | None = Field(default=None, max_length=10)
    grade: int | None = None
    answer: str = Field(default="", max_length=20000)
    feedback: str = Field(default="", max_length=5000)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    eligible_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    released_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assessed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assessed_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class XpEvent(SQLModel, table=True):
    __tablename__ = "xp_event"
    __table_args__ = (
        Index("ix_xp_participant_created", "participant_id", "created_at"),
        Index("ix_xp_enrollment", "enrollment_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    participant_id: int = Field(foreign_key="app_user.id")
    enrollment_id: int = Field(foreign_key="enrollment.id")
    amount: int
    reason: str = Field(max_length=200)
    # Unique sources make "award XP exactly once" a database fact.
    submission_id: int | None = Field(default=None, foreign_key="submission.id", unique=True)
    exam_attempt_id: int | None = Field(default=None, foreign_key="exam_attempt.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
