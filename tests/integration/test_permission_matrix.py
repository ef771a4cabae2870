"""Every cell of the permission table (DESIGN.md §1), checked against a real database.

The expected answers are written out here from the article's table, independently of
`domain/access.py`: actor kind x action x target (in scope, out of scope, another
organisation, an id that does not exist).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.models import AuditEvent, AuditOutcome, Enrollment, Mentorship, User
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.services.auth import actor_from_user
from mentor_dash.services.unit_of_work import run_write
from tests import factories
from tests.conftest import report_line
from tests.databases import DatabaseTemplate

COACH, MENTOR, MANAGER, SELF = "coach", "mentor", "manager", "self"

# The article's table plus the participant's and manager's own actions: who may, by relation.
TABLE: dict[Action, tuple[TargetKind, set[str]]] = {
    Action.VIEW_DETAILED_PROGRESS: (TargetKind.ENROLLMENT, {COACH}),
    Action.GRADE_ASSIGNMENT: (TargetKind.ENROLLMENT, {COACH}),
    Action.RELEASE_EXAM: (TargetKind.ENROLLMENT, {COACH}),
    Action.EVALUATE_EXAM: (TargetKind.ENROLLMENT, {COACH}),
    Action.GROUP_STUDENTS: (TargetKind.ENROLLMENT, {COACH}),
    Action.ARCHIVE_STUDENT: (TargetKind.ENROLLMENT, {COACH, MENTOR, MANAGER}),
    Action.VIEW_SUBSCRIPTION: (TargetKind.PARTICIPANT, {MENTOR, MANAGER, SELF}),
    Action.TRANSFER_COACH: (TargetKind.ENROLLMENT, {MENTOR, MANAGER}),
    Action.UNENROLL_WITH_HANDOVER: (TargetKind.ENROLLMENT, {COACH}),
    Action.BULK_ASSIGN_COACHES: (TargetKind.ORGANIZATION, {MANAGER}),
    Action.IDENTIFY_PRIMARY_COACH: (TargetKind.PARTICIPANT, {COACH, MENTOR, MANAGER, SELF}),
    Action.SET_PRIMARY_COACH: (TargetKind.ENROLLMENT, {MENTOR, MANAGER}),
    Action.VIEW_EXAM_STATUS: (TargetKind.PARTICIPANT, {COACH, MENTOR, MANAGER, SELF}),
    Action.VIEW_GLOBAL_PROGRESS: (TargetKind.PARTICIPANT, {COACH, MENTOR, MANAGER, SELF}),
    Action.CHOOSE_MENTOR: (TargetKind.USER, {SELF}),
    Action.EDIT_OWN_PROFILE: (TargetKind.USER, {SELF}),
    Action.VIEW_OWN_PROGRAMS: (TargetKind.USER, {SELF}),
    Action.HAND_IN_WORK: (TargetKind.ENROLLMENT, {SELF}),
    Action.EDIT_CONTACT_DETAILS: (TargetKind.USER, {SELF}),
    Action.VIEW_AUDIT_LOG: (TargetKind.ORGANIZATION, {MANAGER}),
    Action.MANAGE_COACHES: (TargetKind.ORGANIZATION, {MANAGER}),
}
# Actions that need a hat besides the relation (a coach has no mentor to choose).
NEEDS_HAT = {
    Action.CHOOSE_MENTOR: "participant",
    Action.VIEW_OWN_PROGRAMS: "participant",
    Action.HAND_IN_WORK: "participant",
    Action.EDIT_CONTACT_DETAILS: "coach",
}

ACTOR_KINDS = [
    "participant",
    "coach_of_enrollment",
    "coach_of_other_enrollment",
    "mentor_of_participant",
    "mentor_of_someone_else",
    "manager_of_organisation",
    "manager_of_other_organisation",
    "deactivated_user",
    "signed_out_visitor",
]
TARGET_KINDS = ["in_scope", "out_of_scope", "other_organisation", "missing"]
MISSING_ID = 987_654


@dataclass
class World:
    users: dict[str, User]
    org_a: int
    org_b: int
    enrollment_x: int
    enrollment_y: int
    enrollment_z: int
    participant_x: int
    participant_y: int
    participant_z: int


def build_world(session: Session) -> World:
    org_a, org_b = factories.organization(session), factories.organization(session)
    prog_a, prog_b = factories.program(session, org_a), factories.program(session, org_b)
    x = factories.participant(session, org_a, name="Xavier")
    y = factories.participant(session, org_a, name="Yara")
    z = factories.participant(session, org_b, name="Zoe")
    c1, c2 = (
        factories.coach(session, org_a, name="Coach One"),
        factories.coach(session, org_a, name="Coach Two"),
    )
    m1, m2 = (
        factories.coach(session, org_a, name="Mentor One"),
        factories.coach(session, org_a, name="Mentor Two"),
    )
    cb = factories.coach(session, org_b, name="Coach B")
    ma, mb = factories.manager(session, org_a), factories.manager(session, org_b)
    deactivated = factories.user(session, org_a, coach=True, manager=True, participant=True, active=False)
    for coach_user, prog in ((c1, prog_a), (c2, prog_a), (cb, prog_b)):
        factories.register(session, coach_user, prog)
    ex = factories.enrollment(session, x, prog_a, c1, primary=True)
    ey = factories.enrollment(session, y, prog_a, c2, primary=True)
    ez = factories.enrollment(session, z, prog_b, cb, primary=True)
    # The deactivated user coaches and mentors X: deactivation must cancel every scope.
    factories.enrollment(session, deactivated, prog_a, c1)
    factories.mentorship(session, x, m1)
    factories.mentorship(session, y, m2)
    factories.mentorship(session, z, cb)
    session.commit()
    users = {
        "participant": x,
        "coach_of_enrollment": c1,
        "coach_of_other_enrollment": c2,
        "mentor_of_participant": m1,
        "mentor_of_someone_else": m2,
        "manager_of_organisation": ma,
        "manager_of_other_organisation": mb,
        "deactivated_user": deactivated,
    }
    return World(users, org_a.id, org_b.id, ex.id, ey.id, ez.id, x.id, y.id, z.id)  # type: ignore[arg-type]


def relations(actor_kind: str, target_kind: str) -> set[str]:
    """How the actor stands to the target (for X's side: the participant X and enrollment E_X).

    "other_organisation" targets live in organisation B, which is the home of the manager of
    the other organisation: that cell shows managers act inside their own organisation only.
    """
    if actor_kind == "manager_of_other_organisation":
        return {MANAGER} if target_kind == "other_organisation" else set()
    if target_kind in ("other_organisation", "missing") or actor_kind in (
        "deactivated_user",
        "signed_out_visitor",
    ):
        return set()
    on_x = target_kind == "in_scope"
    return {
        "participant": {SELF} if on_x else set(),
        "coach_of_enrollment": {COACH} if on_x else set(),
        "coach_of_other_enrollment": set() if on_x else {COACH},
        "mentor_of_participant": {MENTOR} if on_x else set(),
        "mentor_of_someone_else": set() if on_x else {MENTOR},
        "manager_of_organisation": {MANAGER},
        "manager_of_other_organisation": set(),
    }[actor_kind]


def target_id(world: World, kind: TargetKind, target_kind: str, actor: User | None) -> int:
    if target_kind == "missing":
        return MISSING_ID
    if kind is TargetKind.ENROLLMENT:
        return {
            "in_scope": world.enrollment_x,
            "out_of_scope": world.enrollment_y,
            "other_organisation": world.enrollment_z,
        }[target_kind]
    if kind is TargetKind.PARTICIPANT:
        return {
            "in_scope": world.participant_x,
            "out_of_scope": world.participant_y,
            "other_organisation": world.participant_z,
        }[target_kind]
    if kind is TargetKind.ORGANIZATION:
        return {"in_scope": world.org_a, "out_of_scope": world.org_a, "other_organisation": world.org_b}[
            target_kind
        ]
    # Own account: in scope is the actor's own user, out of scope somebody else's.
    own = actor.id if actor is not None else world.participant_x
    return {
        "in_scope": own,
        "out_of_scope": world.participant_y if own != world.participant_y else world.participant_x,
        "other_organisation": world.participant_z,
    }[target_kind]


def expected(actor_kind: str, action: Action, kind: TargetKind, target_kind: str) -> bool:
    allowed_relations = TABLE[action][1]
    held = relations(actor_kind, target_kind)
    if kind is TargetKind.USER:
        # Account actions: "self" means the actor's own account, whoever they are.
        held = (
            {SELF}
            if target_kind == "in_scope" and actor_kind not in ("deactivated_user", "signed_out_visitor")
            else set()
        )
    if kind is TargetKind.ORGANIZATION:
        home = "other_organisation" if actor_kind == "manager_of_other_organisation" else "in_scope"
        held = {MANAGER} if actor_kind.startswith("manager_of") and target_kind == home else set()
    hat = NEEDS_HAT.get(action)
    if hat == "participant" and actor_kind != "participant":
        return False
    if hat == "coach" and actor_kind not in (
        "coach_of_enrollment",
        "coach_of_other_enrollment",
        "mentor_of_participant",
        "mentor_of_someone_else",
    ):
        return False
    return bool(held & allowed_relations)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            "ok_audit": session.exec(select(func.count()).where(AuditEvent.outcome == AuditOutcome.OK)).one(),
            "denied_audit": session.exec(
                select(func.count()).where(AuditEvent.outcome == AuditOutcome.DENIED)
            ).one(),
            "enrollments": session.exec(select(func.count()).select_from(Enrollment)).one(),
            "mentorships": session.exec(select(func.count()).select_from(Mentorship)).one(),
        }


@pytest.fixture
def world_engine(empty_template: DatabaseTemplate) -> Iterator[tuple[Engine, World]]:
    with empty_template.copy() as engine, override_engine(engine):
        with Session(engine, expire_on_commit=False) as session:
            world = build_world(session)
        yield engine, world


def test_every_cell_of_the_permission_table_is_enforced(world_engine: tuple[Engine, World]) -> None:
    engine, world = world_engine
    mismatches: list[str] = []
    cells = 0
    for action, (kind, _) in TABLE.items():
        for actor_kind in ACTOR_KINDS:
            user = world.users.get(actor_kind)
            actor: Actor | None = actor_from_user(user) if user is not None else None
            for target_kind in TARGET_KINDS:
                if kind is TargetKind.ORGANIZATION and target_kind == "out_of_scope":
                    continue  # an organisation has no inside and outside besides other organisations
                cells += 1
                tid = target_id(world, kind, target_kind, user)
                before = counts(engine)
                try:
                    run_write(authorize, actor=actor, action=action, kind=kind, target_id=tid)
                    allowed = True
                except NotSignedIn:
                    allowed = False
                except NotAllowed:
                    allowed = False
                after = counts(engine)
                want = expected(actor_kind, action, kind, target_kind)
                if allowed != want:
                    mismatches.append(f"{actor_kind} {action} {target_kind}: got {allowed}, want {want}")
                if not allowed:
                    changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
                    want_changed = {} if actor is None else {"denied_audit": 1}
                    if changed != want_changed:
                        mismatches.append(
                            f"{actor_kind} {action} {target_kind}: refused but changed {changed}"
                        )
    report_line(f"permission matrix: {cells} cells checked on {engine.dialect.name}")
    assert not mismatches, "\n".join(mismatches)
    assert cells == len(TABLE) * len(ACTOR_KINDS) * len(TARGET_KINDS) - 3 * len(ACTOR_KINDS)
