"""The demo and scale data: logins, proportions, consistency, isolation, determinism and the CLI."""

import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from mentor_dash import settings
from mentor_dash.db import build_engine, migrate_to_head
from mentor_dash.domain import audit_actions
from mentor_dash.domain.passwords import verify_password
from mentor_dash.domain.statuses import (
    SubscriptionStatus,
    exam_passed,
    exam_threshold_xp,
    subscription_status,
)
from mentor_dash.models import (
    Assignment,
    AuditEvent,
    CoachProfile,
    CoachRegistration,
    Enrollment,
    EnrollmentStatus,
    Exam,
    ExamAttempt,
    ExamOutcome,
    ExamStatus,
    GroupMembership,
    LearningProgram,
    Mentorship,
    Module,
    Organization,
    ParticipantStats,
    StudentGroup,
    Submission,
    SubmissionStatus,
    Subscription,
    User,
    XpEvent,
)
from mentor_dash.seed import (
    COACH_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    MENTOR_EMAIL,
    NORTHWIND_MANAGER_EMAIL,
    PARTICIPANT_EMAIL,
    DatabaseNotEmpty,
    database_is_empty,
    seed_demo,
    seed_scale,
)

T = TypeVar("T", bound=SQLModel)


def _all(session: Session, model: type[T]) -> list[T]:
    return list(session.exec(select(model)).all())


def _user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def _org_id(session: Session, slug: str) -> int:
    organization = session.exec(select(Organization).where(Organization.slug == slug)).one()
    assert organization.id is not None
    return organization.id


def _active_mentees(session: Session, mentor_id: int) -> list[int]:
    statement = select(Mentorship.participant_id).where(
        Mentorship.mentor_id == mentor_id,
        Mentorship.ended_at.is_(None),  # type: ignore[union-attr]
    )
    return list(session.exec(statement).all())


def _latest_subscription_status(session: Session, now: datetime) -> dict[int, SubscriptionStatus]:
    expiry: dict[int, datetime] = {}
    for subscription in _all(session, Subscription):
        current = expiry.get(subscription.participant_id)
        if current is None or subscription.expires_at > current:
            expiry[subscription.participant_id] = subscription.expires_at
    participants = session.exec(select(User.id).where(User.is_participant)).all()
    return {pid: subscription_status(expiry.get(pid), now) for pid in participants if pid is not None}


def _program_thresholds(session: Session) -> dict[int, int]:
    totals: Counter[int] = Counter()
    modules = {module.id: module for module in _all(session, Module)}
    for assignment in _all(session, Assignment):
        totals[modules[assignment.module_id].program_id] += assignment.xp
    for exam in _all(session, Exam):
        totals[modules[exam.module_id].program_id] += exam.xp
    pct = {program.id: program.exam_threshold_pct for program in _all(session, LearningProgram)}
    return {program_id: exam_threshold_xp(total, pct[program_id]) for program_id, total in totals.items()}


# The demo logins


def test_demo_logins_are_active_with_their_capabilities_and_sign_in_with_demo1234(
    demo_engine: Engine,
) -> None:
    expected = {
        MENTOR_EMAIL: (False, True, False),
        COACH_EMAIL: (False, True, False),
        PARTICIPANT_EMAIL: (True, False, False),
        MANAGER_EMAIL: (False, False, True),
        NORTHWIND_MANAGER_EMAIL: (False, False, True),
    }
    hashes = set()
    with Session(demo_engine) as session:
        for email, flags in expected.items():
            user = _user(session, email)
            assert user.is_active
            assert (user.is_participant, user.is_coach, user.is_manager) == flags, email
            assert user.password_hash.startswith("$argon2id$")
            hashes.add(user.password_hash)
    # Verifying is deliberately slow, so each distinct hash is checked once.
    for password_hash in hashes:
        assert verify_password(password_hash, DEMO_PASSWORD)
        assert not verify_password(password_hash, "wrong-password")


def test_every_seeded_user_shares_one_argon2id_hash_of_the_demo_password(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        hashes = set(session.exec(select(User.password_hash)).all())
    assert len(hashes) == 1
    assert verify_password(hashes.pop(), DEMO_PASSWORD)


def test_demo_participant_is_mentored_by_the_demo_mentor_with_one_coached_and_one_coachless_enrollment(
    demo_engine: Engine,
) -> None:
    with Session(demo_engine) as session:
        participant = _user(session, PARTICIPANT_EMAIL)
        mentor = _user(session, MENTOR_EMAIL)
        coach = _user(session, COACH_EMAIL)
        mentorships = session.exec(
            select(Mentorship).where(Mentorship.participant_id == participant.id)
        ).all()
        enrollments = session.exec(
            select(Enrollment).where(
                Enrollment.participant_id == participant.id, Enrollment.status == EnrollmentStatus.ACTIVE
            )
        ).all()

    active = [mentorship for mentorship in mentorships if mentorship.ended_at is None]
    assert [mentorship.mentor_id for mentorship in active] == [mentor.id]
    assert active[0].started_at < datetime.now(UTC)
    assert len(enrollments) == 2
    coached = [enrollment for enrollment in enrollments if enrollment.coach_id is not None]
    coachless = [enrollment for enrollment in enrollments if enrollment.coach_id is None]
    assert [enrollment.coach_id for enrollment in coached] == [coach.id]
    assert coached[0].is_primary
    assert len(coachless) == 1
    assert not coachless[0].is_primary
    assert coachless[0].coachless_since is not None


def test_demo_mentor_mentors_40_to_80_participants_and_coaches_enrollments_herself(
    demo_engine: Engine,
) -> None:
    with Session(demo_engine) as session:
        mentor = _user(session, MENTOR_EMAIL)
        assert mentor.id is not None
        mentees = _active_mentees(session, mentor.id)
        coached = session.exec(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.coach_id == mentor.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        ).one()
        profile = session.get(CoachProfile, mentor.id)
        registrations = session.exec(
            select(CoachRegistration).where(CoachRegistration.coach_id == mentor.id)
        ).all()

    assert 40 <= len(mentees) <= 80
    assert coached >= 1
    assert profile is not None and profile.phone and profile.bio and "@" in profile.contact_email
    assert registrations


def test_demo_mentor_sees_coachless_expiring_expired_and_exam_trouble_among_her_participants(
    demo_engine: Engine,
) -> None:
    now = datetime.now(UTC)
    with Session(demo_engine) as session:
        mentor = _user(session, MENTOR_EMAIL)
        assert mentor.id is not None
        mentees = set(_active_mentees(session, mentor.id))
        enrollments = [e for e in _all(session, Enrollment) if e.participant_id in mentees]
        enrollment_ids = {enrollment.id for enrollment in enrollments}
        attempts = [a for a in _all(session, ExamAttempt) if a.enrollment_id in enrollment_ids]
        optional_exams = set(
            session.exec(
                select(Exam.id).join(Module, Module.id == Exam.module_id).where(Module.is_optional)
            ).all()
        )
        statuses = _latest_subscription_status(session, now)

    assert any(e.coach_id is None and e.status == EnrollmentStatus.ACTIVE for e in enrollments)
    mentee_statuses = {statuses[pid] for pid in mentees}
    assert {SubscriptionStatus.EXPIRING, SubscriptionStatus.EXPIRED} <= mentee_statuses
    seen = {attempt.status for attempt in attempts}
    assert {ExamStatus.RELEASED, ExamStatus.SUBMITTED} <= seen
    assert any(a.status == ExamStatus.ASSESSED and not exam_passed(a.outcome, a.grade) for a in attempts)
    overdue_optional = [
        a
        for a in attempts
        if a.status == ExamStatus.RELEASED and a.exam_id in optional_exams and a.due_at and a.due_at < now
    ]
    assert overdue_optional


def test_demo_coach_has_work_to_grade_exams_at_every_step_and_a_group(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        coach = _user(session, COACH_EMAIL)
        enrollments = session.exec(
            select(Enrollment).where(
                Enrollment.coach_id == coach.id, Enrollment.status == EnrollmentStatus.ACTIVE
            )
        ).all()
        ids = {enrollment.id for enrollment in enrollments}
        waiting = [
            s
            for s in _all(session, Submission)
            if s.enrollment_id in ids and s.status == SubmissionStatus.WAITING
        ]
        attempt_statuses = {a.status for a in _all(session, ExamAttempt) if a.enrollment_id in ids}
        groups = session.exec(select(StudentGroup).where(StudentGroup.coach_id == coach.id)).all()
        members = [m for m in _all(session, GroupMembership) if m.group_id in {g.id for g in groups}]

    assert 30 <= len(enrollments) <= 50
    assert waiting
    assert {ExamStatus.ELIGIBLE, ExamStatus.RELEASED, ExamStatus.SUBMITTED} <= attempt_statuses
    assert groups
    assert members
    assert all(member.enrollment_id in ids for member in members)


# Shape and proportions


def test_demo_academy_has_about_600_participants_in_realistic_proportions(demo_engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(demo_engine) as session:
        demo = _org_id(session, "demo-academy")
        participants = session.exec(
            select(User).where(User.organization_id == demo, User.is_participant)
        ).all()
        enrollments = session.exec(select(Enrollment).where(Enrollment.organization_id == demo)).all()
        mentorships = session.exec(select(Mentorship).where(Mentorship.organization_id == demo)).all()
        statuses = _latest_subscription_status(session, now)

    assert 550 <= len(participants) <= 650
    assert len({user.email for user in participants}) == len(participants)
    assert len({user.name for user in participants}) >= 450

    per_participant = Counter(enrollment.participant_id for enrollment in enrollments)
    assert set(per_participant.values()) == {1, 2, 3}
    coachless_share = sum(e.coach_id is None for e in enrollments) / len(enrollments)
    assert 0.05 <= coachless_share <= 0.11
    ended = [e for e in enrollments if e.status != EnrollmentStatus.ACTIVE]
    assert {e.status for e in ended} == {EnrollmentStatus.COMPLETED, EnrollmentStatus.UNENROLLED}
    assert all(e.ended_at is not None for e in ended)
    assert 0.01 <= len(ended) / len(enrollments) <= 0.06
    assert any(e.coach_archived for e in enrollments)

    mentored = {m.participant_id for m in mentorships if m.ended_at is None}
    assert 0.60 <= len(mentored) / len(participants) <= 0.80
    assert any(m.mentor_archived for m in mentorships)

    shares = Counter(statuses[user.id] for user in participants if user.id is not None)
    assert set(shares) == set(SubscriptionStatus)
    assert (
        shares[SubscriptionStatus.ACTIVE]
        > shares[SubscriptionStatus.EXPIRED]
        > shares[SubscriptionStatus.NONE]
    )


def test_programs_have_ordered_modules_with_electives_assignments_and_one_exam_each(
    demo_engine: Engine,
) -> None:
    with Session(demo_engine) as session:
        demo = _org_id(session, "demo-academy")
        programs = session.exec(select(LearningProgram).where(LearningProgram.organization_id == demo)).all()
        modules = _all(session, Module)
        assignments = _all(session, Assignment)
        exams = _all(session, Exam)

    assert len(programs) == 4
    exams_per_module = Counter(exam.module_id for exam in exams)
    for program in programs:
        assert program.exam_threshold_pct == 80
        own = sorted((m for m in modules if m.program_id == program.id), key=lambda m: m.position)
        assert 6 <= len(own) <= 10
        assert [m.position for m in own] == list(range(1, len(own) + 1))
        assert 1 <= sum(m.is_optional for m in own) <= 3
        for module in own:
            tasks = [a for a in assignments if a.module_id == module.id]
            assert 2 <= len(tasks) <= 5
            assert all(2 <= a.xp <= 12 for a in tasks)
            assert exams_per_module[module.id] == 1
    assert all(exam.xp > 0 for exam in exams)


def test_coaches_have_profiles_and_every_program_has_at_least_four_registered_coaches(
    demo_engine: Engine,
) -> None:
    with Session(demo_engine) as session:
        demo = _org_id(session, "demo-academy")
        coaches = session.exec(select(User).where(User.organization_id == demo, User.is_coach)).all()
        profiles = {profile.user_id: profile for profile in _all(session, CoachProfile)}
        registrations = _all(session, CoachRegistration)
        programs = session.exec(
            select(LearningProgram.id).where(LearningProgram.organization_id == demo)
        ).all()

    assert 20 <= len(coaches) <= 30
    for coach in coaches:
        profile = profiles[coach.id]
        assert profile.phone.startswith("+31 6 ")
        assert "@" in profile.contact_email
        assert profile.bio.endswith(".")
    unavailable = [c for c in coaches if profiles[c.id].availability == "unavailable"]
    assert 2 <= len(unavailable) <= 3
    per_coach = Counter(r.coach_id for r in registrations)
    assert all(1 <= per_coach[coach.id] <= 3 for coach in coaches)
    per_program = Counter(r.program_id for r in registrations)
    assert all(per_program[program_id] >= 4 for program_id in programs)


def test_every_coached_enrollment_has_a_coach_registered_for_its_program(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        registered = {(r.coach_id, r.program_id) for r in _all(session, CoachRegistration)}
        enrollments = _all(session, Enrollment)
    coached = [e for e in enrollments if e.coach_id is not None]
    assert coached
    assert all((e.coach_id, e.program_id) in registered for e in coached)
    assert all(e.coachless_since is not None for e in enrollments if e.coach_id is None)
    assert all(e.coachless_since is None for e in coached)


def test_each_participant_has_one_primary_among_active_coached_enrollments_and_none_otherwise(
    demo_engine: Engine,
) -> None:
    with Session(demo_engine) as session:
        enrollments = _all(session, Enrollment)
    by_participant: dict[int, list[Enrollment]] = defaultdict(list)
    for enrollment in enrollments:
        by_participant[enrollment.participant_id].append(enrollment)
    for own in by_participant.values():
        active = [e for e in own if e.status == EnrollmentStatus.ACTIVE]
        primaries = [e for e in active if e.is_primary]
        if any(e.coach_id is not None for e in active):
            assert len(primaries) == 1
            assert primaries[0].coach_id is not None
        else:
            assert primaries == []
        assert not any(e.is_primary for e in own if e.status != EnrollmentStatus.ACTIVE)


def test_mentorships_have_one_active_mentor_per_participant_and_history_before_it(
    demo_engine: Engine,
) -> None:
    now = datetime.now(UTC)
    with Session(demo_engine) as session:
        users = {user.id: user for user in _all(session, User)}
        mentorships = _all(session, Mentorship)
    by_participant: dict[int, list[Mentorship]] = defaultdict(list)
    for mentorship in mentorships:
        by_participant[mentorship.participant_id].append(mentorship)
        mentor, participant = users[mentorship.mentor_id], users[mentorship.participant_id]
        assert mentor.is_coach and participant.is_participant
        assert mentorship.started_at < now
    assert any(len(history) > 1 for history in by_participant.values())
    for history in by_participant.values():
        active = [m for m in history if m.ended_at is None]
        assert len(active) == 1
        for ended in (m for m in history if m.ended_at is not None):
            assert ended.started_at < ended.ended_at <= active[0].started_at  # type: ignore[operator]
            assert ended.mentor_id != active[0].mentor_id


# Work, exams and XP


def test_submissions_are_waiting_or_graded_with_consistent_scores_and_times(demo_engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(demo_engine) as session:
        submissions = _all(session, Submission)
        enrollments = {e.id: e for e in _all(session, Enrollment)}
        xp_of = {a.id: a.xp for a in _all(session, Assignment)}
        registered = {(r.coach_id, r.program_id) for r in _all(session, CoachRegistration)}

    statuses = Counter(s.status for s in submissions)
    assert set(statuses) == set(SubmissionStatus)
    assert statuses[SubmissionStatus.PASSED] > statuses[SubmissionStatus.FAILED]
    waiting_keys = [
        (s.enrollment_id, s.assignment_id) for s in submissions if s.status == SubmissionStatus.WAITING
    ]
    assert len(waiting_keys) == len(set(waiting_keys))
    for submission in submissions:
        assert submission.content
        assert now - timedelta(days=125) < submission.submitted_at < now
        enrollment = enrollments[submission.enrollment_id]
        if submission.status == SubmissionStatus.WAITING:
            assert (submission.score, submission.graded_at, submission.graded_by_id) == (None, None, None)
            assert submission.xp_awarded == 0
            continue
        assert submission.graded_at is not None and submission.submitted_at < submission.graded_at < now
        assert (submission.graded_by_id, enrollment.program_id) in registered
        assert submission.feedback
        if submission.status == SubmissionStatus.PASSED:
            assert submission.score is not None and 60 <= submission.score <= 100
            assert submission.xp_awarded == xp_of[submission.assignment_id]
        else:
            assert submission.score is not None and submission.score < 60
            assert submission.xp_awarded == 0


def test_exam_attempts_cover_every_status_and_outcome_in_time_order(demo_engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(demo_engine) as session:
        attempts = _all(session, ExamAttempt)

    assert {a.status for a in attempts} == set(ExamStatus)
    assessed = [a for a in attempts if a.status == ExamStatus.ASSESSED]
    assert {a.outcome for a in assessed if a.outcome} == set(ExamOutcome)
    assert any(a.outcome is None and a.grade is not None for a in assessed)
    for attempt in attempts:
        if attempt.status == ExamStatus.NOT_ELIGIBLE:
            assert attempt.eligible_at is None and attempt.released_at is None
            continue
        assert attempt.eligible_at is not None and attempt.eligible_at < now
        if attempt.status == ExamStatus.ELIGIBLE:
            assert attempt.released_at is None
            continue
        assert attempt.released_at is not None and attempt.released_by_id is not None
        assert attempt.eligible_at <= attempt.released_at < now
        assert attempt.due_at is not None and attempt.due_at > attempt.released_at
        if attempt.status == ExamStatus.RELEASED:
            assert attempt.submitted_at is None
            continue
        assert attempt.answer and attempt.submitted_at is not None
        assert attempt.released_at < attempt.submitted_at < now
        if attempt.status == ExamStatus.ASSESSED:
            assert attempt.assessed_at is not None and attempt.assessed_by_id is not None
            assert attempt.submitted_at < attempt.assessed_at < now
            assert attempt.feedback
            assert (attempt.outcome is None) != (attempt.grade is None)
    assert any(a.status == ExamStatus.RELEASED and a.due_at and a.due_at < now for a in attempts)

    first_attempts = {(a.enrollment_id, a.exam_id): a for a in attempts if a.attempt_no == 1}
    resits = [a for a in attempts if a.attempt_no == 2]
    assert resits
    for resit in resits:
        failed = first_attempts[(resit.enrollment_id, resit.exam_id)]
        assert failed.status == ExamStatus.ASSESSED and not exam_passed(failed.outcome, failed.grade)
        assert failed.assessed_at is not None and resit.eligible_at is not None
        assert failed.assessed_at <= resit.eligible_at


def test_exam_eligibility_follows_the_programs_xp_threshold(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        thresholds = _program_thresholds(session)
        enrollments = {e.id: e for e in _all(session, Enrollment)}
        attempts = _all(session, ExamAttempt)

    def reached(attempt: ExamAttempt) -> bool:
        enrollment = enrollments[attempt.enrollment_id]
        return enrollment.xp_earned >= thresholds[enrollment.program_id]

    past_eligible = (ExamStatus.RELEASED, ExamStatus.SUBMITTED, ExamStatus.ASSESSED)
    assert all(reached(a) for a in attempts if a.status in past_eligible)
    assert not any(reached(a) for a in attempts if a.status == ExamStatus.NOT_ELIGIBLE)


def test_xp_ledger_matches_enrollment_totals_and_passed_work(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        events = _all(session, XpEvent)
        enrollments = _all(session, Enrollment)
        submissions = {s.id: s for s in _all(session, Submission)}
        attempts = {a.id: a for a in _all(session, ExamAttempt)}
        exam_xp = {exam.id: exam.xp for exam in _all(session, Exam)}

    totals: Counter[int] = Counter()
    latest: dict[int, datetime] = {}
    for event in events:
        totals[event.enrollment_id] += event.amount
        latest[event.enrollment_id] = max(latest.get(event.enrollment_id, event.created_at), event.created_at)
        assert (event.submission_id is None) != (event.exam_attempt_id is None)
    for enrollment in enrollments:
        assert enrollment.id is not None
        assert enrollment.xp_earned == totals[enrollment.id]
        assert enrollment.last_activity_at == latest.get(enrollment.id)

    by_submission = Counter(e.submission_id for e in events if e.submission_id is not None)
    amounts = {e.submission_id: e.amount for e in events if e.submission_id is not None}
    for submission_id, submission in submissions.items():
        if submission.status == SubmissionStatus.PASSED:
            assert by_submission[submission_id] == 1
            assert amounts[submission_id] == submission.xp_awarded > 0
        else:
            assert by_submission[submission_id] == 0

    by_attempt = {e.exam_attempt_id: e for e in events if e.exam_attempt_id is not None}
    for attempt_id, attempt in attempts.items():
        passed = attempt.status == ExamStatus.ASSESSED and exam_passed(attempt.outcome, attempt.grade)
        assert (attempt_id in by_attempt) == passed
        if passed:
            event = by_attempt[attempt_id]
            assert event.amount == exam_xp[attempt.exam_id]
            assert event.created_at == attempt.assessed_at
    for event in events:
        if event.submission_id is not None:
            assert event.created_at == submissions[event.submission_id].graded_at
            assert event.reason.startswith("Assignment passed: ")
        else:
            assert event.reason.startswith("Exam passed: ")


def test_participant_statistics_are_built_for_every_participant(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        stats = {row.participant_id: row for row in _all(session, ParticipantStats)}
        participants = session.exec(select(User.id).where(User.is_participant)).all()
        enrollments = _all(session, Enrollment)
    assert set(stats) == set(participants)
    xp: Counter[int] = Counter()
    for enrollment in enrollments:
        if enrollment.status != EnrollmentStatus.UNENROLLED:
            xp[enrollment.participant_id] += enrollment.xp_earned
    assert all(stats[pid].xp_earned == xp[pid] for pid in stats)
    assert any(row.exams_failed for row in stats.values())
    assert any(row.optional_exam_next_due_at for row in stats.values())


# Organisations and history


def test_the_second_organisation_exists_and_nothing_crosses_organisations(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        northwind = _org_id(session, "northwind")
        users = {user.id: user for user in _all(session, User)}
        programs = {program.id: program for program in _all(session, LearningProgram)}
        enrollments = {e.id: e for e in _all(session, Enrollment)}
        groups = {g.id: g for g in _all(session, StudentGroup)}
        mentorships = _all(session, Mentorship)
        registrations = _all(session, CoachRegistration)
        memberships = _all(session, GroupMembership)
        dependants = [*_all(session, Submission), *_all(session, ExamAttempt), *_all(session, XpEvent)]
        audit = _all(session, AuditEvent)

    own = [user for user in users.values() if user.organization_id == northwind]
    assert sum(user.is_coach for user in own) == 3
    assert sum(user.is_participant for user in own) == 40
    assert [user.email for user in own if user.is_manager] == [NORTHWIND_MANAGER_EMAIL]
    assert any(e.organization_id == northwind for e in enrollments.values())

    def org_of(user_id: int | None) -> int | None:
        return users[user_id].organization_id if user_id is not None else None

    for enrollment in enrollments.values():
        org = enrollment.organization_id
        assert org_of(enrollment.participant_id) == org
        assert programs[enrollment.program_id].organization_id == org
        assert enrollment.coach_id is None or org_of(enrollment.coach_id) == org
    for mentorship in mentorships:
        assert org_of(mentorship.participant_id) == org_of(mentorship.mentor_id) == mentorship.organization_id
    for registration in registrations:
        assert org_of(registration.coach_id) == registration.organization_id
        assert programs[registration.program_id].organization_id == registration.organization_id
    for group in groups.values():
        assert org_of(group.coach_id) == programs[group.program_id].organization_id == group.organization_id
    for membership in memberships:
        assert (
            groups[membership.group_id].organization_id
            == enrollments[membership.enrollment_id].organization_id
        )
    for row in dependants:
        assert row.organization_id == enrollments[row.enrollment_id].organization_id
    for event in audit:
        assert event.organization_id == org_of(event.participant_id) == org_of(event.actor_id)


def test_audit_history_records_mentor_and_coach_changes_in_time_order(demo_engine: Engine) -> None:
    now = datetime.now(UTC)
    with Session(demo_engine) as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
        names = {user.id: user.name for user in _all(session, User)}
        enrollments = {e.id: e for e in _all(session, Enrollment)}
        mentors_of = defaultdict(set)
        active_mentor = {}
        for mentorship in _all(session, Mentorship):
            mentors_of[mentorship.participant_id].add(mentorship.mentor_id)
            if mentorship.ended_at is None:
                active_mentor[mentorship.participant_id] = mentorship.mentor_id
        managers = set(session.exec(select(User.id).where(User.is_manager)).all())

    actions = Counter(event.action for event in events)
    assert actions[audit_actions.MENTOR_CHANGED] > 0 and actions[audit_actions.COACH_CHANGED] > 0
    times = [event.created_at for event in events]
    assert times == sorted(times) and times[-1] < now

    last_mentor: dict[int, int] = {}
    last_coach: dict[int, int | None] = {}
    for event in events:
        assert event.organization_id is not None and event.participant_id is not None
        before, after = json.loads(event.before), json.loads(event.after)
        role = "mentor" if event.action == audit_actions.MENTOR_CHANGED else "coach"
        for state in (before, after):
            assert set(state) == {f"{role}_id", f"{role}_name"}
            assert state[f"{role}_name"] == names.get(state[f"{role}_id"])
        assert before != after
        if role == "mentor":
            assert event.target_type == "participant"
            assert event.target_id == event.participant_id == event.actor_id
            last_mentor[event.participant_id] = after["mentor_id"]
        else:
            assert event.target_type == "enrollment" and event.target_id is not None
            assert enrollments[event.target_id].participant_id == event.participant_id
            assert event.actor_id in managers | mentors_of[event.participant_id]
            last_coach[event.target_id] = after["coach_id"]
    assert last_mentor == active_mentor
    assert all(enrollments[eid].coach_id == coach_id for eid, coach_id in last_coach.items())
    assert all(enrollments[eid].version == 2 for eid in last_coach)


def test_new_rows_get_fresh_ids_after_seeding(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        highest = session.exec(select(func.max(AuditEvent.id))).one()
        organization_id = _org_id(session, "demo-academy")
        event = AuditEvent(organization_id=organization_id, action="test.fresh_id", target_type="test")
        session.add(event)
        session.commit()
        assert event.id is not None and highest is not None and event.id > highest


# Running the seeder


def test_seeding_refuses_a_database_that_already_has_data(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        users_before = session.exec(select(func.count()).select_from(User)).one()
    assert not database_is_empty(demo_engine)
    with pytest.raises(DatabaseNotEmpty):
        seed_demo(demo_engine)
    with Session(demo_engine) as session:
        assert session.exec(select(func.count()).select_from(User)).one() == users_before


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:
    with Session(engine) as session:
        return {
            "users": sorted(
                (
                    u.id,
                    u.organization_id,
                    u.name,
                    u.email,
                    u.is_participant,
                    u.is_coach,
                    u.is_manager,
                    u.created_at,
                )
                for u in _all(session, User)
            ),
            "enrollments": sorted(
                (
                    e.id,
                    e.participant_id,
                    e.program_id,
                    e.coach_id,
                    e.is_primary,
                    e.status,
                    e.enrolled_at,
                    e.xp_earned,
                    e.last_activity_at,
                )
                for e in _all(session, Enrollment)
            ),
            "mentorships": sorted(
                (m.id, m.participant_id, m.mentor_id, m.started_at, m.ended_at)
                for m in _all(session, Mentorship)
            ),
            "subscriptions": sorted(
                (s.id, s.participant_id, s.plan, s.expires_at) for s in _all(session, Subscription)
            ),
            "submissions": sorted(
                (s.id, s.enrollment_id, s.assignment_id, s.status, s.content, s.submitted_at, s.score)
                for s in _all(session, Submission)
            ),
            "exam_attempts": sorted(
                (a.id, a.enrollment_id, a.exam_id, a.attempt_no, a.status, a.outcome, a.grade, a.due_at)
                for a in _all(session, ExamAttempt)
            ),
            "audit": sorted(
                (a.id, a.action, a.target_id, a.before, a.after, a.created_at)
                for a in _all(session, AuditEvent)
            ),
        }


def test_seeding_is_deterministic_for_a_given_seed(engine: Engine, tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    other = build_engine(f"sqlite:///{tmp_path / 'second.db'}")
    try:
        migrate_to_head(other)
        assert database_is_empty(engine) and database_is_empty(other)
        first = seed_demo(engine, seed=7, now=now)
        second = seed_demo(other, seed=7, now=now)
        assert (first.users, first.enrollments, first.submissions) == (
            second.users,
            second.enrollments,
            second.submissions,
        )
        assert _snapshot(engine) == _snapshot(other)
    finally:
        other.dispose()


def test_cli_seeds_an_empty_database_once_and_never_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    command = [sys.executable, "-m", "mentor_dash.seed", "--database-url", url]

    first = subprocess.run(command, cwd=settings.PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "Seeded in" in first.stdout and MENTOR_EMAIL in first.stdout and DEMO_PASSWORD in first.stdout
    assert "100%" in first.stderr
    engine = build_engine(url)
    try:
        with Session(engine) as session:
            users = session.exec(select(func.count()).select_from(User)).one()
        engine.dispose()

        second = subprocess.run(
            command, cwd=settings.PROJECT_ROOT, capture_output=True, text=True, timeout=120
        )
        assert second.returncode == 0, second.stderr
        assert "already has data" in second.stdout
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(User)).one() == users
            assert session.exec(select(func.count()).select_from(Organization)).one() == 2
    finally:
        engine.dispose()


def test_a_small_scale_run_has_the_requested_participants_and_a_mentor_of_exactly_1000(
    engine: Engine,
) -> None:
    summary = seed_scale(engine, participants=2000)

    with Session(engine) as session:
        demo = _org_id(session, "demo-academy")
        participants = session.exec(
            select(func.count()).select_from(User).where(User.organization_id == demo, User.is_participant)
        ).one()
        mentor = _user(session, MENTOR_EMAIL)
        assert mentor.id is not None
        mentees = _active_mentees(session, mentor.id)
        ledger = dict(
            session.exec(
                select(XpEvent.enrollment_id, func.sum(XpEvent.amount)).group_by(XpEvent.enrollment_id)
            ).all()
        )
        cached = dict(session.exec(select(Enrollment.id, Enrollment.xp_earned)).all())
        logins = session.exec(
            select(User.email).where(
                User.email.in_(  # type: ignore[attr-defined]
                    [MENTOR_EMAIL, COACH_EMAIL, PARTICIPANT_EMAIL, MANAGER_EMAIL]
                )
            )
        ).all()

    assert participants == 2000
    assert summary.participants == 2000 + 40
    assert len(mentees) == 1000
    assert len(logins) == 4
    assert all(cached[eid] == ledger.get(eid, 0) for eid in cached)
    assert summary.coaches >= 2000 // 25
    assert 0.05 <= summary.coachless_enrollments / summary.enrollments <= 0.11
