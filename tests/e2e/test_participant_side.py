"""The participant's side in the browser: My Account, My Mentor, Change Mentor, the mentor card in
the main menu, a coach's contact details and My programs. Also forged websocket calls to these pages.
"""

import asyncio
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from mentor_dash.db import build_engine, override_engine
from mentor_dash.models import AuditEvent, AuditOutcome, Enrollment, Mentorship, Submission, User
from mentor_dash.pages.account.state import NOT_IN_LIST, NOTHING_TO_CONFIRM, AccountState
from mentor_dash.pages.programs.state import NOT_ON_PAGE, ProgramsState
from mentor_dash.services.account import EMAIL_FORMAT
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.mentorship import mentor_choose
from mentor_dash.services.unit_of_work import run_write
from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in
from tests.e2e.ws import handler, signed_in_client
from tests.loops import run_async
from tests.ws_client import AppClient

PARTICIPANT = "participant@example.com"
FORGED_VALUES = [True, "5", [5], {}, -1, 2**63, "x" * 100_000, None, 5.5]


@pytest.fixture
def app_db(app_server: RunningApp) -> Iterator[Engine]:
    engine = build_engine(app_server.database_url)
    yield engine
    engine.dispose()


def user_by_email(engine: Engine, email: str) -> User:
    with Session(engine) as session:
        return session.execute(select(User).where(User.email == email)).scalar_one()


def current_mentor(engine: Engine, participant: User) -> User:
    with Session(engine) as session:
        return session.execute(
            select(User)
            .join(Mentorship, Mentorship.mentor_id == User.id)
            .where(Mentorship.participant_id == participant.id, Mentorship.ended_at.is_(None))
        ).scalar_one()


def set_mentor(engine: Engine, participant: User, mentor: User) -> None:
    """Put the demo back the way other tests expect it (through the service, as the participant)."""
    if current_mentor(engine, participant).id == mentor.id:
        return
    with override_engine(engine):
        run_write(
            mentor_choose,
            actor=actor_from_user(participant),
            participant_id=participant.id,
            mentor_id=mentor.id,
        )


def open_my_mentor(page: Page) -> None:
    page.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="My Account").click()
    expect(page).to_have_url(re.compile(r"/account"))
    page.get_by_role("tab", name="My Mentor").click()


def grid_rows(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("table").locator("tbody tr")


def open_grid_on(page: Page, app: RunningApp, email: str, search: str) -> None:
    sign_in(page, app, email)
    page.goto(app.url("/mentor"))
    expect(page.get_by_role("heading", name="Mentor participants")).to_be_visible()
    page.get_by_label("Search participants").fill(search)


def new_page(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_the_participant_changes_mentor_and_both_mentor_grids_follow_live(
    app_server: RunningApp, page: Page, browser: Browser, app_db: Engine
) -> None:
    sam = user_by_email(app_db, PARTICIPANT)
    old_mentor = current_mentor(app_db, sam)
    new_mentor = user_by_email(app_db, "coach@example.com")
    assert old_mentor.id != new_mentor.id
    new_context, new_mentors_page = new_page(browser)
    old_context, old_mentors_page = new_page(browser)
    try:
        open_grid_on(new_mentors_page, app_server, new_mentor.email, sam.name)
        expect(new_mentors_page.get_by_text("No participants match these filters.")).to_be_visible()
        open_grid_on(old_mentors_page, app_server, old_mentor.email, sam.name)
        expect(grid_rows(old_mentors_page).filter(has_text=sam.name)).to_have_count(1)

        sign_in(page, app_server, PARTICIPANT)
        open_my_mentor(page)
        card = page.get_by_role("region", name="Mentor contact card")
        expect(card).to_contain_text(old_mentor.name)
        page.get_by_role("button", name="Change Mentor").click()
        dialog = page.get_by_role("dialog", name="Change Mentor")
        dialog.get_by_label("Search coaches").fill("bakk")
        expect(dialog.get_by_role("listitem")).to_have_count(1)
        expect(dialog.get_by_role("listitem").first).to_contain_text("Coaches you in")
        save_screenshot(page, "change-mentor-search")
        dialog.get_by_role("button", name=f"Select {new_mentor.name}").click()
        expect(dialog.get_by_text(f"Make {new_mentor.name} your mentor?")).to_be_visible()
        dialog.get_by_role("button", name=re.compile("^Confirm")).click()

        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(card).to_contain_text(new_mentor.name)
        expect(card.get_by_role("link", name=re.compile("sanne.bakker@demo-academy"))).to_have_attribute(
            "href", "mailto:sanne.bakker@demo-academy.example.com"
        )
        expect(page.get_by_role("status")).to_contain_text(f"{new_mentor.name} is now your mentor.")
        page.get_by_role("button", name="Main menu").click()
        menu_card = page.get_by_role("region", name="Your mentor")
        expect(menu_card).to_contain_text(new_mentor.name)
        expect(menu_card.get_by_role("link", name=re.compile("^Email your mentor"))).to_have_attribute(
            "href", "mailto:sanne.bakker@demo-academy.example.com"
        )
        expect(menu_card.get_by_role("link", name=re.compile("^Call your mentor"))).to_have_attribute(
            "href", re.compile(r"^tel:\+?[0-9().-]+$")
        )
        save_screenshot(page, "main-menu-mentor-card")

        # Without reload: the new mentor's grid gains the participant, the old one's loses them.
        expect(grid_rows(new_mentors_page).filter(has_text=sam.name)).to_have_count(1, timeout=10_000)
        expect(grid_rows(old_mentors_page).filter(has_text=sam.name)).to_have_count(0, timeout=10_000)
        save_screenshot(new_mentors_page, "new-mentor-grid-gains-participant")
        assert current_mentor(app_db, sam).id == new_mentor.id
    finally:
        new_context.close()
        old_context.close()
        set_mentor(app_db, sam, old_mentor)


def test_a_coach_edits_contact_details_and_the_participants_card_shows_them(
    app_server: RunningApp, page: Page, browser: Browser, app_db: Engine
) -> None:
    sam = user_by_email(app_db, PARTICIPANT)
    mentor = current_mentor(app_db, sam)
    sign_in(page, app_server, PARTICIPANT)
    open_my_mentor(page)
    card = page.get_by_role("region", name="Mentor contact card")
    expect(card).to_contain_text(mentor.name)
    coach_context, coach_page = new_page(browser)
    try:
        sign_in(coach_page, app_server, mentor.email)
        coach_page.goto(app_server.url("/account"))
        coach_page.get_by_role("tab", name="Contact details").click()
        coach_page.get_by_label("Contact email").fill("maya@localhost")  # the browser accepts it, we do not
        coach_page.get_by_role("button", name="Save contact details").click()
        expect(coach_page.get_by_role("alert")).to_have_text(EMAIL_FORMAT)

        coach_page.get_by_label("Contact email").fill("mentor.desk@demo-academy.example.com")
        coach_page.get_by_label("Phone").fill("+31 6 5555 0101")
        coach_page.get_by_label("Short bio").fill("Office hours on Tuesdays and Thursdays.")
        coach_page.get_by_text("Unavailable", exact=True).click()
        coach_page.get_by_role("button", name="Save contact details").click()
        expect(coach_page.get_by_role("status")).to_contain_text("Your contact details are saved.")
        save_screenshot(coach_page, "coach-contact-details")

        # The participant's open page follows the change feed: no reload needed.
        expect(card).to_contain_text("+31 6 5555 0101", timeout=10_000)
        expect(card).to_contain_text("Office hours on Tuesdays and Thursdays.")
        expect(card).to_contain_text("Unavailable")
        expect(card.get_by_role("link", name=re.compile("mentor.desk@"))).to_have_attribute(
            "href", "mailto:mentor.desk@demo-academy.example.com"
        )
        page.reload()
        page.get_by_role("button", name="Main menu").click()
        expect(page.get_by_role("link", name="Call your mentor +31 6 5555 0101")).to_have_attribute(
            "href", "tel:+31655550101"
        )
        save_screenshot(page, "participant-sees-new-contact-details")
    finally:
        coach_context.close()


def test_the_participant_hands_in_an_assignment_and_sees_it_waiting_for_grading(
    app_server: RunningApp, page: Page, app_db: Engine
) -> None:
    sign_in(page, app_server, PARTICIPANT)
    expect(page).to_have_url(re.compile(r"/programs$"))
    expect(page.get_by_role("heading", name="My programs", exact=True)).to_be_visible()
    expect(page.get_by_role("progressbar", name="Earned XP").first).to_be_visible()
    hand_in = page.get_by_role("button", name=re.compile(r"^Hand in .")).first
    title = (hand_in.get_attribute("aria-label") or "").removeprefix("Hand in ")
    assert title
    item = page.get_by_role("listitem", name=title, exact=True).first
    expect(item).to_contain_text("Open")

    hand_in.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"Hand in: {title}")
    dialog.get_by_label("Your answer (text or link)").fill("https://github.com/sam-visser/e2e-answer")
    dialog.get_by_role("button", name="Hand in", exact=True).click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(item).to_contain_text("Waiting for grading")
    expect(item.get_by_role("button", name=re.compile("^Hand in"))).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("waiting for grading")
    save_screenshot(page, "my-programs-handed-in")
    sam = user_by_email(app_db, PARTICIPANT)
    with Session(app_db) as session:
        waiting = session.execute(
            select(func.count())
            .select_from(Submission)
            .join(Enrollment, Enrollment.id == Submission.enrollment_id)
            .where(
                Enrollment.participant_id == sam.id,
                Submission.status == "waiting",
                Submission.content == "https://github.com/sam-visser/e2e-answer",
            )
        ).scalar_one()
    assert waiting == 1  # in the coach's grading queue


# Forged calls over the websocket


def denied_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == AuditOutcome.DENIED)
        ).scalar_one()


async def settle() -> None:
    """A refused event may get no reply at all: give the server a moment."""
    await asyncio.sleep(0.4)


async def _forged_mentor_choices(app: RunningApp, engine: Engine) -> None:
    sam = user_by_email(engine, PARTICIPANT)
    before = current_mentor(engine, sam)
    with Session(engine) as session:
        foreign_coach = (
            session.execute(select(User.id).where(User.organization_id != sam.organization_id, User.is_coach))
            .scalars()
            .first()
        )
        other_participant = (
            session.execute(
                select(User.id).where(
                    User.organization_id == sam.organization_id, User.id != sam.id, User.is_participant
                )
            )
            .scalars()
            .first()
        )
    client = await signed_in_client(app, PARTICIPANT, path="/account")
    try:
        await client.wait_for(lambda: client.get(AccountState, "loaded") is True, timeout=15)
        await client.emit(handler(AccountState, "confirm_mentor"))
        assert await client.wait_for(
            lambda: client.get(AccountState, "directory_error") == NOTHING_TO_CONFIRM
        )

        await client.emit(handler(AccountState, "open_change_mentor"))
        assert await client.wait_for(lambda: bool(client.get(AccountState, "coaches")), timeout=10)
        for forged in [foreign_coach, other_participant, 987_654, *FORGED_VALUES]:
            await client.emit(handler(AccountState, "select_coach"), {"coach_id": forged})
            await client.emit(handler(AccountState, "confirm_mentor"))
        await settle()

        assert client.get(AccountState, "directory_error") in (NOT_IN_LIST, NOTHING_TO_CONFIRM)
        assert client.get(AccountState, "confirm_name") == ""
        for value in FORGED_VALUES:
            await client.emit(handler(AccountState, "set_search"), {"value": value})
            await client.emit(handler(AccountState, "set_tab"), {"value": value})
        await client.emit(
            handler(AccountState, "save_contact_details"), {"form_data": {"phone": "+31 6 1234 5678"}}
        )
        await client.emit(handler(AccountState, "change_password"), {"form_data": "not a form"})
        await settle()

        assert client.get(AccountState, "tab") in ("profile", None)
        assert len(client.get(AccountState, "coaches") or []) <= 8
        assert current_mentor(engine, sam).id == before.id
    finally:
        await client.close()


def test_forged_mentor_choices_over_the_websocket_change_nothing(
    app_server: RunningApp, app_db: Engine
) -> None:
    run_async(_forged_mentor_choices(app_server, app_db))


async def _coach_calls_participant_handlers(app: RunningApp, engine: Engine) -> None:
    client = await signed_in_client(app, "coach@example.com", path="/account")
    denied_before = denied_count(engine)
    try:
        await client.emit(handler(AccountState, "open_change_mentor"))
        assert await client.wait_for(lambda: bool(client.get(AccountState, "directory_error")), timeout=10)
        await client.emit(handler(ProgramsState, "load"))
        assert await client.wait_for(lambda: bool(client.get(ProgramsState, "error")), timeout=10)
        await settle()

        assert client.get(AccountState, "coaches") in (None, [])
        assert client.get(ProgramsState, "programs") in (None, [])
        assert denied_count(engine) >= denied_before + 2
    finally:
        await client.close()


def test_a_coach_calling_the_participant_handlers_gets_nothing_and_a_refusal_is_recorded(
    app_server: RunningApp, app_db: Engine
) -> None:
    run_async(_coach_calls_participant_handlers(app_server, app_db))


async def _forged_hand_ins(app: RunningApp, engine: Engine) -> None:
    sam = user_by_email(engine, PARTICIPANT)
    with Session(engine) as session:
        foreign_enrollment, foreign_assignment = session.execute(
            select(Submission.enrollment_id, Submission.assignment_id)
            .join(Enrollment, Enrollment.id == Submission.enrollment_id)
            .where(Enrollment.participant_id != sam.id)
        ).first()  # type: ignore[misc]
        submissions_before = session.execute(select(func.count()).select_from(Submission)).scalar_one()
    client: AppClient = await signed_in_client(app, PARTICIPANT, path="/programs")
    try:
        await client.wait_for(lambda: client.get(ProgramsState, "loaded") is True, timeout=15)
        await client.emit(
            handler(ProgramsState, "submit_answer"), {"form_data": {"answer": "https://x.example/a"}}
        )
        await client.emit(
            handler(ProgramsState, "start_hand_in"),
            {"enrollment_id": foreign_enrollment, "assignment_id": foreign_assignment},
        )
        assert await client.wait_for(lambda: client.get(ProgramsState, "error") == NOT_ON_PAGE, timeout=10)
        for value in FORGED_VALUES:
            await client.emit(
                handler(ProgramsState, "start_hand_in"), {"enrollment_id": value, "assignment_id": value}
            )
            await client.emit(handler(ProgramsState, "start_exam"), {"attempt_id": value})
        await client.emit(
            handler(ProgramsState, "submit_answer"), {"form_data": {"answer": "https://x.example/b"}}
        )
        await settle()

        assert client.get(ProgramsState, "answer_open") is not True
        with Session(engine) as session:
            assert (
                session.execute(select(func.count()).select_from(Submission)).scalar_one()
                == submissions_before
            )
    finally:
        await client.close()


def test_forged_hand_ins_over_the_websocket_create_no_submission(
    app_server: RunningApp, app_db: Engine
) -> None:
    run_async(_forged_hand_ins(app_server, app_db))


def test_changing_the_password_signs_out_the_other_sessions_but_not_this_one(
    app_server: RunningApp, page: Page, browser: Browser, app_db: Engine
) -> None:
    # Another demo participant than Sam, so no other journey depends on the password.
    with Session(app_db) as session:
        email = (
            session.execute(
                select(User.email)
                .where(
                    User.is_participant,
                    User.email != PARTICIPANT,
                    User.email.like("%@demo-academy.example.com"),
                )
                .order_by(User.id.desc())
            )
            .scalars()
            .first()
        )
    assert email
    other_context, other_tab = new_page(browser)
    try:
        sign_in(other_tab, app_server, email)
        sign_in(page, app_server, email)
        page.goto(app_server.url("/account"))
        page.get_by_label("Current password").fill("demo1234")
        page.get_by_label("New password", exact=True).fill("a brand new passphrase")
        page.get_by_label("Repeat new password").fill("a brand new passphrase")
        page.get_by_role("button", name="Change password").click()

        expect(page.get_by_role("status")).to_contain_text(
            "Your password is changed. Signed out 1 other session(s)."
        )
        other_tab.goto(app_server.url("/programs"))
        expect(other_tab).to_have_url(re.compile(r"/login"), timeout=10_000)
        page.goto(app_server.url("/programs"))
        expect(page.get_by_role("heading", name="My programs", exact=True)).to_be_visible()

        other_tab.get_by_label("Email").fill(email)
        other_tab.get_by_label("Password").fill("a brand new passphrase")
        other_tab.get_by_role("button", name="Sign in").click()
        expect(other_tab).to_have_url(re.compile(r"/programs$"))
    finally:
        other_context.close()
