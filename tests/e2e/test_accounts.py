"""Signing in and out, landing pages, and pages a user may not use."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in


@pytest.mark.parametrize(
    ("email", "landing", "heading"),
    [
        ("mentor@example.com", "/mentor", "Mentor participants"),
        ("coach@example.com", "/mentor", "Mentor participants"),
        ("participant@example.com", "/programs", "My programs"),
        ("manager@example.com", "/manager", "Participants"),
    ],
)
def test_each_demo_login_lands_on_its_own_start_page(
    app_server: RunningApp, page: Page, email: str, landing: str, heading: str
) -> None:
    sign_in(page, app_server, email)

    expect(page).to_have_url(re.compile(landing + "$"))
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_a_wrong_password_is_refused_with_one_message(app_server: RunningApp, page: Page) -> None:
    page.goto(app_server.url("/login"))
    page.get_by_label("Email").fill("mentor@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back_where_they_wanted_to_go(
    app_server: RunningApp, page: Page
) -> None:
    page.goto(app_server.url("/manager"))
    expect(page).to_have_url(re.compile(r"/login\?next=/manager"))

    page.get_by_label("Email").fill("manager@example.com")
    page.get_by_label("Password").fill("demo1234")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/manager$"))


def test_a_participant_opening_the_manager_page_sees_not_allowed_and_no_data(
    app_server: RunningApp, page: Page
) -> None:
    sign_in(page, app_server, "participant@example.com")
    page.goto(app_server.url("/manager"))

    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    save_screenshot(page, "participant-on-manager-page")


def test_the_main_menu_shows_only_what_the_user_may_use(app_server: RunningApp, page: Page) -> None:
    sign_in(page, app_server, "participant@example.com")
    page.get_by_role("button", name="Main menu").click()
    menu = page.get_by_role("navigation", name="Main menu")

    expect(menu.get_by_role("link", name="My programs")).to_be_visible()
    expect(menu.get_by_role("link", name="My Account")).to_be_visible()
    expect(menu.get_by_role("link", name="Manager overview")).to_have_count(0)
    expect(menu.get_by_role("link", name="Coach workspace")).to_have_count(0)


def test_signing_out_ends_the_session_in_every_open_tab(app_server: RunningApp, page: Page) -> None:
    sign_in(page, app_server, "mentor@example.com")
    other_tab = page.context.new_page()
    other_tab.goto(app_server.url("/mentor"))
    expect(other_tab.get_by_role("heading", name="Mentor participants")).to_be_visible()

    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    other_tab.get_by_label("Search participants").fill("a")
    expect(other_tab).to_have_url(re.compile(r"/login"), timeout=10_000)
