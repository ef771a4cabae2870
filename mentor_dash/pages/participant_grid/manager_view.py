"""The manager's additions to the grid page: summary cards, row selection and the bulk coach dialog."""

from typing import Any

import reflex as rx

from mentor_dash.components.feedback import error_callout
from mentor_dash.pages.participant_grid.manager_tools import (
    ASSIGN,
    SPREAD,
    BulkCoach,
    LoadLine,
    SourceLine,
    WaitingProgram,
)

State = Any  # ManagerGridState; typed loosely to keep this module free of the state's import cycle.


def _figure_card(
    value: rx.Var[int], label: str, href: rx.Var[str], color: str, link_label: str
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(value, size="7", weight="bold", color=f"var(--{color}-11)"),
            rx.text(label, size="2"),
            rx.link(link_label, href=href, size="2", aria_label=link_label),
            spacing="1",
        ),
        min_width="13em",
        role="group",
        aria_label=label,
    )


def _program_line(program: WaitingProgram) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(program.program, weight="medium")),
        rx.table.cell(
            rx.cond(
                program.coachless > 0,
                rx.link(
                    program.coachless.to_string() + " coachless",
                    href=program.href,
                    aria_label="Show the "
                    + program.coachless.to_string()
                    + " coachless in "
                    + program.program,
                    color_scheme="red",
                    weight="bold",
                ),
                rx.text("Everyone has a coach", color_scheme="green", size="2"),
            )
        ),
        rx.table.cell(rx.text(program.active, " active", size="2", color_scheme="gray")),
        rx.table.cell(rx.text(program.oldest, size="2", color_scheme="gray")),
    )


def summary_panel(state: State) -> rx.Component:
    """Coachless per program (oldest waiting first), no mentor, expiring: each links to the filtered grid."""
    return rx.vstack(
        rx.flex(
            _figure_card(
                state.summary_coachless,
                "coachless enrollments",
                state.summary_coachless_href,
                "red",
                "Show coachless participants",
            ),
            _figure_card(
                state.summary_without_mentor,
                "participants without a mentor",
                state.summary_no_mentor_href,
                "amber",
                "Show participants without a mentor",
            ),
            _figure_card(
                state.summary_expiring,
                "subscriptions expiring within 30 days",
                state.summary_expiring_href,
                "amber",
                "Show expiring subscriptions",
            ),
            gap="3",
            wrap="wrap",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(h)
                        for h in ("Program", "Waiting for a coach", "Enrollments", "Longest wait")
                    ]
                )
            ),
            rx.table.body(rx.foreach(state.summary_programs, _program_line)),
            size="1",
            variant="surface",
            width="100%",
            aria_label="Coachless enrollments per program",
        ),
        spacing="3",
        width="100%",
        role="region",
        aria_label="Summary",
    )


def row_checkbox(state: State, row: rx.Var) -> rx.Component:
    return rx.checkbox(
        checked=state.all_matching | state.selected_ids.contains(row.id),
        on_change=lambda checked: state.toggle_row(row.id, checked),
        aria_label="Select " + row.name,
    )


def page_checkbox(state: State) -> rx.Component:
    return rx.checkbox(
        checked=state.page_selected,
        on_change=state.toggle_page,
        aria_label="Select all on this page",
    )


def selection_bar(state: State) -> rx.Component:
    return rx.flex(
        rx.text(
            rx.cond(
                state.all_matching,
                "All " + state.total.to_string() + " matching participants are selected.",
                state.selected_count.to_string() + " selected on this page.",
            ),
            size="2",
            weight="medium",
            aria_live="polite",
        ),
        rx.cond(
            ~state.all_matching,
            rx.button(
                "Select all " + state.total.to_string() + " matching",
                variant="ghost",
                size="1",
                on_click=state.select_all_matching,
                aria_label="Select all " + state.total.to_string() + " matching",
            ),
        ),
        rx.cond(
            state.selected_count > 0,
            rx.button(
                "Clear selection",
                variant="ghost",
                size="1",
                color_scheme="gray",
                on_click=state.clear_selection,
                margin="0",
            ),
        ),
        rx.spacer(),
        rx.button(
            rx.icon("user-round-plus", size=16),
            "Assign coach",
            size="2",
            disabled=state.selected_count == 0,
            on_click=state.open_bulk(ASSIGN),
        ),
        rx.button(
            rx.icon("split", size=16),
            "Distribute evenly",
            size="2",
            variant="soft",
            disabled=state.selected_count == 0,
            on_click=state.open_bulk(SPREAD),
        ),
        gap="3",
        align="center",
        wrap="wrap",
        width="100%",
        padding="0.5em 0.75em",
        border_radius="var(--radius-3)",
        background=rx.cond(state.selected_count > 0, "var(--accent-a3)", "var(--gray-a2)"),
        role="toolbar",
        aria_label="Selected participants",
    )


def _coach_line(state: State, coach: BulkCoach) -> rx.Component:
    return rx.hstack(
        rx.cond(
            state.bulk_mode == SPREAD,
            rx.checkbox(
                checked=coach.chosen,
                on_change=lambda _: state.choose_bulk_coach(coach.coach_id),
                aria_label="Include " + coach.name,
            ),
        ),
        rx.vstack(
            rx.text(coach.name, weight="medium", size="2"),
            rx.text(coach.email, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.badge(coach.load.to_string() + " active in program", variant="soft", size="1"),
        rx.cond(
            state.bulk_mode == ASSIGN,
            rx.button(
                rx.cond(coach.chosen, "Chosen", "Choose"),
                size="1",
                variant=rx.cond(coach.chosen, "solid", "outline"),
                on_click=state.choose_bulk_coach(coach.coach_id),
                aria_label="Choose " + coach.name,
                aria_pressed=coach.chosen,
            ),
        ),
        width="100%",
        align="center",
        spacing="2",
        padding_y="0.35em",
        border_bottom="1px solid var(--gray-a4)",
    )


def _picker(state: State) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.el.label("Program", html_for="bulk-program", style={"font_size": "12px"}),
                rx.select.root(
                    rx.select.trigger(id="bulk-program", aria_label="Program", min_width="14em"),
                    rx.select.content(
                        rx.foreach(
                            state.program_options,
                            lambda option: rx.select.item(option["label"], value=option["id"]),
                        )
                    ),
                    value=state.bulk_program,
                    on_change=state.set_bulk_program,
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label("Search coaches", html_for="bulk-search", style={"font_size": "12px"}),
                rx.input(
                    id="bulk-search",
                    placeholder="Name or email",
                    value=state.bulk_search,
                    on_change=state.search_bulk_coaches,
                    debounce_timeout=300,
                    max_length=100,
                ),
                spacing="1",
            ),
            spacing="3",
            align="end",
        ),
        rx.text(
            rx.cond(
                state.bulk_mode == ASSIGN,
                "Active, available coaches registered for the program, least loaded first.",
                "Tick coaches to spread the waiting enrollments over; the least loaded gets the next one.",
            ),
            size="1",
            color_scheme="gray",
        ),
        rx.scroll_area(
            rx.vstack(
                rx.foreach(state.bulk_coaches, lambda c: _coach_line(state, c)),
                spacing="0",
                width="100%",
                padding_right="1em",
                padding_left="0.25em",
            ),
            type="auto",
            scrollbars="vertical",
            style={"max_height": "18em"},
        ),
        rx.cond(
            state.bulk_chosen_names.length() > 0,
            rx.text("Chosen: ", state.bulk_chosen_names.join(", "), size="2", weight="medium"),
        ),
        rx.hstack(
            rx.button("Cancel", variant="soft", color_scheme="gray", on_click=state.close_bulk),
            rx.button("Preview", on_click=state.preview_bulk, disabled=state.bulk_chosen_names.length() == 0),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _source(line: SourceLine) -> rx.Component:
    return rx.table.row(rx.table.cell(line.name), rx.table.cell(line.count))


def _load(line: LoadLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.name),
        rx.table.cell(line.before),
        rx.table.cell(rx.text(line.after, weight="bold")),
    )


def _small_table(headers: list[str], body: rx.Component, label: str) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(body),
        size="1",
        width="100%",
        aria_label=label,
    )


def _preview(state: State) -> rx.Component:
    return rx.vstack(
        rx.heading(
            state.preview_changes.to_string()
            + " enrollments change coach ("
            + state.preview_participants.to_string()
            + " participants)",
            size="3",
            as_="h3",
        ),
        _small_table(
            ["From", "Enrollments"], rx.foreach(state.preview_sources, _source), "Changes by current coach"
        ),
        rx.cond(
            state.preview_more_sources > 0,
            rx.text(
                "and ", state.preview_more_sources, " more from other coaches", size="1", color_scheme="gray"
            ),
        ),
        _small_table(
            ["Coach", "Active now", "After"],
            rx.foreach(state.preview_loads, _load),
            "Resulting loads in the program",
        ),
        rx.cond(state.preview_skipped != "", rx.text(state.preview_skipped, size="2", color_scheme="gray")),
        rx.text("All of it changes in one go, or nothing does.", size="1", color_scheme="gray"),
        rx.hstack(
            rx.button("Back", variant="soft", color_scheme="gray", on_click=state.back_from_preview),
            rx.button("Confirm", on_click=state.confirm_bulk),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def bulk_dialog(state: State) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(state.bulk_mode == ASSIGN, "Assign coach", "Distribute evenly")),
            rx.dialog.description(
                rx.cond(
                    state.all_matching,
                    "All " + state.total.to_string() + " participants matching the filter",
                    state.selected_count.to_string() + " selected participants",
                ),
                rx.cond(state.bulk_mode == SPREAD, ": their enrollments without a coach", ""),
                ".",
                size="2",
            ),
            error_callout(state.bulk_error),
            rx.cond(state.previewing, _preview(state), _picker(state)),
            max_width="40em",
        ),
        open=state.bulk_open,
        on_open_change=lambda _open: state.close_bulk(),
    )
