"""The page frame: top bar with the account menu, left main menu, content column."""

from collections.abc import Callable

import reflex as rx

from mentor_dash import routes

PRODUCT_NAME = "Mentor Dash"

MAIN_MENU_ENTRIES: list[tuple[str, str, str]] = [
    ("Home", "house", routes.HOME),
    ("Mentor participants", "users", routes.MENTOR),
    ("Coach workspace", "clipboard-check", routes.COACH),
    ("Manager overview", "building-2", routes.MANAGER),
    ("My programs", "graduation-cap", routes.PROGRAMS),
    ("My Account", "user-cog", routes.ACCOUNT),
]


def _menu_link(label: str, icon: str, href: str) -> rx.Component:
    return rx.drawer.close(
        rx.link(
            rx.hstack(rx.icon(icon, size=18), rx.text(label), spacing="3", align="center"),
            href=href,
            underline="none",
            color_scheme="gray",
            high_contrast=True,
            padding_y="0.5em",
            padding_x="0.75em",
            border_radius="var(--radius-2)",
            width="100%",
            _hover={"background": "var(--gray-a3)"},
        ),
    )


def main_menu() -> rx.Component:
    """The left main menu, opened by the three-line button in the top bar."""
    return rx.drawer.root(
        rx.drawer.trigger(
            rx.icon_button(rx.icon("menu"), variant="ghost", size="3", aria_label="Main menu"),
        ),
        rx.drawer.overlay(z_index="40"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        rx.heading(PRODUCT_NAME, size="4"),
                        rx.spacer(),
                        rx.drawer.close(
                            rx.icon_button(rx.icon("x"), variant="ghost", aria_label="Close main menu"),
                        ),
                        width="100%",
                        align="center",
                    ),
                    rx.separator(),
                    rx.el.nav(
                        rx.vstack(
                            *[_menu_link(label, icon, href) for label, icon, href in MAIN_MENU_ENTRIES],
                            spacing="1",
                            width="100%",
                        ),
                        aria_label="Main menu",
                        style={"width": "100%"},
                    ),
                    spacing="4",
                    padding="1.25em",
                    width="100%",
                ),
                role="dialog",
                aria_label="Main menu",
                height="100%",
                width="18em",
                left="0",
                top="0",
                background_color="var(--color-panel-solid)",
                z_index="50",
                position="fixed",
            ),
        ),
        direction="left",
    )


def account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(rx.icon("circle-user-round"), "Account", variant="soft", aria_label="Account menu"),
        ),
        rx.menu.content(
            rx.menu.item("My Account", on_select=rx.redirect(routes.ACCOUNT)),
        ),
    )


def top_bar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            main_menu(),
            rx.link(
                rx.hstack(rx.icon("compass", size=22), rx.heading(PRODUCT_NAME, size="5"), align="center"),
                href=routes.HOME,
                underline="none",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.spacer(),
            account_menu(),
            align="center",
            spacing="4",
            padding_x="1.25em",
            padding_y="0.75em",
            width="100%",
        ),
        style={
            "border_bottom": "1px solid var(--gray-a5)",
            "background": "var(--color-panel-solid)",
            "position": "sticky",
            "top": "0",
            "z_index": "30",
        },
    )


def page_layout(title: str) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Wrap a page body in the app frame."""

    def decorator(body: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return rx.box(
                top_bar(),
                rx.el.main(
                    rx.container(body(), size="4", padding_y="1.5em"),
                ),
                min_height="100vh",
                background="var(--gray-2)",
            )

        page.__name__ = body.__name__
        page.__doc__ = title
        return page

    return decorator
