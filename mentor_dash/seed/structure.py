"""An organisation's fixed frame: its programs with modules, assignments and exams, and its staff.

Participants are added later in batches; everything they refer to is built here first and
described by an `OrgContext`.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mentor_dash.domain.statuses import exam_threshold_xp
from mentor_dash.models.enums import Availability
from mentor_dash.seed import tables
from mentor_dash.seed.bulk import Batch, IdSequence, Row
from mentor_dash.seed.catalog import (
    COACH_BACKGROUNDS,
    COACH_FOCUS,
    FIRST_NAMES,
    GROUP_NAMES,
    LAST_NAMES,
    ProgramSpec,
)

EXAM_THRESHOLD_PCT = 80
MAX_REGISTRATIONS_PER_COACH = 3


@dataclass(frozen=True)
class AssignmentInfo:
    id: int
    title: str
    slug: str
    xp: int


@dataclass(frozen=True)
class ModuleInfo:
    id: int
    title: str
    is_optional: bool
    assignments: tuple[AssignmentInfo, ...]
    exam_id: int
    exam_title: str
    exam_xp: int

    @property
    def assignment_xp(self) -> int:
        return sum(assignment.xp for assignment in self.assignments)


@dataclass(frozen=True)
class ProgramInfo:
    id: int
    name: str
    modules: tuple[ModuleInfo, ...]
    threshold_xp: int
    work_links: tuple[str, ...]


@dataclass(frozen=True)
class StaffSpec:
    """A named staff member, such as a demo login."""

    name: str
    email: str
    is_coach: bool = True
    is_manager: bool = False
    programs: tuple[int, ...] = ()  # indexes into the organisation's programs
    contact_email: str = ""
    bio: str = ""
    groups: tuple[str, ...] = ()  # group names, in the first of `programs`


@dataclass(frozen=True)
class OrgSpec:
    name: str
    slug: str
    email_domain: str
    phone_prefix: str
    programs: tuple[ProgramSpec, ...]
    staff: tuple[StaffSpec, ...]
    generated_coaches: int
    unavailable_coaches: int
    generated_groups: int  # generated coaches with one group each


@dataclass
class OrgContext:
    id: int
    name: str
    email_domain: str
    programs: list[ProgramInfo]
    manager_id: int
    coach_ids: list[int]
    coaches_by_program: dict[int, list[int]]
    staff_names: dict[int, str]
    staff_ids_by_email: dict[str, int]
    groups_by_coach_program: dict[tuple[int, int], list[int]] = field(default_factory=dict)


def email_part(text: str) -> str:
    """ASCII letters and digits only: 'Öztürk' -> 'ozturk', 'de Vries' -> 'devries'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(character for character in ascii_text.lower() if character.isalnum())


def random_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def build_organization(
    spec: OrgSpec,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
    password_hash: str,
) -> OrgContext:
    org_id = ids.next(tables.ORGANIZATION)
    batch.add(
        tables.ORGANIZATION,
        {"id": org_id, "name": spec.name, "slug": spec.slug, "created_at": now - timedelta(days=720)},
    )
    programs = [_add_program(program, org_id=org_id, ids=ids, batch=batch) for program in spec.programs]
    context = OrgContext(
        id=org_id,
        name=spec.name,
        email_domain=spec.email_domain,
        programs=programs,
        manager_id=0,
        coach_ids=[],
        coaches_by_program={program.id: [] for program in programs},
        staff_names={},
        staff_ids_by_email={},
    )
    _add_staff(spec, context, rng=rng, now=now, ids=ids, batch=batch, password_hash=password_hash)
    return context


def user_row(
    *,
    user_id: int,
    org_id: int,
    name: str,
    email: str,
    password_hash: str,
    created_at: datetime,
    is_participant: bool = False,
    is_coach: bool = False,
    is_manager: bool = False,
) -> Row:
    return {
        "id": user_id,
        "organization_id": org_id,
        "name": name,
        "email": email,
        "password_hash": password_hash,
        "is_active": True,
        "is_participant": is_participant,
        "is_coach": is_coach,
        "is_manager": is_manager,
        "created_at": created_at,
    }


def _add_program(spec: ProgramSpec, *, org_id: int, ids: IdSequence, batch: Batch) -> ProgramInfo:
    program_id = ids.next(tables.PROGRAM)
    batch.add(
        tables.PROGRAM,
        {
            "id": program_id,
            "organization_id": org_id,
            "name": spec.name,
            "description": spec.description,
            "exam_threshold_pct": EXAM_THRESHOLD_PCT,
        },
    )
    modules = []
    for position, module_spec in enumerate(spec.modules, start=1):
        module_id = ids.next(tables.MODULE)
        batch.add(
            tables.MODULE,
            {
                "id": module_id,
                "program_id": program_id,
                "position": position,
                "title": module_spec.title,
                "is_optional": module_spec.is_optional,
            },
        )
        assignments = []
        for assignment_position, (title, xp) in enumerate(module_spec.assignments, start=1):
            assignment_id = ids.next(tables.ASSIGNMENT)
            batch.add(
                tables.ASSIGNMENT,
                {
                    "id": assignment_id,
                    "module_id": module_id,
                    "position": assignment_position,
                    "title": title,
                    "xp": xp,
                },
            )
            assignments.append(AssignmentInfo(assignment_id, title, _slug(title), xp))
        exam_id = ids.next(tables.EXAM)
        exam_title = f"Exam: {module_spec.title.removeprefix('Elective: ')}"
        batch.add(
            tables.EXAM,
            {"id": exam_id, "module_id": module_id, "title": exam_title, "xp": module_spec.exam_xp},
        )
        modules.append(
            ModuleInfo(
                module_id,
                module_spec.title,
                module_spec.is_optional,
                tuple(assignments),
                exam_id,
                exam_title,
                module_spec.exam_xp,
            )
        )
    total_xp = sum(module.assignment_xp + module.exam_xp for module in modules)
    threshold = exam_threshold_xp(total_xp, EXAM_THRESHOLD_PCT)
    return ProgramInfo(program_id, spec.name, tuple(modules), threshold, spec.work_links)


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = "".join(character if character.isalnum() else " " for character in ascii_title).split()
    return "-".join(words)


@dataclass
class _Staffing:
    """Coaches being set up: who they are and which program indexes they are registered for."""

    coaches: dict[int, StaffSpec] = field(default_factory=dict)
    registrations: dict[int, list[int]] = field(default_factory=dict)
    named: set[int] = field(default_factory=set)
    groups: list[tuple[int, int, str]] = field(default_factory=list)  # (coach id, program index, name)

    @property
    def generated(self) -> list[int]:
        return [coach for coach in self.registrations if coach not in self.named]


def _add_staff(
    spec: OrgSpec,
    context: OrgContext,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
    password_hash: str,
) -> None:
    def add_user(staff: StaffSpec) -> int:
        return _add_staff_user(
            context, staff, rng=rng, now=now, ids=ids, batch=batch, password_hash=password_hash
        )

    staffing = _Staffing()
    for staff in spec.staff:
        user_id = add_user(staff)
        if staff.is_manager and not context.manager_id:
            context.manager_id = user_id
        if staff.is_coach:
            staffing.coaches[user_id] = staff
            staffing.named.add(user_id)
            staffing.registrations[user_id] = list(staff.programs)
            staffing.groups.extend((user_id, staff.programs[0], name) for name in staff.groups)

    program_count = len(context.programs)
    for number in range(1, spec.generated_coaches + 1):
        first, last = random_name(rng)
        email = f"{email_part(first)}.{email_part(last)}{number}@{spec.email_domain}"
        coach = StaffSpec(name=f"{first} {last}", email=email)
        user_id = add_user(coach)
        count = rng.choices((1, 2, 3), weights=(30, 45, 25))[0]
        staffing.coaches[user_id] = coach
        staffing.registrations[user_id] = rng.sample(range(program_count), min(count, program_count))

    _cover_every_program(staffing, program_count, rng)
    _add_profiles_and_registrations(staffing, spec, context, rng=rng, now=now, ids=ids, batch=batch)
    _add_groups(staffing, spec, context, rng=rng, now=now, ids=ids, batch=batch)


def _add_staff_user(
    context: OrgContext,
    staff: StaffSpec,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
    password_hash: str,
) -> int:
    user_id = ids.next(tables.USER)
    batch.add(
        tables.USER,
        user_row(
            user_id=user_id,
            org_id=context.id,
            name=staff.name,
            email=staff.email,
            password_hash=password_hash,
            created_at=now - timedelta(days=rng.uniform(380, 700)),
            is_coach=staff.is_coach,
            is_manager=staff.is_manager,
        ),
    )
    context.staff_names[user_id] = staff.name
    context.staff_ids_by_email[staff.email] = user_id
    if staff.is_coach:
        context.coach_ids.append(user_id)
    return user_id


def _cover_every_program(staffing: _Staffing, program_count: int, rng: random.Random) -> None:
    """Give every program enough registered coaches by registering generated coaches for more."""
    registrations = staffing.registrations
    wanted = min(4, len(registrations))
    for index in range(program_count):
        registered = sum(index in programs for programs in registrations.values())
        candidates = [
            coach
            for coach in staffing.generated
            if index not in registrations[coach] and len(registrations[coach]) < MAX_REGISTRATIONS_PER_COACH
        ]
        rng.shuffle(candidates)
        for coach in candidates[: max(0, wanted - registered)]:
            registrations[coach].append(index)


def _add_profiles_and_registrations(
    staffing: _Staffing,
    spec: OrgSpec,
    context: OrgContext,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
) -> None:
    generated = staffing.generated
    unavailable = set(rng.sample(generated, min(spec.unavailable_coaches, len(generated))))
    for coach_id, program_indexes in staffing.registrations.items():
        _add_coach_profile(
            coach_id,
            staffing.coaches[coach_id],
            spec.phone_prefix,
            rng=rng,
            now=now,
            batch=batch,
            available=coach_id not in unavailable,
        )
        for index in program_indexes:
            program_id = context.programs[index].id
            batch.add(
                tables.REGISTRATION,
                {
                    "id": ids.next(tables.REGISTRATION),
                    "organization_id": context.id,
                    "coach_id": coach_id,
                    "program_id": program_id,
                },
            )
            context.coaches_by_program[program_id].append(coach_id)


def _add_groups(
    staffing: _Staffing,
    spec: OrgSpec,
    context: OrgContext,
    *,
    rng: random.Random,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
) -> None:
    generated = staffing.generated
    group_coaches = rng.sample(generated, min(spec.generated_groups, len(generated)))
    names = GROUP_NAMES[len(staffing.groups) :] or GROUP_NAMES
    groups = list(staffing.groups)
    for number, coach_id in enumerate(group_coaches):
        groups.append((coach_id, staffing.registrations[coach_id][0], names[number % len(names)]))
    for coach_id, program_index, name in groups:
        _add_group(context, coach_id, program_index, name, now=now, ids=ids, batch=batch)


def _add_coach_profile(
    coach_id: int,
    staff: StaffSpec,
    phone_prefix: str,
    *,
    rng: random.Random,
    now: datetime,
    batch: Batch,
    available: bool,
) -> None:
    batch.add(
        tables.COACH_PROFILE,
        {
            "user_id": coach_id,
            "phone": f"{phone_prefix} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            "contact_email": staff.contact_email or staff.email,
            "bio": staff.bio or _bio(staff.name.split()[0], rng),
            "availability": Availability.AVAILABLE if available else Availability.UNAVAILABLE,
            "updated_at": now - timedelta(days=rng.uniform(1, 300)),
        },
    )


def _bio(first_name: str, rng: random.Random) -> str:
    years = rng.randint(3, 18)
    return (
        f"{first_name} worked as a {rng.choice(COACH_BACKGROUNDS)} for {years} years before becoming "
        f"a coach. {rng.choice(COACH_FOCUS)}"
    )


def _add_group(
    context: OrgContext,
    coach_id: int,
    program_index: int,
    name: str,
    *,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
) -> None:
    group_id = ids.next(tables.GROUP)
    program_id = context.programs[program_index].id
    batch.add(
        tables.GROUP,
        {
            "id": group_id,
            "organization_id": context.id,
            "coach_id": coach_id,
            "program_id": program_id,
            "name": name,
            "created_at": now - timedelta(days=150),
        },
    )
    context.groups_by_coach_program.setdefault((coach_id, program_id), []).append(group_id)
