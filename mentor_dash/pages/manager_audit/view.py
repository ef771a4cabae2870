"""The audit log page: filters, the event table and newer / older paging."""

from collections.abc import Callable

import reflex as rx

from mentor_dash.components.feedback import error_callout
from mentor_dash.domain.grid import AUDIT_PAGE_SIZES
from mentor_dash.pages.manager_audit.state import EventView, ManagerAuditState, PersonView

S = ManagerAuditState
LABEL = {"font_size": "12px", "color": "var(--gray-11)"}
OUTCOME_CHOICES = [("all", "Changes and refusals"), ("ok", "Changes only"), ("denied", "Refusals only")]


def _labelled(label: str, control_id: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.el.label(label, html_for=control_id, style=LABEL), control, spacing="1")


def _person_filter(
    label: str,
    control_id: str,
    chosen: rx.Var[str],
    search: rx.Var[str],
    suggestions: rx.Var[list[PersonView]],
    on_search: Callable,
    on_choose: Callable,
    on_clear: rx.event.EventType,
) -> rx.Component:
    return _labelled(
        label,
        control_id,
        rx.cond(
            chosen != "",
            rx.hstack(
                rx.badge(chosen, size="2", variant="soft"),
                rx.icon_button(
                    rx.icon("x", size=14),
                    size="1",
                    variant="ghost",
                    on_click=on_clear,
                    aria_label="Clear " + label,
                ),
                align="center",
                height="32px",
            ),
            rx.box(
                rx.input(
                    id=control_id,
                    placeholder="Name or email",
                    value=search,
                    on_change=on_search,
                    debounce_timeout=300,
                    max_length=100,
                    width="13em",
                ),
                rx.cond(
                    suggestions.length() > 0,
                    rx.card(
                        rx.vstack(
                            rx.foreach(
                                suggestions,
                                lambda p: rx.button(
                                    p.name,
                                    rx.text(p.email, size="1", color_scheme="gray"),
                                    variant="ghost",
                                    size="1",
                                    on_click=on_choose(p.user_id),
                                    aria_label=label + ": " + p.name,
                                ),
                            ),
                            spacing="1",
                            align="start",
                        ),
                        position="absolute",
                        z_index="20",
                        min_width="16em",
                    ),
                ),
                position="relative",
            ),
        ),
    )


def filter_bar() -> rx.Component:
    return rx.flex(
        _labelled(
            "Action",
            "audit-action",
            rx.select.root(
                rx.select.trigger(id="audit-action", aria_label="Action", min_width="14em"),
                rx.select.content(
                    rx.select.item("All actions", value="all"),
                    rx.foreach(S.action_options, lambda o: rx.select.item(o["label"], value=o["id"])),
                ),
                value=S.action,
                on_change=S.set_action,
            ),
        ),
        _labelled(
            "Outcome",
            "audit-outcome",
            rx.select.root(
                rx.select.trigger(id="audit-outcome", aria_label="Outcome", min_width="12em"),
                rx.select.content(*[rx.select.item(text, value=key) for key, text in OUTCOME_CHOICES]),
                value=S.outcome,
                on_change=S.set_outcome,
            ),
        ),
        _person_filter(
            "Done by",
            "audit-actor",
            S.actor_label,
            S.actor_search,
            S.actor_suggestions,
            S.search_actor,
            S.choose_actor,
            S.clear_actor,
        ),
        _person_filter(
            "About participant",
            "audit-participant",
            S.participant_label,
            S.participant_search,
            S.participant_suggestions,
            S.search_participant,
            S.choose_participant,
            S.clear_participant,
        ),
        _labelled(
            "From",
            "audit-from",
            rx.input(type="date", id="audit-from", value=S.date_from, on_change=S.set_date_from),
        ),
        _labelled(
            "Until",
            "audit-to",
            rx.input(type="date", id="audit-to", value=S.date_to, on_change=S.set_date_to),
        ),
        rx.spacer(),
        rx.box(
            rx.button(rx.icon("download", size=16), "Export CSV", variant="outline", on_click=S.export_csv),
            padding_top="1.2em",
        ),
        gap="3",
        wrap="wrap",
        align="start",
        width="100%",
    )


def _event(row: EventView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.when, size="2", style={"white_space": "nowrap"})),
        rx.table.cell(rx.text(row.who, size="2")),
        rx.table.cell(
            rx.hstack(
                rx.text(row.action, size="2"),
                rx.cond(row.denied, rx.badge("Refused", color_scheme="red", size="1")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.text(row.target, size="2", color_scheme="gray")),
        rx.table.cell(rx.text(row.participant, size="2")),
        rx.table.cell(rx.text(row.change, size="2", style={"word_break": "break-word"}), max_width="24em"),
        aria_label="Event " + row.id.to_string(),
    )


def event_table() -> rx.Component:
    headers = ["When (UTC)", "Who", "Action", "Target", "Participant", "Change"]
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(S.rows, _event)),
        variant="surface",
        size="1",
        width="100%",
        aria_label="Audit events",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.text("Newest first · page ", S.page_number, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.hstack(
            rx.el.label("Rows per page", html_for="audit-page-size", style={"font_size": "14px"}),
            rx.select(
                [str(size) for size in AUDIT_PAGE_SIZES],
                value=S.page_size.to_string(),
                on_change=S.set_page_size,
                id="audit-page-size",
                size="1",
            ),
            align="center",
            spacing="2",
        ),
        rx.button("Newest", variant="soft", size="1", disabled=S.page_number <= 1, on_click=S.newest_page),
        rx.button(
            rx.icon("chevron-left", size=16),
            "Newer",
            variant="soft",
            size="1",
            disabled=S.page_number <= 1,
            on_click=S.newer_page,
        ),
        rx.button(
            "Older",
            rx.icon("chevron-right", size=16),
            variant="soft",
            size="1",
            disabled=~S.has_older,
            on_click=S.older_page,
        ),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def audit_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Audit log", size="7"),
        rx.text(
            "Every change and refusal in your organisation, newest first.", color_scheme="gray", size="2"
        ),
        filter_bar(),
        error_callout(S.error),
        rx.cond(
            S.loaded,
            rx.cond(
                S.rows.length() > 0,
                rx.vstack(event_table(), pager(), spacing="3", width="100%"),
                rx.callout("No events match these filters.", icon="info", width="100%"),
            ),
            rx.cond(S.error == "", rx.center(rx.spinner(size="3"), padding="3em")),
        ),
        spacing="4",
        width="100%",
    )
