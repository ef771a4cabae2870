"""/mentor and /manager: the participant grids."""

import reflex as rx

from mentor_dash.pages.participant_grid.state import ManagerGridState, MentorGridState
from mentor_dash.pages.participant_grid.view import grid_page
from mentor_dash.templates.layout import page_layout


@page_layout("Mentor participants")
def mentor_grid() -> rx.Component:
    return grid_page(MentorGridState, title="Mentor participants", noun="mentor participants", manager=False)


@page_layout("Manager overview")
def manager_grid() -> rx.Component:
    return grid_page(ManagerGridState, title="Participants", noun="participants", manager=True)
