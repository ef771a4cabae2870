"""Sign in at /login: email, password, and where to go afterwards."""

from typing import Any

import reflex as rx

from mentor_dash import routes
from mentor_dash.components.feedback import error_callout
from mentor_dash.domain.access import Actor
from mentor_dash.services import auth
from mentor_dash.services.unit_of_work import run_write
from mentor_dash.state import SessionState, _safe_next, acting_user, in_thread, public
from mentor_dash.templates.layout import PRODUCT_NAME

MAX_FIELD = 1024


def landing_page_for(actor: Actor) -> str:
    """Where a user starts when they did not ask for a particular page."""
    if actor.is_manager:
        return routes.MANAGER
    if actor.is_coach:
        return routes.MENTOR
    if actor.is_participant:
        return routes.PROGRAMS
    return routes.ACCOUNT


class LoginState(rx.State):
    error: str = ""
    busy: bool = False

    @rx.event
    @public
    async def sign_in(self, form_data: dict[str, Any]) -> rx.event.EventSpec | None:
        email = form_data.get("email", "") if isinstance(form_data, dict) else ""
        password = form_data.get("password", "") if isinstance(form_data, dict) else ""
        if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
            self.error = "Enter your email and password."
            return None
        outcome = await in_thread(
            run_write, auth.auth_sign_in, email=email[:MAX_FIELD], password=password[:MAX_FIELD]
        )
        if not outcome.ok:
            self.error = outcome.message
            return None
        self.error = ""
        session = await self.get_state(SessionState)
        session.session_token = outcome.token or ""
        actor = await acting_user(self)
        requested = self.router.url.query_parameters.get("next", "")
        destination = _safe_next(requested) if requested else landing_page_for(actor)
        if destination == routes.HOME and not requested:
            destination = landing_page_for(actor)
        return rx.redirect(destination)

    @rx.event
    @public
    def clear_error(self) -> None:
        self.error = ""


def _field(label: str, name: str, kind: str, autocomplete: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"font_weight": "500", "font_size": "14px"}),
        rx.input(
            id=name,
            name=name,
            type=kind,
            required=True,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            max_length=MAX_FIELD,
        ),
        spacing="1",
        width="100%",
    )


def login() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.icon("compass", size=28), rx.heading(PRODUCT_NAME, size="6"), align="center"
                    ),
                    rx.text("Sign in to continue.", color_scheme="gray"),
                    _field("Email", "email", "email", "username"),
                    _field("Password", "password", "password", "current-password"),
                    error_callout(LoginState.error),
                    rx.button("Sign in", type="submit", size="3", width="100%"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=LoginState.sign_in,
                reset_on_submit=False,
            ),
            size="4",
            width="100%",
            max_width="26em",
        ),
        min_height="100vh",
        background="var(--gray-2)",
        padding="1em",
    )
