"""The browser holds one page of the grid, never the whole scope: measured for 1,000 mentor participants."""

import dataclasses
import json

from sqlalchemy import Engine, select
from sqlmodel import Session

from mentor_dash.db import override_engine
from mentor_dash.domain.grid import PAGE_SIZES, GridQuery, GridScope
from mentor_dash.models import Mentorship, User
from mentor_dash.models._types import utcnow
from mentor_dash.pages.participant_grid.state import row_view
from mentor_dash.selectors.grid_options import grid_options
from mentor_dash.selectors.participant_grid import participant_grid
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.unit_of_work import run_read
from tests.conftest import report_line

LIMIT_BYTES = 100_000


def test_the_largest_grid_page_of_a_mentor_with_1000_participants_stays_under_100_kb(engine: Engine) -> None:
    from mentor_dash.seed import seed_scale

    seed_scale(engine, participants=2000)
    with Session(engine) as session:
        mentor = actor_from_user(
            session.execute(select(User).where(User.email == "mentor@example.com")).scalar_one()
        )
        mentorships = (
            session.execute(
                select(Mentorship.mentor_archived).where(
                    Mentorship.mentor_id == mentor.user_id, Mentorship.ended_at.is_(None)
                )
            )
            .scalars()
            .all()
        )
    with override_engine(engine):
        page = run_read(
            participant_grid,
            actor=mentor,
            scope=GridScope.MENTOR,
            query=GridQuery(page_size=max(PAGE_SIZES)),
            now=utcnow(),
        )
        options = run_read(grid_options, actor=mentor, scope=GridScope.MENTOR)

    state = {
        "rows": [dataclasses.asdict(row_view(row)) for row in page.rows],
        "program_options": [dataclasses.asdict(o) for o in options.programs],
        "coach_options": [dataclasses.asdict(o) for o in options.coaches],
        "total": page.total,
    }
    size = len(json.dumps(state).encode())
    report_line(
        f"mentor grid state with {page.total} mentor participants, {len(page.rows)} rows shown: "
        f"{size:,} bytes on {engine.dialect.name}"
    )

    assert len(mentorships) == 1000
    assert page.total == sum(1 for archived in mentorships if not archived)
    assert len(page.rows) == max(PAGE_SIZES)
    assert size < LIMIT_BYTES
