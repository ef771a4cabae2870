"""Participants with everything that hangs off them: subscription, enrollments, mentorships,
group memberships, their learning history and the audit trail of past mentor and coach changes.
"""

import json
import random
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mentor_dash.domain import audit_actions
from mentor_dash.domain.statuses import SubscriptionStatus
from mentor_dash.models.enums import AuditOutcome, EnrollmentStatus
from mentor_dash.seed import tables
from mentor_dash.seed.bulk import Batch, IdSequence, Row
from mentor_dash.seed.catalog import PLANS
from mentor_dash.seed.learning import (
    DAY,
    HOUR,
    EnrollmentFacts,
    Scenario,
    Stage,
    Volume,
    pick_stage,
    simulate_learning,
)
from mentor_dash.seed.structure import OrgContext, ProgramInfo, email_part, random_name, user_row

ACTIVITY_WINDOW = timedelta(days=120)
COACHLESS_SHARE = 0.08
ENDED_SHARE = 0.03
COACH_ARCHIVED_SHARE = 0.02
MENTOR_ARCHIVED_SHARE = 0.03
MENTOR_HISTORY_SHARE = 0.15
COACH_CHANGE_SHARE = 0.10
BUSY_COACH_ODDS = 1.5  # times as likely as an average coach of the program
SUBSCRIPTION_WEIGHTS = {
    SubscriptionStatus.ACTIVE: 60,
    SubscriptionStatus.EXPIRING: 15,
    SubscriptionStatus.EXPIRED: 20,
    SubscriptionStatus.NONE: 5,
}


@dataclass(frozen=True)
class EnrollmentWish:
    """A fixed enrollment for a demo login instead of a random one."""

    program_index: int
    coach_id: int | None
    is_primary: bool = False
    scenario: Scenario | None = None


@dataclass
class Arrangements:
    """What the demo logins must be able to show, handed out while participants are generated."""

    mentor_id: int | None = None
    mentee_indexes: frozenset[int] = frozenset()
    mentee_scenarios: deque[Scenario] = field(default_factory=deque)
    mentee_subscriptions: deque[SubscriptionStatus] = field(default_factory=deque)
    coach_scenarios: dict[int, deque[Scenario]] = field(default_factory=dict)
    # Coaches who get a busy but bounded list: chosen more often than others, up to this many enrollments.
    busy_coaches: dict[int, int] = field(default_factory=dict)


@dataclass
class _EnrollmentPlan:
    id: int
    program: ProgramInfo
    coach_id: int | None
    status: EnrollmentStatus
    scenario: Scenario | None = None
    is_primary: bool = False
    stage: Stage = Stage.PARTIAL
    enrolled_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass
class _MentorshipPlan:
    mentor_id: int
    started_at: datetime
    previous_mentor_id: int | None = None
    previous_started_at: datetime | None = None


class ParticipantFactory:
    def __init__(
        self,
        context: OrgContext,
        *,
        rng: random.Random,
        now: datetime,
        ids: IdSequence,
        volume: Volume,
        password_hash: str,
        mentor_share: float,
        arrangements: Arrangements | None = None,
        audit: list[Row],
    ) -> None:
        self.context = context
        self.rng = rng
        self.now = now
        self.ids = ids
        self.volume = volume
        self.password_hash = password_hash
        self.mentor_share = mentor_share
        self.arrangements = arrangements or Arrangements()
        self.audit = audit
        self._busy_load: dict[int, int] = dict.fromkeys(self.arrangements.busy_coaches, 0)
        self._busy_by_program = {
            program_id: [coach for coach in self.arrangements.busy_coaches if coach in coaches]
            for program_id, coaches in context.coaches_by_program.items()
        }

    def add(
        self,
        batch: Batch,
        *,
        index: int,
        name: str | None = None,
        email: str | None = None,
        wishes: list[EnrollmentWish] | None = None,
        subscription: SubscriptionStatus | None = None,
    ) -> int:
        rng, context = self.rng, self.context
        first, last = name.split(" ", 1) if name else random_name(rng)
        user_id = self.ids.next(tables.USER)
        is_mentee = index in self.arrangements.mentee_indexes
        plans = self._wished_enrollments(wishes) if wishes else self._random_enrollments()
        self._hand_out_scenarios(plans, is_mentee=is_mentee)
        for plan in plans:
            self._schedule(plan)
        self._choose_primary(plans)
        mentorship = self._mentorship(plans, is_mentee=is_mentee)

        moments = [plan.enrolled_at for plan in plans if plan.enrolled_at]
        if mentorship:
            moments.append(mentorship.previous_started_at or mentorship.started_at)
        created_at = min(moments) - timedelta(hours=rng.uniform(1, 120))
        batch.add(
            tables.USER,
            user_row(
                user_id=user_id,
                org_id=context.id,
                name=f"{first} {last}",
                email=email or f"{email_part(first)}.{email_part(last)}{index}@{context.email_domain}",
                password_hash=self.password_hash,
                created_at=created_at,
                is_participant=True,
            ),
        )
        if subscription is None and is_mentee and self.arrangements.mentee_subscriptions:
            subscription = self.arrangements.mentee_subscriptions.popleft()
        self._add_subscription(batch, user_id, subscription)
        if mentorship:
            self._add_mentorships(batch, user_id, mentorship)
        handle = f"{email_part(first)}-{email_part(last)}"
        for plan in plans:
            self._add_enrollment(batch, user_id, handle, plan, mentorship)
        return user_id

    # Enrollments

    def _wished_enrollments(self, wishes: list[EnrollmentWish]) -> list[_EnrollmentPlan]:
        return [
            _EnrollmentPlan(
                id=self.ids.next(tables.ENROLLMENT),
                program=self.context.programs[wish.program_index],
                coach_id=wish.coach_id,
                status=EnrollmentStatus.ACTIVE,
                scenario=wish.scenario,
                is_primary=wish.is_primary,
            )
            for wish in wishes
        ]

    def _random_enrollments(self) -> list[_EnrollmentPlan]:
        rng = self.rng
        count = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
        programs = rng.sample(self.context.programs, min(count, len(self.context.programs)))
        plans = []
        for program in programs:
            draw = rng.random()
            if draw < ENDED_SHARE / 2:
                status = EnrollmentStatus.COMPLETED
            elif draw < ENDED_SHARE:
                status = EnrollmentStatus.UNENROLLED
            else:
                status = EnrollmentStatus.ACTIVE
            coachless = status is EnrollmentStatus.ACTIVE and rng.random() < COACHLESS_SHARE
            coach_id = None if coachless else self._pick_coach(program)
            plans.append(_EnrollmentPlan(self.ids.next(tables.ENROLLMENT), program, coach_id, status))
        return plans

    def _pick_coach(self, program: ProgramInfo) -> int:
        candidates = self.context.coaches_by_program[program.id]
        limits = self.arrangements.busy_coaches
        for coach_id in self._busy_by_program[program.id]:
            chosen = self.rng.random() < BUSY_COACH_ODDS / len(candidates)
            if chosen and self._busy_load[coach_id] < limits[coach_id]:
                self._busy_load[coach_id] += 1
                return coach_id
        for _ in range(20):
            coach_id = self.rng.choice(candidates)
            if coach_id not in limits:
                return coach_id
        return self.rng.choice([coach_id for coach_id in candidates if coach_id not in limits] or candidates)

    def _hand_out_scenarios(self, plans: list[_EnrollmentPlan], *, is_mentee: bool) -> None:
        arrangements = self.arrangements
        mentee_served = not is_mentee
        for plan in plans:
            if plan.scenario or plan.status is not EnrollmentStatus.ACTIVE or plan.coach_id is None:
                continue
            if not mentee_served and arrangements.mentee_scenarios:
                plan.scenario = arrangements.mentee_scenarios.popleft()
                mentee_served = True
                continue
            queue = arrangements.coach_scenarios.get(plan.coach_id)
            if queue:
                plan.scenario = queue.popleft()

    def _schedule(self, plan: _EnrollmentPlan) -> None:
        rng, now = self.rng, self.now
        plan.stage = pick_stage(
            rng,
            status_active=plan.status is EnrollmentStatus.ACTIVE,
            completed=plan.status is EnrollmentStatus.COMPLETED,
            scenario=plan.scenario,
            volume=self.volume,
        )
        if plan.status is not EnrollmentStatus.ACTIVE:
            plan.enrolled_at = now - timedelta(days=rng.uniform(160, 360))
            plan.ended_at = now - timedelta(days=rng.uniform(3, 40))
        elif plan.scenario is not None:
            # Old enough that exams had time to be released, submitted and run overdue.
            plan.enrolled_at = now - timedelta(days=rng.uniform(150, 330))
        elif plan.stage is Stage.EXAMS:
            plan.enrolled_at = now - timedelta(days=rng.uniform(100, 330))
        else:
            plan.enrolled_at = now - timedelta(days=rng.uniform(7, 330))

    def _choose_primary(self, plans: list[_EnrollmentPlan]) -> None:
        coached = [plan for plan in plans if plan.status is EnrollmentStatus.ACTIVE and plan.coach_id]
        if coached and not any(plan.is_primary for plan in plans):
            self.rng.choice(coached).is_primary = True

    def _add_enrollment(
        self,
        batch: Batch,
        participant_id: int,
        handle: str,
        plan: _EnrollmentPlan,
        mentorship: _MentorshipPlan | None,
    ) -> None:
        rng, now, context = self.rng, self.now, self.context
        assert plan.enrolled_at is not None
        previous_coach, changed_at = self._coach_history(plan)
        grader = plan.coach_id or previous_coach or rng.choice(context.coaches_by_program[plan.program.id])
        window_end = (plan.ended_at or now) - HOUR
        facts = EnrollmentFacts(
            organization_id=context.id,
            enrollment_id=plan.id,
            participant_id=participant_id,
            handle=handle,
            program=plan.program,
            grader_id=grader,
            has_coach=plan.coach_id is not None,
            is_active=plan.status is EnrollmentStatus.ACTIVE,
            window_start=min(max(plan.enrolled_at + DAY, now - ACTIVITY_WINDOW), window_end - DAY),
            window_end=window_end,
        )
        learning = simulate_learning(
            rng,
            facts,
            stage=plan.stage,
            scenario=plan.scenario,
            volume=self.volume,
            now=now,
            ids=self.ids,
            batch=batch,
        )
        archived = plan.coach_id is not None and plan.scenario is None and rng.random() < COACH_ARCHIVED_SHARE
        batch.add(
            tables.ENROLLMENT,
            {
                "id": plan.id,
                "organization_id": context.id,
                "participant_id": participant_id,
                "program_id": plan.program.id,
                "coach_id": plan.coach_id,
                "is_primary": plan.is_primary,
                "status": plan.status.value,
                "coach_archived": archived,
                "enrolled_at": plan.enrolled_at,
                "coachless_since": (changed_at or plan.enrolled_at) if plan.coach_id is None else None,
                "ended_at": plan.ended_at,
                "xp_earned": learning.xp_earned,
                "last_activity_at": learning.last_activity_at,
                "version": 2 if changed_at else 1,
            },
        )
        if changed_at:
            actor = self._coach_change_actor(mentorship, changed_at)
            self._record_coach_change(participant_id, plan, previous_coach, actor, changed_at)
        self._join_group(batch, plan)

    def _coach_history(self, plan: _EnrollmentPlan) -> tuple[int | None, datetime | None]:
        """A past coach change: (previous coach or None for coachless, when), or (None, None)."""
        rng = self.rng
        if plan.status is not EnrollmentStatus.ACTIVE or plan.scenario is not None:
            return None, None
        was_coached = plan.coach_id is None and rng.random() < 0.4
        reassigned = plan.coach_id is not None and rng.random() < COACH_CHANGE_SHARE
        if not (was_coached or reassigned):
            return None, None
        assert plan.enrolled_at is not None
        changed_at = plan.enrolled_at + (self.now - plan.enrolled_at) * rng.uniform(0.2, 0.9)
        if reassigned and rng.random() < 0.3:
            return None, changed_at  # a manager or mentor found it a coach
        return self._other_coach(plan.program, avoid=plan.coach_id), changed_at

    def _other_coach(self, program: ProgramInfo, *, avoid: int | None) -> int | None:
        candidates = self.context.coaches_by_program[program.id]
        for _ in range(20):
            coach_id = self.rng.choice(candidates)
            if coach_id != avoid:
                return coach_id
        return None

    def _coach_change_actor(self, mentorship: _MentorshipPlan | None, changed_at: datetime) -> int:
        if mentorship and mentorship.started_at < changed_at and self.rng.random() < 0.6:
            return mentorship.mentor_id
        return self.context.manager_id

    def _record_coach_change(
        self,
        participant_id: int,
        plan: _EnrollmentPlan,
        previous_coach: int | None,
        actor_id: int,
        changed_at: datetime,
    ) -> None:
        self._audit(
            action=audit_actions.COACH_CHANGED,
            actor_id=actor_id,
            target_type="enrollment",
            target_id=plan.id,
            participant_id=participant_id,
            before=self._person_json("coach", previous_coach),
            after=self._person_json("coach", plan.coach_id),
            at=changed_at,
        )

    def _join_group(self, batch: Batch, plan: _EnrollmentPlan) -> None:
        if plan.status is not EnrollmentStatus.ACTIVE or plan.coach_id is None:
            return
        groups = self.context.groups_by_coach_program.get((plan.coach_id, plan.program.id))
        if groups and self.rng.random() < 0.75:
            batch.add(
                tables.MEMBERSHIP,
                {
                    "id": self.ids.next(tables.MEMBERSHIP),
                    "group_id": self.rng.choice(groups),
                    "enrollment_id": plan.id,
                },
            )

    # Mentorships and subscriptions

    def _mentorship(self, plans: list[_EnrollmentPlan], *, is_mentee: bool) -> _MentorshipPlan | None:
        rng, now = self.rng, self.now
        special_mentor = self.arrangements.mentor_id
        if is_mentee and special_mentor:
            mentor_id = special_mentor
        elif rng.random() < self.mentor_share:
            mentor_id = self._pick_mentor(plans, avoid=special_mentor)
        else:
            return None
        plan = _MentorshipPlan(mentor_id=mentor_id, started_at=now - timedelta(days=rng.uniform(2, 300)))
        if rng.random() < MENTOR_HISTORY_SHARE:
            plan.previous_mentor_id = self._pick_mentor([], avoid=mentor_id)
            plan.previous_started_at = plan.started_at - timedelta(days=rng.uniform(30, 200))
        return plan

    def _pick_mentor(self, plans: list[_EnrollmentPlan], *, avoid: int | None) -> int:
        """Half the participants pick one of their own coaches; the others anyone they like."""
        own_coaches = [plan.coach_id for plan in plans if plan.coach_id and plan.coach_id != avoid]
        if own_coaches and self.rng.random() < 0.5:
            return self.rng.choice(own_coaches)
        for _ in range(20):
            candidate = self.rng.choice(self.context.coach_ids)
            if candidate != avoid:
                return candidate
        return self.rng.choice([coach for coach in self.context.coach_ids if coach != avoid])

    def _add_mentorships(self, batch: Batch, participant_id: int, plan: _MentorshipPlan) -> None:
        organization_id = self.context.id
        if plan.previous_mentor_id and plan.previous_started_at:
            batch.add(
                tables.MENTORSHIP,
                {
                    "id": self.ids.next(tables.MENTORSHIP),
                    "organization_id": organization_id,
                    "participant_id": participant_id,
                    "mentor_id": plan.previous_mentor_id,
                    "started_at": plan.previous_started_at,
                    "ended_at": plan.started_at,
                    "mentor_archived": False,
                },
            )
            self._record_mentor_change(
                participant_id, None, plan.previous_mentor_id, plan.previous_started_at
            )
        batch.add(
            tables.MENTORSHIP,
            {
                "id": self.ids.next(tables.MENTORSHIP),
                "organization_id": organization_id,
                "participant_id": participant_id,
                "mentor_id": plan.mentor_id,
                "started_at": plan.started_at,
                "ended_at": None,
                "mentor_archived": self.rng.random() < MENTOR_ARCHIVED_SHARE,
            },
        )
        self._record_mentor_change(participant_id, plan.previous_mentor_id, plan.mentor_id, plan.started_at)

    def _record_mentor_change(
        self, participant_id: int, before: int | None, after: int, at: datetime
    ) -> None:
        self._audit(
            action=audit_actions.MENTOR_CHANGED,
            actor_id=participant_id,
            target_type="participant",
            target_id=participant_id,
            participant_id=participant_id,
            before=self._person_json("mentor", before),
            after=self._person_json("mentor", after),
            at=at,
        )

    def _add_subscription(self, batch: Batch, participant_id: int, status: SubscriptionStatus | None) -> None:
        rng, now = self.rng, self.now
        if status is None:
            status = rng.choices(list(SUBSCRIPTION_WEIGHTS), weights=list(SUBSCRIPTION_WEIGHTS.values()))[0]
        if status is SubscriptionStatus.NONE:
            return
        if status is SubscriptionStatus.ACTIVE:
            # Monthly plans renew every month, so only longer plans run for more than 30 days.
            plan = "Yearly" if rng.random() < 0.7 else "Team"
            expires_at = now + timedelta(days=rng.uniform(31, 330))
        elif status is SubscriptionStatus.EXPIRING:
            plan = rng.choice(PLANS)
            expires_at = now + timedelta(days=rng.uniform(1, 29))
        else:
            plan = rng.choice(PLANS)
            expires_at = now - timedelta(days=rng.uniform(1, 200))
        duration = timedelta(days=30 if plan == "Monthly" else 365)
        batch.add(
            tables.SUBSCRIPTION,
            {
                "id": self.ids.next(tables.SUBSCRIPTION),
                "organization_id": self.context.id,
                "participant_id": participant_id,
                "plan": plan,
                "started_at": expires_at - duration,
                "expires_at": expires_at,
            },
        )

    # Audit trail

    def _person_json(self, role: str, user_id: int | None) -> str:
        name = self.context.staff_names[user_id] if user_id else None
        return json.dumps({f"{role}_id": user_id, f"{role}_name": name})

    def _audit(
        self,
        *,
        action: str,
        actor_id: int,
        target_type: str,
        target_id: int,
        participant_id: int,
        before: str,
        after: str,
        at: datetime,
    ) -> None:
        self.audit.append(
            {
                "id": None,
                "organization_id": self.context.id,
                "actor_id": actor_id,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "participant_id": participant_id,
                "before": before,
                "after": after,
                "outcome": AuditOutcome.OK.value,
                "created_at": at,
            }
        )
