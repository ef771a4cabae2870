"""One participant's program breakdown for mentors and managers: status only, never grades or answers."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from mentor_dash.domain import access, audit_actions
from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.statuses import (
    SubscriptionStatus,
    exam_passed,
    exam_threshold_xp,
    subscription_status,
)
from mentor_dash.domain.validation import as_id
from mentor_dash.models import (
    Assignment,
    AuditEvent,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamStatus,
    LearningProgram,
    Mentorship,
    Module,
    Subscription,
    User,
    XpEvent,
)
from mentor_dash.reports.xp_series import cumulative_xp_by_day
from mentor_dash.selectors.guard import TargetKind, authorize
from mentor_dash.selectors.targets import enrollment_target, participant_target

CHART_DAYS = 120
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class ModuleExam:
    module: str
    optional: bool
    status: str
    overdue: bool


@dataclass(frozen=True)
class ProgramBreakdown:
    enrollment_id: int
    version: int
    program: str
    coach_id: int | None
    coach_name: str | None
    is_primary: bool
    status: str
    xp_earned: int
    xp_total: int
    exams: list[ModuleExam]
    can_change_coach: bool
    can_make_primary: bool


@dataclass(frozen=True)
class CoachChange:
    at: datetime
    actor_name: str
    program: str
    from_coach: str
    to_coach: str


@dataclass(frozen=True)
class ParticipantBreakdown:
    participant_id: int
    name: str
    email: str
    plan: str | None
    expires_at: datetime | None
    subscription: SubscriptionStatus | None
    mentor_name: str | None
    mentor_since: datetime | None
    mentor_archived: bool
    last_activity_at: datetime | None
    can_archive: bool
    programs: list[ProgramBreakdown] = field(default_factory=list)
    xp_series: list[dict[str, object]] = field(default_factory=list)
    coach_history: list[CoachChange] = field(default_factory=list)


def _exam_label(attempt: ExamAttempt | None, *, past_threshold: bool) -> str:
    if attempt is None or attempt.status == ExamStatus.NOT_ELIGIBLE:
        return "Eligible, not released" if past_threshold else "Not eligible yet"
    if attempt.status == ExamStatus.ELIGIBLE:
        return "Eligible, not released"
    if attempt.status == ExamStatus.RELEASED:
        return "Released" if attempt.attempt_no == 1 else f"Resit {attempt.attempt_no - 1} released"
    if attempt.status == ExamStatus.SUBMITTED:
        return "Awaiting evaluation"
    return "Passed" if exam_passed(attempt.outcome, attempt.grade) else "Failed"


def _program_totals(session: Session, program_ids: list[int]) -> dict[int, int]:
    totals: dict[int, int] = dict.fromkeys(program_ids, 0)
    for model in (Assignment, Exam):
        for program_id, xp in session.execute(
            select(Module.program_id, func.sum(model.xp))
            .join(Module, Module.id == model.module_id)
            .where(Module.program_id.in_(program_ids))
            .group_by(Module.program_id)
        ).all():
            totals[program_id] += int(xp or 0)
    return totals


def _module_exams(
    session: Session, enrollment: Enrollment, now: datetime, *, past_threshold: bool
) -> list[ModuleExam]:
    latest: dict[int, ExamAttempt] = {}
    for attempt in session.exec(
        select(ExamAttempt).where(ExamAttempt.enrollment_id == enrollment.id).order_by(ExamAttempt.attempt_no)
    ).all():
        latest[attempt.exam_id] = attempt
    rows = session.execute(
        select(Module.title, Module.is_optional, Exam.id)
        .join(Exam, Exam.module_id == Module.id)
        .where(Module.program_id == enrollment.program_id)
        .order_by(Module.position)
    ).all()
    exams = []
    for title, optional, exam_id in rows:
        attempt = latest.get(exam_id)
        overdue = bool(
            attempt is not None
            and attempt.status == ExamStatus.RELEASED
            and attempt.due_at
            and attempt.due_at < now
        )
        exams.append(
            ModuleExam(title, bool(optional), _exam_label(attempt, past_threshold=past_threshold), overdue)
        )
    return exams


def _coach_history(session: Session, participant_id: int) -> list[CoachChange]:
    actor_user = aliased(User)
    events = session.execute(
        select(
            AuditEvent.created_at, actor_user.name, AuditEvent.before, AuditEvent.after, LearningProgram.name
        )
        .outerjoin(actor_user, actor_user.id == AuditEvent.actor_id)
        .outerjoin(Enrollment, Enrollment.id == AuditEvent.target_id)
        .outerjoin(LearningProgram, LearningProgram.id == Enrollment.program_id)
        .where(
            AuditEvent.participant_id == participant_id,
            AuditEvent.action == audit_actions.COACH_CHANGED,
            AuditEvent.outcome == "ok",
        )
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    history = []
    for at, actor_name, before, after, program in events:
        old, new = json.loads(before or "{}"), json.loads(after or "{}")
        history.append(
            CoachChange(
                at=at,
                actor_name=actor_name or "System",
                program=program or new.get("program") or "",
                from_coach=old.get("coach_name") or "No coach",
                to_coach=new.get("coach_name") or "No coach",
            )
        )
    return history


def participant_breakdown(
    *, session: Session, actor: Actor | None, participant_id: int, now: datetime
) -> ParticipantBreakdown:
    participant_id = as_id(participant_id)
    authorize(session, actor, Action.VIEW_GLOBAL_PROGRESS, TargetKind.PARTICIPANT, participant_id)
    assert actor is not None
    participant = session.get(User, participant_id)
    assert participant is not None
    participant_facts = participant_target(session, participant_id)
    sees_subscription = access.is_allowed(actor, Action.VIEW_SUBSCRIPTION, participant_facts)

    subscription = (
        session.exec(
            select(Subscription)
            .where(Subscription.participant_id == participant_id)
            .order_by(Subscription.expires_at.desc())  # type: ignore[attr-defined]
        ).first()
        if sees_subscription
        else None
    )
    mentorship = session.exec(
        select(Mentorship).where(Mentorship.participant_id == participant_id, Mentorship.ended_at.is_(None))  # type: ignore[union-attr]
    ).first()
    mentor = session.get(User, mentorship.mentor_id) if mentorship else None
    enrollments = session.exec(
        select(Enrollment)
        .where(Enrollment.participant_id == participant_id, Enrollment.status != EnrollmentStatus.UNENROLLED)
        .order_by(Enrollment.id)
    ).all()
    totals = _program_totals(session, [e.program_id for e in enrollments])
    coach = aliased(User)
    programs_by_id = {
        program.id: program
        for program in session.exec(
            select(LearningProgram).where(LearningProgram.id.in_([e.program_id for e in enrollments]))
        ).all()
    }
    names = {pid: program.name for pid, program in programs_by_id.items()}
    thresholds = {pid: program.exam_threshold_pct for pid, program in programs_by_id.items()}
    coach_names = dict(
        session.execute(
            select(coach.id, coach.name).where(coach.id.in_([e.coach_id for e in enrollments if e.coach_id]))
        ).all()
    )
    programs = []
    for enrollment in enrollments:
        facts = enrollment_target(session, enrollment.id)
        active = enrollment.status == EnrollmentStatus.ACTIVE
        programs.append(
            ProgramBreakdown(
                enrollment_id=enrollment.id,  # type: ignore[arg-type]
                version=enrollment.version,
                program=names.get(enrollment.program_id, ""),
                coach_id=enrollment.coach_id,
                coach_name=coach_names.get(enrollment.coach_id) if enrollment.coach_id else None,
                is_primary=enrollment.is_primary,
                status=enrollment.status,
                xp_earned=enrollment.xp_earned,
                xp_total=totals.get(enrollment.program_id, 0),
                exams=_module_exams(
                    session,
                    enrollment,
                    now,
                    past_threshold=enrollment.xp_earned
                    >= exam_threshold_xp(
                        totals.get(enrollment.program_id, 0), thresholds.get(enrollment.program_id, 80)
                    ),
                ),
                can_change_coach=active and access.is_allowed(actor, Action.TRANSFER_COACH, facts),
                can_make_primary=active
                and enrollment.coach_id is not None
                and not enrollment.is_primary
                and access.is_allowed(actor, Action.SET_PRIMARY_COACH, facts),
            )
        )
    window_start = now - timedelta(days=CHART_DAYS)
    events = [
        (at, amount)
        for at, amount in session.execute(
            select(XpEvent.created_at, XpEvent.amount).where(
                XpEvent.participant_id == participant_id, XpEvent.created_at >= window_start
            )
        ).all()
    ]
    before_window = session.execute(
        select(func.coalesce(func.sum(XpEvent.amount), 0)).where(
            XpEvent.participant_id == participant_id, XpEvent.created_at < window_start
        )
    ).scalar_one()
    last_activity = session.execute(
        select(func.max(XpEvent.created_at)).where(XpEvent.participant_id == participant_id)
    ).scalar_one()
    return ParticipantBreakdown(
        participant_id=participant_id,
        name=participant.name,
        email=participant.email,
        plan=subscription.plan if subscription else None,
        expires_at=subscription.expires_at if subscription else None,
        subscription=subscription_status(subscription.expires_at if subscription else None, now)
        if sees_subscription
        else None,
        mentor_name=mentor.name if mentor else None,
        mentor_since=mentorship.started_at if mentorship else None,
        mentor_archived=bool(mentorship and mentorship.mentor_archived),
        last_activity_at=last_activity,
        can_archive=bool(
            mentorship
            and (mentorship.mentor_id == actor.user_id or actor.is_manager)
            and access.is_allowed(actor, Action.ARCHIVE_STUDENT, participant_facts)
        ),
        programs=programs,
        xp_series=cumulative_xp_by_day(events, start_total=int(before_window), days=CHART_DAYS, today=now),
        coach_history=_coach_history(session, participant_id),
    )
