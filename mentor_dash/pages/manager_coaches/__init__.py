"""/manager/coaches: every coach's workload, and moving a coach's participants elsewhere."""

import reflex as rx

from mentor_dash.pages.manager_coaches.view import workload_page
from mentor_dash.templates.layout import page_layout


@page_layout("Coach workload")
def manager_coaches() -> rx.Component:
    return workload_page()
