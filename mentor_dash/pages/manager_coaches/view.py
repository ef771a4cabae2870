"""The coach workload page: filters, a load chart, the coach table and the transfer dialog."""

import reflex as rx

from mentor_dash.components.feedback import error_callout
from mentor_dash.components.filters import labelled_select, search_box
from mentor_dash.components.pager import pager
from mentor_dash.pages.manager_coaches.state import CoachRow, ManagerCoachesState, ProgramChip
from mentor_dash.pages.participant_grid.manager_tools import BulkCoach, LoadLine, SourceLine

S = ManagerCoachesState

SORT_CHOICES = [
    ("load", "Active enrollments"),
    ("waiting", "Waiting for grading"),
    ("mentees", "Mentor participants"),
    ("name", "Name"),
]
AVAILABILITY_CHOICES = [("all", "Everyone"), ("available", "Available"), ("unavailable", "Unavailable")]
LABEL = {"font_size": "12px", "color": "var(--gray-11)"}


def _select(label: str, control_id: str, items: list[rx.Component], value: rx.Var, on_change) -> rx.Component:  # type: ignore[no-untyped-def]
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style=LABEL),
        rx.select.root(
            rx.select.trigger(id=control_id, aria_label=label, min_width="11em"),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
    )


def filter_bar() -> rx.Component:
    return rx.flex(
        search_box("Search coaches", "coach-search", S.search, S.set_search, width="14em"),
        labelled_select(
            "Program",
            "coach-program",
            S.program_options,
            S.program_id,
            S.set_program,
            placeholder="All programs",
        ),
        labelled_select(
            "Availability", "coach-availability", AVAILABILITY_CHOICES, S.availability, S.set_availability
        ),
        rx.spacer(),
        labelled_select("Sort by", "coach-sort", SORT_CHOICES, S.sort, S.set_sort),
        rx.box(
            rx.icon_button(
                rx.cond(S.descending, rx.icon("arrow-down-wide-narrow"), rx.icon("arrow-up-narrow-wide")),
                variant="soft",
                on_click=S.toggle_direction,
                aria_label=rx.cond(
                    S.descending,
                    "Sort descending (click for ascending)",
                    "Sort ascending (click for descending)",
                ),
            ),
            padding_top="1.2em",
        ),
        rx.box(
            rx.button(rx.icon("download", size=16), "Export CSV", variant="outline", on_click=S.export_csv),
            padding_top="1.2em",
        ),
        gap="3",
        wrap="wrap",
        align="start",
        width="100%",
    )


def load_chart() -> rx.Component:
    return rx.card(
        rx.heading("Active enrollments per coach on this page", size="3", as_="h2"),
        rx.recharts.bar_chart(
            rx.foreach(
                S.series,
                lambda s: rx.recharts.bar(
                    data_key=s["key"], name=s["name"], stack_id="load", fill=s["color"]
                ),
            ),
            rx.recharts.x_axis(data_key="coach", hide=True),
            rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=S.chart,
            height=240,
            width="100%",
        ),
        width="100%",
        role="figure",
        aria_label="Load per coach chart",
    )


def _program_chip(chip: ProgramChip) -> rx.Component:
    return rx.badge(chip.program, ": ", chip.active, variant="soft", size="1", color_scheme="gray")


def _actions(row: CoachRow) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(rx.icon("ellipsis"), variant="ghost", aria_label="Actions for " + row.name)
        ),
        rx.menu.content(
            rx.menu.item(
                rx.icon("arrow-right-left", size=16),
                "Transfer all…",
                on_select=S.open_transfer(row.coach_id),
                disabled=row.load == 0,
            ),
            rx.cond(
                row.available,
                rx.menu.item(
                    rx.icon("circle-pause", size=16),
                    "Mark unavailable",
                    on_select=S.set_coach_available(row.coach_id, False),
                ),
                rx.menu.item(
                    rx.icon("circle-check", size=16),
                    "Mark available",
                    on_select=S.set_coach_available(row.coach_id, True),
                ),
            ),
            align="end",
        ),
    )


def _coach_row(row: CoachRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.name, weight="medium"),
                rx.text(row.email, size="1", color_scheme="gray"),
                rx.cond(~row.is_active, rx.badge("Account inactive", color_scheme="gray", size="1")),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.cond(
                row.available,
                rx.badge("Available", color_scheme="green", variant="soft"),
                rx.badge("Unavailable", color_scheme="gray", variant="soft"),
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row.load, weight="bold"),
                rx.flex(rx.foreach(row.programs, _program_chip), gap="1", wrap="wrap"),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(row.mentees)),
        rx.table.cell(rx.text(row.waiting)),
        rx.table.cell(_actions(row)),
        aria_label=row.name,
    )


def coach_table() -> rx.Component:
    headers = [
        "Coach",
        "Availability",
        "Active enrollments",
        "Mentor participants",
        "Waiting for grading",
        "",
    ]
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(S.rows, _coach_row)),
        variant="surface",
        size="2",
        width="100%",
    )


def _candidate(coach: BulkCoach) -> rx.Component:
    return rx.hstack(
        rx.checkbox(
            checked=coach.chosen,
            on_change=lambda _: S.toggle_transfer_coach(coach.coach_id),
            aria_label="Include " + coach.name,
        ),
        rx.vstack(
            rx.text(coach.name, weight="medium", size="2"),
            rx.text(coach.email, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.badge(coach.load.to_string() + " active", variant="soft", size="1"),
        width="100%",
        align="center",
        spacing="2",
        padding_y="0.35em",
        border_bottom="1px solid var(--gray-a4)",
    )


def _picker() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _select(
                "Which programs",
                "transfer-program",
                [
                    rx.select.item("All programs", value="all"),
                    rx.foreach(S.transfer_programs, lambda o: rx.select.item(o["label"], value=o["id"])),
                ],
                S.transfer_program,
                S.set_transfer_program,
            ),
            rx.vstack(
                rx.el.label("Search coaches", html_for="transfer-search", style=LABEL),
                rx.input(
                    id="transfer-search",
                    placeholder="Name or email",
                    value=S.transfer_search,
                    on_change=S.search_transfer_coaches,
                    debounce_timeout=300,
                    max_length=100,
                ),
                spacing="1",
            ),
            spacing="3",
            align="end",
        ),
        rx.text(
            "Tick one coach to take everything, or several to spread the participants by lowest load.",
            size="1",
            color_scheme="gray",
        ),
        rx.scroll_area(
            rx.vstack(
                rx.foreach(S.transfer_candidates, _candidate),
                spacing="0",
                width="100%",
                padding_right="1em",
                padding_left="0.25em",
            ),
            type="auto",
            scrollbars="vertical",
            style={"max_height": "16em"},
        ),
        rx.cond(
            S.transfer_chosen_names.length() > 0,
            rx.text("Taking over: ", S.transfer_chosen_names.join(", "), size="2", weight="medium"),
        ),
        rx.hstack(
            rx.checkbox(
                checked=S.mark_unavailable,
                on_change=S.set_mark_unavailable,
                id="mark-unavailable",
                aria_label="Also mark " + S.transfer_coach_name + " unavailable",
            ),
            rx.el.label(
                "Also mark ", S.transfer_coach_name, " unavailable", html_for="mark-unavailable", style=LABEL
            ),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.close_transfer),
            rx.button("Preview", on_click=S.preview_transfer, disabled=S.transfer_chosen_names.length() == 0),
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


def _preview() -> rx.Component:
    return rx.vstack(
        rx.heading(
            S.preview_changes.to_string()
            + " enrollments move ("
            + S.preview_participants.to_string()
            + " participants)",
            size="3",
            as_="h3",
        ),
        rx.text("Programs: ", S.preview_programs, size="2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(h) for h in ("Coach", "Active now", "After")])
            ),
            rx.table.body(rx.foreach(S.preview_loads, _load)),
            size="1",
            width="100%",
            aria_label="Resulting loads",
        ),
        rx.cond(
            S.mark_unavailable,
            rx.text(S.transfer_coach_name, " will be marked unavailable.", size="2", weight="medium"),
        ),
        rx.text("All of it changes in one go, or nothing does.", size="1", color_scheme="gray"),
        rx.hstack(
            rx.button("Back", variant="soft", color_scheme="gray", on_click=S.back_from_preview),
            rx.button("Confirm", on_click=S.confirm_transfer),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def transfer_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Transfer all participants of ", S.transfer_coach_name),
            rx.dialog.description(
                "Every active enrollment moves; completed ones stay as they are.", size="2"
            ),
            error_callout(S.transfer_error),
            rx.cond(S.previewing, _preview(), _picker()),
            max_width="40em",
        ),
        open=S.transfer_open,
        on_open_change=lambda _open: S.close_transfer(),
    )


def workload_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Coach workload", size="7"),
        rx.hstack(
            rx.text(rx.text.strong(S.total), " coaches", size="2"),
            rx.text(rx.text.strong(S.unavailable_total), " unavailable", size="2"),
            spacing="5",
            aria_label="Totals for the current filter",
        ),
        filter_bar(),
        error_callout(S.error),
        rx.cond(
            S.loaded,
            rx.cond(
                S.total > 0,
                rx.vstack(
                    load_chart(),
                    coach_table(),
                    pager(
                        page=S.page,
                        page_count=S.page_count,
                        total=S.total,
                        page_size=S.page_size,
                        on_previous=S.previous_page,
                        on_next=S.next_page,
                        on_page_size=S.set_page_size,
                        noun="coaches",
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.callout("No coaches match these filters.", icon="info", width="100%"),
            ),
            rx.cond(S.error == "", rx.center(rx.spinner(size="3"), padding="3em")),
        ),
        transfer_dialog(),
        spacing="4",
        width="100%",
    )
