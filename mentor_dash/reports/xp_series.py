"""XP over time as a chart series."""

from datetime import datetime, timedelta

import pandas as pd


def cumulative_xp_by_day(
    events: list[tuple[datetime, int]], *, start_total: int, days: int, today: datetime
) -> list[dict[str, object]]:
    """Total XP at the end of each of the last `days` days (one point per day, gaps filled)."""
    first_day = (today - timedelta(days=days - 1)).date()
    index = pd.date_range(first_day, today.date(), freq="D")
    if events:
        frame = pd.DataFrame(events, columns=["at", "xp"])
        frame["day"] = pd.to_datetime(frame["at"], utc=True).dt.tz_localize(None).dt.normalize()
        per_day = frame.groupby("day")["xp"].sum().reindex(index, fill_value=0)
    else:
        per_day = pd.Series(0, index=index)
    totals = per_day.cumsum() + start_total
    return [{"day": day.strftime("%d %b"), "xp": int(total)} for day, total in totals.items()]
