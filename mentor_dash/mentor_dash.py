"""Builds the app and registers its pages."""

import reflex as rx

from mentor_dash import routes
import mentor_dash.models  # noqa: F401  (registers the tables for migrations)
from mentor_dash.pages.home import home

app = rx.App()
app.add_page(home, route=routes.HOME, title="Mentor Dash")
