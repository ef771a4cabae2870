"""HTML and script in what people write is shown as text: nothing in it runs."""

from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from sqlmodel import Session

from mentor_dash.db import build_engine
from mentor_dash.models import Mentorship, User
from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in

PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Zed'


def test_a_name_full_of_html_is_shown_as_text_in_the_grid_and_on_the_participant_page(
    app_server: RunningApp, page: Page
) -> None:
    engine = build_engine(app_server.database_url)
    with Session(engine) as session:
        maya = session.execute(select(User.id).where(User.email == "mentor@example.com")).scalar_one()
        participant_id = (
            session.execute(
                select(Mentorship.participant_id).where(
                    Mentorship.mentor_id == maya,
                    Mentorship.ended_at.is_(None),
                    Mentorship.mentor_archived.is_(False),
                )
            )
            .scalars()
            .first()
        )
        original = session.get(User, participant_id).name  # type: ignore[union-attr]
        session.execute(update(User).where(User.id == participant_id).values(name=PAYLOAD))
        session.commit()
    try:
        sign_in(page, app_server, "mentor@example.com")
        page.get_by_label("Search participants").fill("Zed")
        expect(page.get_by_role("link", name=PAYLOAD)).to_be_visible()
        page.get_by_role("link", name=PAYLOAD).click()
        expect(page.get_by_role("heading", name=PAYLOAD)).to_be_visible()
        save_screenshot(page, "html-in-a-name-shown-as-text")

        assert page.evaluate("window.__xss") is None
        assert page.locator("img[src='x']").count() == 0
    finally:
        with Session(engine) as session:
            session.execute(update(User).where(User.id == participant_id).values(name=original))
            session.commit()
        engine.dispose()
