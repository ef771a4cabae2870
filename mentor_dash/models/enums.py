"""Enumerations stored as plain strings in the database."""

from enum import StrEnum


class Availability(StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    UNENROLLED = "unenrolled"
    COMPLETED = "completed"


class SubmissionStatus(StrEnum):
    WAITING = "waiting"
    PASSED = "passed"
    FAILED = "failed"


class ExamStatus(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    ELIGIBLE = "eligible"
    RELEASED = "released"
    SUBMITTED = "submitted"
    ASSESSED = "assessed"


class ExamOutcome(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    GOOD = "good"


class AuditOutcome(StrEnum):
    OK = "ok"
    DENIED = "denied"
