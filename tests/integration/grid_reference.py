"""An independent pandas computation of the participant grid straight from the raw tables.

It deliberately ignores the cached columns (enrollment.xp_earned, participant_stats) and
derives everything from the ledger, the exam attempts and the subscriptions.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine

from mentor_dash.domain.grid import ExamFilter, GridQuery, GridScope, SortKey
from mentor_dash.domain.statuses import EXPIRING_SOON_DAYS, PASS_GRADE, SubscriptionStatus


@dataclass
class Reference:
    ids: list[int]
    participants: int
    coachless: int
    coachless_people: int
    expiring: int
    expired: int
    frame: pd.DataFrame


def _read(engine: Engine, sql: str) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql_query(sql, connection)


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True, format="mixed")


def participant_table(engine: Engine, now: datetime) -> pd.DataFrame:
    users = _read(engine, "SELECT id, organization_id, name, email FROM app_user WHERE is_participant")
    enrollments = _read(engine, "SELECT id, participant_id, program_id, coach_id, status FROM enrollment")
    kept = enrollments[enrollments.status != "unenrolled"]
    active = enrollments[enrollments.status == "active"]

    parts = pd.concat(
        [
            _read(engine, "SELECT m.program_id, a.xp FROM assignment a JOIN module m ON m.id = a.module_id"),
            _read(engine, "SELECT m.program_id, x.xp FROM exam x JOIN module m ON m.id = x.module_id"),
        ]
    )
    program_xp = parts.groupby("program_id").xp.sum()

    xp = _read(engine, "SELECT enrollment_id, amount, created_at FROM xp_event")
    xp["created_at"] = _utc(xp.created_at)
    xp = xp.merge(kept[["id", "participant_id"]], left_on="enrollment_id", right_on="id")
    earned = xp.groupby("participant_id").amount.sum()
    last_activity = xp.groupby("participant_id").created_at.max()
    available = kept.assign(total=kept.program_id.map(program_xp)).groupby("participant_id").total.sum()
    coachless = active[active.coach_id.isna()].groupby("participant_id").size()

    subs = _read(engine, "SELECT participant_id, expires_at FROM subscription")
    subs["expires_at"] = _utc(subs.expires_at)
    expiry = subs.groupby("participant_id").expires_at.max()

    attempts = _read(
        engine,
        "SELECT a.enrollment_id, a.exam_id, a.attempt_no, a.status, a.outcome, a.grade, a.due_at, "
        "m.is_optional FROM exam_attempt a JOIN exam x ON x.id = a.exam_id "
        "JOIN module m ON m.id = x.module_id",
    )
    attempts["due_at"] = _utc(attempts.due_at)
    latest = attempts.sort_values("attempt_no").groupby(["enrollment_id", "exam_id"]).tail(1)
    latest = latest.merge(kept[["id", "participant_id"]], left_on="enrollment_id", right_on="id")
    passed = latest.outcome.isin(["pass", "good"]) | (latest.outcome.isna() & (latest.grade >= PASS_GRADE))
    assessed = latest.status == "assessed"
    optional = latest.is_optional.astype(bool)
    latest = latest.assign(
        released=latest.status == "released",
        submitted=latest.status == "submitted",
        passed=assessed & passed,
        failed=assessed & ~passed,
        optional_overdue=optional & (latest.status == "released") & (latest.due_at < pd.Timestamp(now)),
    )
    latest["optional_failed"] = optional & latest.failed
    exams = latest.groupby("participant_id")[
        ["released", "submitted", "passed", "failed", "optional_failed", "optional_overdue"]
    ].sum()

    mentorships = _read(
        engine, "SELECT participant_id, mentor_id, mentor_archived FROM mentorship WHERE ended_at IS NULL"
    )
    table = users.set_index("id")
    table["xp"] = earned.reindex(table.index).fillna(0).astype(int)
    table["available"] = available.reindex(table.index).fillna(0).astype(int)
    table["last_activity"] = last_activity.reindex(table.index)
    table["expiry"] = expiry.reindex(table.index)
    table["coachless"] = coachless.reindex(table.index).fillna(0).astype(int)
    for column in exams.columns:
        table[column] = exams[column].reindex(table.index).fillna(0).astype(int)
    table = table.join(mentorships.set_index("participant_id"), how="left")
    pairs = {
        pid: [
            (int(program), None if pd.isna(coach) else int(coach))
            for program, coach in zip(group.program_id, group.coach_id, strict=True)
        ]
        for pid, group in active.groupby("participant_id")
    }
    table["active_enrollments"] = [pairs.get(pid, []) for pid in table.index]
    table["active_programs"] = [{program for program, _ in pairs.get(pid, [])} for pid in table.index]
    table["active_coaches"] = [{coach for _, coach in pairs.get(pid, []) if coach} for pid in table.index]
    return table


def subscription_of(expires: pd.Timestamp | None, now: datetime) -> SubscriptionStatus:
    if expires is None or pd.isna(expires):
        return SubscriptionStatus.NONE
    if expires <= pd.Timestamp(now):
        return SubscriptionStatus.EXPIRED
    if expires <= pd.Timestamp(now + timedelta(days=EXPIRING_SOON_DAYS)):
        return SubscriptionStatus.EXPIRING
    return SubscriptionStatus.ACTIVE


def _keep(rows: pd.DataFrame, mask: pd.Series | list[bool]) -> pd.DataFrame:
    """Row selection that stays a row selection even when nothing is left."""
    return rows.loc[pd.Series(list(mask), index=rows.index, dtype=bool)]


def reference_grid(
    table: pd.DataFrame,
    *,
    scope: GridScope,
    actor_id: int,
    organization_id: int,
    query: GridQuery,
    now: datetime,
) -> Reference:
    rows = table[table.organization_id == organization_id]
    if scope is GridScope.MENTOR:
        rows = _keep(
            rows,
            (rows.mentor_id == actor_id) & (rows.mentor_archived.fillna(0).astype(bool) == query.archived),
        )
    if query.no_mentor:
        rows = _keep(rows, rows.mentor_id.isna())
    if query.search:
        needle = query.search.lower()
        rows = _keep(
            rows,
            [
                needle in name.lower() or needle in email.lower()
                for name, email in zip(rows.name, rows.email, strict=True)
            ],
        )

    def matches(enrollment: tuple[int, int | None]) -> bool:
        program, coach = enrollment
        return (
            (query.program_id is None or program == query.program_id)
            and (query.coach_id is None or coach == query.coach_id)
            and (not query.coachless_only or coach is None)
        )

    if query.program_id is not None or query.coach_id is not None or query.coachless_only:
        # One active enrollment must match every enrollment filter at once.
        keep = [any(matches(e) for e in enrollments) for enrollments in rows.active_enrollments]
        rows = _keep(rows, keep)
    statuses = pd.Series(
        [subscription_of(value, now) for value in rows.expiry], index=rows.index, dtype=object
    )
    if query.subscription is not None:
        wanted = [status == query.subscription for status in statuses]
        rows, statuses = _keep(rows, wanted), statuses[pd.Series(wanted, index=statuses.index, dtype=bool)]
    if query.exam is not None:
        column = {
            ExamFilter.RELEASED: rows.released > 0,
            ExamFilter.SUBMITTED: rows.submitted > 0,
            ExamFilter.PASSED: rows.passed > 0,
            ExamFilter.FAILED: rows.failed > 0,
            ExamFilter.WARNING: (rows.optional_failed > 0) | (rows.optional_overdue > 0),
        }[query.exam]
        rows, statuses = _keep(rows, column), statuses[column.astype(bool)]
    key = {
        SortKey.NAME: "name",
        SortKey.XP: "xp",
        SortKey.EXPIRY: "expiry",
        SortKey.ACTIVITY: "last_activity",
    }[query.sort]
    ordered = rows.reset_index().rename(columns={"index": "id"})
    present = ordered[ordered[key].notna()].sort_values([key, "id"], ascending=not query.descending)
    missing = ordered[ordered[key].isna()].sort_values("id", ascending=not query.descending)
    ids = [int(i) for i in pd.concat([present, missing]).id]
    return Reference(
        ids=ids[query.offset : query.offset + query.page_size],
        participants=len(rows),
        coachless=int(rows.coachless.sum()),
        coachless_people=int((rows.coachless > 0).sum()),
        expiring=int((statuses == SubscriptionStatus.EXPIRING).sum()),
        expired=int((statuses == SubscriptionStatus.EXPIRED).sum()),
        frame=rows,
    )
