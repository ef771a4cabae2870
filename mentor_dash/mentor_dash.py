"""Builds the app and registers its pages."""

from collections.abc import Callable

import reflex as rx

import mentor_dash.models  # noqa: F401  (registers the tables for migrations)
from mentor_dash import routes
from mentor_dash.pages.account import my_account
from mentor_dash.pages.account.state import AccountState
from mentor_dash.pages.coach_enrollment import coach_enrollment
from mentor_dash.pages.coach_enrollment.state import CoachEnrollmentState
from mentor_dash.pages.coach_workspace import coach_workspace
from mentor_dash.pages.coach_workspace.state import CoachWorkspaceState
from mentor_dash.pages.home import home
from mentor_dash.pages.login import login
from mentor_dash.pages.manager_audit import manager_audit
from mentor_dash.pages.manager_audit.state import ManagerAuditState
from mentor_dash.pages.manager_coaches import manager_coaches
from mentor_dash.pages.manager_coaches.state import ManagerCoachesState
from mentor_dash.pages.participant_detail import participant_detail
from mentor_dash.pages.participant_detail.state import ParticipantDetailState
from mentor_dash.pages.participant_grid import manager_grid, mentor_grid
from mentor_dash.pages.participant_grid.state import ManagerGridState, MentorGridState
from mentor_dash.pages.programs import my_programs
from mentor_dash.pages.programs.state import ProgramsState
from mentor_dash.process_tuning import freeze_startup_objects, tune_process
from mentor_dash.session_gate import SessionGate
from mentor_dash.state import SessionState

tune_process()
app = rx.App()
app.add_middleware(SessionGate())


def add_guarded_page(
    component: Callable[[], rx.Component], route: str, title: str, on_load: list | None = None
) -> None:
    """A page for signed-in users: the session check runs first, then the page's own loaders."""
    app.add_page(
        component,
        route=route,
        title=f"{title} · Mentor Dash",
        on_load=[SessionState.check_session, *(on_load or [])],
    )


app.add_page(login, route=routes.LOGIN, title="Sign in · Mentor Dash")
add_guarded_page(home, routes.HOME, "Home")
add_guarded_page(mentor_grid, routes.MENTOR, "Mentor participants", on_load=[MentorGridState.load])
add_guarded_page(
    participant_detail, routes.MENTOR_PARTICIPANT, "Participant", on_load=[ParticipantDetailState.load]
)
add_guarded_page(coach_workspace, routes.COACH, "Coach workspace", on_load=[CoachWorkspaceState.load])
add_guarded_page(
    coach_enrollment, routes.COACH_ENROLLMENT, "Coach enrollment", on_load=[CoachEnrollmentState.load]
)
add_guarded_page(manager_grid, routes.MANAGER, "Manager overview", on_load=[ManagerGridState.load])
add_guarded_page(
    manager_coaches, routes.MANAGER_COACHES, "Coach workload", on_load=[ManagerCoachesState.load]
)
add_guarded_page(manager_audit, routes.MANAGER_AUDIT, "Audit log", on_load=[ManagerAuditState.load])
add_guarded_page(my_programs, routes.PROGRAMS, "My programs", on_load=[ProgramsState.load])
add_guarded_page(my_account, routes.ACCOUNT, "My Account", on_load=[AccountState.load])
freeze_startup_objects()
