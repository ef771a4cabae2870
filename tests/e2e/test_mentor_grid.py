"""The mentor's participant grid in the browser: columns, search, filters, sort, paging, export, live."""

import csv
import io
import re

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from sqlmodel import Session

from mentor_dash.db import build_engine, override_engine
from mentor_dash.models import Enrollment, Mentorship, Submission, SubmissionStatus, User
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.progress import submission_grade
from mentor_dash.services.unit_of_work import run_write
from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in


def rows(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("table").locator("tbody tr")


def open_grid(page: Page, app: RunningApp) -> None:
    sign_in(page, app, "mentor@example.com")
    expect(page).to_have_url(re.compile(r"/mentor$"))
    expect(rows(page).first).to_be_visible()


def test_the_mentor_sees_every_column_of_their_mentor_participants(
    app_server: RunningApp, page: Page
) -> None:
    open_grid(page, app_server)

    for header in [
        "Participant",
        "Programs and coaches",
        "Earned XP",
        "Subscription",
        "Exams",
        "Last activity",
    ]:
        expect(page.get_by_role("columnheader", name=header)).to_be_visible()
    expect(page.get_by_label("Totals for the current filter")).to_contain_text("mentor participants")
    expect(rows(page)).to_have_count(25)
    expect(page.get_by_role("progressbar", name="Earned XP").first).to_be_visible()
    expect(page.get_by_text("No coach").first).to_be_visible()
    save_screenshot(page, "mentor-grid")


def test_search_narrows_the_grid_and_the_total(app_server: RunningApp, page: Page) -> None:
    open_grid(page, app_server)
    first_name = rows(page).first.get_by_role("link").inner_text()

    page.get_by_label("Search participants").fill(first_name)

    expect(rows(page).first.get_by_role("link")).to_have_text(first_name)
    expect(page.get_by_text(re.compile(r"^\d+ participants$"))).to_have_text(
        re.compile(r"^[1-9] participants$")
    )


def test_coachless_only_shows_only_participants_with_a_program_without_coach(
    app_server: RunningApp, page: Page
) -> None:
    open_grid(page, app_server)
    total = page.get_by_text(re.compile(r"^\d+ participants$"))
    everyone = total.inner_text()

    page.get_by_label("Coachless only").click()

    expect(total).not_to_have_text(everyone)
    expect(rows(page).first).to_be_visible()
    count = rows(page).count()
    assert count > 0
    for index in range(count):
        expect(rows(page).nth(index).get_by_text("No coach").first).to_be_visible()
    save_screenshot(page, "mentor-grid-coachless")


def xp_of(row) -> int:  # type: ignore[no-untyped-def]
    return int(row.get_by_text(re.compile(r"^\d+ / \d+ XP$")).inner_text().split(" / ")[0])


def test_sorting_by_xp_descending_puts_the_most_xp_first(app_server: RunningApp, page: Page) -> None:
    open_grid(page, app_server)

    page.get_by_label("Sort by").click()
    page.get_by_role("option", name="XP", exact=True).click()
    page.get_by_role("button", name=re.compile("Sort ascending")).click()
    expect(page.get_by_role("button", name=re.compile("Sort descending"))).to_be_visible()

    page.wait_for_timeout(300)
    values = [xp_of(rows(page).nth(i)) for i in range(rows(page).count())]
    assert values == sorted(values, reverse=True)


def test_paging_moves_through_all_mentor_participants(app_server: RunningApp, page: Page) -> None:
    open_grid(page, app_server)
    first_page_names = rows(page).get_by_role("link").all_inner_texts()

    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text(re.compile(r"^Page 2 of \d+$"))).to_be_visible()
    second_page_names = rows(page).get_by_role("link").all_inner_texts()

    assert second_page_names and not set(first_page_names) & set(second_page_names)
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_text(re.compile(r"^Page 1 of \d+$"))).to_be_visible()


def test_export_csv_downloads_every_row_matching_the_filter(app_server: RunningApp, page: Page) -> None:
    open_grid(page, app_server)
    counter = page.get_by_text(re.compile(r"^\d+ participants$"))
    everyone = counter.inner_text()
    page.get_by_label("Coachless only").click()
    expect(counter).not_to_have_text(everyone)
    total = int(counter.inner_text().split()[0])

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    content = open(download_info.value.path(), encoding="utf-8").read()  # noqa: SIM115
    exported = list(csv.DictReader(io.StringIO(content)))

    assert len(exported) == total
    assert all(int(row["coachless_programs"]) > 0 for row in exported)


def test_a_change_made_elsewhere_shows_up_in_an_open_grid_without_reload(
    app_server: RunningApp, page: Page, context: BrowserContext
) -> None:
    open_grid(page, app_server)
    page.get_by_label("Search participants").fill("")
    engine = build_engine(app_server.database_url)
    with Session(engine) as session:
        mentor = session.execute(select(User).where(User.email == "mentor@example.com")).scalar_one()
        row = session.execute(
            select(Submission.id, Enrollment.coach_id, User.name)
            .join(Enrollment, Enrollment.id == Submission.enrollment_id)
            .join(Mentorship, Mentorship.participant_id == Enrollment.participant_id)
            .join(User, User.id == Enrollment.participant_id)
            .where(
                Mentorship.mentor_id == mentor.id,
                Mentorship.ended_at.is_(None),
                Mentorship.mentor_archived.is_(False),
                Submission.status == SubmissionStatus.WAITING,
                Enrollment.coach_id.is_not(None),
                Enrollment.status == "active",
            )
            .order_by(Submission.id)
        ).first()
        assert row is not None
        submission_id, coach_id, participant_name = row
        coach = actor_from_user(session.get(User, coach_id))
    page.get_by_label("Search participants").fill(participant_name)
    target = rows(page).filter(has_text=participant_name).first
    expect(target).to_be_visible()
    before = xp_of(target)

    with override_engine(engine):
        run_write(submission_grade, actor=coach, submission_id=submission_id, passed=True, score=90)
    engine.dispose()

    expect(target.get_by_text(re.compile(r"^\d+ / \d+ XP$"))).not_to_have_text(
        re.compile(rf"^{before} / "), timeout=8000
    )
    assert xp_of(target) > before
    expect(target).to_have_attribute("data-changed", "true")
    save_screenshot(page, "mentor-grid-live-update")
