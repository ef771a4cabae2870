"""The state every page shares."""

import reflex as rx


class AppState(rx.State):
    """Root of the app's own state tree."""
