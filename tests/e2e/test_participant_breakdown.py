"""A mentor works on one participant: change a coach, assign one, archive and unarchive."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in


def grid_rows(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("table").locator("tbody tr")


def open_participant(page: Page, app: RunningApp, *, coachless: bool) -> str:
    """Open a mentor participant from the grid (one with a coachless program, or one fully coached)."""
    sign_in(page, app, "mentor@example.com")
    if coachless:
        page.get_by_label("Coachless only").click()
        expect(grid_rows(page).first.get_by_text("No coach").first).to_be_visible()
        row = grid_rows(page).first
    else:
        expect(grid_rows(page).first).to_be_visible()
        row = grid_rows(page).filter(has_not_text="No coach").first
    name = row.get_by_role("link").inner_text()
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/mentor/participants/\d+$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    return name


def choose_first_other_coach(page: Page) -> str:
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name=re.compile(r"^Choose ")).first).to_be_visible()
    choose = dialog.get_by_role("button", name=re.compile(r"^Choose ")).first
    new_coach = (choose.get_attribute("aria-label") or "").removeprefix("Choose ")
    page.get_by_label("Search coaches").fill(new_coach.split()[0])
    dialog.get_by_role("button", name=f"Choose {new_coach}").click()
    expect(dialog).to_contain_text(f"to {new_coach}?")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    return new_coach


def test_a_mentor_changes_a_coach_and_an_open_grid_shows_it_without_reload(
    app_server: RunningApp, page: Page, browser: Browser
) -> None:
    name = open_participant(page, app_server, coachless=False)
    program = page.get_by_role("button", name=re.compile(r"^Actions for ")).first.get_attribute("aria-label")
    program_name = (program or "").removeprefix("Actions for ")

    watcher_context = browser.new_context(viewport={"width": 1280, "height": 800})
    watcher = watcher_context.new_page()
    sign_in(watcher, app_server, "mentor@example.com")
    watcher.get_by_label("Search participants").fill(name)
    expect(grid_rows(watcher)).to_have_count(1)

    page.get_by_role("button", name=f"Actions for {program_name}").click()
    page.get_by_role("menuitem", name="Change coach").click()
    new_coach = choose_first_other_coach(page)

    program_card = page.get_by_label(program_name, exact=True)
    expect(program_card).to_contain_text(new_coach)
    history = page.get_by_label("Coach changes")
    expect(history).to_contain_text(program_name)
    expect(history).to_contain_text(f"→ {new_coach}")
    expect(history).to_contain_text("Maya Jansen")
    save_screenshot(page, "participant-coach-changed")

    expect(grid_rows(watcher).first).to_contain_text(new_coach, timeout=8000)
    save_screenshot(watcher, "grid-shows-new-coach-live")
    watcher_context.close()


def test_a_mentor_assigns_a_coach_to_a_coachless_program(app_server: RunningApp, page: Page) -> None:
    open_participant(page, app_server, coachless=True)
    buttons = page.get_by_role("button", name=re.compile(r"^Actions for "))
    expect(buttons.first).to_be_visible()
    labels = [buttons.nth(i).get_attribute("aria-label") or "" for i in range(buttons.count())]
    for label in labels:
        page.get_by_role("button", name=label, exact=True).click()
        page.get_by_role("menuitem").first.wait_for()
        item = page.get_by_role("menuitem", name="Assign coach")
        if item.count():
            program_name = label.removeprefix("Actions for ")
            item.click()
            break
        page.keyboard.press("Escape")
    else:
        raise AssertionError("no coachless program offered 'Assign coach'")

    expect(page.get_by_role("dialog")).to_contain_text("Current coach: No coach")
    new_coach = choose_first_other_coach(page)

    card = page.get_by_label(program_name, exact=True)
    expect(card).to_contain_text(new_coach)
    expect(card.get_by_text("No coach")).to_have_count(0)


def test_a_mentor_archives_and_unarchives_a_participant(app_server: RunningApp, page: Page) -> None:
    name = open_participant(page, app_server, coachless=False)

    page.get_by_role("button", name="Archive").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Archive").click()
    expect(page.get_by_text("Archived in your overview")).to_be_visible()

    page.get_by_role("link", name="Mentor participants").click()
    page.get_by_label("Search participants").fill(name)
    expect(page.get_by_text("No participants match these filters.")).to_be_visible()
    page.get_by_label("Archived").click()
    expect(grid_rows(page).first).to_contain_text(name)

    grid_rows(page).first.get_by_role("link").click()
    page.get_by_role("button", name="Unarchive").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Unarchive").click()
    expect(page.get_by_text("Archived in your overview")).to_have_count(0)
