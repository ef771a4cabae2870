"""The permission table: may ACTOR do ACTION on TARGET.

Every selector and service asks here; nothing else decides permissions. A person can wear
several hats at once (a coach who mentors, a manager who coaches), so the answer is worked
out per action and per target from the scopes the actor has over that target, never from a
single role. Organisation boundaries are absolute.
"""

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Actor:
    """The signed-in user, read from the database on every event."""

    user_id: int
    organization_id: int
    name: str
    is_active: bool
    is_participant: bool
    is_coach: bool
    is_manager: bool


@dataclass(frozen=True)
class Target:
    """Facts about the thing acted on, loaded by `selectors.targets`.

    `coach_ids` are the coaches of the active enrollments the action is about (one for an
    enrollment, all of them for a participant); `mentor_id` is the participant's active mentor.
    """

    organization_id: int
    participant_id: int | None = None
    user_id: int | None = None
    coach_ids: frozenset[int] = field(default_factory=frozenset)
    mentor_id: int | None = None


class Scope(StrEnum):
    COACH = "coach"  # coaches one of the target's active enrollments
    MENTOR = "mentor"  # is the participant's active mentor
    MANAGER = "manager"  # program manager of the target's organisation
    SELF = "self"  # the target is the actor's own account or enrollment
    STAFF = "staff"  # any coach or manager of the organisation (page-level reads)


class Action(StrEnum):
    # The article's table, coach / mentor / program manager columns.
    VIEW_DETAILED_PROGRESS = "view_detailed_progress"
    GRADE_ASSIGNMENT = "grade_assignment"
    RELEASE_EXAM = "release_exam"
    EVALUATE_EXAM = "evaluate_exam"
    GROUP_STUDENTS = "group_students"
    ARCHIVE_STUDENT = "archive_student"
    VIEW_SUBSCRIPTION = "view_subscription"
    TRANSFER_COACH = "transfer_coach"
    UNENROLL_WITH_HANDOVER = "unenroll_with_handover"
    BULK_ASSIGN_COACHES = "bulk_assign_coaches"
    IDENTIFY_PRIMARY_COACH = "identify_primary_coach"
    SET_PRIMARY_COACH = "set_primary_coach"
    VIEW_EXAM_STATUS = "view_exam_status"
    VIEW_GLOBAL_PROGRESS = "view_global_progress"
    # A participant's own actions.
    CHOOSE_MENTOR = "choose_mentor"
    EDIT_OWN_PROFILE = "edit_own_profile"
    VIEW_OWN_PROGRAMS = "view_own_programs"
    HAND_IN_WORK = "hand_in_work"
    # A coach's own contact card.
    EDIT_CONTACT_DETAILS = "edit_contact_details"
    # Organisation-wide work of program managers.
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_COACHES = "manage_coaches"
    VIEW_COACH_LIST = "view_coach_list"
    # Pages; their rows are scoped again by the selectors.
    VIEW_MENTOR_OVERVIEW = "view_mentor_overview"
    VIEW_COACH_WORKSPACE = "view_coach_workspace"
    VIEW_MANAGER_OVERVIEW = "view_manager_overview"


PERMISSIONS: dict[Action, frozenset[Scope]] = {
    Action.VIEW_DETAILED_PROGRESS: frozenset({Scope.COACH}),
    Action.GRADE_ASSIGNMENT: frozenset({Scope.COACH}),
    Action.RELEASE_EXAM: frozenset({Scope.COACH}),
    Action.EVALUATE_EXAM: frozenset({Scope.COACH}),
    Action.GROUP_STUDENTS: frozenset({Scope.COACH}),
    Action.ARCHIVE_STUDENT: frozenset({Scope.COACH, Scope.MENTOR, Scope.MANAGER}),
    Action.VIEW_SUBSCRIPTION: frozenset({Scope.MENTOR, Scope.MANAGER, Scope.SELF}),
    Action.TRANSFER_COACH: frozenset({Scope.MENTOR, Scope.MANAGER}),
    Action.UNENROLL_WITH_HANDOVER: frozenset({Scope.COACH}),
    Action.BULK_ASSIGN_COACHES: frozenset({Scope.MANAGER}),
    Action.IDENTIFY_PRIMARY_COACH: frozenset({Scope.COACH, Scope.MENTOR, Scope.MANAGER, Scope.SELF}),
    Action.SET_PRIMARY_COACH: frozenset({Scope.MENTOR, Scope.MANAGER}),
    Action.VIEW_EXAM_STATUS: frozenset({Scope.COACH, Scope.MENTOR, Scope.MANAGER, Scope.SELF}),
    Action.VIEW_GLOBAL_PROGRESS: frozenset({Scope.COACH, Scope.MENTOR, Scope.MANAGER, Scope.SELF}),
    Action.CHOOSE_MENTOR: frozenset({Scope.SELF}),
    Action.EDIT_OWN_PROFILE: frozenset({Scope.SELF}),
    Action.VIEW_OWN_PROGRAMS: frozenset({Scope.SELF}),
    Action.HAND_IN_WORK: frozenset({Scope.SELF}),
    Action.EDIT_CONTACT_DETAILS: frozenset({Scope.SELF}),
    Action.VIEW_AUDIT_LOG: frozenset({Scope.MANAGER}),
    Action.MANAGE_COACHES: frozenset({Scope.MANAGER}),
    Action.VIEW_COACH_LIST: frozenset({Scope.STAFF, Scope.SELF}),
    Action.VIEW_MENTOR_OVERVIEW: frozenset({Scope.SELF}),
    Action.VIEW_COACH_WORKSPACE: frozenset({Scope.SELF}),
    Action.VIEW_MANAGER_OVERVIEW: frozenset({Scope.MANAGER}),
}

# Hats an action needs on top of its scope (a participant cannot edit a coach card of their own).
REQUIRED_HATS: dict[Action, str] = {
    Action.CHOOSE_MENTOR: "is_participant",
    Action.VIEW_OWN_PROGRAMS: "is_participant",
    Action.HAND_IN_WORK: "is_participant",
    Action.EDIT_CONTACT_DETAILS: "is_coach",
    Action.VIEW_MENTOR_OVERVIEW: "is_coach",
    Action.VIEW_COACH_WORKSPACE: "is_coach",
}


def scopes(actor: Actor, target: Target) -> frozenset[Scope]:
    """Every scope the actor holds over the target."""
    if not actor.is_active or actor.organization_id != target.organization_id:
        return frozenset()
    held: set[Scope] = set()
    if actor.is_coach and actor.user_id in target.coach_ids:
        held.add(Scope.COACH)
    if actor.is_coach and target.mentor_id is not None and actor.user_id == target.mentor_id:
        held.add(Scope.MENTOR)
    if actor.is_manager:
        held.add(Scope.MANAGER)
    if actor.user_id in (target.participant_id, target.user_id):
        held.add(Scope.SELF)
    if actor.is_coach or actor.is_manager:
        held.add(Scope.STAFF)
    return frozenset(held)


def allowed_scopes(actor: Actor | None, action: Action, target: Target | None) -> frozenset[Scope]:
    """The scopes through which the actor may do the action (empty: not allowed)."""
    if actor is None or target is None:
        return frozenset()
    hat = REQUIRED_HATS.get(action)
    if hat is not None and not getattr(actor, hat):
        return frozenset()
    return scopes(actor, target) & PERMISSIONS[action]


def is_allowed(actor: Actor | None, action: Action, target: Target | None) -> bool:
    return bool(allowed_scopes(actor, action, target))


def own_account(actor: Actor) -> Target:
    """The actor's own account as a target (profile, contact card, own pages)."""
    return Target(organization_id=actor.organization_id, user_id=actor.user_id)


def organization(organization_id: int) -> Target:
    return Target(organization_id=organization_id)
