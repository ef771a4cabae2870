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
