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


def manager_grid_filtered(
    *,
    coachless: bool = False,
    program_id: int | None = None,
    subscription: str | None = None,
    no_mentor: bool = False,
) -> str:
    """The /manager grid opened with one filter (the overview's figures link here)."""
    parts = []
    if coachless:
        parts.append("coachless=1")
    if program_id is not None:
        parts.append(f"program={int(program_id)}")
    if subscription:
        parts.append(f"subscription={subscription}")
    if no_mentor:
        parts.append("mentor=none")
    return MANAGER + ("?" + "&".join(parts) if parts else "")


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
