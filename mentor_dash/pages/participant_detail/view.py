"""The participant's program breakdown: header, one card per program, XP chart, coach history."""

import reflex as rx

from mentor_dash import routes
from mentor_dash.components.badges import no_coach_badge, primary_marker, subscription_badge
from mentor_dash.components.coach_picker import CandidateView, candidate_row
from mentor_dash.components.feedback import error_callout
from mentor_dash.components.xp_bar import xp_bar
from mentor_dash.pages.participant_detail.state import (
    ExamView,
    HistoryView,
    ParticipantDetailState,
    ProgramView,
)

S = ParticipantDetailState


def _fact(label: str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        value if isinstance(value, rx.Component) else rx.text(value, size="2", weight="medium"),
        spacing="1",
        padding_right="1.5em",
    )


def header() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.heading(S.name, size="7"),
                rx.text(S.email, color_scheme="gray"),
                rx.cond(S.archived, rx.badge("Archived in your overview", color_scheme="gray")),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(
                S.sees_subscription,
                _fact(
                    "Subscription",
                    rx.hstack(
                        rx.text(S.plan, size="2", weight="medium"),
                        subscription_badge(S.subscription),
                        align="center",
                    ),
                ),
            ),
            rx.cond(S.sees_subscription, _fact("Expires", S.expiry)),
            _fact("Mentor", S.mentor),
            _fact("Mentor since", S.mentor_since),
            _fact("Last activity", S.last_activity),
            rx.cond(
                S.can_archive,
                rx.button(
                    rx.cond(S.archived, rx.icon("archive-restore", size=16), rx.icon("archive", size=16)),
                    rx.cond(S.archived, "Unarchive", "Archive"),
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.ask_archive,
                ),
            ),
            gap="5",
            wrap="wrap",
            align="center",
        ),
        size="3",
        width="100%",
    )


def _exam_chip(exam: ExamView) -> rx.Component:
    color = rx.match(
        exam.status,
        ("Passed", "green"),
        ("Failed", "red"),
        ("Awaiting evaluation", "amber"),
        ("Released", "blue"),
        "gray",
    )
    return rx.hstack(
        rx.text(exam.module, size="2"),
        rx.cond(exam.optional, rx.badge("Optional", variant="outline", size="1")),
        rx.spacer(),
        rx.badge(exam.status, color_scheme=color, variant="soft", size="1"),  # type: ignore[arg-type]
        rx.cond(
            exam.overdue, rx.badge(rx.icon("clock-alert", size=12), "Overdue", color_scheme="red", size="1")
        ),
        width="100%",
        align="center",
        spacing="2",
    )


def _actions_menu(program: ProgramView) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(rx.icon("ellipsis"), variant="ghost", aria_label="Actions for " + program.program),
        ),
        rx.menu.content(
            rx.cond(
                program.can_change_coach,
                rx.menu.item(
                    rx.icon("user-round-pen", size=16),
                    rx.cond(program.coachless, "Assign coach", "Change coach"),
                    on_select=S.open_change_coach(program.enrollment_id),
                ),
            ),
            rx.cond(
                program.can_make_primary,
                rx.menu.item(
                    rx.icon("star", size=16),
                    "Make primary coach",
                    on_select=S.make_primary(program.enrollment_id),
                ),
            ),
            rx.cond(
                ~program.can_change_coach & ~program.can_make_primary,
                rx.menu.item("No actions available", disabled=True),
            ),
            align="end",
        ),
    )


def program_card(program: ProgramView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(program.program, size="4"),
                rx.badge(program.status, variant="outline", size="1"),
                rx.spacer(),
                _actions_menu(program),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.text("Coach", size="2", color_scheme="gray"),
                rx.cond(
                    program.coachless, no_coach_badge(), rx.text(program.coach, size="2", weight="medium")
                ),
                rx.cond(program.primary, primary_marker()),
                align="center",
                spacing="2",
            ),
            rx.box(xp_bar(program.xp, program.xp_total, program.xp_percent), width="100%", max_width="24em"),
            rx.text("Exams per module", size="1", color_scheme="gray", padding_top="0.5em"),
            rx.vstack(rx.foreach(program.exams, _exam_chip), spacing="1", width="100%"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        aria_label=program.program,
    )


def xp_chart() -> rx.Component:
    return rx.card(
        rx.heading("XP over the last 120 days", size="3"),
        rx.recharts.area_chart(
            rx.recharts.area(
                data_key="xp", stroke="var(--accent-9)", fill="var(--accent-4)", name="Total XP"
            ),
            rx.recharts.x_axis(data_key="day", interval=14),
            rx.recharts.y_axis(),
            rx.recharts.graphing_tooltip(),
            data=S.chart,
            height=220,
            width="100%",
        ),
        width="100%",
    )


def _history_row(entry: HistoryView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry.when),
        rx.table.cell(entry.program),
        rx.table.cell(entry.change),
        rx.table.cell(entry.who),
    )


def coach_history() -> rx.Component:
    return rx.card(
        rx.heading("Coach changes", size="3"),
        rx.cond(
            S.history.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(h) for h in ("When", "Program", "Change", "By")]
                    )
                ),
                rx.table.body(rx.foreach(S.history, _history_row)),
                size="1",
                width="100%",
            ),
            rx.text("No coach changes recorded.", color_scheme="gray", size="2"),
        ),
        width="100%",
        aria_label="Coach changes",
    )


def _candidate(candidate: CandidateView) -> rx.Component:
    return candidate_row(
        candidate, choose_label="Choose", current_label="Current coach", on_choose=S.choose_coach
    )


def change_coach_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.dialog_current == "No coach", "Assign coach", "Change coach")),
            rx.dialog.description(
                "Program: ", S.dialog_program, ". Current coach: ", S.dialog_current, ".", size="2"
            ),
            error_callout(S.dialog_error),
            rx.cond(
                S.confirming,
                rx.vstack(
                    rx.text(
                        "Move ",
                        rx.text.strong(S.name),
                        " in ",
                        rx.text.strong(S.dialog_program),
                        " from ",
                        rx.text.strong(S.dialog_current),
                        " to ",
                        rx.text.strong(S.chosen_name),
                        "?",
                    ),
                    rx.hstack(
                        rx.button("Back", variant="soft", color_scheme="gray", on_click=S.back_to_list),
                        rx.button("Confirm", on_click=S.confirm_change),
                        justify="end",
                        width="100%",
                    ),
                    spacing="4",
                    padding_top="1em",
                ),
                rx.vstack(
                    rx.el.label("Search coaches", html_for="coach-search", style={"font_size": "14px"}),
                    rx.input(
                        id="coach-search",
                        value=S.coach_search,
                        on_change=S.search_coaches,
                        debounce_timeout=300,
                        placeholder="Name or email",
                        max_length=100,
                        width="100%",
                    ),
                    rx.scroll_area(
                        rx.vstack(rx.foreach(S.candidates, _candidate), spacing="0", width="100%"),
                        max_height="22em",
                        type="auto",
                    ),
                    rx.cond(
                        S.candidates.length() == 0,
                        rx.text("No registered coach matches.", size="2", color_scheme="gray"),
                    ),
                    rx.hstack(
                        rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.close_dialog),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    padding_top="1em",
                    width="100%",
                ),
            ),
            max_width="36em",
        ),
        open=S.dialog_open,
        on_open_change=lambda _open: S.close_dialog(),
    )


def archive_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(S.archived, "Unarchive ", "Archive "), S.name, "?"),
            rx.alert_dialog.description(
                rx.cond(
                    S.archived,
                    "They will show in your overview again.",
                    "They leave your default overview and stay under the Archived filter. "
                    "Nothing is deleted.",
                )
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel_archive)
                ),
                rx.alert_dialog.action(
                    rx.button(rx.cond(S.archived, "Unarchive", "Archive"), on_click=S.confirm_archive)
                ),
                justify="end",
                spacing="3",
                padding_top="1em",
            ),
        ),
        open=S.archive_confirm_open,
    )


def participant_detail_page() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=16), rx.text("Mentor participants"), align="center"),
            href=routes.MENTOR,
            size="2",
        ),
        error_callout(S.error),
        rx.cond(
            S.loaded,
            rx.vstack(
                header(),
                rx.grid(
                    rx.foreach(S.programs, program_card),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                xp_chart(),
                coach_history(),
                change_coach_dialog(),
                archive_dialog(),
                spacing="4",
                width="100%",
            ),
            rx.cond(S.error == "", rx.center(rx.spinner(size="3"), padding="3em")),
        ),
        spacing="4",
        width="100%",
    )
