"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from mentor_dash.models.audit import AuditEvent
from mentor_dash.models.auth import AuthSession, LoginAttempt
from mentor_dash.models.enrollment import (
    Enrollment,
    GroupMembership,
    Mentorship,
    StudentGroup,
    Subscription,
)
from mentor_dash.models.enums import (
    AuditOutcome,
    Availability,
    EnrollmentStatus,
    ExamOutcome,
    ExamStatus,
    SubmissionStatus,
)
from mentor_dash.models.organization import CoachProfile, Organization, User
from mentor_dash.models.program import Assignment, CoachRegistration, Exam, LearningProgram, Module
from mentor_dash.models.progress import ExamAttempt, Submission, XpEvent
from mentor_dash.models.stats import ParticipantStats

__all__ = [
    "Assignment",
    "AuditEvent",
    "AuditOutcome",
    "AuthSession",
    "Availability",
    "CoachProfile",
    "CoachRegistration",
    "Enrollment",
    "EnrollmentStatus",
    "Exam",
    "ExamAttempt",
    "ExamOutcome",
    "ExamStatus",
    "GroupMembership",
    "LearningProgram",
    "LoginAttempt",
    "Mentorship",
    "Module",
    "Organization",
    "ParticipantStats",
    "StudentGroup",
    "Submission",
    "SubmissionStatus",
    "Subscription",
    "User",
    "XpEvent",
]
