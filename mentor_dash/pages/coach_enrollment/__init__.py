"""/coach/enrollments/<id>: one enrollment as its coach works on it."""

import reflex as rx

from mentor_dash.pages.coach_enrollment.view import coach_enrollment_page
from mentor_dash.templates.layout import page_layout


@page_layout("Coach enrollment")
def coach_enrollment() -> rx.Component:
    return coach_enrollment_page()
