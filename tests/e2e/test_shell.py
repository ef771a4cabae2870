"""The app frame every page shares."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in


def test_landing_page_shows_the_product_and_opens_the_main_menu(app_server: RunningApp, page: Page) -> None:
    sign_in(page, app_server, "mentor@example.com")
    page.goto(app_server.url("/"))

    expect(page.get_by_role("heading", name="Welcome to Mentor Dash")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Maya Jansen")

    page.get_by_role("button", name="Main menu").click()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu).to_be_visible()
    for entry in ["Home", "Mentor participants", "Coach workspace", "My Account"]:
        expect(menu.get_by_role("link", name=entry)).to_be_visible()
    expect(menu.get_by_role("link", name="Manager overview")).to_have_count(0)
    save_screenshot(page, "landing-main-menu")

    menu.get_by_role("link", name="Mentor participants").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/mentor$"))
