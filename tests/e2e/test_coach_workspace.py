"""The demo coach at work in the browser: grading, exams, groups and a hand-over, while the
participant's mentor watches the same participant change in a second browser context."""

import json
import re
import uuid
from dataclasses import dataclass

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from mentor_dash.db import build_engine
from mentor_dash.models import (
    Assignment,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamStatus,
    LearningProgram,
    Mentorship,
    Module,
    Submission,
    SubmissionStatus,
    User,
)
from mentor_dash.pages.coach_enrollment.state import CoachEnrollmentState
from mentor_dash.pages.coach_workspace.state import CoachWorkspaceState
from mentor_dash.state import SessionState
from tests.e2e.conftest import RunningApp, save_screenshot
from tests.e2e.helpers import sign_in
from tests.e2e.ws import signed_in_client
from tests.loops import run_async
from tests.ws_client import AppClient

COACH_EMAIL = "coach@example.com"
MENTOR_EMAIL = "mentor@example.com"


@dataclass
class Target:
    enrollment_id: int
    participant_id: int
    participant: str
    program: str
    mentor_email: str


def _session(app: RunningApp) -> Session:
    return Session(build_engine(app.database_url))


def _coach_id(session: Session) -> int:
    return session.execute(select(User.id).where(User.email == COACH_EMAIL)).scalar_one()


def _mentored_enrollments(session: Session, *conditions):  # type: ignore[no-untyped-def]
    """The demo coach's active enrollments whose participant has a mentor, with what a test needs."""
    learner, mentor = aliased(User), aliased(User)
    return (
        select(Enrollment.id, learner.id, learner.name, LearningProgram.name, mentor.email)
        .join(learner, learner.id == Enrollment.participant_id)
        .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .join(Mentorship, (Mentorship.participant_id == learner.id) & Mentorship.ended_at.is_(None))
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .where(
            Enrollment.coach_id == _coach_id(session),
            Enrollment.status == EnrollmentStatus.ACTIVE,
            *conditions,
        )
        .order_by(Enrollment.id)
    )


def _latest_status(status: ExamStatus):  # type: ignore[no-untyped-def]
    later = aliased(ExamAttempt)
    return (
        select(ExamAttempt.id)
        .where(
            ExamAttempt.enrollment_id == Enrollment.id,
            ExamAttempt.status == status,
            ~select(later.id)
            .where(
                later.enrollment_id == ExamAttempt.enrollment_id,
                later.exam_id == ExamAttempt.exam_id,
                later.attempt_no > ExamAttempt.attempt_no,
            )
            .exists(),
        )
        .exists()
    )


def mentor_page(browser: Browser, app: RunningApp, target: Target) -> tuple[BrowserContext, Page]:
    """The participant's mentor, signed in in a context of their own, on the participant's page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, app, target.mentor_email, next_path=f"/mentor/participants/{target.participant_id}")
    expect(page.get_by_role("heading", name=target.participant)).to_be_visible()
    return context, page


def program_card(page: Page, program: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(program, exact=True)


def xp_text(card) -> str:  # type: ignore[no-untyped-def]
    return card.get_by_text(re.compile(r"^\d+ / \d+ XP$")).inner_text()


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def open_coach_page(page: Page, app: RunningApp, path: str = "/coach") -> None:
    sign_in(page, app, COACH_EMAIL, next_path=path)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def test_the_coach_finds_the_workspace_in_the_main_menu_with_programs_and_the_threshold_marker(
    app_server: RunningApp, page: Page
) -> None:
    sign_in(page, app_server, COACH_EMAIL)
    page.get_by_role("button", name="Main menu").click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Coach workspace").click()

    expect(page).to_have_url(re.compile(r"/coach$"))
    expect(page.get_by_role("heading", name="Coach workspace")).to_be_visible()
    expect(page.get_by_role("heading", name="Data Analysis with Python")).to_be_visible()
    choose(page, "Program", "Full-Stack Web Development")
    expect(page.get_by_role("heading", name="Full-Stack Web Development")).to_be_visible()
    expect(page.get_by_role("heading", name="Data Analysis with Python")).to_have_count(0)
    expect(page.get_by_role("progressbar", name="Earned XP").first).to_be_visible()
    expect(page.get_by_title("Exam threshold").first).to_be_attached()
    for header in ["Participant", "Modules done", "Earned XP", "To do", "Exams", "Groups"]:
        expect(page.get_by_role("columnheader", name=header)).to_be_visible()
    expect(page.get_by_text(re.compile("subscription|expir", re.IGNORECASE))).to_have_count(0)
    save_screenshot(page, "coach-workspace")


def test_the_coach_grades_a_waiting_submission_from_the_queue_and_the_mentor_sees_the_xp_live(
    app_server: RunningApp, page: Page, browser: Browser
) -> None:
    with _session(app_server) as session:
        row = session.execute(
            _mentored_enrollments(session, Submission.status == SubmissionStatus.WAITING)
            .add_columns(Assignment.title, Assignment.xp, Submission.id)
            .join(Submission, Submission.enrollment_id == Enrollment.id)
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .order_by(Submission.submitted_at)
        ).first()
    assert row is not None, "the demo coach has no waiting work of a mentored participant"
    target = Target(*row[:5])
    assignment, xp = row[5], row[6]
    watcher_context, watcher = mentor_page(browser, app_server, target)
    card = program_card(watcher, target.program)
    earned, total = (int(n) for n in xp_text(card).removesuffix(" XP").split(" / "))

    open_coach_page(page, app_server)
    page.get_by_role("tab", name=re.compile("^Grading queue")).click()
    page.get_by_role("button", name=f"Grade {assignment} by {target.participant}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Submitted work")).not_to_be_empty()
    dialog.get_by_role("radio", name="Pass").check()
    dialog.get_by_label(re.compile("^Score")).fill("88")
    dialog.get_by_label("Feedback").fill("Clear and well structured. <b>Keep it up</b>")
    save_screenshot(page, "coach-grade-dialog")
    dialog.get_by_role("button", name="Save grade").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(f"{assignment} by {target.participant}: passed (+{xp} XP).")).to_be_visible()
    expect(page.get_by_role("button", name=f"Grade {assignment} by {target.participant}")).to_have_count(0)
    expect(card).to_contain_text(f"{earned + xp} / {total} XP", timeout=10_000)
    save_screenshot(watcher, "mentor-sees-graded-xp-live")
    watcher_context.close()

    with _session(app_server) as session:
        graded = session.get(Submission, row[7])
        assert graded is not None
        assert (graded.status, graded.score, graded.xp_awarded) == (SubmissionStatus.PASSED, 88, xp)
        assert graded.feedback == "Clear and well structured. <b>Keep it up</b>"


def test_the_coach_evaluates_a_submitted_exam_and_releases_an_eligible_one_while_the_mentor_watches(
    app_server: RunningApp, page: Page, browser: Browser
) -> None:
    with _session(app_server) as session:
        row = session.execute(
            _mentored_enrollments(
                session, _latest_status(ExamStatus.SUBMITTED), _latest_status(ExamStatus.ELIGIBLE)
            )
        ).first()
        assert row is not None, "no mentored enrollment with a submitted and an eligible exam"
        target = Target(*row)
        titles = dict(
            session.execute(
                select(ExamAttempt.status, Exam.title)
                .join(Exam, Exam.id == ExamAttempt.exam_id)
                .join(Module, Module.id == Exam.module_id)
                .where(ExamAttempt.enrollment_id == target.enrollment_id)
                .order_by(Module.position.desc())
            ).all()
        )
    submitted_exam, eligible_exam = titles[ExamStatus.SUBMITTED], titles[ExamStatus.ELIGIBLE]
    watcher_context, watcher = mentor_page(browser, app_server, target)
    card = program_card(watcher, target.program)
    awaiting = card.get_by_text("Awaiting evaluation", exact=True).count()
    eligible = card.get_by_text("Eligible, not released", exact=True).count()
    passed = card.get_by_text("Passed", exact=True).count()
    assert awaiting >= 1 and eligible >= 1

    open_coach_page(page, app_server, f"/coach/enrollments/{target.enrollment_id}")
    expect(page.get_by_role("heading", name=target.participant)).to_be_visible()
    page.get_by_role("button", name=f"Evaluate {submitted_exam}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Exam answer")).not_to_be_empty()
    dialog.get_by_role("button", name="Save evaluation").click()
    expect(dialog).to_contain_text("Give either an outcome")
    dialog.get_by_role("radio", name="Good").check()
    dialog.get_by_label("Feedback").fill("Thorough answers.")
    dialog.get_by_role("button", name="Save evaluation").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_label(submitted_exam, exact=True)).to_contain_text("Passed (good)")

    expect(card.get_by_text("Awaiting evaluation", exact=True)).to_have_count(awaiting - 1, timeout=10_000)
    expect(card.get_by_text("Passed", exact=True)).to_have_count(passed + 1)

    page.get_by_role("button", name=f"Release {eligible_exam}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Due in days").fill("500")
    dialog.get_by_role("button", name="Release exam").click()  # the browser refuses it before sending
    expect(dialog).to_be_visible()
    dialog.get_by_label("Due in days").fill("10")
    dialog.get_by_role("button", name="Release exam").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_label(eligible_exam, exact=True)).to_contain_text("Released, due")
    expect(page.get_by_role("button", name=f"Release {eligible_exam}")).to_have_count(0)

    expect(card.get_by_text("Eligible, not released", exact=True)).to_have_count(eligible - 1, timeout=10_000)
    save_screenshot(watcher, "mentor-sees-exam-status-live")
    save_screenshot(page, "coach-enrollment-after-exams")
    watcher_context.close()


def test_the_coach_creates_a_group_adds_a_participant_and_filters_by_it(
    app_server: RunningApp, page: Page
) -> None:
    name = f"E2E cohort {uuid.uuid4().hex[:6]}"
    open_coach_page(page, app_server)

    page.get_by_role("tab", name="Groups").click()
    page.get_by_label("Program", exact=True).select_option(label="Full-Stack Web Development")
    page.get_by_label("Group name").fill("   ")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the group a name.")
    page.get_by_label("Group name").fill(name)
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_label(f"Group {name}")).to_contain_text("0")
    page.get_by_label("Group name").fill(name.upper())
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("alert")).to_contain_text("already have a group")

    page.get_by_role("tab", name="Participants").click()
    choose(page, "Program", "Full-Stack Web Development")
    row = page.get_by_role("row", name=re.compile(r" in Full-Stack Web Development$")).first
    label = row.get_attribute("aria-label") or ""
    participant = label.removesuffix(" in Full-Stack Web Development")
    page.get_by_role("button", name=f"Actions for {label}").click()
    page.get_by_role("menuitem", name="Add to group").click()
    page.get_by_role("dialog").get_by_role("button", name=f"Add to {name}").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("row", name=label)).to_contain_text(name)

    choose(page, "Group", f"{name} (Full-Stack Web Development)")
    rows = page.get_by_role("table").locator("tbody tr[data-changed]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(participant)
    save_screenshot(page, "coach-group-filter")


def test_the_coach_archives_a_participant_and_brings_them_back_from_the_archived_filter(
    app_server: RunningApp, page: Page
) -> None:
    open_coach_page(page, app_server)
    row = page.get_by_role("row", name=re.compile(r" in Data Analysis with Python$")).first
    label = row.get_attribute("aria-label") or ""
    participant = label.removesuffix(" in Data Analysis with Python")

    page.get_by_role("button", name=f"Actions for {label}").click()
    page.get_by_role("menuitem", name="Archive").click()
    expect(page.get_by_text(f"{participant} (Data Analysis with Python) is archived")).to_be_visible()
    expect(page.get_by_role("row", name=label)).to_have_count(0)

    page.get_by_label("Archived").click()
    expect(page.get_by_role("row", name=label)).to_be_visible()
    page.get_by_role("button", name=f"Actions for {label}").click()
    page.get_by_role("menuitem", name="Unarchive").click()
    expect(page.get_by_role("row", name=label)).to_have_count(0)
    page.get_by_label("Archived").click()
    expect(page.get_by_role("row", name=label)).to_be_visible()


def test_the_coach_unenrolls_a_participant_handing_them_to_another_coach_and_the_mentor_sees_it_live(
    app_server: RunningApp, page: Page, browser: Browser
) -> None:
    with _session(app_server) as session:
        maya = session.execute(select(User.id).where(User.email == MENTOR_EMAIL)).scalar_one()
        waiting = select(Submission.id).where(
            Submission.enrollment_id == Enrollment.id, Submission.status == SubmissionStatus.WAITING
        )
        row = session.execute(
            _mentored_enrollments(
                session,
                Mentorship.mentor_id != maya,
                ~waiting.exists(),
                ~_latest_status(ExamStatus.SUBMITTED),
            )
        ).first()
    assert row is not None
    target = Target(*row)
    watcher_context, watcher = mentor_page(browser, app_server, target)
    card = program_card(watcher, target.program)
    expect(card).to_contain_text("Sanne Bakker")

    open_coach_page(page, app_server, f"/coach/enrollments/{target.enrollment_id}")
    page.get_by_role("button", name="Unenroll").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"stays enrolled in {target.program}")
    expect(dialog.get_by_role("button", name="Hand over to Sanne Bakker")).to_have_count(0)
    first = dialog.get_by_role("button", name=re.compile(r"^Hand over to ")).first
    successor = (first.get_attribute("aria-label") or "").removeprefix("Hand over to ")
    dialog.get_by_label("Search coaches of this program").fill(successor.split()[0])
    dialog.get_by_role("button", name=f"Hand over to {successor}").click()
    expect(dialog).to_contain_text(f"over to {successor} and end your coaching?")
    save_screenshot(page, "coach-unenroll-confirm")
    dialog.get_by_role("button", name="Confirm unenroll").click()

    expect(page).to_have_url(re.compile(r"/coach$"))
    expect(
        page.get_by_text(f"{target.participant} in {target.program} is now coached by {successor}.")
    ).to_be_visible()
    page.get_by_label("Search participants").fill(target.participant)
    expect(page.get_by_role("row", name=f"{target.participant} in {target.program}")).to_have_count(0)

    expect(card).to_contain_text(successor, timeout=10_000)
    expect(card).not_to_contain_text("Sanne Bakker")
    history = watcher.get_by_label("Coach changes")
    expect(history).to_contain_text(f"Sanne Bakker → {successor}")
    save_screenshot(watcher, "mentor-sees-hand-over-live")
    watcher_context.close()

    with _session(app_server) as session:
        enrollment = session.get(Enrollment, target.enrollment_id)
        assert enrollment is not None
        assert enrollment.status == EnrollmentStatus.ACTIVE
        assert session.get(User, enrollment.coach_id).name == successor  # type: ignore[union-attr,arg-type]


def test_another_coachs_enrollment_page_shows_not_allowed(app_server: RunningApp, page: Page) -> None:
    with _session(app_server) as session:
        foreign = session.execute(
            select(Enrollment.id)
            .where(Enrollment.coach_id != _coach_id(session), Enrollment.coach_id.is_not(None))
            .limit(1)
        ).scalar_one()
    open_coach_page(page, app_server, f"/coach/enrollments/{foreign}")

    expect(page.get_by_role("alert")).to_contain_text("not allowed")
    expect(page.get_by_role("button", name="Unenroll")).to_have_count(0)


# The state the browser receives holds no subscription data.

SUBSCRIPTION_WORDS = re.compile(r"subscri|expir", re.IGNORECASE)


async def _defaults(app: RunningApp) -> dict[str, dict[str, object]]:
    """What a signed-out tab receives: every state's defaults."""
    client = AppClient(app.base_url)
    await client.connect("/login")
    try:
        await client.wait_for(lambda: client.get(SessionState, "session_token") is not None, timeout=10)
        return {name: dict(values) for name, values in client.vars.items()}
    finally:
        await client.close()


async def _coach_state_has_no_subscription_data(app: RunningApp) -> None:
    with _session(app) as session:
        coach_id = _coach_id(session)
        enrollment_id = session.execute(
            select(func.min(Enrollment.id)).where(
                Enrollment.coach_id == coach_id, Enrollment.status == EnrollmentStatus.ACTIVE
            )
        ).scalar_one()
    defaults = await _defaults(app)
    pages = ((f"/coach/enrollments/{enrollment_id}", CoachEnrollmentState), ("/coach", CoachWorkspaceState))
    for path, state in pages:
        client = await signed_in_client(app, COACH_EMAIL, path=path)
        try:
            assert await client.wait_for(lambda c=client, s=state: bool(c.get(s, "loaded")), timeout=15)
            mine = client.vars.get(state.get_full_name(), {})  # type: ignore[attr-defined]
            assert len(mine) > 10
            assert not [name for name in mine if SUBSCRIPTION_WORDS.search(name)]
            assert not SUBSCRIPTION_WORDS.search(json.dumps(mine, default=str))
            # Other pages' states reach this tab with their defaults only, never with a value.
            for name, values in client.vars.items():
                for var, value in values.items():
                    if SUBSCRIPTION_WORDS.search(var):
                        default = defaults.get(name, {}).get(var)
                        assert value == default or not value, f"{name}.{var} = {value!r}"
        finally:
            await client.close()


def test_the_state_sent_to_a_coachs_browser_holds_no_subscription_data(app_server: RunningApp) -> None:
    run_async(_coach_state_has_no_subscription_data(app_server))
