"""The participant grid as a table and as CSV."""

import pandas as pd

from mentor_dash.selectors.participant_grid import GridRow

COLUMNS = [
    "participant_id",
    "name",
    "email",
    "programs",
    "coaches",
    "primary_coach",
    "coachless_programs",
    "xp_earned",
    "xp_available",
    "subscription_expires",
    "subscription_status",
    "exams_released",
    "exams_awaiting_evaluation",
    "exams_passed",
    "exams_failed",
    "optional_exam_warning",
    "last_activity",
    "mentor",
]


def grid_frame(rows: list[GridRow], *, include_mentor: bool) -> pd.DataFrame:
    records = [
        {
            "participant_id": row.participant_id,
            "name": row.name,
            "email": row.email,
            "programs": "; ".join(cell.program_name for cell in row.programs),
            "coaches": "; ".join(f"{c.program_name}: {c.coach_name or 'No coach'}" for c in row.programs),
            "primary_coach": next((c.coach_name for c in row.programs if c.is_primary), "") or "",
            "coachless_programs": sum(1 for c in row.programs if c.coach_id is None),
            "xp_earned": row.xp_earned,
            "xp_available": row.xp_available,
            "subscription_expires": row.subscription_expires_at.date().isoformat()
            if row.subscription_expires_at
            else "",
            "subscription_status": row.subscription_status.value,
            "exams_released": row.exams_released,
            "exams_awaiting_evaluation": row.exams_submitted,
            "exams_passed": row.exams_passed,
            "exams_failed": row.exams_failed,
            "optional_exam_warning": row.exam_warning,
            "last_activity": row.last_activity_at.isoformat(timespec="minutes")
            if row.last_activity_at
            else "",
            "mentor": row.mentor_name or "",
        }
        for row in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    return frame if include_mentor else frame.drop(columns=["mentor"])


def grid_csv(rows: list[GridRow], *, include_mentor: bool) -> str:
    return grid_frame(rows, include_mentor=include_mentor).to_csv(index=False)
