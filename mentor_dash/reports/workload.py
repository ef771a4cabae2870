"""Coach workload shaped for the page's chart and for CSV."""

import pandas as pd

from mentor_dash.selectors.coach_workload import CoachWorkload

CSV_COLUMNS = [
    "coach_id",
    "name",
    "email",
    "available",
    "active",
    "active_enrollments",
    "mentor_participants",
    "waiting_submissions",
    "per_program",
]


def series_key(program_id: int) -> str:
    """Chart keys are plain identifiers: recharts reads dots in a key as a path."""
    return f"p{program_id}"


def load_chart(rows: list[CoachWorkload]) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    """One bar per coach, stacked by program: the data rows and one series per program."""
    records = [
        {
            "coach": row.name,
            "coach_id": row.coach_id,
            "program_id": cell.program_id,
            "program": cell.program,
            "active": cell.active,
        }
        for row in rows
        for cell in row.programs
    ]
    order = [row.name for row in rows]
    if not records:
        return [{"coach": name} for name in order], []
    frame = pd.DataFrame.from_records(records)
    wide = (
        frame.pivot_table(
            index="coach_id", columns="program_id", values="active", aggfunc="sum", fill_value=0
        )
        .reindex([row.coach_id for row in rows], fill_value=0)
        .astype(int)
    )
    programs = frame.drop_duplicates("program_id").sort_values("program")[["program_id", "program"]]
    data = [
        {
            "coach": row.name,
            **{series_key(int(pid)): int(wide.loc[row.coach_id, pid]) for pid in wide.columns},
        }
        for row in rows
    ]
    series = [
        {"key": series_key(int(pid)), "name": str(name)} for pid, name in programs.itertuples(index=False)
    ]
    return data, series


def workload_frame(rows: list[CoachWorkload]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "coach_id": row.coach_id,
                "name": row.name,
                "email": row.email,
                "available": row.available,
                "active": row.is_active,
                "active_enrollments": row.active_enrollments,
                "mentor_participants": row.mentor_participants,
                "waiting_submissions": row.waiting_submissions,
                "per_program": "; ".join(f"{cell.program}: {cell.active}" for cell in row.programs),
            }
            for row in rows
        ],
        columns=CSV_COLUMNS,
    )


def workload_csv(rows: list[CoachWorkload]) -> str:
    return workload_frame(rows).to_csv(index=False)
