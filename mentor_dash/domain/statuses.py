"""Statuses derived from stored facts."""

from datetime import datetime, timedelta
from enum import StrEnum

EXPIRING_SOON_DAYS = 30


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NONE = "none"


def subscription_status(expires_at: datetime | None, now: datetime) -> SubscriptionStatus:
    if expires_at is None:
        return SubscriptionStatus.NONE
    if expires_at <= now:
        return SubscriptionStatus.EXPIRED
    if expires_at <= now + timedelta(days=EXPIRING_SOON_DAYS):
        return SubscriptionStatus.EXPIRING
    return SubscriptionStatus.ACTIVE


def exam_threshold_xp(total_xp: int, threshold_pct: int) -> int:
    """XP a participant needs in a program before its exams become eligible."""
    return (total_xp * threshold_pct + 99) // 100


# Number grades run from 1 to 10; 6 and above is a pass.
PASS_GRADE = 6
MIN_GRADE, MAX_GRADE = 1, 10


def exam_passed(outcome: str | None, grade: int | None) -> bool:
    if outcome is not None:
        return outcome in ("pass", "good")
    return grade is not None and grade >= PASS_GRADE
