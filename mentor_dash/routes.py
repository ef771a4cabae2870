"""Every route of the app, in one place; components build links from these."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mentor_dash.domain.access import Action

HOME = "/"
LOGIN = "/login"
MENTOR = "/mentor"
MENTOR_PARTICIPANT = "/mentor/participants/[participant_id]"
COACH = "/coach"
COACH_ENROLLMENT = "/coach/enrollments/[enrollment_id]"
MANAGER = "/manager"
MANAGER_COACHES = "/manager/coaches"
MANAGER_AUDIT = "/manager/audit"
PROGRAMS = "/programs"
ACCOUNT = "/account"


def mentor_participant(participant_id: int) -> str:
    return f"/mentor/participants/{participant_id}"


def coach_enrollment(enrollment_id: int) -> str:
    return f"/coach/enrollments/{enrollment_id}"


def page_action_for(path: str) -> "Action | None":
    """The permission a page needs before its frame shows anything (rows are scoped again)."""
    from mentor_dash.domain.access import Action

    for prefix, action in (
        ("/mentor/participants/", None),
        (MENTOR, Action.VIEW_MENTOR_OVERVIEW),
        (COACH, Action.VIEW_COACH_WORKSPACE),
        (MANAGER, Action.VIEW_MANAGER_OVERVIEW),
        (PROGRAMS, Action.VIEW_OWN_PROGRAMS),
    ):
        base = prefix.rstrip("/")
        if path == base or path.startswith(base + "/"):
            return action
    return None
