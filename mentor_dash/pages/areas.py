"""Frames of the work areas whose content is still to come: each names what it will hold."""

from collections.abc import Callable

import reflex as rx

from mentor_dash.templates.layout import page_layout


def _area(title: str, text: str) -> Callable[[], rx.Component]:
    @page_layout(title)
    def body() -> rx.Component:
        return rx.vstack(rx.heading(title, size="7"), rx.text(text, color_scheme="gray"), spacing="3")

    return body
