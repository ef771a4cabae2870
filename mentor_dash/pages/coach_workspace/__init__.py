"""/coach: the coach workspace (enrollments by program, grading queue, groups)."""

import reflex as rx

from mentor_dash.pages.coach_workspace.view import coach_workspace_page
from mentor_dash.templates.layout import page_layout


@page_layout("Coach workspace")
def coach_workspace() -> rx.Component:
    return coach_workspace_page()
