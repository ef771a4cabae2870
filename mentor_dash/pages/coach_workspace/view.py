"""/coach: tabs for the coach's participants, the grading queue and the coach's groups."""

import reflex as rx

from mentor_dash.components.badges import count_badge, primary_marker
from mentor_dash.components.feedback import error_callout
from mentor_dash.components.filters import SMALL_LABEL, labelled_select, labelled_switch, search_box
from mentor_dash.components.grade_form import grade_dialog
from mentor_dash.components.pager import pager
from mentor_dash.components.xp_bar import xp_bar
from mentor_dash.pages.coach_workspace.state import (
    CoachWorkspaceState,
    ExamItemView,
    GroupChip,
    GroupView,
    QueueItemView,
    RowView,
)

S = CoachWorkspaceState
LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}
COLUMNS = ["Participant", "Modules done", "Earned XP", "To do", "Exams", "Groups", "Last activity", ""]


def filter_bar() -> rx.Component:
    return rx.flex(
        search_box("Search participants", "coach-search", S.search, S.set_search),
        labelled_select(
            "Program",
            "coach-program",
            S.program_options,
            S.program_id,
            S.set_program,
            placeholder="All programs",
            min_width="12em",
        ),
        rx.vstack(
            rx.el.label("Group", html_for="coach-group", style=SMALL_LABEL),
            rx.select.root(
                rx.select.trigger(id="coach-group", aria_label="Group", min_width="12em"),
                rx.select.content(
                    rx.select.item("All groups", value="all"),
                    rx.foreach(
                        S.groups,
                        lambda g: rx.select.item(
                            g.name + " (" + g.program + ")", value=g.group_id.to_string()
                        ),
                    ),
                ),
                value=S.group_id,
                on_change=S.set_group,
                size="2",
            ),
            spacing="1",
        ),
        labelled_switch("Needs attention", "coach-attention", S.attention_only, S.set_attention_only),
        labelled_switch("Archived", "coach-archived", S.archived, S.set_archived),
        gap="4",
        wrap="wrap",
        align="start",
        width="100%",
    )


def _group_chip(row: RowView, chip: GroupChip) -> rx.Component:
    return rx.badge(
        chip.name,
        rx.icon_button(
            rx.icon("x", size=10),
            size="1",
            variant="ghost",
            color_scheme="gray",
            on_click=S.remove_from_group(row.enrollment_id, chip.group_id),
            aria_label="Remove " + row.name + " from " + chip.name,
            style={"height": "14px", "width": "14px", "min_width": "14px"},
        ),
        variant="soft",
        color_scheme="violet",
        size="1",
    )


def _exams_cell(row: RowView) -> rx.Component:
    return rx.flex(
        count_badge(row.submitted, "To evaluate", "amber", "Submitted exams waiting for your evaluation"),
        count_badge(row.eligible, "Eligible", "cyan", "Exams the participant may take once you release them"),
        count_badge(row.released, "Released", "blue", "Released, not yet submitted"),
        count_badge(row.passed, "Passed", "green", "Passed exams"),
        count_badge(row.failed, "Failed", "red", "Failed exams (latest attempt)"),
        rx.cond(
            (row.submitted + row.eligible + row.released + row.passed + row.failed) == 0,
            rx.text("Not eligible yet", size="1", color_scheme="gray"),
        ),
        gap="1",
        wrap="wrap",
        max_width="15em",
    )


def _row_menu(row: RowView) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis"),
                variant="ghost",
                aria_label="Actions for " + row.name + " in " + row.program,
            ),
        ),
        rx.menu.content(
            rx.menu.item(rx.icon("clipboard-list", size=16), "Open details", on_select=rx.redirect(row.href)),
            rx.menu.item(
                rx.icon("users", size=16), "Add to group", on_select=S.open_add_to_group(row.enrollment_id)
            ),
            rx.menu.item(
                rx.cond(row.archived, rx.icon("archive-restore", size=16), rx.icon("archive", size=16)),
                rx.cond(row.archived, "Unarchive", "Archive"),
                on_select=S.toggle_archive(row.enrollment_id),
            ),
            align="end",
        ),
    )


def _program_heading(row: RowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.icon("graduation-cap", size=16),
                rx.heading(row.program, size="3", as_="h3"),
                rx.text(row.program_count, " participants", size="2", color_scheme="gray"),
                align="center",
                spacing="2",
            ),
            col_span=len(COLUMNS),
            background="var(--gray-a2)",
        ),
    )


def _row(row: RowView) -> rx.Component:
    return rx.fragment(
        rx.cond(row.program_start, _program_heading(row)),
        rx.table.row(
            rx.table.cell(
                rx.vstack(
                    rx.hstack(
                        rx.link(row.name, href=row.href, weight="medium"),
                        rx.cond(row.primary, primary_marker()),
                        spacing="2",
                        align="center",
                    ),
                    rx.text(row.email, size="1", color_scheme="gray"),
                    spacing="0",
                )
            ),
            rx.table.cell(
                rx.text(row.modules_done, " / ", row.modules_total, size="2", white_space="nowrap"),
                title="Modules done",
            ),
            rx.table.cell(
                rx.box(xp_bar(row.xp, row.xp_total, row.xp_percent, row.threshold_pct), min_width="9em")
            ),
            rx.table.cell(
                rx.cond(
                    row.waiting > 0,
                    rx.badge(row.waiting, " to grade", color_scheme="amber", variant="solid", size="1"),
                    rx.text("—", size="2", color_scheme="gray"),
                )
            ),
            rx.table.cell(_exams_cell(row)),
            rx.table.cell(
                rx.flex(rx.foreach(row.groups, lambda chip: _group_chip(row, chip)), gap="1", wrap="wrap")
            ),
            rx.table.cell(rx.text(row.last_activity, size="2")),
            rx.table.cell(_row_menu(row)),
            background=rx.cond(row.changed, "var(--amber-a3)", "transparent"),
            style={"transition": "background 0.8s"},
            data_changed=row.changed.to_string(),
            aria_label=row.name + " in " + row.program,
        ),
    )


def participants_tab() -> rx.Component:
    return rx.vstack(
        filter_bar(),
        rx.cond(
            S.total > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in COLUMNS])),
                    rx.table.body(rx.foreach(S.rows, _row)),
                    variant="surface",
                    size="2",
                    width="100%",
                ),
                pager(
                    page=S.page,
                    page_count=S.page_count,
                    total=S.total,
                    page_size=S.page_size,
                    on_previous=S.previous_page,
                    on_next=S.next_page,
                    on_page_size=S.set_page_size,
                    noun="enrollments",
                ),
                width="100%",
                spacing="3",
            ),
            rx.callout("No enrollments match these filters.", icon="info", width="100%"),
        ),
        spacing="4",
        width="100%",
        padding_top="1em",
    )


def _queue_item(item: QueueItemView) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(item.assignment, weight="bold"),
                    rx.badge(item.xp, " XP", variant="soft", size="1"),
                    spacing="2",
                    align="center",
                ),
                rx.text(
                    rx.link(item.participant, href=item.href),
                    " · ",
                    item.program,
                    " · ",
                    item.module,
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(
                    item.preview, size="2", style={"white_space": "pre-wrap", "word_break": "break-word"}
                ),
                rx.text("Handed in ", item.submitted, size="1", color_scheme="gray"),
                spacing="1",
                align="start",
                flex="1",
            ),
            rx.button(
                rx.icon("check-check", size=16),
                "Grade",
                on_click=S.open_grade(item.submission_id),
                aria_label="Grade " + item.assignment + " by " + item.participant,
            ),
            align="start",
            width="100%",
        ),
        width="100%",
        role="listitem",
        aria_label=item.assignment + " by " + item.participant,
    )


def _exam_item(item: ExamItemView) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(item.exam, weight="medium", size="2"),
            rx.text(
                item.participant,
                " · ",
                item.program,
                " · attempt ",
                item.attempt_no,
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.text("Submitted ", item.submitted, size="1", color_scheme="gray"),
        rx.link(
            rx.button("Evaluate", size="1", variant="soft", tab_index=-1),
            href=item.href,
            aria_label="Evaluate " + item.exam + " by " + item.participant,
        ),
        width="100%",
        align="center",
        spacing="3",
        padding_y="0.4em",
        border_bottom="1px solid var(--gray-a4)",
        role="listitem",
    )


def grading_tab() -> rx.Component:
    return rx.vstack(
        rx.heading("Assignments waiting for grading", size="4", as_="h2"),
        rx.text("Oldest first.", size="2", color_scheme="gray"),
        rx.cond(
            S.queue_total > 0,
            rx.vstack(
                rx.vstack(rx.foreach(S.queue, _queue_item), spacing="2", width="100%", role="list"),
                rx.hstack(
                    rx.text(S.queue_total, " waiting", size="2", color_scheme="gray"),
                    rx.spacer(),
                    rx.text("Page ", S.queue_page, " of ", S.queue_page_count, size="2"),
                    rx.button(
                        "Previous",
                        size="1",
                        variant="soft",
                        disabled=S.queue_page <= 1,
                        on_click=S.previous_queue_page,
                        aria_label="Previous page of the grading queue",
                    ),
                    rx.button(
                        "Next",
                        size="1",
                        variant="soft",
                        disabled=S.queue_page >= S.queue_page_count,
                        on_click=S.next_queue_page,
                        aria_label="Next page of the grading queue",
                    ),
                    width="100%",
                    align="center",
                    spacing="3",
                ),
                width="100%",
                spacing="3",
            ),
            rx.callout("Nothing waits for grading. Well done!", icon="circle-check", color_scheme="green"),
        ),
        rx.heading("Exams waiting for evaluation", size="4", as_="h2", padding_top="1em"),
        rx.cond(
            S.exam_queue_total > 0,
            rx.vstack(rx.foreach(S.exam_queue, _exam_item), spacing="0", width="100%", role="list"),
            rx.text("No submitted exams wait for you.", size="2", color_scheme="gray"),
        ),
        spacing="3",
        width="100%",
        padding_top="1em",
    )


def _group_row(group: GroupView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(group.name, weight="medium")),
        rx.table.cell(group.program),
        rx.table.cell(group.members),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Rename",
                    size="1",
                    variant="soft",
                    on_click=S.open_rename(group.group_id),
                    aria_label="Rename " + group.name,
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_delete_group(group.group_id),
                    aria_label="Delete " + group.name,
                ),
                spacing="2",
            )
        ),
        aria_label="Group " + group.name,
    )


def groups_tab() -> rx.Component:
    create_form = rx.form(
        rx.flex(
            rx.vstack(
                rx.el.label("Program", html_for="new-group-program", style=SMALL_LABEL),
                rx.el.select(
                    rx.foreach(S.program_options, lambda o: rx.el.option(o["label"], value=o["id"])),
                    id="new-group-program",
                    name="program_id",
                    style={"padding": "0.35em", "min_width": "14em", "border_radius": "var(--radius-2)"},
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label("Group name", html_for="new-group-name", style=SMALL_LABEL),
                rx.input(
                    id="new-group-name",
                    name="name",
                    max_length=80,
                    width="16em",
                    key=S.group_form_key.to_string() + "-new-name",
                ),
                spacing="1",
            ),
            rx.box(rx.button(rx.icon("plus", size=16), "Create group", type="submit"), padding_top="1.3em"),
            gap="3",
            wrap="wrap",
            align="start",
        ),
        on_submit=S.create_group,
        reset_on_submit=False,
    )
    return rx.vstack(
        rx.heading("New group", size="4", as_="h2"),
        create_form,
        rx.cond(~S.rename_open, error_callout(S.group_error)),
        rx.heading("Your groups", size="4", as_="h2", padding_top="1em"),
        rx.cond(
            S.groups.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[rx.table.column_header_cell(h) for h in ("Group", "Program", "Members", "")]
                    )
                ),
                rx.table.body(rx.foreach(S.groups, _group_row)),
                variant="surface",
                size="2",
                width="100%",
            ),
            rx.text("You have no groups yet.", size="2", color_scheme="gray"),
        ),
        rx.text(
            "Add participants to a group from the actions menu of their row under Participants.",
            size="2",
            color_scheme="gray",
        ),
        spacing="3",
        width="100%",
        padding_top="1em",
    )


def rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Rename group"),
            rx.dialog.description("Current name: ", S.rename_current, size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label("New name", html_for="rename-group-name", style=LABEL_STYLE),
                    rx.input(
                        id="rename-group-name",
                        name="name",
                        default_value=S.rename_current,
                        max_length=80,
                        width="100%",
                    ),
                    error_callout(S.group_error),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=S.close_rename,
                        ),
                        rx.button("Save name", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="2",
                    padding_top="1em",
                ),
                on_submit=S.rename_group,
                reset_on_submit=False,
                key=S.group_form_key.to_string() + "-rename",
            ),
            max_width="28em",
        ),
        open=S.rename_open,
        on_open_change=lambda _open: S.close_rename(),
    )


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete “", S.delete_name, "”?"),
            rx.alert_dialog.description(
                "The group and its ", S.delete_members, " memberships go; the participants stay in your list."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel_delete_group)
                ),
                rx.alert_dialog.action(
                    rx.button("Delete group", color_scheme="red", on_click=S.confirm_delete_group)
                ),
                justify="end",
                spacing="3",
                padding_top="1em",
            ),
        ),
        open=S.delete_open,
    )


def member_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Add to group"),
            rx.dialog.description(S.member_name, " in ", S.member_program, size="2"),
            error_callout(S.member_error),
            rx.cond(
                S.member_choices.length() > 0,
                rx.vstack(
                    rx.foreach(
                        S.member_choices,
                        lambda chip: rx.button(
                            rx.icon("users", size=16),
                            chip.name,
                            variant="soft",
                            width="100%",
                            on_click=S.add_to_group(chip.group_id),
                            aria_label="Add to " + chip.name,
                        ),
                    ),
                    spacing="2",
                    padding_top="1em",
                    width="100%",
                ),
                rx.text(
                    "No group of this program is left to join: create one under Groups.",
                    size="2",
                    color_scheme="gray",
                    padding_top="1em",
                ),
            ),
            rx.hstack(
                rx.button("Close", variant="soft", color_scheme="gray", on_click=S.close_member_dialog),
                justify="end",
                padding_top="1em",
            ),
            max_width="28em",
        ),
        open=S.member_open,
        on_open_change=lambda _open: S.close_member_dialog(),
    )


def coach_workspace_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Coach workspace", size="7"),
        rx.text(
            "Your enrollments per learning program, the work waiting for you, and your groups.",
            color_scheme="gray",
        ),
        error_callout(S.error),
        rx.cond(
            S.loaded,
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("Participants", value="participants"),
                    rx.tabs.trigger(
                        rx.hstack(
                            rx.text("Grading queue"),
                            rx.cond(
                                S.queue_total > 0, rx.badge(S.queue_total, color_scheme="amber", size="1")
                            ),
                            spacing="2",
                            align="center",
                        ),
                        value="grading",
                    ),
                    rx.tabs.trigger("Groups", value="groups"),
                ),
                rx.tabs.content(participants_tab(), value="participants"),
                rx.tabs.content(grading_tab(), value="grading"),
                rx.tabs.content(groups_tab(), value="groups"),
                default_value="participants",
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
        rename_dialog(),
        delete_dialog(),
        member_dialog(),
        spacing="4",
        width="100%",
    )
