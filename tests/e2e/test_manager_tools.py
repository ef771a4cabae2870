"""A program manager in the browser: the coachless summary, bulk assignment, coach workload, audit log."""

import csv
import io
import re

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlmodel import Session

from mentor_dash.db import build_engine, override_engine
from mentor_dash.domain.grid import bulk_selection_from
from mentor_dash.models import Enrollment, Mentorship, User
from mentor_dash.selectors.coach_candidates import program_coach_candidates
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.bulk_assignment import bulk_assignment_apply, bulk_assignment_preview
from mentor_dash.services.unit_of_work import run_read, run_write
from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in


def grid(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Earned XP"))


def grid_rows(page: Page):  # type: ignore[no-untyped-def]
    return grid(page).locator("tbody tr")


def summary(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Summary")


def figure(page: Page, label: str) -> int:
    card = summary(page).get_by_role("group", name=label)
    return int(card.get_by_text(re.compile(r"^\d+$")).first.inner_text())


def totals_figure(page: Page):  # type: ignore[no-untyped-def]
    """The participant count at the head of the grid's totals."""
    return page.get_by_label("Totals for the current filter").get_by_text(re.compile(r"^\d+$")).first


def total_participants(page: Page) -> int:
    return int(totals_figure(page).inner_text())


def open_overview(page: Page, app: RunningApp) -> None:
    sign_in(page, app, "manager@example.com")
    expect(page).to_have_url(re.compile(r"/manager$"))
    expect(grid_rows(page).first).to_be_visible()


def waiting_link(page: Page, program: str):  # type: ignore[no-untyped-def]
    return summary(page).get_by_role(
        "link", name=re.compile(rf"^Show the \d+ coachless in {re.escape(program)}$")
    )


def test_the_overview_opens_with_the_summary_and_each_figure_links_to_the_filtered_grid(
    app_server: RunningApp, page: Page
) -> None:
    open_overview(page, app_server)
    expect(summary(page)).to_contain_text("coachless enrollments")
    expect(summary(page)).to_contain_text("participants without a mentor")
    expect(summary(page)).to_contain_text("subscriptions expiring within 30 days")
    save_screenshot(page, "manager-overview-summary")
    first = summary(page).get_by_role("link", name=re.compile(r"^Show the \d+ coachless in ")).first
    label = first.get_attribute("aria-label") or ""
    count = int(label.split()[2])

    first.click()

    expect(page).to_have_url(re.compile(r"/manager\?coachless=1&program=\d+$"))
    expect(page.get_by_role("switch", name="Coachless only")).to_be_checked()
    expect(totals_figure(page)).to_have_text(str(count))

    without_mentor = figure(page, "participants without a mentor")
    summary(page).get_by_role("link", name="Show participants without a mentor").click()
    expect(page).to_have_url(re.compile(r"/manager\?mentor=none$"))
    expect(page.get_by_role("switch", name="No mentor")).to_be_checked()
    expect(page.get_by_role("switch", name="Coachless only")).not_to_be_checked()
    expect(totals_figure(page)).to_have_text(str(without_mentor))
    expect(grid_rows(page).first).to_contain_text("—")


def test_the_manager_assigns_a_coach_to_all_coachless_participants_of_one_program_with_a_preview(
    app_server: RunningApp, page: Page
) -> None:
    open_overview(page, app_server)
    coachless_before = figure(page, "coachless enrollments")
    link = summary(page).get_by_role("link", name=re.compile(r"^Show the \d+ coachless in ")).last
    program = (link.get_attribute("aria-label") or "").split(" coachless in ", 1)[1]

    page.get_by_role("switch", name="Coachless only").click()
    page.get_by_label("Program", exact=True).first.click()
    page.get_by_role("option", name=program, exact=True).click()
    expect(page.get_by_label("Totals for the current filter")).to_contain_text("participants")
    page.wait_for_timeout(300)
    matching = total_participants(page)
    assert matching > 0

    page.get_by_role("button", name=f"Select all {matching} matching").click()
    expect(page.get_by_role("toolbar", name="Selected participants")).to_contain_text(
        f"All {matching} matching participants are selected."
    )
    expect(grid_rows(page).first.get_by_role("checkbox")).to_be_checked()
    page.get_by_role("button", name="Assign coach").click()

    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"All {matching} participants matching the filter")
    choose = dialog.get_by_role("button", name=re.compile(r"^Choose ")).first
    coach = (choose.get_attribute("aria-label") or "").removeprefix("Choose ")
    dialog.get_by_label("Search coaches").fill(coach.split()[0])
    dialog.get_by_role("button", name=f"Choose {coach}").click()
    expect(dialog).to_contain_text(f"Chosen: {coach}")
    dialog.get_by_role("button", name="Preview").click()

    expect(dialog.get_by_role("heading", level=3)).to_contain_text(f"{matching} enrollments change coach")
    expect(dialog.get_by_label("Changes by current coach")).to_contain_text("No coach")
    expect(dialog.get_by_label("Resulting loads in the program")).to_contain_text(coach)
    save_screenshot(page, "manager-bulk-assign-preview")
    dialog.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(f"{matching} enrollments changed coach")).to_be_visible()
    expect(page.get_by_text("No participants match these filters.")).to_be_visible()
    expect(summary(page).get_by_role("row", name=re.compile(re.escape(program)))).to_contain_text(
        "Everyone has a coach"
    )
    assert figure(page, "coachless enrollments") == coachless_before - matching
    save_screenshot(page, "manager-bulk-assign-done")


def test_the_manager_distributes_ticked_rows_evenly_over_chosen_coaches(
    app_server: RunningApp, page: Page
) -> None:
    open_overview(page, app_server)
    link = summary(page).get_by_role("link", name=re.compile(r"^Show the \d+ coachless in ")).first
    count = int((link.get_attribute("aria-label") or "").split()[2])
    link.click()
    expect(page).to_have_url(re.compile(r"coachless=1&program=\d+"))
    expect(totals_figure(page)).to_have_text(str(count))
    names = [grid_rows(page).nth(i).get_by_role("link").inner_text() for i in range(2)]
    for name in names:
        page.get_by_role("checkbox", name=f"Select {name}").click()
        expect(page.get_by_role("checkbox", name=f"Select {name}")).to_be_checked()
    expect(page.get_by_role("toolbar", name="Selected participants")).to_contain_text(
        "2 selected on this page."
    )

    page.get_by_role("button", name="Distribute evenly").click()
    dialog = page.get_by_role("dialog")
    boxes = dialog.get_by_role("checkbox", name=re.compile(r"^Include "))
    expect(boxes.first).to_be_visible()
    chosen = [(boxes.nth(i).get_attribute("aria-label") or "").removeprefix("Include ") for i in range(2)]
    boxes.nth(0).click()
    expect(boxes.nth(0)).to_be_checked()
    boxes.nth(1).click()
    expect(boxes.nth(1)).to_be_checked()
    dialog.get_by_role("button", name="Preview").click()

    loads = dialog.get_by_label("Resulting loads in the program")
    expect(dialog.get_by_role("heading", level=3)).to_contain_text("2 enrollments change coach")
    for coach in chosen:
        expect(loads).to_contain_text(coach)
    save_screenshot(page, "manager-distribute-preview")
    dialog.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("2 enrollments changed coach")).to_be_visible()
    for name in names:
        expect(grid_rows(page).filter(has_text=name)).to_have_count(0)


def test_the_manager_finds_bulk_changes_in_the_audit_log_and_exports_them(
    app_server: RunningApp, page: Page
) -> None:
    engine = build_engine(app_server.database_url)
    with Session(engine) as session:
        manager = actor_from_user(
            session.execute(select(User).where(User.email == "manager@example.com")).scalar_one()
        )
        learner_id, program_id, learner_name = session.execute(
            select(Enrollment.participant_id, Enrollment.program_id, User.name)
            .join(User, User.id == Enrollment.participant_id)
            .where(
                Enrollment.coach_id.is_(None),
                Enrollment.status == "active",
                Enrollment.organization_id == manager.organization_id,
            )
            .order_by(Enrollment.id)
        ).first()
    with override_engine(engine):
        selection = bulk_selection_from({}, [learner_id], False)
        coach = run_read(program_coach_candidates, actor=manager, program_id=program_id)[0]
        preview = run_read(
            bulk_assignment_preview,
            actor=manager,
            selection=selection,
            program_id=program_id,
            coach_id=coach.coach_id,
        )
        run_write(
            bulk_assignment_apply,
            actor=manager,
            selection=selection,
            program_id=program_id,
            coach_id=coach.coach_id,
            expected_digest=preview.digest,
        )
    engine.dispose()

    sign_in(page, app_server, "manager@example.com")
    page.get_by_role("button", name="Main menu").click()
    page.get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(re.compile(r"/manager/audit$"))
    events = page.get_by_label("Audit events")
    expect(events.locator("tbody tr").first).to_be_visible()
    page.get_by_label("Action", exact=True).click()
    page.get_by_role("option", name="Enrollment: coach changed").click()
    page.get_by_label("About participant").fill(learner_name)
    page.get_by_role("button", name=f"About participant: {learner_name}").first.click()

    expect(page.get_by_role("button", name="Clear About participant")).to_be_visible()
    first = events.locator("tbody tr").first
    expect(first).to_contain_text("Lotte de Boer")
    expect(first).to_contain_text("Enrollment: coach changed")
    expect(first).to_contain_text(f"coach: — → {coach.name}")
    expect(first).to_contain_text("reason: bulk assignment")
    save_screenshot(page, "manager-audit-log")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    exported = list(csv.DictReader(io.StringIO(open(download_info.value.path(), encoding="utf-8").read())))  # noqa: SIM115
    assert exported and all(row["action"] == "enrollment.coach_changed" for row in exported)
    assert all(row["participant"] == learner_name for row in exported)


def test_the_audit_log_pages_back_and_forth_newest_first(app_server: RunningApp, page: Page) -> None:
    sign_in(page, app_server, "manager@example.com")
    page.goto(app_server.url("/manager/audit"))
    rows = page.get_by_label("Audit events").locator("tbody tr")
    expect(rows.first).to_be_visible()
    first_page = rows.first.get_attribute("aria-label")

    page.get_by_role("button", name="Older").click()
    expect(page.get_by_text("Newest first · page 2")).to_be_visible()
    assert rows.first.get_attribute("aria-label") != first_page
    page.get_by_role("button", name="Newer").click()
    expect(page.get_by_text("Newest first · page 1")).to_be_visible()
    expect(rows.first).to_have_attribute("aria-label", first_page or "")


def test_the_workload_page_lists_every_coach_and_transfers_one_coachs_participants(
    app_server: RunningApp, page: Page
) -> None:
    sign_in(page, app_server, "manager@example.com")
    page.get_by_role("button", name="Main menu").click()
    page.get_by_role("link", name="Coach workload").click()
    expect(page).to_have_url(re.compile(r"/manager/coaches$"))
    table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Waiting for grading"))
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.get_by_role("figure", name="Load per coach chart")).to_be_visible()
    loads = [
        int(rows.nth(i).locator("td").nth(2).get_by_text(re.compile(r"^\d+$")).first.inner_text())
        for i in range(5)
    ]
    assert loads == sorted(loads, reverse=True)
    save_screenshot(page, "manager-coach-workload")

    source = rows.nth(rows.count() - 1)
    source_name = source.locator("td").first.get_by_text(re.compile(".")).first.inner_text()
    source.get_by_role("button", name=f"Actions for {source_name}").click()
    page.get_by_role("menuitem", name="Transfer all…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Transfer all participants of {source_name}")
    dialog.get_by_label("Which programs").click()
    page.get_by_role("option").nth(1).click()
    boxes = dialog.get_by_role("checkbox", name=re.compile(r"^Include "))
    expect(boxes.first).to_be_visible()
    boxes.first.click()
    dialog.get_by_role("checkbox", name=f"Also mark {source_name} unavailable").click()
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.get_by_role("heading", level=3)).to_contain_text("enrollments move")
    expect(dialog).to_contain_text(f"{source_name} will be marked unavailable.")
    save_screenshot(page, "manager-transfer-preview")
    dialog.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(re.compile(rf"enrollments moved from {re.escape(source_name)}"))).to_be_visible()
    page.get_by_label("Search coaches").fill(source_name)
    moved = table.locator("tbody tr").filter(has_text=source_name)
    expect(moved).to_contain_text("Unavailable")


def test_people_who_are_not_managers_see_neither_the_pages_nor_the_menu_entries(
    app_server: RunningApp, page: Page
) -> None:
    sign_in(page, app_server, "coach@example.com")
    page.get_by_role("button", name="Main menu").click()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Mentor participants")).to_be_visible()
    expect(menu.get_by_role("link", name="Coach workload")).to_have_count(0)
    expect(menu.get_by_role("link", name="Audit log")).to_have_count(0)
    page.keyboard.press("Escape")

    for path in ("/manager/coaches", "/manager/audit"):
        page.goto(app_server.url(path))
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
        expect(page.get_by_role("table")).to_have_count(0)


def test_a_mentors_open_grid_shows_a_bulk_assignment_without_reload(
    app_server: RunningApp, page: Page
) -> None:
    engine = build_engine(app_server.database_url)
    with Session(engine) as session:
        mentor_id = session.execute(select(User.id).where(User.email == "mentor@example.com")).scalar_one()
        manager = actor_from_user(
            session.execute(select(User).where(User.email == "manager@example.com")).scalar_one()
        )
        learner_id, program_id, learner_name = session.execute(
            select(Enrollment.participant_id, Enrollment.program_id, User.name)
            .join(User, User.id == Enrollment.participant_id)
            .join(Mentorship, Mentorship.participant_id == Enrollment.participant_id)
            .where(
                Mentorship.mentor_id == mentor_id,
                Mentorship.ended_at.is_(None),
                Mentorship.mentor_archived.is_(False),
                Enrollment.coach_id.is_(None),
                Enrollment.status == "active",
            )
            .order_by(Enrollment.id)
        ).first()
    sign_in(page, app_server, "mentor@example.com")
    page.get_by_label("Search participants").fill(learner_name)
    # The search has run once the grid shows just this participant (not the first page any more).
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(1)
    row = page.get_by_role("table").locator("tbody tr").filter(has_text=learner_name).first
    expect(row.get_by_text("No coach").first).to_be_visible()
    waiting_before = row.get_by_text("No coach").count()

    with override_engine(engine):
        selection = bulk_selection_from({}, [learner_id], False)
        coach = run_read(program_coach_candidates, actor=manager, program_id=program_id)[0]
        preview = run_read(
            bulk_assignment_preview,
            actor=manager,
            selection=selection,
            program_id=program_id,
            coach_id=coach.coach_id,
        )
        run_write(
            bulk_assignment_apply,
            actor=manager,
            selection=selection,
            program_id=program_id,
            coach_id=coach.coach_id,
            expected_digest=preview.digest,
        )
    engine.dispose()

    expect(row).to_have_attribute("data-changed", "true", timeout=8000)
    expect(row.get_by_text("No coach")).to_have_count(waiting_before - 1)
    expect(row).to_contain_text(coach.name)
