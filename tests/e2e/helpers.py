"""Browser steps shared by the journeys."""

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import RunningApp

DEMO_PASSWORD = "demo1234"


def sign_in(page: Page, app: RunningApp, email: str, *, next_path: str = "") -> None:
    page.goto(app.url("/login" + (f"?next={next_path}" if next_path else "")))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def signed_in_page(context: BrowserContext, app: RunningApp, email: str) -> Page:
    page = context.new_page()
    sign_in(page, app, email)
    return page
