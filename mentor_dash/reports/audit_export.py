"""The audit log as CSV."""

import pandas as pd

from mentor_dash.selectors.audit_log import AuditRow

COLUMNS = [
    "id",
    "at_utc",
    "actor_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "participant_id",
    "participant",
    "outcome",
    "change",
    "before",
    "after",
]


def audit_frame(rows: list[AuditRow]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(
        [
            {
                "id": row.id,
                "at_utc": row.at.isoformat(timespec="seconds"),
                "actor_id": row.actor_id,
                "actor": row.actor_name,
                "action": row.action,
                "target_type": row.target_type,
                "target_id": row.target_id,
                "participant_id": row.participant_id,
                "participant": row.participant_name,
                "outcome": row.outcome,
                "change": row.change,
                "before": row.before,
                "after": row.after,
            }
            for row in rows
        ],
        columns=COLUMNS,
    )
    # Ids stay whole numbers in the file even where some are missing.
    for column in ("actor_id", "target_id", "participant_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _neutralize(value: object) -> object:
    """Text that a spreadsheet would run as a formula (=, +, -, @) is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def audit_csv(rows: list[AuditRow]) -> str:
    frame = audit_frame(rows)
    for column in ("actor", "participant", "change", "before", "after"):
        frame[column] = frame[column].map(_neutralize)
    return frame.to_csv(index=False)
