"""Messages shown in place of a page or next to a control."""

import reflex as rx

from mentor_dash import routes


def loading_block() -> rx.Component:
    return rx.center(
        rx.spinner(size="3"), rx.text("Loading…", color_scheme="gray"), padding="4em", spacing="3"
    )


def not_allowed_block(message: str = "You are not allowed to see this page.") -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("shield-x", color="var(--red-9)"),
                    rx.heading("Not allowed", size="5"),
                    align="center",
                ),
                rx.text(message),
                rx.link("Back to the start page", href=routes.HOME),
                spacing="3",
            ),
            size="3",
        ),
        padding_y="3em",
    )


def error_callout(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )
