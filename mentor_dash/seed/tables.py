"""The Core tables the seed writes, by their SQLModel class."""

from typing import cast

from sqlalchemy import Table
from sqlmodel import SQLModel

from mentor_dash.models import (
    Assignment,
    AuditEvent,
    CoachProfile,
    CoachRegistration,
    Enrollment,
    Exam,
    ExamAttempt,
    GroupMembership,
    LearningProgram,
    Mentorship,
    Module,
    Organization,
    StudentGroup,
    Submission,
    Subscription,
    User,
    XpEvent,
)


def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


ORGANIZATION = _table(Organization)
USER = _table(User)
COACH_PROFILE = _table(CoachProfile)
PROGRAM = _table(LearningProgram)
MODULE = _table(Module)
ASSIGNMENT = _table(Assignment)
EXAM = _table(Exam)
REGISTRATION = _table(CoachRegistration)
ENROLLMENT = _table(Enrollment)
MENTORSHIP = _table(Mentorship)
SUBSCRIPTION = _table(Subscription)
GROUP = _table(StudentGroup)
MEMBERSHIP = _table(GroupMembership)
SUBMISSION = _table(Submission)
EXAM_ATTEMPT = _table(ExamAttempt)
XP_EVENT = _table(XpEvent)
AUDIT_EVENT = _table(AuditEvent)
