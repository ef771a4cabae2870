"""Program managers move many enrollments at once: one coach, spread over several, or a coach's whole list.

Every bulk action runs in two steps. The preview works out the plan (which enrollment goes from
which coach to which) and a fingerprint of it; confirming works the plan out again inside one
write transaction, locks the rows, and applies it only when the fingerprint is unchanged. So if
any enrollment changed since the preview (its version moved), or the filter now matches other
rows, the whole bulk is refused with a Conflict and nothing changes. One audit event per
enrollment (the shape of `services.coaching.assign_coach`) and one set-based stats refresh.
"""

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlmodel import Session

from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Action, Actor, Target
from mentor_dash.domain.errors import Conflict, NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.domain.grid import BulkSelection, GridScope, spread_by_lowest_load
from mentor_dash.domain.validation import as_bool, as_id
from mentor_dash.models import (
    Enrollment,
    EnrollmentStatus,
    GroupMembership,
    LearningProgram,
    Mentorship,
    StudentGroup,
    User,
)
from mentor_dash.models._types import utcnow
from mentor_dash.selectors.guard import TargetKind, authorize, guard
from mentor_dash.selectors.participant_grid import matching_participants
from mentor_dash.services.audit import audit_record
from mentor_dash.services.coach_availability import coach_of_organization, coach_set_availability
from mentor_dash.services.coaching import eligible_coach
from mentor_dash.services.stats import stats_refresh

MAX_BULK = 10_000
MAX_COACHES = 50
CHUNK = 900

NOTHING_TO_CHANGE = (
    "Nothing to change: every selected enrollment already has that coach, or none is in the program."
)
NO_COACHLESS = "None of the selected participants waits for a coach in this program."
TOO_MANY = "That would change {count:,} enrollments at once; narrow the filter to at most {limit:,}."
CHOOSE_COACHES = "Choose at least one coach (at most {limit})."
NOT_A_SELECTION = "That selection is not valid."
CHANGED_SINCE_PREVIEW = (
    "Some of these enrollments changed since the preview, so nothing was changed. Check the new preview."
)
SAME_AS_REPLACED = "Choose coaches other than the one whose participants move."
NO_TARGET_FOR_PROGRAM = "None of the chosen coaches can take {program}: choose a coach registered for it."
NO_ENROLLMENTS = "{name} has no active enrollments to transfer."

REASON_BULK = "bulk assignment"
REASON_SPREAD = "distributed evenly"
REASON_TRANSFER = "coach transfer"


@dataclass(frozen=True)
class Move:
    enrollment_id: int
    participant_id: int
    program_id: int
    version: int
    from_coach_id: int | None
    to_coach_id: int


@dataclass(frozen=True)
class FromCoach:
    coach_id: int | None
    name: str
    count: int


@dataclass(frozen=True)
class CoachLoad:
    coach_id: int
    name: str
    before: int
    after: int


@dataclass(frozen=True)
class BulkPreview:
    changes: int
    participants: int
    from_coaches: list[FromCoach]
    loads: list[CoachLoad]
    skipped_same_coach: int = 0
    skipped_has_coach: int = 0
    skipped_not_enrolled: int = 0
    programs: list[str] = field(default_factory=list)
    digest: str = ""


@dataclass(frozen=True)
class BulkResult:
    changed: int
    participants: int


@dataclass(frozen=True)
class _Candidate:
    enrollment_id: int
    participant_id: int
    program_id: int
    version: int
    coach_id: int | None


@dataclass
class _Plan:
    moves: list[Move]
    skipped_same_coach: int = 0
    skipped_has_coach: int = 0
    skipped_not_enrolled: int = 0
    coaches: list[int] = field(default_factory=list)  # the coaches shown with their loads
    replaced_coach: int | None = None
    reason: str = REASON_BULK


# Reading what a plan is made of


def _manager(session: Session, actor: Actor | None) -> Actor:
    if actor is None:
        raise NotSignedIn()
    authorize(session, actor, Action.BULK_ASSIGN_COACHES, TargetKind.ORGANIZATION, actor.organization_id)
    return actor


def _program(session: Session, actor: Actor, program_id: int) -> LearningProgram:
    program_id = as_id(program_id)
    authorize(session, actor, Action.BULK_ASSIGN_COACHES, TargetKind.PROGRAM, program_id)
    program = session.get(LearningProgram, program_id)
    assert program is not None
    return program


def _coach_ids(values: object) -> list[int]:
    if not isinstance(values, list | tuple) or not 1 <= len(values) <= MAX_COACHES:
        raise ValidationFailed(CHOOSE_COACHES.format(limit=MAX_COACHES))
    return sorted({as_id(value) for value in values})


def _selected_participants(
    session: Session, actor: Actor, selection: BulkSelection, now: datetime
) -> Select | list[int]:
    """The participants a selection stands for; ids of another organisation are refused outright."""
    if not isinstance(selection, BulkSelection):
        raise ValidationFailed(NOT_A_SELECTION)
    if selection.all_matching:
        return matching_participants(actor, GridScope.MANAGER, selection.query, now)
    ids = list(selection.participant_ids)
    if not ids or len(ids) > 100:
        raise ValidationFailed(NOT_A_SELECTION)
    found = session.execute(
        select(func.count()).where(
            User.id.in_(ids), User.organization_id == actor.organization_id, User.is_participant
        )
    ).scalar_one()
    if found != len(ids):
        raise NotAllowed(action=Action.BULK_ASSIGN_COACHES.value, target_type="participant")
    return ids


def _selected_count(session: Session, participants: Select | list[int]) -> int:
    if isinstance(participants, list):
        return len(participants)
    counted = participants.with_only_columns(func.count(), maintain_column_froms=True)
    return int(session.execute(counted).scalar_one())


def _candidates(session: Session, actor: Actor, *conditions: object) -> list[_Candidate]:
    rows = session.execute(
        select(
            Enrollment.id,
            Enrollment.participant_id,
            Enrollment.program_id,
            Enrollment.version,
            Enrollment.coach_id,
        )
        .where(
            Enrollment.organization_id == actor.organization_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            *conditions,  # type: ignore[arg-type]
        )
        .order_by(Enrollment.coachless_since.is_(None), Enrollment.coachless_since, Enrollment.id)
    ).all()
    if len(rows) > MAX_BULK:
        raise ValidationFailed(TOO_MANY.format(count=len(rows), limit=MAX_BULK))
    return [_Candidate(*row) for row in rows]


def _check_each(session: Session, actor: Actor, candidates: Sequence[_Candidate]) -> None:
    """TRANSFER_COACH on every enrollment, from facts loaded in bulk (the same facts `targets` loads)."""
    mentors: dict[int, int] = {}
    participant_ids = sorted({c.participant_id for c in candidates})
    for start in range(0, len(participant_ids), CHUNK):
        mentors.update(
            session.execute(
                select(Mentorship.participant_id, Mentorship.mentor_id).where(
                    Mentorship.participant_id.in_(participant_ids[start : start + CHUNK]),
                    Mentorship.ended_at.is_(None),
                )
            ).all()
        )
    for candidate in candidates:
        target = Target(
            organization_id=actor.organization_id,
            participant_id=candidate.participant_id,
            coach_ids=frozenset({candidate.coach_id}) if candidate.coach_id is not None else frozenset(),
            mentor_id=mentors.get(candidate.participant_id),
        )
        guard(
            actor,
            Action.TRANSFER_COACH,
            target,
            target_type="enrollment",
            target_id=candidate.enrollment_id,
        )


def _loads(session: Session, coach_ids: Iterable[int], program_ids: Iterable[int]) -> dict[int, int]:
    coaches, programs = list(coach_ids), list(program_ids)
    if not coaches or not programs:
        return {}
    return {
        coach_id: int(count)
        for coach_id, count in session.execute(
            select(Enrollment.coach_id, func.count())
            .where(
                Enrollment.coach_id.in_(coaches),
                Enrollment.program_id.in_(programs),
                Enrollment.status == EnrollmentStatus.ACTIVE,
            )
            .group_by(Enrollment.coach_id)
        ).all()
    }


def _names(session: Session, model: type, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    names: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        names.update(
            session.execute(
                select(model.id, model.name).where(model.id.in_(wanted[start : start + CHUNK]))  # type: ignore[attr-defined]
            ).all()
        )
    return names


def _ordered_by_load(coaches: list[User], loads: dict[int, int]) -> list[int]:
    return [c.id for c in sorted(coaches, key=lambda c: (loads.get(c.id, 0), c.name, c.id))]  # type: ignore[misc]


# The three plans


def _assign_plan(
    session: Session, actor: Actor, selection: BulkSelection, program_id: int, coach_id: int, now: datetime
) -> _Plan:
    program = _program(session, actor, program_id)
    coach = eligible_coach(
        session, organization_id=actor.organization_id, program_id=program.id, coach_id=as_id(coach_id)
    )
    participants = _selected_participants(session, actor, selection, now)
    candidates = _candidates(
        session, actor, Enrollment.program_id == program.id, Enrollment.participant_id.in_(participants)
    )
    _check_each(session, actor, candidates)
    moves = [
        Move(c.enrollment_id, c.participant_id, c.program_id, c.version, c.coach_id, coach.id)  # type: ignore[arg-type]
        for c in candidates
        if c.coach_id != coach.id
    ]
    return _Plan(
        moves=moves,
        skipped_same_coach=len(candidates) - len(moves),
        skipped_not_enrolled=_selected_count(session, participants) - len(candidates),
        coaches=[coach.id],  # type: ignore[list-item]
        reason=REASON_BULK,
    )


def _spread_plan(
    session: Session,
    actor: Actor,
    selection: BulkSelection,
    program_id: int,
    coach_ids: object,
    now: datetime,
) -> _Plan:
    program = _program(session, actor, program_id)
    coaches = [
        eligible_coach(session, organization_id=actor.organization_id, program_id=program.id, coach_id=cid)
        for cid in _coach_ids(coach_ids)
    ]
    participants = _selected_participants(session, actor, selection, now)
    candidates = _candidates(
        session, actor, Enrollment.program_id == program.id, Enrollment.participant_id.in_(participants)
    )
    _check_each(session, actor, candidates)
    waiting = [c for c in candidates if c.coach_id is None]
    loads = _loads(session, [c.id for c in coaches], [program.id])  # type: ignore[misc]
    order = _ordered_by_load(coaches, loads)
    given = spread_by_lowest_load([c.enrollment_id for c in waiting], loads, order)
    moves = [
        Move(c.enrollment_id, c.participant_id, c.program_id, c.version, None, given[c.enrollment_id])
        for c in waiting
    ]
    return _Plan(
        moves=moves,
        skipped_has_coach=len(candidates) - len(waiting),
        skipped_not_enrolled=_selected_count(session, participants) - len(candidates),
        coaches=order,
        reason=REASON_SPREAD,
    )


def _transfer_plan(
    session: Session,
    actor: Actor,
    from_coach_id: int,
    program_id: int | None,
    to_coach_ids: object,
) -> _Plan:
    replaced = coach_of_organization(session, actor, as_id(from_coach_id), Action.BULK_ASSIGN_COACHES)
    conditions: list[object] = [Enrollment.coach_id == replaced.id]
    if program_id is not None:
        conditions.append(Enrollment.program_id == _program(session, actor, program_id).id)
    targets = _coach_ids(to_coach_ids)
    if replaced.id in targets:
        raise ValidationFailed(SAME_AS_REPLACED)
    candidates = _candidates(session, actor, *conditions)
    if not candidates:
        raise ValidationFailed(NO_ENROLLMENTS.format(name=replaced.name))
    _check_each(session, actor, candidates)
    by_program: dict[int, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_program[candidate.program_id].append(candidate)
    program_names = _names(session, LearningProgram, by_program)
    moves: list[Move] = []
    shown: dict[int, None] = {}
    for pid in sorted(by_program, key=lambda p: program_names.get(p, "")):
        able: list[User] = []
        for cid in targets:
            try:
                able.append(
                    eligible_coach(
                        session, organization_id=actor.organization_id, program_id=pid, coach_id=cid
                    )
                )
            except ValidationFailed:
                continue
        if not able:
            raise ValidationFailed(NO_TARGET_FOR_PROGRAM.format(program=program_names.get(pid, "")))
        loads = _loads(session, [c.id for c in able], [pid])  # type: ignore[misc]
        order = _ordered_by_load(able, loads)
        shown.update(dict.fromkeys(order))
        given = spread_by_lowest_load([c.enrollment_id for c in by_program[pid]], loads, order)
        moves += [
            Move(c.enrollment_id, c.participant_id, pid, c.version, replaced.id, given[c.enrollment_id])  # type: ignore[arg-type]
            for c in by_program[pid]
        ]
    return _Plan(moves=moves, coaches=list(shown), replaced_coach=replaced.id, reason=REASON_TRANSFER)


# Preview and apply, shared by the three


def _digest(moves: Sequence[Move]) -> str:
    text = ";".join(
        f"{m.enrollment_id}:{m.version}:{m.from_coach_id or 0}:{m.to_coach_id}"
        for m in sorted(moves, key=lambda m: m.enrollment_id)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _preview(session: Session, plan: _Plan) -> BulkPreview:
    programs = sorted({m.program_id for m in plan.moves})
    shown = [*plan.coaches, *([plan.replaced_coach] if plan.replaced_coach else [])]
    names = _names(session, User, [*shown, *(m.from_coach_id for m in plan.moves if m.from_coach_id)])
    before = _loads(session, shown, programs) if programs else {}
    delta: Counter[int] = Counter()
    for move in plan.moves:
        delta[move.to_coach_id] += 1
        if move.from_coach_id is not None:
            delta[move.from_coach_id] -= 1
    sources = Counter(m.from_coach_id for m in plan.moves)
    return BulkPreview(
        changes=len(plan.moves),
        participants=len({m.participant_id for m in plan.moves}),
        from_coaches=[
            FromCoach(cid, names.get(cid, "") if cid else "No coach", count)
            for cid, count in sorted(sources.items(), key=lambda item: (-item[1], item[0] or 0))
        ],
        loads=[
            CoachLoad(cid, names.get(cid, ""), before.get(cid, 0), before.get(cid, 0) + delta[cid])
            for cid in shown
        ],
        skipped_same_coach=plan.skipped_same_coach,
        skipped_has_coach=plan.skipped_has_coach,
        skipped_not_enrolled=plan.skipped_not_enrolled,
        programs=[name for _, name in sorted(_names(session, LearningProgram, programs).items())],
        digest=_digest(plan.moves),
    )


def _lock_and_check(session: Session, moves: Sequence[Move], expected_digest: object) -> None:
    if not isinstance(expected_digest, str) or expected_digest != _digest(moves):
        raise Conflict(CHANGED_SINCE_PREVIEW)
    expected = {m.enrollment_id: m.version for m in moves}
    ids = sorted(expected)
    for start in range(0, len(ids), CHUNK):
        # Row locks on PostgreSQL; SQLite write transactions are exclusive from their start.
        locked = session.execute(
            select(Enrollment.id, Enrollment.version, Enrollment.status)
            .where(Enrollment.id.in_(ids[start : start + CHUNK]))
            .with_for_update()
        ).all()
        for enrollment_id, version, status in locked:
            if version != expected[enrollment_id] or status != EnrollmentStatus.ACTIVE:
                raise Conflict(CHANGED_SINCE_PREVIEW)
        if len(locked) != len(ids[start : start + CHUNK]):
            raise Conflict(CHANGED_SINCE_PREVIEW)


def _leave_old_groups(session: Session, moves: Sequence[Move]) -> None:
    """Before the move: enrollments leave the groups of the coach they have (as in coaching.assign_coach).

    One statement per chunk, whatever the number of coaches they come from.
    """
    coached = sorted(m.enrollment_id for m in moves if m.from_coach_id is not None)
    current_coach = (
        select(Enrollment.coach_id)
        .where(Enrollment.id == GroupMembership.enrollment_id)
        .correlate_except(Enrollment)
        .scalar_subquery()
    )
    for start in range(0, len(coached), CHUNK):
        session.execute(
            delete(GroupMembership).where(
                GroupMembership.enrollment_id.in_(coached[start : start + CHUNK]),
                GroupMembership.group_id.in_(
                    select(StudentGroup.id).where(StudentGroup.coach_id == current_coach)
                ),
            )
        )


def _give_primary(session: Session, moves: Sequence[Move]) -> None:
    """A participant's first coach becomes their primary coach (as for a single assignment)."""
    participants = sorted({m.participant_id for m in moves})
    with_primary: set[int] = set()
    for start in range(0, len(participants), CHUNK):
        with_primary.update(
            session.execute(
                select(Enrollment.participant_id).where(
                    Enrollment.participant_id.in_(participants[start : start + CHUNK]),
                    Enrollment.status == EnrollmentStatus.ACTIVE,
                    Enrollment.is_primary.is_(True),
                )
            ).scalars()
        )
    chosen: dict[int, int] = {}
    for move in sorted(moves, key=lambda m: m.enrollment_id):
        if move.participant_id not in with_primary:
            chosen.setdefault(move.participant_id, move.enrollment_id)
    ids = sorted(chosen.values())
    for start in range(0, len(ids), CHUNK):
        session.execute(
            update(Enrollment)
            .where(Enrollment.id.in_(ids[start : start + CHUNK]))
            .values(is_primary=True)
            .execution_options(synchronize_session=False)
        )


def _apply(session: Session, actor: Actor, plan: _Plan, expected_digest: object, now: datetime) -> BulkResult:
    if not plan.moves:
        raise ValidationFailed(NOTHING_TO_CHANGE)
    _lock_and_check(session, plan.moves, expected_digest)
    _leave_old_groups(session, plan.moves)
    by_target: dict[int, list[int]] = defaultdict(list)
    for move in plan.moves:
        by_target[move.to_coach_id].append(move.enrollment_id)
    for coach_id, enrollment_ids in by_target.items():
        for start in range(0, len(enrollment_ids), CHUNK):
            chunk = enrollment_ids[start : start + CHUNK]
            changed = session.execute(
                update(Enrollment)
                .where(Enrollment.id.in_(chunk), Enrollment.status == EnrollmentStatus.ACTIVE)
                # The coach-side archive belongs to the coach who leaves (as in coaching.assign_coach).
                .values(
                    coach_id=coach_id,
                    version=Enrollment.version + 1,
                    coachless_since=None,
                    coach_archived=False,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed != len(chunk):
                raise Conflict(CHANGED_SINCE_PREVIEW)
    _give_primary(session, plan.moves)
    names = _names(session, User, [*by_target, *(m.from_coach_id for m in plan.moves if m.from_coach_id)])
    programs = _names(session, LearningProgram, {m.program_id for m in plan.moves})
    for move in plan.moves:
        program = programs.get(move.program_id)
        audit_record(
            session,
            actor=actor,
            action=audit_actions.COACH_CHANGED,
            target_type="enrollment",
            target_id=move.enrollment_id,
            participant_id=move.participant_id,
            before={
                "coach_id": move.from_coach_id,
                "coach_name": names.get(move.from_coach_id) if move.from_coach_id else None,
                "program": program,
            },
            after={
                "coach_id": move.to_coach_id,
                "coach_name": names.get(move.to_coach_id),
                "program": program,
                "reason": plan.reason,
            },
            at=now,
        )
    participants = {m.participant_id for m in plan.moves}
    stats_refresh(session, participants)
    return BulkResult(changed=len(plan.moves), participants=len(participants))


# The services


def bulk_assignment_preview(
    *,
    session: Session,
    actor: Actor | None,
    selection: BulkSelection,
    program_id: int,
    coach_id: int,
    now: datetime | None = None,
) -> BulkPreview:
    """What assigning one coach to the selection's enrollments in one program would change."""
    manager = _manager(session, actor)
    return _preview(session, _assign_plan(session, manager, selection, program_id, coach_id, now or utcnow()))


def bulk_assignment_apply(
    *,
    session: Session,
    actor: Actor | None,
    selection: BulkSelection,
    program_id: int,
    coach_id: int,
    expected_digest: str,
    now: datetime | None = None,
) -> BulkResult:
    """Assign the coach exactly as previewed, all or nothing."""
    now = now or utcnow()
    manager = _manager(session, actor)
    plan = _assign_plan(session, manager, selection, program_id, coach_id, now)
    return _apply(session, manager, plan, expected_digest, now)


def bulk_distribution_preview(
    *,
    session: Session,
    actor: Actor | None,
    selection: BulkSelection,
    program_id: int,
    coach_ids: list[int],
    now: datetime | None = None,
) -> BulkPreview:
    """How the selection's coachless enrollments in a program would spread, least loaded coach first."""
    manager = _manager(session, actor)
    plan = _spread_plan(session, manager, selection, program_id, coach_ids, now or utcnow())
    if not plan.moves:
        raise ValidationFailed(NO_COACHLESS)
    return _preview(session, plan)


def bulk_distribution_apply(
    *,
    session: Session,
    actor: Actor | None,
    selection: BulkSelection,
    program_id: int,
    coach_ids: list[int],
    expected_digest: str,
    now: datetime | None = None,
) -> BulkResult:
    now = now or utcnow()
    manager = _manager(session, actor)
    plan = _spread_plan(session, manager, selection, program_id, coach_ids, now)
    return _apply(session, manager, plan, expected_digest, now)


def coach_transfer_preview(
    *,
    session: Session,
    actor: Actor | None,
    from_coach_id: int,
    to_coach_ids: list[int],
    program_id: int | None = None,
    now: datetime | None = None,
) -> BulkPreview:
    """Where every active enrollment of one coach (optionally of one program) would go."""
    manager = _manager(session, actor)
    return _preview(session, _transfer_plan(session, manager, from_coach_id, program_id, to_coach_ids))


def coach_transfer_apply(
    *,
    session: Session,
    actor: Actor | None,
    from_coach_id: int,
    to_coach_ids: list[int],
    expected_digest: str,
    program_id: int | None = None,
    mark_unavailable: bool = False,
    now: datetime | None = None,
) -> BulkResult:
    """Move the coach's enrollments as previewed, all or nothing; optionally mark the coach unavailable."""
    now = now or utcnow()
    manager = _manager(session, actor)
    mark_unavailable = as_bool(mark_unavailable)
    plan = _transfer_plan(session, manager, from_coach_id, program_id, to_coach_ids)
    result = _apply(session, manager, plan, expected_digest, now)
    if mark_unavailable:
        coach_set_availability(
            session=session, actor=manager, coach_id=plan.replaced_coach, available=False, now=now
        )
    return result
