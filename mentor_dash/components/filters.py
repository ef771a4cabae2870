"""Labelled filter controls shared by the list pages: search box, select, switch."""

import reflex as rx

SMALL_LABEL = {"font_size": "12px", "color": "var(--gray-11)"}


def search_box(
    label: str, control_id: str, value: rx.Var[str], on_change: rx.event.EventType, *, width: str = "16em"
) -> rx.Component:
    """A debounced, server-side search input with its label."""
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style=SMALL_LABEL),
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            id=control_id,
            placeholder="Name or email",
            value=value,
            on_change=on_change,
            debounce_timeout=300,
            max_length=100,
            width=width,
        ),
        spacing="1",
    )


def labelled_select(
    label: str,
    control_id: str,
    choices: list[tuple[str, str]] | rx.Var,
    value: rx.Var,
    on_change: rx.event.EventType,
    *,
    placeholder: str = "",
    min_width: str = "11em",
) -> rx.Component:
    """A select from fixed (value, text) pairs, or from a Var of {"id", "label"} options after "all"."""
    items = (
        [rx.select.item(text, value=key) for key, text in choices]
        if isinstance(choices, list)
        else [
            rx.select.item(placeholder, value="all"),
            rx.foreach(choices, lambda option: rx.select.item(option["label"], value=option["id"])),
        ]
    )
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style=SMALL_LABEL),
        rx.select.root(
            rx.select.trigger(id=control_id, aria_label=label, min_width=min_width),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
    )


def labelled_switch(
    label: str, control_id: str, checked: rx.Var[bool], on_change: rx.event.EventType
) -> rx.Component:
    return rx.hstack(
        rx.switch(id=control_id, checked=checked, on_change=on_change, aria_label=label),
        rx.el.label(label, html_for=control_id, style={"font_size": "14px"}),
        align="center",
        spacing="2",
        padding_top="1.2em",
    )
