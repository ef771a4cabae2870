"""/manager/audit: the organisation's audit trail for its program managers."""

import reflex as rx

from mentor_dash.pages.manager_audit.view import audit_page
from mentor_dash.templates.layout import page_layout


@page_layout("Audit log")
def manager_audit() -> rx.Component:
    return audit_page()
