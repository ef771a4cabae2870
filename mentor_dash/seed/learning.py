"""One enrollment's learning history: submissions, exam attempts and the XP they earned.

Work is replayed in program order (earlier modules first) inside the enrollment's activity
window, so every timestamp follows from the one before it: submitted < graded, threshold reached
< exam eligible < released < submitted < assessed, and resits after the failed attempt.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from mentor_dash.domain.statuses import MAX_GRADE, MIN_GRADE, PASS_GRADE, exam_passed
from mentor_dash.models.enums import ExamOutcome, ExamStatus, SubmissionStatus
from mentor_dash.seed import tables
from mentor_dash.seed.bulk import Batch, IdSequence, Row
from mentor_dash.seed.catalog import (
    EXAM_ANSWERS,
    EXAM_FEEDBACK,
    FAIL_FEEDBACK,
    PASS_FEEDBACK,
    RESUBMISSION_NOTES,
    SUBMISSION_NOTES,
)
from mentor_dash.seed.structure import AssignmentInfo, ModuleInfo, ProgramInfo

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
EXAM_DUE_AFTER = timedelta(days=14)
WAITING = SubmissionStatus.WAITING
PASSED = SubmissionStatus.PASSED
FAILED = SubmissionStatus.FAILED


class Stage(StrEnum):
    PARTIAL = "partial"  # still working through the assignments
    EXAMS = "exams"  # reached the exam threshold, working through the exams
    COMPLETE = "complete"  # everything done and passed


class Scenario(StrEnum):
    """A situation a demo login must be able to show, forced onto one enrollment."""

    WAITING_SUBMISSION = "waiting_submission"
    EXAM_ELIGIBLE = "exam_eligible"
    EXAM_RELEASED = "exam_released"
    EXAM_SUBMITTED = "exam_submitted"
    EXAM_FAILED = "exam_failed"
    OPTIONAL_EXAM_OVERDUE = "optional_exam_overdue"


FRONTIER_STATES = (
    Scenario.EXAM_ELIGIBLE,
    Scenario.EXAM_RELEASED,
    Scenario.EXAM_SUBMITTED,
    Scenario.EXAM_FAILED,
)
FRONTIER_WEIGHTS = (25, 30, 25, 20)


@dataclass(frozen=True)
class Volume:
    """How far participants get; scale mode keeps most of them early to stay fast."""

    exam_stage_share: float
    partial_progress_max: float


@dataclass(frozen=True)
class EnrollmentFacts:
    organization_id: int
    enrollment_id: int
    participant_id: int
    handle: str
    program: ProgramInfo
    grader_id: int
    has_coach: bool
    is_active: bool
    window_start: datetime
    window_end: datetime


@dataclass
class LearningResult:
    xp_earned: int = 0
    last_activity_at: datetime | None = None
    assignment_xp_events: list[tuple[datetime, int]] = field(default_factory=list)


def pick_stage(
    rng: random.Random, *, status_active: bool, completed: bool, scenario: Scenario | None, volume: Volume
) -> Stage:
    if completed:
        return Stage.COMPLETE
    if scenario is not None:
        return Stage.PARTIAL if scenario is Scenario.WAITING_SUBMISSION else Stage.EXAMS
    if status_active and rng.random() < volume.exam_stage_share:
        return Stage.EXAMS
    return Stage.PARTIAL


def simulate_learning(
    rng: random.Random,
    facts: EnrollmentFacts,
    *,
    stage: Stage,
    scenario: Scenario | None,
    volume: Volume,
    now: datetime,
    ids: IdSequence,
    batch: Batch,
) -> LearningResult:
    writer = _LearningWriter(rng, facts, ids, batch)
    modules = _modules_taken(rng, facts.program, stage, scenario)
    span = facts.window_end - facts.window_start
    work_end = facts.window_end if stage is Stage.PARTIAL else facts.window_start + span * 0.5
    attempted = [(module, assignment) for module in modules for assignment in module.assignments]
    if stage is Stage.PARTIAL:
        attempted = _below_threshold(
            attempted[: round(rng.uniform(0.0, volume.partial_progress_max) * len(attempted))],
            facts.program.threshold_xp,
        )
    plans = _submission_plans(rng, attempted, stage, facts, scenario)
    last_submitted = writer.write_submissions(plans, work_end=work_end)
    started = [module for module in modules if any(plan[0] is module for plan in plans)]

    if stage is Stage.PARTIAL:
        writer.write_unreached_exams(started, last_submitted=last_submitted)
    else:
        eligible_at = _threshold_reached_at(writer.result, facts.program.threshold_xp)
        writer.write_exam_pipeline(modules, stage=stage, scenario=scenario, eligible_at=eligible_at, now=now)
    return writer.result


def _modules_taken(
    rng: random.Random, program: ProgramInfo, stage: Stage, scenario: Scenario | None
) -> list[ModuleInfo]:
    """All modules, minus some electives when the exam threshold stays reachable without them."""
    taken = list(program.modules)
    keep_elective = scenario is Scenario.OPTIONAL_EXAM_OVERDUE
    for module in program.modules:
        if not module.is_optional or rng.random() >= 0.3:
            continue
        if keep_elective and sum(m.is_optional for m in taken) <= 1:
            continue
        remaining_xp = sum(m.assignment_xp for m in taken) - module.assignment_xp
        if stage is Stage.PARTIAL or remaining_xp >= program.threshold_xp:
            taken.remove(module)
    return taken


def _below_threshold(
    attempted: list[tuple[ModuleInfo, AssignmentInfo]], threshold: int
) -> list[tuple[ModuleInfo, AssignmentInfo]]:
    """Partial progress stays short of the exam threshold, or its exams would be eligible."""
    total = 0
    for index, (_, assignment) in enumerate(attempted):
        total += assignment.xp
        if total >= threshold:
            return attempted[:index]
    return attempted


SubmissionPlan = tuple[ModuleInfo, AssignmentInfo, list[SubmissionStatus]]


def _submission_plans(
    rng: random.Random,
    attempted: list[tuple[ModuleInfo, AssignmentInfo]],
    stage: Stage,
    facts: EnrollmentFacts,
    scenario: Scenario | None,
) -> list[SubmissionPlan]:
    plans: list[SubmissionPlan] = []
    for module, assignment in attempted:
        statuses = [FAILED, PASSED] if rng.random() < 0.12 else [PASSED]
        plans.append((module, assignment, statuses))
    if stage is Stage.PARTIAL and facts.is_active and plans:
        plans[-1] = (plans[-1][0], plans[-1][1], _frontier_statuses(rng))
        if len(plans) > 1 and rng.random() < 0.15:
            plans[-2] = (plans[-2][0], plans[-2][1], [WAITING])
        if scenario is Scenario.WAITING_SUBMISSION:
            plans[-1] = (plans[-1][0], plans[-1][1], [WAITING])
    return plans


def _frontier_statuses(rng: random.Random) -> list[SubmissionStatus]:
    """What happened to the newest piece of work: often still waiting for a grade."""
    draw = rng.random()
    if draw < 0.35:
        return [WAITING]
    if draw < 0.45:
        return [FAILED]
    if draw < 0.5:
        return [FAILED, WAITING]
    return [PASSED]


def _threshold_reached_at(result: LearningResult, threshold: int) -> datetime:
    total = 0
    for at, amount in sorted(result.assignment_xp_events):
        total += amount
        if total >= threshold:
            return at
    raise AssertionError("an enrollment in the exam stage must have reached the exam threshold")


class _LearningWriter:
    def __init__(self, rng: random.Random, facts: EnrollmentFacts, ids: IdSequence, batch: Batch) -> None:
        self.rng = rng
        self.facts = facts
        self.ids = ids
        self.batch = batch
        self.result = LearningResult()

    # Submissions

    def write_submissions(self, plans: list[SubmissionPlan], *, work_end: datetime) -> datetime | None:
        facts, rng = self.facts, self.rng
        items = [
            (assignment, status, number > 0)
            for _, assignment, statuses in plans
            for number, status in enumerate(statuses)
        ]
        if not items:
            return None
        span = (work_end - facts.window_start).total_seconds()
        times = sorted(facts.window_start + timedelta(seconds=span * rng.random()) for _ in items)
        grading_limit = work_end
        last_submitted = facts.window_start
        for index, (assignment, status, is_resubmission) in enumerate(items):
            submitted_at = times[index]
            if status is WAITING and facts.has_coach:
                # Coaches grade within days; only coachless work waits for weeks.
                submitted_at = max(submitted_at, facts.window_end - timedelta(hours=rng.uniform(1, 140)))
            next_time = times[index + 1] if index + 1 < len(items) else grading_limit
            limit = next_time if items[index + 1 : index + 2] and items[index + 1][2] else grading_limit
            graded_at = submitted_at + min(timedelta(hours=rng.uniform(2, 72)), (limit - submitted_at) * 0.9)
            self._add_submission(assignment, status, submitted_at, graded_at, is_resubmission)
            last_submitted = max(last_submitted, submitted_at)
        return last_submitted

    def _add_submission(
        self,
        assignment: AssignmentInfo,
        status: SubmissionStatus,
        submitted_at: datetime,
        graded_at: datetime,
        is_resubmission: bool,
    ) -> None:
        facts, rng = self.facts, self.rng
        submission_id = self.ids.next(tables.SUBMISSION)
        graded = status is not WAITING
        xp = assignment.xp if status is PASSED else 0
        score, feedback = _grading(status, rng)
        note = rng.choice(RESUBMISSION_NOTES if is_resubmission else SUBMISSION_NOTES)
        link = rng.choice(facts.program.work_links).format(
            handle=facts.handle, slug=assignment.slug, token=f"{rng.getrandbits(64):016x}"
        )
        self.batch.add(
            tables.SUBMISSION,
            {
                "id": submission_id,
                "organization_id": facts.organization_id,
                "enrollment_id": facts.enrollment_id,
                "assignment_id": assignment.id,
                "content": f"{note}\n{link}",
                "status": status.value,
                "submitted_at": submitted_at,
                "score": score,
                "feedback": feedback,
                "graded_by_id": facts.grader_id if graded else None,
                "graded_at": graded_at if graded else None,
                "xp_awarded": xp,
            },
        )
        if status is PASSED:
            self._award(xp, f"Assignment passed: {assignment.title}", graded_at, submission_id=submission_id)
            self.result.assignment_xp_events.append((graded_at, xp))

    def _award(
        self,
        amount: int,
        reason: str,
        at: datetime,
        *,
        submission_id: int | None = None,
        exam_attempt_id: int | None = None,
    ) -> None:
        facts = self.facts
        self.batch.add(
            tables.XP_EVENT,
            {
                "id": self.ids.next(tables.XP_EVENT),
                "organization_id": facts.organization_id,
                "participant_id": facts.participant_id,
                "enrollment_id": facts.enrollment_id,
                "amount": amount,
                "reason": reason,
                "submission_id": submission_id,
                "exam_attempt_id": exam_attempt_id,
                "created_at": at,
            },
        )
        self.result.xp_earned += amount
        last = self.result.last_activity_at
        self.result.last_activity_at = at if last is None else max(last, at)

    # Exams

    def write_unreached_exams(self, started: list[ModuleInfo], *, last_submitted: datetime | None) -> None:
        """Exams of started modules wait for the threshold; now and then a coach opens one early."""
        opened_early = last_submitted is not None and self.facts.is_active and self.rng.random() < 0.03
        for number, module in enumerate(started, start=1):
            if opened_early and number == len(started) and last_submitted is not None:
                eligible_at = min(last_submitted + DAY, self.facts.window_end)
                self._add_attempt(module, 1, ExamStatus.ELIGIBLE, {"eligible_at": eligible_at})
            else:
                self._add_attempt(module, 1, ExamStatus.NOT_ELIGIBLE, {})

    def write_exam_pipeline(
        self,
        modules: list[ModuleInfo],
        *,
        stage: Stage,
        scenario: Scenario | None,
        eligible_at: datetime,
        now: datetime,
    ) -> None:
        rng, facts = self.rng, self.facts
        if stage is Stage.COMPLETE:
            frontier_index, frontier_state = len(modules), None
        elif scenario is Scenario.OPTIONAL_EXAM_OVERDUE:
            frontier_index = next(i for i, module in enumerate(modules) if module.is_optional)
            frontier_state = scenario
        else:
            frontier_index = rng.randrange(len(modules))
            frontier_state = scenario or rng.choices(FRONTIER_STATES, weights=FRONTIER_WEIGHTS)[0]

        assessed = modules[:frontier_index]
        first_fails = [rng.random() < 0.12 for _ in assessed]
        steps = len(assessed) + sum(first_fails) + 2
        start = eligible_at + timedelta(hours=rng.uniform(1, 24))
        end = facts.window_end
        overdue_release = None
        if frontier_state is Scenario.OPTIONAL_EXAM_OVERDUE:
            overdue_release = max(now - timedelta(days=rng.uniform(16, 28)), start + (end - start) * 0.6)
            end = overdue_release
        step = (end - start) / steps

        cursor = start
        for module, fails_first in zip(assessed, first_fails, strict=True):
            attempt_no, opened_at = 1, eligible_at
            if fails_first:
                cursor = self._add_assessed(module, 1, ExamOutcome.FAIL, cursor, step, eligible_at)
                attempt_no, opened_at = 2, cursor  # the resit opens when the failure is known
            outcome = ExamOutcome.GOOD if rng.random() < 0.4 else ExamOutcome.PASS
            cursor = self._add_assessed(module, attempt_no, outcome, cursor, step, opened_at)
        if frontier_state is None:
            return
        self._add_frontier(
            modules[frontier_index],
            frontier_state,
            cursor,
            step,
            eligible_at,
            overdue_release,
            forced=scenario is not None,
        )
        for module in modules[frontier_index + 1 :]:
            if module.is_optional and rng.random() < 0.4:
                released_at = eligible_at + (facts.window_end - eligible_at) * rng.uniform(0.05, 0.6)
                self._add_released(module, 1, released_at, eligible_at)
            else:
                self._add_attempt(module, 1, ExamStatus.ELIGIBLE, {"eligible_at": eligible_at})

    def _add_frontier(
        self,
        module: ModuleInfo,
        state: Scenario,
        cursor: datetime,
        step: timedelta,
        eligible_at: datetime,
        overdue_release: datetime | None,
        *,
        forced: bool,
    ) -> None:
        """The exam the participant is at now; a forced failure stays without a resit to show it."""
        rng = self.rng
        if state is Scenario.EXAM_ELIGIBLE:
            self._add_attempt(module, 1, ExamStatus.ELIGIBLE, {"eligible_at": eligible_at})
        elif state is Scenario.EXAM_RELEASED:
            self._add_released(module, 1, cursor + step * rng.uniform(0.1, 0.9), eligible_at)
        elif state is Scenario.OPTIONAL_EXAM_OVERDUE:
            assert overdue_release is not None
            self._add_released(module, 1, overdue_release, eligible_at)
        elif state is Scenario.EXAM_SUBMITTED:
            released_at = cursor + step * rng.uniform(0.05, 0.3)
            submitted_at = min(
                released_at + step * rng.uniform(0.1, 0.6), released_at + EXAM_DUE_AFTER - HOUR
            )
            self._add_attempt(
                module,
                1,
                ExamStatus.SUBMITTED,
                {
                    **self._release_fields(released_at, eligible_at),
                    "answer": rng.choice(EXAM_ANSWERS),
                    "submitted_at": submitted_at,
                },
            )
        else:
            failed_at = self._add_assessed(module, 1, ExamOutcome.FAIL, cursor, step, eligible_at)
            resit = None if forced else rng.choice((None, ExamStatus.ELIGIBLE, ExamStatus.RELEASED))
            if resit is ExamStatus.ELIGIBLE:
                self._add_attempt(module, 2, ExamStatus.ELIGIBLE, {"eligible_at": failed_at})
            elif resit is ExamStatus.RELEASED:
                self._add_released(module, 2, failed_at + step * rng.uniform(0.05, 0.5), failed_at)

    def _add_assessed(
        self,
        module: ModuleInfo,
        attempt_no: int,
        outcome: ExamOutcome,
        cursor: datetime,
        step: timedelta,
        eligible_at: datetime,
    ) -> datetime:
        """An attempt taken from release to assessment within one step after `cursor`."""
        rng = self.rng
        released_at = cursor + step * rng.uniform(0.05, 0.2)
        submitted_at = released_at + step * rng.uniform(0.1, 0.4)
        assessed_at = submitted_at + step * rng.uniform(0.05, 0.3)
        # Some coaches grade with a number instead of fail / pass / good.
        graded_with_number = rng.random() < 0.3
        recorded_outcome = None if graded_with_number else outcome.value
        grade = _grade_for(outcome, rng) if graded_with_number else None
        attempt_id = self._add_attempt(
            module,
            attempt_no,
            ExamStatus.ASSESSED,
            {
                **self._release_fields(released_at, eligible_at),
                "answer": rng.choice(EXAM_ANSWERS),
                "submitted_at": submitted_at,
                "outcome": recorded_outcome,
                "grade": grade,
                "feedback": rng.choice(EXAM_FEEDBACK[outcome.value]),
                "assessed_at": assessed_at,
                "assessed_by_id": self.facts.grader_id,
            },
        )
        if exam_passed(recorded_outcome, grade):
            self._award(
                module.exam_xp, f"Exam passed: {module.exam_title}", assessed_at, exam_attempt_id=attempt_id
            )
        return assessed_at

    def _add_released(
        self, module: ModuleInfo, attempt_no: int, released_at: datetime, eligible_at: datetime
    ) -> None:
        self._add_attempt(
            module, attempt_no, ExamStatus.RELEASED, self._release_fields(released_at, eligible_at)
        )

    def _release_fields(self, released_at: datetime, eligible_at: datetime) -> Row:
        return {
            "eligible_at": eligible_at,
            "released_at": released_at,
            "released_by_id": self.facts.grader_id,
            "due_at": released_at + EXAM_DUE_AFTER,
        }

    def _add_attempt(self, module: ModuleInfo, attempt_no: int, status: ExamStatus, fields: Row) -> int:
        attempt_id = self.ids.next(tables.EXAM_ATTEMPT)
        row: Row = {
            "id": attempt_id,
            "organization_id": self.facts.organization_id,
            "enrollment_id": self.facts.enrollment_id,
            "exam_id": module.exam_id,
            "attempt_no": attempt_no,
            "status": status.value,
            "outcome": None,
            "grade": None,
            "answer": "",
            "feedback": "",
            "due_at": None,
            "eligible_at": None,
            "released_at": None,
            "released_by_id": None,
            "submitted_at": None,
            "assessed_at": None,
            "assessed_by_id": None,
        }
        row.update(fields)
        self.batch.add(tables.EXAM_ATTEMPT, row)
        return attempt_id


def _grading(status: SubmissionStatus, rng: random.Random) -> tuple[int | None, str]:
    """Score (a percentage) and feedback; a pass needs 60."""
    if status is PASSED:
        return rng.randint(60, 100), rng.choice(PASS_FEEDBACK)
    if status is FAILED:
        return rng.randint(20, 59), rng.choice(FAIL_FEEDBACK)
    return None, ""


def _grade_for(outcome: ExamOutcome, rng: random.Random) -> int:
    """A number grade that says what the outcome would have said."""
    if outcome is ExamOutcome.FAIL:
        return rng.randint(MIN_GRADE + 1, PASS_GRADE - 1)
    if outcome is ExamOutcome.PASS:
        return rng.randint(PASS_GRADE, PASS_GRADE + 1)
    return rng.randint(PASS_GRADE + 2, MAX_GRADE)
