"""Landing page: what the dashboard is for and where each kind of user starts."""

import reflex as rx

from mentor_dash import routes
from mentor_dash.templates.layout import page_layout

_AREAS: list[tuple[str, str, str, str]] = [
    (
        "Mentor participants",
        "users",
        "Everyone who chose you as mentor: programs, coach per program, XP, subscription and exams.",
        routes.MENTOR,
    ),
    (
        "Coach workspace",
        "clipboard-check",
        "Daily guidance: grade assignments, release and evaluate exams, group students.",
        routes.COACH,
    ),
    (
        "Manager overview",
        "building-2",
        "Find participants without a coach and assign coaches, one or many at once.",
        routes.MANAGER,
    ),
    (
        "My programs",
        "graduation-cap",
        "Your learning programs, XP, assignments and exams, and your mentor's contact card.",
        routes.PROGRAMS,
    ),
]


def _area_card(title: str, icon: str, text: str, href: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon(icon, size=20), rx.heading(title, size="4"), align="center"),
                rx.text(text, color_scheme="gray", size="2"),
                spacing="2",
            ),
            size="3",
            height="100%",
            _hover={"box_shadow": "var(--shadow-3)"},
        ),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
    )


@page_layout("Home")
def home() -> rx.Component:
    return rx.vstack(
        rx.heading("Welcome to Mentor Dash", size="8"),
        rx.text(
            "Mentors keep an eye on their mentor participants, coaches guide them day to day, "
            "and program managers make sure nobody is left without a coach.",
            size="4",
            color_scheme="gray",
        ),
        rx.grid(
            *[_area_card(*area) for area in _AREAS],
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        spacing="5",
    )
