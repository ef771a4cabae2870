"""Keeping `participant_stats` equal to what the raw tables say.

Every service that changes XP, enrollments, subscriptions or exams calls `stats_refresh` for
the participants it touched, in the same transaction; the seeder rebuilds everything at once.
"""

from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlmodel import Session

from mentor_dash.domain.statuses import PASS_GRADE

_COLUMNS = (
    "participant_id, organization_id, active_enrollments, coachless_enrollments, xp_earned, xp_available, "
    "last_activity_at, subscription_expires_at, exams_released, exams_submitted, exams_passed, "
    "exams_failed, optional_exams_failed, optional_exam_next_due_at"
)

# COALESCE keeps SQL's three-valued logic from turning "NOT passed" into NULL for number grades.
_PASSED = (
    "(COALESCE(a.outcome, '') IN ('pass', 'good') "
    f"OR (a.outcome IS NULL AND COALESCE(a.grade, 0) >= {PASS_GRADE}))"
)

_SELECT = f"""
SELECT u.id, u.organization_id,
       COALESCE(en.active, 0), COALESCE(en.coachless, 0), COALESCE(en.xp, 0), COALESCE(en.available, 0),
       en.last_activity, sub.expires_at,
       COALESCE(ex.released, 0), COALESCE(ex.submitted, 0), COALESCE(ex.passed, 0), COALESCE(ex.failed, 0),
       COALESCE(ex.optional_failed, 0), ex.optional_next_due
FROM app_user u
LEFT JOIN (
    SELECT e.participant_id,
           SUM(CASE WHEN e.status = 'active' THEN 1 ELSE 0 END) AS active,
           SUM(CASE WHEN e.status = 'active' AND e.coach_id IS NULL THEN 1 ELSE 0 END) AS coachless,
           SUM(e.xp_earned) AS xp,
           SUM(totals.xp) AS available,
           MAX(e.last_activity_at) AS last_activity
    FROM enrollment e
    JOIN (
        SELECT program_id, SUM(xp) AS xp FROM (
            SELECT m.program_id, a.xp FROM assignment a JOIN module m ON m.id = a.module_id
            UNION ALL
            SELECT m.program_id, x.xp FROM exam x JOIN module m ON m.id = x.module_id
        ) parts GROUP BY program_id
    ) totals ON totals.program_id = e.program_id
    WHERE e.status != 'unenrolled' AND {{enrollment_scope}}
    GROUP BY e.participant_id
) en ON en.participant_id = u.id
LEFT JOIN (
    SELECT s.participant_id, MAX(s.expires_at) AS expires_at
    FROM subscription s WHERE {{subscription_scope}} GROUP BY s.participant_id
) sub ON sub.participant_id = u.id
LEFT JOIN (
    SELECT e.participant_id,
           SUM(CASE WHEN a.status = 'released' THEN 1 ELSE 0 END) AS released,
           SUM(CASE WHEN a.status = 'submitted' THEN 1 ELSE 0 END) AS submitted,
           SUM(CASE WHEN a.status = 'assessed' AND {_PASSED} THEN 1 ELSE 0 END) AS passed,
           SUM(CASE WHEN a.status = 'assessed' AND NOT {_PASSED} THEN 1 ELSE 0 END) AS failed,
           SUM(CASE WHEN m.is_optional AND a.status = 'assessed' AND NOT {_PASSED} THEN 1 ELSE 0 END)
               AS optional_failed,
           MIN(CASE WHEN m.is_optional AND a.status = 'released' THEN a.due_at END) AS optional_next_due
    FROM exam_attempt a
    JOIN enrollment e ON e.id = a.enrollment_id
    JOIN exam x ON x.id = a.exam_id
    JOIN module m ON m.id = x.module_id
    WHERE e.status != 'unenrolled' AND {{enrollment_scope}}
      AND a.attempt_no = (
          SELECT MAX(a2.attempt_no) FROM exam_attempt a2
          WHERE a2.enrollment_id = a.enrollment_id AND a2.exam_id = a.exam_id
      )
    GROUP BY e.participant_id
) ex ON ex.participant_id = u.id
WHERE u.is_participant AND {{user_scope}}
"""


def _rebuild(
    session: Session,
    *,
    user_scope: str,
    enrollment_scope: str,
    subscription_scope: str,
    delete_scope: str,
    params: dict,
) -> None:
    select_sql = _SELECT.format(
        enrollment_scope=enrollment_scope, subscription_scope=subscription_scope, user_scope=user_scope
    )
    expanding = [bindparam("ids", expanding=True)] if "ids" in params else []
    session.execute(
        text(f"DELETE FROM participant_stats WHERE {delete_scope}").bindparams(*expanding), params
    )
    session.execute(
        text(f"INSERT INTO participant_stats ({_COLUMNS}) {select_sql}").bindparams(*expanding), params
    )


def stats_refresh(session: Session, participant_ids: Iterable[int]) -> None:
    """Recompute the figures of these participants inside the caller's transaction."""
    ids = sorted({int(pid) for pid in participant_ids})
    if not ids:
        return
    session.flush()
    _rebuild(
        session,
        user_scope="u.id IN :ids",
        enrollment_scope="e.participant_id IN :ids",
        subscription_scope="s.participant_id IN :ids",
        delete_scope="participant_id IN :ids",
        params={"ids": ids},
    )


def stats_rebuild_all(session: Session) -> None:
    """Recompute every participant's figures (after bulk loads)."""
    session.flush()
    _rebuild(
        session,
        user_scope="1 = 1",
        enrollment_scope="1 = 1",
        subscription_scope="1 = 1",
        delete_scope="1 = 1",
        params={},
    )
