"""One enrollment for its coach: header with actions, then module by module work and exams."""

import reflex as rx

from mentor_dash import routes
from mentor_dash.components.badges import primary_marker
from mentor_dash.components.coach_picker import CandidateView, candidate_row
from mentor_dash.components.feedback import error_callout
from mentor_dash.components.grade_form import grade_dialog
from mentor_dash.components.xp_bar import xp_bar
from mentor_dash.pages.coach_enrollment.state import (
    AssignmentView,
    AttemptView,
    CoachEnrollmentState,
    GroupChip,
    ModuleView,
    SubmissionView,
)
from mentor_dash.selectors.coach_enrollment import EVALUATE, RELEASE, RELEASE_EARLY, RESIT
from mentor_dash.services.progress import DEFAULT_EXAM_DAYS, MAX_EXAM_DAYS, MIN_EXAM_DAYS

S = CoachEnrollmentState
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}
TEXT_BLOCK = {"white_space": "pre-wrap", "word_break": "break-word"}


def _fact(label: str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        value if isinstance(value, rx.Component) else rx.text(value, size="2", weight="medium"),
        spacing="1",
        padding_right="1.5em",
    )


def _group_chip(chip: GroupChip) -> rx.Component:
    return rx.badge(
        chip.name,
        rx.icon_button(
            rx.icon("x", size=10),
            size="1",
            variant="ghost",
            color_scheme="gray",
            on_click=S.remove_from_group(chip.group_id),
            aria_label="Remove from " + chip.name,
            style={"height": "14px", "width": "14px", "min_width": "14px"},
        ),
        variant="soft",
        color_scheme="violet",
    )


def _groups() -> rx.Component:
    return rx.hstack(
        rx.foreach(S.groups, _group_chip),
        rx.cond(S.groups.length() == 0, rx.text("In none of your groups", size="2", color_scheme="gray")),
        rx.cond(
            S.other_groups.length() > 0,
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(rx.icon("plus", size=14), "Add to group", size="1", variant="soft"),
                ),
                rx.menu.content(
                    rx.foreach(
                        S.other_groups,
                        lambda chip: rx.menu.item(chip.name, on_select=S.add_to_group(chip.group_id)),
                    ),
                ),
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def header() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.heading(S.name, size="7"),
                        rx.cond(S.primary, primary_marker()),
                        rx.cond(S.archived, rx.badge("Archived in your list", color_scheme="gray")),
                        align="center",
                        spacing="3",
                        wrap="wrap",
                    ),
                    rx.text(S.email, color_scheme="gray"),
                    rx.text(S.program, size="4", weight="medium"),
                    spacing="1",
                ),
                rx.spacer(),
                rx.hstack(
                    rx.button(
                        rx.cond(S.archived, rx.icon("archive-restore", size=16), rx.icon("archive", size=16)),
                        rx.cond(S.archived, "Unarchive", "Archive"),
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.toggle_archive,
                    ),
                    rx.button(
                        rx.icon("user-minus", size=16),
                        "Unenroll",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.open_unenroll,
                    ),
                    spacing="2",
                ),
                gap="4",
                wrap="wrap",
                width="100%",
            ),
            rx.flex(
                _fact(
                    "Modules done",
                    rx.text(S.modules_done, " of ", S.modules_total, size="2", weight="medium"),
                ),
                _fact("Last activity", S.last_activity),
                _fact("Enrolled", S.enrolled),
                _fact(
                    "Exam threshold",
                    rx.text(S.threshold_xp, " XP (", S.threshold_pct, "%)", size="2", weight="medium"),
                ),
                gap="3",
                wrap="wrap",
            ),
            rx.box(xp_bar(S.xp, S.xp_total, S.xp_percent, S.threshold_pct), width="100%", max_width="30em"),
            _groups(),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _submission(submission: SubmissionView) -> rx.Component:
    color = rx.match(submission.status, ("passed", "green"), ("failed", "red"), "amber")
    return rx.box(
        rx.hstack(
            rx.badge(submission.status_label, color_scheme=color, variant="soft", size="1"),  # type: ignore[arg-type]
            rx.text("Handed in ", submission.submitted, size="1", color_scheme="gray"),
            rx.cond(submission.score != "", rx.badge(submission.score, variant="outline", size="1")),
            rx.cond(
                submission.xp_awarded > 0,
                rx.badge(
                    "+", submission.xp_awarded, " XP", color_scheme="green", variant="outline", size="1"
                ),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(submission.content, size="2", style=TEXT_BLOCK, padding_y="0.3em"),
        rx.cond(
            submission.feedback != "",
            rx.text(
                rx.text.strong("Feedback: "),
                submission.feedback,
                size="2",
                style=TEXT_BLOCK,
                color_scheme="gray",
            ),
        ),
        rx.cond(submission.graded != "", rx.text(submission.graded, size="1", color_scheme="gray")),
        padding="0.5em",
        border_left="3px solid var(--gray-a5)",
        margin_top="0.4em",
        role="article",
        aria_label="Submission handed in " + submission.submitted,
    )


def _assignment(assignment: AssignmentView) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.cond(
                assignment.passed,
                rx.icon("circle-check", size=16, color="var(--green-9)"),
                rx.icon("circle", size=16, color="var(--gray-8)"),
            ),
            rx.text(assignment.title, weight="medium", size="2"),
            rx.badge(assignment.xp, " XP", variant="soft", size="1"),
            rx.spacer(),
            rx.cond(
                assignment.waiting_submission_id > 0,
                rx.button(
                    rx.icon("check-check", size=14),
                    "Grade",
                    size="1",
                    on_click=S.open_grade(assignment.waiting_submission_id),
                    aria_label="Grade " + assignment.title,
                ),
            ),
            rx.cond(
                assignment.submissions.length() == 0,
                rx.text("Not handed in yet", size="1", color_scheme="gray"),
            ),
            width="100%",
            align="center",
            spacing="2",
        ),
        rx.foreach(assignment.submissions, _submission),
        padding_y="0.5em",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        role="group",
        aria_label=assignment.title,
    )


def _attempt(attempt: AttemptView) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(attempt.title, weight="medium", size="2"),
            rx.cond(
                attempt.verdict != "",
                rx.badge(
                    attempt.verdict,
                    color_scheme=rx.cond(attempt.passed, "green", "red"),
                    variant="soft",
                    size="1",
                ),
            ),
            spacing="2",
            align="center",
        ),
        rx.text(attempt.timeline, size="1", color_scheme="gray"),
        rx.cond(
            attempt.answer != "",
            rx.text(rx.text.strong("Answer: "), attempt.answer, size="2", style=TEXT_BLOCK),
        ),
        rx.cond(
            attempt.feedback != "",
            rx.text(
                rx.text.strong("Feedback: "),
                attempt.feedback,
                size="2",
                style=TEXT_BLOCK,
                color_scheme="gray",
            ),
        ),
        padding="0.5em",
        border_left="3px solid var(--gray-a5)",
        margin_top="0.4em",
    )


def _exam_action(module: ModuleView) -> rx.Component:
    exam = module.exam
    return rx.match(
        exam.next_step,
        (
            RELEASE,
            rx.button(
                "Release", size="1", on_click=S.open_release(exam.exam_id), aria_label="Release " + exam.title
            ),
        ),
        (
            RELEASE_EARLY,
            rx.button(
                "Release early",
                size="1",
                variant="soft",
                on_click=S.open_release(exam.exam_id),
                aria_label="Release " + exam.title + " early",
            ),
        ),
        (
            EVALUATE,
            rx.button(
                "Evaluate",
                size="1",
                on_click=S.open_evaluate(exam.exam_id),
                aria_label="Evaluate " + exam.title,
            ),
        ),
        (
            RESIT,
            rx.button(
                "Give a resit",
                size="1",
                variant="soft",
                on_click=S.open_resit(exam.exam_id),
                aria_label="Give a resit of " + exam.title,
            ),
        ),
        rx.fragment(),
    )


def _exam(module: ModuleView) -> rx.Component:
    exam = module.exam
    color = rx.match(
        exam.status,
        ("assessed", rx.cond(exam.status_label.contains("Passed"), "green", "red")),
        ("submitted", "amber"),
        ("released", "blue"),
        ("eligible", "cyan"),
        "gray",
    )
    return rx.box(
        rx.hstack(
            rx.icon("file-check", size=16),
            rx.text(exam.title, weight="medium", size="2"),
            rx.badge(exam.xp, " XP", variant="soft", size="1"),
            rx.badge(exam.status_label, color_scheme=color, variant="soft", size="1"),  # type: ignore[arg-type]
            rx.spacer(),
            _exam_action(module),
            width="100%",
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.foreach(exam.attempts, _attempt),
        padding_top="0.6em",
        width="100%",
        role="group",
        aria_label=exam.title,
    )


def module_card(module: ModuleView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(module.title, size="4", as_="h2"),
                rx.cond(module.optional, rx.badge("Optional", variant="outline", size="1")),
                rx.cond(
                    module.done, rx.badge(rx.icon("check", size=12), "Done", color_scheme="green", size="1")
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.foreach(module.assignments, _assignment),
            rx.cond(module.has_exam, _exam(module)),
            spacing="1",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label=module.title,
    )


def _choice(value: str, label: str) -> rx.Component:
    control_id = f"exam-outcome-{value}"
    return rx.el.label(
        rx.hstack(
            rx.radio_group.item(value=value, id=control_id), rx.text(label), spacing="2", align="center"
        ),
        html_for=control_id,
    )


def _dialog_buttons(submit: str) -> rx.Component:
    return rx.hstack(
        rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=S.close_exam_dialog),
        rx.button(submit, type="submit"),
        justify="end",
        width="100%",
    )


def _schedule_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                S.exam_mode == RELEASE_EARLY,
                rx.callout(
                    "The participant has not reached the exam threshold yet. You may release the exam early.",
                    icon="info",
                    size="1",
                ),
            ),
            rx.el.label("Due in days", html_for="exam-due-days", style=LABEL_STYLE),
            rx.input(
                id="exam-due-days",
                name="due_in_days",
                type="number",
                min=MIN_EXAM_DAYS,
                max=MAX_EXAM_DAYS,
                default_value=str(DEFAULT_EXAM_DAYS),
                width="8em",
            ),
            error_callout(S.exam_error),
            _dialog_buttons(rx.cond(S.exam_mode == RESIT, "Give resit", "Release exam")),  # type: ignore[arg-type]
            spacing="2",
            width="100%",
        ),
        on_submit=S.submit_schedule,
        reset_on_submit=False,
        key=S.exam_form_key.to_string() + "-schedule",
    )


def _evaluation_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.box(
                rx.text(S.exam_answer, size="2", style=TEXT_BLOCK),
                role="region",
                aria_label="Exam answer",
                max_height="14em",
                overflow_y="auto",
                padding="0.75em",
                border_radius="var(--radius-2)",
                background="var(--gray-a3)",
                width="100%",
            ),
            rx.el.span("Outcome", id="exam-outcome-label", style=LABEL_STYLE),
            rx.radio_group.root(
                rx.hstack(
                    _choice("fail", "Fail"), _choice("pass", "Pass"), _choice("good", "Good"), spacing="5"
                ),
                name="outcome",
                aria_labelledby="exam-outcome-label",
            ),
            rx.el.label(
                "Or a number grade (1 to 10; 6 or more passes)", html_for="exam-grade", style=LABEL_STYLE
            ),
            rx.input(id="exam-grade", name="grade", type="number", min=1, max=10, step=1, width="8em"),
            rx.el.label("Feedback", html_for="exam-feedback", style=LABEL_STYLE),
            rx.text_area(id="exam-feedback", name="feedback", max_length=5000, rows="4", width="100%"),
            error_callout(S.exam_error),
            _dialog_buttons("Save evaluation"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.submit_evaluation,
        reset_on_submit=False,
        key=S.exam_form_key.to_string() + "-evaluate",
    )


def exam_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.match(
                    S.exam_mode,
                    (EVALUATE, "Evaluate "),
                    (RESIT, "Give a resit of "),
                    "Release ",
                ),
                S.exam_title,
            ),
            rx.dialog.description(S.name, " · ", S.program, size="2", padding_bottom="0.75em"),
            rx.cond(S.exam_mode == EVALUATE, _evaluation_form(), _schedule_form()),
            max_width="40em",
        ),
        open=S.exam_open,
        on_open_change=lambda _open: S.close_exam_dialog(),
    )


def _candidate(candidate: CandidateView) -> rx.Component:
    return candidate_row(
        candidate,
        choose_label="Hand over",
        current_label="You",
        on_choose=S.choose_coach,
        aria_prefix="Hand over to",
    )


def _unenroll_choices() -> rx.Component:
    return rx.vstack(
        rx.el.label("Search coaches of this program", html_for="handover-search", style=LABEL_STYLE),
        rx.input(
            id="handover-search",
            value=S.coach_search,
            on_change=S.search_coaches,
            debounce_timeout=300,
            placeholder="Name or email",
            max_length=100,
            width="100%",
        ),
        rx.scroll_area(
            rx.vstack(rx.foreach(S.candidates, _candidate), spacing="0", width="100%"),
            max_height="18em",
            type="auto",
        ),
        rx.cond(
            S.candidates.length() == 0, rx.text("No registered coach matches.", size="2", color_scheme="gray")
        ),
        rx.hstack(
            rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.close_unenroll),
            rx.spacer(),
            rx.button(
                "Leave without a coach", variant="outline", color_scheme="red", on_click=S.choose_no_coach
            ),
            width="100%",
        ),
        spacing="3",
        padding_top="1em",
        width="100%",
    )


def _unenroll_confirm() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.chosen_name != "",
            rx.text(
                "Hand ",
                rx.text.strong(S.name),
                " in ",
                rx.text.strong(S.program),
                " over to ",
                rx.text.strong(S.chosen_name),
                " and end your coaching?",
            ),
            rx.text(
                "End your coaching of ",
                rx.text.strong(S.name),
                " in ",
                rx.text.strong(S.program),
                " and leave them without a coach? Mentors and program managers will see them "
                "under Coachless only.",
            ),
        ),
        rx.hstack(
            rx.button("Back", variant="soft", color_scheme="gray", on_click=S.back_to_coaches),
            rx.button("Confirm unenroll", color_scheme="red", on_click=S.confirm_unenroll),
            justify="end",
            width="100%",
        ),
        spacing="4",
        padding_top="1em",
        width="100%",
    )


def unenroll_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Unenroll from your coaching"),
            rx.dialog.description(
                S.name,
                " stays enrolled in ",
                S.program,
                "; only your coaching ends. Hand them to another coach of this program, "
                "or leave them without a coach.",
                size="2",
            ),
            error_callout(S.unenroll_error),
            rx.cond(S.unenroll_confirming, _unenroll_confirm(), _unenroll_choices()),
            max_width="38em",
        ),
        open=S.unenroll_open,
        on_open_change=lambda _open: S.close_unenroll(),
    )


def coach_enrollment_page() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), rx.text("Coach workspace"), align="center"),
            href=routes.COACH,
            size="2",
        ),
        error_callout(S.error),
        rx.cond(
            S.loaded,
            rx.vstack(
                header(),
                rx.foreach(S.modules, module_card),
                spacing="4",
                width="100%",
            ),
            rx.cond(S.error == "", rx.center(rx.spinner(size="3"), padding="3em")),
        ),
        grade_dialog(
            open=S.grade_open,
            form_key=S.grade_form_key,
            participant=S.grade_participant,
            program=S.grade_program,
            assignment=S.grade_assignment,
            xp=S.grade_xp,
            submitted=S.grade_submitted,
            content=S.grade_content,
            error=S.grade_error,
            on_submit=S.submit_grade,
            on_close=S.close_grade,
        ),
        exam_dialog(),
        unenroll_dialog(),
        spacing="4",
        width="100%",
    )
