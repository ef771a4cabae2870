"""Previous / next paging with the total count and a page-size choice."""

from collections.abc import Callable

import reflex as rx

from mentor_dash.domain.grid import PAGE_SIZES


def pager(
    *,
    page: rx.Var[int],
    page_count: rx.Var[int],
    total: rx.Var[int],
    page_size: rx.Var[int],
    on_previous: rx.event.EventType,
    on_next: rx.event.EventType,
    on_page_size: Callable,
    noun: str = "participants",
) -> rx.Component:
    return rx.hstack(
        rx.text(total, f" {noun}", size="2", color_scheme="gray"),
        rx.spacer(),
        rx.hstack(
            rx.el.label("Rows per page", html_for="page-size", style={"font_size": "14px"}),
            rx.select(
                [str(size) for size in PAGE_SIZES],
                value=page_size.to_string(),
                on_change=on_page_size,
                id="page-size",
                size="1",
            ),
            align="center",
            spacing="2",
        ),
        rx.text("Page ", page, " of ", page_count, size="2"),
        rx.button(
            rx.icon("chevron-left", size=16),
            "Previous",
            variant="soft",
            size="1",
            disabled=page <= 1,
            on_click=on_previous,
        ),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16),
            variant="soft",
            size="1",
            disabled=page >= page_count,
            on_click=on_next,
        ),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )
