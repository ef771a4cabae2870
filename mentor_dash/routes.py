"""Every route of the app, in one place; components build links from these."""

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
