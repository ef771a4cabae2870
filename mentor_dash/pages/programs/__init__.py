"""/programs: My programs, the participant's own view of their learning programs."""

import reflex as rx

from mentor_dash.components.badges import no_coach_badge, primary_marker
from mentor_dash.components.feedback import error_callout
from mentor_dash.components.xp_bar import xp_bar
from mentor_dash.pages.programs.state import (
    ASSIGNMENT,
    AssignmentView,
    ExamView,
    ModuleView,
    ProgramsState,
    ProgramView,
)
from mentor_dash.services.hand_in import MAX_ANSWER
from mentor_dash.templates.layout import page_layout

ASSIGNMENT_COLORS = {"open": "gray", "waiting": "amber", "passed": "green", "failed": "red"}
EXAM_COLORS = {"released": "blue", "submitted": "amber", "eligible": "indigo"}


def _status_badge(status: rx.Var[str], label: rx.Var[str], colors: dict[str, str]) -> rx.Component:
    return rx.match(
        status,
        *[
            (key, rx.badge(label, color_scheme=color, variant="soft"))  # type: ignore[arg-type]
            for key, color in colors.items()
        ],
        rx.badge(label, color_scheme="gray", variant="soft"),
    )


def _feedback(feedback: rx.Var[str], score: rx.Var[str] | None = None) -> rx.Component:
    shown = feedback != "" if score is None else (feedback != "") | (score != "")
    return rx.cond(
        shown,
        rx.box(
            rx.cond(score != "", rx.text("Score ", score, size="1", weight="medium"))
            if score is not None
            else rx.fragment(),
            rx.cond(
                feedback != "",
                rx.text("Feedback from your coach: ", feedback, size="1", style={"white_space": "pre-wrap"}),
            ),
            padding="0.4em 0.6em",
            margin_top="0.3em",
            border_left="3px solid var(--accent-6)",
            background="var(--gray-a2)",
        ),
    )


def _assignment(assignment: AssignmentView) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.icon("file-text", size=16, color="var(--gray-10)", aria_hidden="true"),
            rx.text(assignment.title, size="2", flex="1"),
            rx.text(assignment.xp, " XP", size="1", color_scheme="gray"),
            _status_badge(assignment.status, assignment.label, ASSIGNMENT_COLORS),
            rx.cond(
                assignment.can_hand_in,
                rx.button(
                    "Hand in",
                    size="1",
                    variant="soft",
                    on_click=ProgramsState.start_hand_in(assignment.enrollment_id, assignment.id),
                    aria_label="Hand in " + assignment.title,
                ),
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.cond(
            assignment.submitted != "",
            rx.text("Handed in ", assignment.submitted, size="1", color_scheme="gray", padding_left="28px"),
        ),
        rx.box(_feedback(assignment.feedback, assignment.score), padding_left="28px"),
        aria_label=assignment.title,
        data_status=assignment.status,
        style={"list_style": "none", "padding": "0.35em 0"},
    )


def _exam(exam: ExamView) -> rx.Component:
    result = rx.cond(
        exam.passed,
        rx.badge(exam.result, color_scheme="green", variant="solid"),
        rx.badge(exam.result, color_scheme="red", variant="solid"),
    )
    return rx.el.li(
        rx.hstack(
            rx.icon("scroll-text", size=16, color="var(--accent-10)", aria_hidden="true"),
            rx.text(exam.title, size="2", weight="medium", flex="1"),
            rx.text(exam.xp, " XP", size="1", color_scheme="gray"),
            rx.cond(exam.result != "", result, _status_badge(exam.status, exam.label, EXAM_COLORS)),
            rx.cond(
                exam.can_submit,
                rx.button(
                    "Submit exam",
                    size="1",
                    on_click=ProgramsState.start_exam(exam.attempt_id),
                    aria_label="Submit exam " + exam.title,
                ),
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.box(_feedback(exam.feedback), padding_left="28px"),
        rx.cond(
            exam.failed,
            rx.text("Your coach can grant you a resit.", size="1", color_scheme="gray", padding_left="28px"),
        ),
        aria_label=exam.title,
        data_status=exam.status,
        style={"list_style": "none", "padding": "0.35em 0"},
    )


def _module(module: ModuleView) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(module.position, ". ", module.title, size="3", as_="h3"),
            rx.cond(
                module.optional, rx.badge("Optional", color_scheme="purple", variant="outline", size="1")
            ),
            align="center",
            spacing="2",
        ),
        rx.el.ul(
            rx.foreach(module.assignments, _assignment),
            rx.cond(module.exam.exists, _exam(module.exam)),
            aria_label=module.title,
            style={"padding": "0", "margin": "0.3em 0 0 0"},
        ),
        padding_y="0.75em",
        border_top="1px solid var(--gray-a4)",
        width="100%",
    )


def _program(program: ProgramView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(program.name, size="5", as_="h2"),
                rx.cond(program.completed, rx.badge("Completed", color_scheme="green")),
                rx.spacer(),
                rx.cond(
                    program.coach != "",
                    rx.hstack(
                        rx.text("Coach: ", program.coach, size="2"),
                        rx.cond(program.primary, primary_marker()),
                        spacing="2",
                        align="center",
                    ),
                    rx.hstack(
                        no_coach_badge(), rx.text("A coach will be assigned.", size="1"), align="center"
                    ),
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.box(
                xp_bar(program.xp, program.xp_total, program.xp_percent, program.threshold_percent),
                rx.text(
                    "Exams open at ",
                    program.threshold_percent,
                    "% (",
                    program.threshold_xp,
                    " XP), marked on the bar.",
                    size="1",
                    color_scheme="gray",
                ),
                width="100%",
                max_width="28em",
            ),
            rx.foreach(program.modules, _module),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        role="region",
        aria_label=program.name,
    )


def _answer_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(ProgramsState.answer_kind == ASSIGNMENT, "Hand in: ", "Submit exam: "),
                ProgramsState.answer_title,
            ),
            rx.dialog.description(
                rx.cond(
                    ProgramsState.answer_kind == ASSIGNMENT,
                    "Write your answer or paste a link to your work. Your coach grades it.",
                    "Write your exam answer. You can submit an exam once.",
                ),
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        "Your answer (text or link)",
                        html_for="answer",
                        style={"font_weight": "500", "font_size": "14px"},
                    ),
                    rx.text_area(
                        id="answer",
                        name="answer",
                        rows="6",
                        max_length=MAX_ANSWER,
                        width="100%",
                        required=True,
                    ),
                    error_callout(ProgramsState.answer_error),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            rx.cond(ProgramsState.answer_kind == ASSIGNMENT, "Hand in", "Submit exam"),
                            type="submit",
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                    padding_top="0.75em",
                ),
                on_submit=ProgramsState.submit_answer,
                reset_on_submit=False,
                key=ProgramsState.answer_version.to_string(),
            ),
            max_width="34em",
        ),
        open=ProgramsState.answer_open,
        on_open_change=ProgramsState.set_answer_open,
    )


@page_layout("My programs")
def my_programs() -> rx.Component:
    return rx.vstack(
        rx.heading("My programs", size="7"),
        error_callout(ProgramsState.error),
        rx.cond(
            ProgramsState.message != "",
            rx.callout(
                ProgramsState.message, icon="circle-check", color_scheme="green", role="status", width="100%"
            ),
        ),
        rx.cond(
            ProgramsState.loaded,
            rx.cond(
                ProgramsState.programs.length() > 0,
                rx.vstack(rx.foreach(ProgramsState.programs, _program), spacing="4", width="100%"),
                rx.callout("You are not enrolled in a learning program yet.", icon="info", width="100%"),
            ),
            rx.center(rx.spinner(size="3"), padding="3em"),
        ),
        _answer_dialog(),
        spacing="4",
        width="100%",
    )
