"""The permission table as pure rules."""

from mentor_dash.domain.access import Action, Actor, Scope, Target, allowed_scopes, is_allowed, own_account


def person(user_id: int = 1, org: int = 1, **hats: bool) -> Actor:
    return Actor(
        user_id=user_id,
        organization_id=org,
        name="Someone",
        is_active=hats.pop("active", True),
        is_participant=hats.get("participant", False),
        is_coach=hats.get("coach", False),
        is_manager=hats.get("manager", False),
    )


def enrollment(coach: int | None = None, mentor: int | None = None, org: int = 1) -> Target:
    return Target(
        organization_id=org,
        participant_id=50,
        coach_ids=frozenset({coach} if coach else set()),
        mentor_id=mentor,
    )


def test_a_coach_who_also_mentors_the_participant_holds_both_scopes() -> None:
    both = person(7, coach=True)

    assert allowed_scopes(both, Action.ARCHIVE_STUDENT, enrollment(coach=7, mentor=7)) == {
        Scope.COACH,
        Scope.MENTOR,
    }
    assert is_allowed(both, Action.GRADE_ASSIGNMENT, enrollment(coach=7, mentor=7))
    assert is_allowed(both, Action.VIEW_SUBSCRIPTION, enrollment(coach=7, mentor=7))


def test_a_coach_never_sees_subscriptions_of_the_participants_they_coach() -> None:
    assert not is_allowed(person(7, coach=True), Action.VIEW_SUBSCRIPTION, enrollment(coach=7))


def test_a_mentor_sees_only_global_progress_not_the_detailed_one() -> None:
    mentor = person(8, coach=True)

    assert is_allowed(mentor, Action.VIEW_GLOBAL_PROGRESS, enrollment(coach=3, mentor=8))
    assert not is_allowed(mentor, Action.VIEW_DETAILED_PROGRESS, enrollment(coach=3, mentor=8))
    assert not is_allowed(mentor, Action.GRADE_ASSIGNMENT, enrollment(coach=3, mentor=8))


def test_a_mentor_may_transfer_but_a_coach_only_hands_over_while_unenrolling() -> None:
    assert is_allowed(person(8, coach=True), Action.TRANSFER_COACH, enrollment(coach=3, mentor=8))
    assert not is_allowed(person(3, coach=True), Action.TRANSFER_COACH, enrollment(coach=3, mentor=8))
    assert is_allowed(person(3, coach=True), Action.UNENROLL_WITH_HANDOVER, enrollment(coach=3, mentor=8))


def test_organisation_boundaries_hold_even_for_managers() -> None:
    assert is_allowed(person(9, org=1, manager=True), Action.TRANSFER_COACH, enrollment(org=1))
    assert not is_allowed(person(9, org=2, manager=True), Action.TRANSFER_COACH, enrollment(org=1))


def test_a_deactivated_user_may_do_nothing_at_all() -> None:
    gone = person(7, coach=True, manager=True, active=False)

    assert not any(is_allowed(gone, action, enrollment(coach=7, mentor=7)) for action in Action)


def test_nobody_and_nothing_are_always_refused() -> None:
    assert not is_allowed(None, Action.VIEW_GLOBAL_PROGRESS, enrollment())
    assert not is_allowed(person(manager=True), Action.VIEW_GLOBAL_PROGRESS, None)


def test_only_participants_choose_a_mentor_and_only_coaches_edit_a_contact_card() -> None:
    learner, coach = person(1, participant=True), person(2, coach=True)

    assert is_allowed(learner, Action.CHOOSE_MENTOR, own_account(learner))
    assert not is_allowed(coach, Action.CHOOSE_MENTOR, own_account(coach))
    assert is_allowed(coach, Action.EDIT_CONTACT_DETAILS, own_account(coach))
    assert not is_allowed(learner, Action.EDIT_CONTACT_DETAILS, own_account(learner))


def test_every_action_has_a_row_in_the_table() -> None:
    from mentor_dash.domain.access import PERMISSIONS

    assert set(PERMISSIONS) == set(Action)
