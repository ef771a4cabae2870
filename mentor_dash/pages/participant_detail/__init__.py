"""/mentor/participants/<id>: a participant's programs, coaches and exam status."""

import reflex as rx

from mentor_dash.pages.participant_detail.view import participant_detail_page
from mentor_dash.templates.layout import page_layout


@page_layout("Participant")
def participant_detail() -> rx.Component:
    return participant_detail_page()
