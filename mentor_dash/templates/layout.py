"""The page frame: top bar with the account menu, left main menu, content column."""

from collections.abc import Callable

import reflex as rx

from mentor_dash import routes
from mentor_dash.components.contact_card import mentor_menu_card
from mentor_dash.components.feedback import loading_block, not_allowed_block
from mentor_dash.state import SessionState

PRODUCT_NAME = "Mentor Dash"

# (label, icon, route, who sees it); the pages check again on the server.
MAIN_MENU_ENTRIES: list[tuple[str, str, str, rx.Var[bool] | bool]] = [
    ("Home", "house", routes.HOME, True),
    ("Mentor participants", "users", routes.MENTOR, SessionState.is_coach),
    ("Coach workspace", "clipboard-check", routes.COACH, SessionState.is_coach),
    ("Manager overview", "building-2", routes.MANAGER, SessionState.is_manager),
    ("Coach workload", "chart-column", routes.MANAGER_COACHES, SessionState.is_manager),
    ("Audit log", "scroll-text", routes.MANAGER_AUDIT, SessionState.is_manager),
    ("My programs", "graduation-cap", routes.PROGRAMS, SessionState.is_participant),
    ("My Account", "user-cog", routes.ACCOUNT, True),
]


def _menu_link(label: str, icon: str, href: str, visible: rx.Var[bool] | bool) -> rx.Component:
    link = rx.drawer.close(
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
    return link if visible is True else rx.cond(visible, link)


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
                            *[_menu_link(*entry) for entry in MAIN_MENU_ENTRIES],
                            spacing="1",
                            width="100%",
                        ),
                        aria_label="Main menu",
                        style={"width": "100%"},
                    ),
                    rx.cond(
                        SessionState.mentor_name != "",
                        mentor_menu_card(
                            SessionState.mentor_name, SessionState.mentor_email, SessionState.mentor_phone
                        ),
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
            rx.button(
                rx.icon("circle-user-round"),
                rx.text(SessionState.user_name),
                rx.icon("chevron-down", size=14),
                variant="soft",
                aria_label="Account menu",
            ),
        ),
        rx.menu.content(
            rx.menu.item(rx.icon("user-cog", size=16), "My Account", on_select=rx.redirect(routes.ACCOUNT)),
            rx.menu.separator(),
            rx.menu.item(rx.icon("log-out", size=16), "Sign out", on_select=SessionState.sign_out),
            align="end",
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
            rx.cond(SessionState.session_checked, account_menu()),
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
                    rx.container(
                        rx.cond(
                            SessionState.session_checked,
                            rx.cond(SessionState.page_allowed, body(), not_allowed_block()),
                            loading_block(),
                        ),
                        size="4",
                        padding_y="1.5em",
                    ),
                ),
                min_height="100vh",
                background="var(--gray-2)",
            )

        page.__name__ = body.__name__
        page.__doc__ = title
        return page

    return decorator
