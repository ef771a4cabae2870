"""The participant grid table, its filter bar and header totals."""

import reflex as rx

from mentor_dash.components.badges import count_badge, no_coach_badge, primary_marker, subscription_badge
from mentor_dash.components.feedback import error_callout
from mentor_dash.components.filters import labelled_select, labelled_switch, search_box
from mentor_dash.components.pager import pager
from mentor_dash.components.xp_bar import xp_bar
from mentor_dash.pages.participant_grid import manager_view
from mentor_dash.pages.participant_grid.state import GridState

SORT_CHOICES = [
    ("name", "Name"),
    ("xp", "XP"),
    ("expiry", "Subscription expiry"),
    ("activity", "Last activity"),
]
SUBSCRIPTION_CHOICES = [
    ("all", "All subscriptions"),
    ("active", "Active"),
    ("expiring", "Expiring within 30 days"),
    ("expired", "Expired"),
    ("none", "No subscription"),
]
EXAM_CHOICES = [
    ("all", "All exam statuses"),
    ("released", "Released, not submitted"),
    ("submitted", "Awaiting evaluation"),
    ("passed", "Passed"),
    ("failed", "Failed"),
    ("warning", "Optional module at risk"),
]


def filter_bar(state: type[GridState], *, show_archived: bool, show_no_mentor: bool = False) -> rx.Component:
    return rx.flex(
        search_box("Search participants", "grid-search", state.search, state.set_search),
        labelled_select(
            "Program",
            "grid-program",
            state.program_options,
            state.program_id,
            state.set_program,
            placeholder="All programs",
        ),
        labelled_select(
            "Coach",
            "grid-coach",
            state.coach_options,
            state.coach_id,
            state.set_coach,
            placeholder="All coaches",
        ),
        labelled_select(
            "Subscription",
            "grid-subscription",
            SUBSCRIPTION_CHOICES,
            state.subscription,
            state.set_subscription,
        ),
        labelled_select("Exam status", "grid-exam", EXAM_CHOICES, state.exam, state.set_exam),
        labelled_switch("Coachless only", "grid-coachless", state.coachless_only, state.set_coachless_only),
        labelled_switch("No mentor", "grid-no-mentor", state.no_mentor, state.set_no_mentor)
        if show_no_mentor
        else rx.fragment(),
        labelled_switch("Archived", "grid-archived", state.archived, state.set_archived)
        if show_archived
        else rx.fragment(),
        rx.spacer(),
        labelled_select("Sort by", "grid-sort", SORT_CHOICES, state.sort, state.set_sort),
        rx.box(
            rx.icon_button(
                rx.cond(state.descending, rx.icon("arrow-down-wide-narrow"), rx.icon("arrow-up-narrow-wide")),
                variant="soft",
                on_click=state.toggle_direction,
                aria_label=rx.cond(
                    state.descending,
                    "Sort descending (click for ascending)",
                    "Sort ascending (click for descending)",
                ),
            ),
            padding_top="1.2em",
        ),
        rx.box(
            rx.button(
                rx.icon("download", size=16), "Export CSV", variant="outline", on_click=state.export_csv
            ),
            padding_top="1.2em",
        ),
        gap="3",
        wrap="wrap",
        align="start",
        width="100%",
    )


def header_totals(state: type[GridState], *, noun: str) -> rx.Component:
    def figure(value: rx.Var[int], label: str, color: str) -> rx.Component:
        return rx.hstack(
            rx.text(value, weight="bold", color=f"var(--{color}-11)"),
            rx.text(label, size="2"),
            align="baseline",
            spacing="1",
        )

    return rx.hstack(
        figure(state.total, noun, "gray"),
        figure(state.coachless_people, "without a coach in some program", "red"),
        figure(state.coachless_total, "coachless enrollments", "red"),
        figure(state.expiring_total, "subscriptions expiring within 30 days", "amber"),
        figure(state.expired_total, "expired", "red"),
        spacing="5",
        wrap="wrap",
        aria_label="Totals for the current filter",
    )


def _programs_cell(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            row.programs,
            lambda cell: rx.hstack(
                rx.text(cell.program, size="2", weight="medium"),
                rx.cond(cell.coachless, no_coach_badge(), rx.text(cell.coach, size="2", color_scheme="gray")),
                rx.cond(cell.primary, primary_marker()),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
        ),
        spacing="1",
    )


def _exam_cell(row: rx.Var) -> rx.Component:
    return rx.flex(
        count_badge(row.released, "Released", "blue", "Released, not yet submitted"),
        count_badge(row.submitted, "Awaiting", "amber", "Submitted, awaiting evaluation"),
        count_badge(row.passed, "Passed", "green", "Passed exams"),
        count_badge(row.failed, "Failed", "red", "Failed exams"),
        rx.cond(
            row.warning,
            rx.tooltip(
                rx.badge(
                    rx.icon("triangle-alert", size=12),
                    "Optional module",
                    color_scheme="red",
                    variant="solid",
                    size="1",
                ),
                content="An exam of an optional module is overdue or failed",
            ),
        ),
        rx.cond(
            (row.released + row.submitted + row.passed + row.failed) == 0,
            rx.text("No exams yet", size="1", color_scheme="gray"),
        ),
        gap="1",
        wrap="wrap",
        max_width="16em",
    )


def _row(row: rx.Var, *, show_mentor: bool, state: type[GridState] | None = None) -> rx.Component:
    return rx.table.row(
        rx.table.cell(manager_view.row_checkbox(state, row)) if state is not None else rx.fragment(),
        rx.table.cell(
            rx.vstack(
                rx.link(row.name, href=row.href, weight="medium"),
                rx.text(row.email, size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(_programs_cell(row)),
        rx.table.cell(xp_bar(row.xp, row.xp_available, row.xp_percent)),
        rx.table.cell(
            rx.vstack(rx.text(row.expiry, size="2"), subscription_badge(row.subscription), spacing="1")
        ),
        rx.table.cell(_exam_cell(row)),
        rx.table.cell(rx.text(row.last_activity, size="2")),
        rx.table.cell(rx.text(row.mentor, size="2")) if show_mentor else rx.fragment(),
        background=rx.cond(row.changed, "var(--amber-a3)", "transparent"),
        style={"transition": "background 0.8s"},
        data_changed=row.changed.to_string(),
        aria_label=row.name,
    )


def grid_table(state: type[GridState], *, show_mentor: bool, selectable: bool = False) -> rx.Component:
    headers = ["Participant", "Programs and coaches", "Earned XP", "Subscription", "Exams", "Last activity"]
    if show_mentor:
        headers.append("Mentor")
    select_header = (
        [rx.table.column_header_cell(manager_view.page_checkbox(state), width="2.5em")] if selectable else []
    )
    chooser = state if selectable else None
    return rx.table.root(
        rx.table.header(rx.table.row(*select_header, *[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(state.rows, lambda row: _row(row, show_mentor=show_mentor, state=chooser))),
        variant="surface",
        size="2",
        width="100%",
    )


def grid_page(state: type[GridState], *, title: str, noun: str, manager: bool) -> rx.Component:
    return rx.vstack(
        *([rx.heading("Manager overview", size="7"), manager_view.summary_panel(state)] if manager else []),
        rx.heading(title, size="6" if manager else "7", as_="h2" if manager else "h1"),
        header_totals(state, noun=noun),
        filter_bar(state, show_archived=not manager, show_no_mentor=manager),
        error_callout(state.error),
        manager_view.bulk_dialog(state) if manager else rx.fragment(),
        rx.cond(
            state.loaded,
            rx.cond(
                state.total > 0,
                rx.vstack(
                    manager_view.selection_bar(state) if manager else rx.fragment(),
                    grid_table(state, show_mentor=manager, selectable=manager),
                    pager(
                        page=state.page,
                        page_count=state.page_count,
                        total=state.total,
                        page_size=state.page_size,
                        on_previous=state.previous_page,
                        on_next=state.next_page,
                        on_page_size=state.set_page_size,
                    ),
                    width="100%",
                    spacing="3",
                ),
                rx.callout("No participants match these filters.", icon="info", width="100%"),
            ),
            rx.center(rx.spinner(size="3"), padding="3em"),
        ),
        spacing="4",
        width="100%",
    )
