"""My Account: profile, password change, a coach's contact details and the participant's mentor card."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from mentor_dash.db import override_engine
from mentor_dash.domain import audit_actions
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn, ValidationFailed
from mentor_dash.domain.passwords import PASSWORD_TOO_SHORT, verify_password
from mentor_dash.domain.sessions import SIGN_IN_LOCKED
from mentor_dash.models import AuditEvent, AuditOutcome, AuthSession, CoachProfile, LoginAttempt, User
from mentor_dash.selectors.account import (
    account_contact_details,
    account_mentor_card,
    account_page,
    account_profile,
)
from mentor_dash.services.account import (
    AVAILABILITY_CHOICE,
    BIO_TOO_LONG,
    CONTROL_CHARACTERS,
    EMAIL_FORMAT,
    NAME_EMPTY,
    NAME_TOO_LONG,
    PASSWORD_UNCHANGED,
    PASSWORDS_DIFFER,
    PHONE_FORMAT,
    WRONG_PASSWORD,
    account_password_change,
    account_password_failed,
    account_rename,
    contact_details_save,
)
from mentor_dash.services.auth import actor_from_user, auth_resolve, auth_sign_in
from mentor_dash.services.unit_of_work import run_read, run_write
from tests import factories
from tests.databases import DatabaseTemplate
from tests.factories import PASSWORD

NEW_PASSWORD = "a much better passphrase"


@dataclass
class World:
    participant: User
    coach: User  # the participant's mentor
    manager: User
    loner: User  # a participant without a mentor


@pytest.fixture
def world(empty_template: DatabaseTemplate) -> Iterator[tuple[Engine, World]]:
    with empty_template.copy() as engine, override_engine(engine):
        with Session(engine, expire_on_commit=False) as session:
            org = factories.organization(session)
            participant = factories.participant(session, org, name="Pia Peters", email="pia@test.example")
            coach = factories.coach(session, org, name="Carl Coach", email="carl@test.example")
            manager = factories.manager(session, org, name="Manon Manager")
            loner = factories.participant(session, org, name="Lou Loner")
            factories.mentorship(session, participant, coach)
            session.commit()
        yield engine, World(participant, coach, manager, loner)


def actor(user: User) -> Actor:
    return actor_from_user(user)


def events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def stored_user(engine: Engine, user: User) -> User:
    with Session(engine) as session:
        found = session.get(User, user.id)
        assert found is not None
        return found


# Profile


def test_the_profile_shows_the_own_name_email_and_hats(world: tuple[Engine, World]) -> None:
    _, w = world

    profile = run_read(account_profile, actor=actor(w.participant))

    assert (profile.name, profile.email, profile.is_participant, profile.is_coach) == (
        "Pia Peters",
        "pia@test.example",
        True,
        False,
    )


def test_the_account_page_has_contact_details_only_for_coaches_and_a_mentor_only_for_participants(
    world: tuple[Engine, World],
) -> None:
    _, w = world

    participant_page = run_read(account_page, actor=actor(w.participant))
    coach_page = run_read(account_page, actor=actor(w.coach))
    manager_page = run_read(account_page, actor=actor(w.manager))

    assert participant_page.contact is None and participant_page.mentor is not None
    assert coach_page.contact is not None and coach_page.mentor is None
    assert manager_page.contact is None and manager_page.mentor is None


def test_a_signed_out_caller_has_no_profile(world: tuple[Engine, World]) -> None:
    with pytest.raises(NotSignedIn):
        run_read(account_profile, actor=None)


def test_a_deactivated_user_is_not_allowed_to_read_or_change_their_profile(
    world: tuple[Engine, World],
) -> None:
    _, w = world
    deactivated = replace(actor(w.participant), is_active=False)

    with pytest.raises(NotAllowed):
        run_read(account_profile, actor=deactivated)
    with pytest.raises(NotAllowed):
        run_write(account_rename, actor=deactivated, name="New Name")


def test_renaming_saves_the_tidied_name_and_records_before_and_after(world: tuple[Engine, World]) -> None:
    engine, w = world

    saved = run_write(account_rename, actor=actor(w.participant), name="  Pia   van  Dijk ")

    assert saved == "Pia van Dijk"
    assert stored_user(engine, w.participant).name == "Pia van Dijk"
    [event] = events(engine, audit_actions.PROFILE_CHANGED)
    assert (event.target_id, event.participant_id, event.actor_id) == (w.participant.id,) * 3
    assert json.loads(event.before) == {"name": "Pia Peters"}
    assert json.loads(event.after) == {"name": "Pia van Dijk"}


def test_renaming_to_the_same_name_writes_nothing(world: tuple[Engine, World]) -> None:
    engine, w = world

    run_write(account_rename, actor=actor(w.coach), name="Carl Coach")

    assert events(engine, audit_actions.PROFILE_CHANGED) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", NAME_EMPTY),
        ("x" * 201, NAME_TOO_LONG),
        ("Pia\x00Peters", CONTROL_CHARACTERS),
        ("Pia\nPeters", CONTROL_CHARACTERS),
        (None, "That value is not valid."),
        (["Pia"], "That value is not valid."),
    ],
)
def test_a_bad_name_is_refused_with_a_message_and_changes_nothing(
    world: tuple[Engine, World], name: object, message: str
) -> None:
    engine, w = world

    with pytest.raises(ValidationFailed) as refused:
        run_write(account_rename, actor=actor(w.participant), name=name)

    assert refused.value.message == message
    assert stored_user(engine, w.participant).name == "Pia Peters"


# Password


def sign_in(engine: Engine, email: str, password: str = PASSWORD) -> str:
    with Session(engine) as session:
        outcome = auth_sign_in(session=session, email=email, password=password)
        session.commit()
    assert outcome.token
    return outcome.token


def is_live(engine: Engine, token: str) -> bool:
    with Session(engine) as session:
        return auth_resolve(session=session, token=token) is not None


def change_password(user: User, token: str, current: str = PASSWORD, new: str = NEW_PASSWORD, repeat=None):  # type: ignore[no-untyped-def]
    return run_write(
        account_password_change,
        actor=actor(user),
        current_password=current,
        new_password=new,
        new_password_repeat=new if repeat is None else repeat,
        keep_token=token,
    )


def test_changing_the_password_stores_an_argon2id_hash_and_ends_every_other_session(
    world: tuple[Engine, World],
) -> None:
    engine, w = world
    this_tab = sign_in(engine, "pia@test.example")
    phone, laptop = sign_in(engine, "pia@test.example"), sign_in(engine, "pia@test.example")
    someone_else = sign_in(engine, "carl@test.example")

    ended = change_password(w.participant, this_tab)

    stored = stored_user(engine, w.participant)
    assert stored.password_hash.startswith("$argon2id$")
    assert verify_password(stored.password_hash, NEW_PASSWORD)
    assert not verify_password(stored.password_hash, PASSWORD)
    assert ended == 2
    assert is_live(engine, this_tab) and is_live(engine, someone_else)
    assert not is_live(engine, phone) and not is_live(engine, laptop)
    [event] = events(engine, audit_actions.PASSWORD_CHANGED)
    assert json.loads(event.after) == {"other_sessions_ended": 2}
    assert PASSWORD not in event.after + event.before and NEW_PASSWORD not in event.after + event.before


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("wrong password", NEW_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", PASSWORDS_DIFFER),
        (PASSWORD, "short", "short", PASSWORD_TOO_SHORT),
        (PASSWORD, PASSWORD, PASSWORD, PASSWORD_UNCHANGED),
        (PASSWORD, 12345678, 12345678, "That value is not valid."),
        (PASSWORD, "x" * 2000, "x" * 2000, "That value is not valid."),
    ],
)
def test_a_refused_password_change_keeps_the_old_password_and_every_session(
    world: tuple[Engine, World], current: str, new: object, repeat: object, message: str
) -> None:
    engine, w = world
    this_tab, other_tab = sign_in(engine, "pia@test.example"), sign_in(engine, "pia@test.example")

    with pytest.raises(ValidationFailed) as refused:
        change_password(w.participant, this_tab, current=current, new=new, repeat=repeat)  # type: ignore[arg-type]

    assert refused.value.message == message
    assert verify_password(stored_user(engine, w.participant).password_hash, PASSWORD)
    assert is_live(engine, other_tab)
    assert events(engine, audit_actions.PASSWORD_CHANGED) == []


def test_wrong_current_passwords_count_toward_the_sign_in_lockout(world: tuple[Engine, World]) -> None:
    engine, w = world
    token = sign_in(engine, "pia@test.example")

    for _ in range(5):
        with pytest.raises(ValidationFailed):
            change_password(w.participant, token, current="guess")
        run_write(account_password_failed, actor=actor(w.participant))

    with pytest.raises(ValidationFailed) as refused:
        change_password(w.participant, token)
    assert refused.value.message == SIGN_IN_LOCKED
    with Session(engine) as session:
        failures = session.exec(
            select(LoginAttempt).where(
                LoginAttempt.email == "pia@test.example", LoginAttempt.succeeded.is_(False)
            )
        ).all()
    assert len(failures) == 5
    denied = events(engine, audit_actions.PASSWORD_CHANGED)
    assert len(denied) == 5 and all(e.outcome == AuditOutcome.DENIED for e in denied)
    assert verify_password(stored_user(engine, w.participant).password_hash, PASSWORD)


def test_a_signed_out_caller_cannot_change_a_password(world: tuple[Engine, World]) -> None:
    with pytest.raises(NotSignedIn):
        run_write(
            account_password_change,
            actor=None,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            new_password_repeat=NEW_PASSWORD,
            keep_token="",
        )


def test_the_kept_session_must_be_the_callers_own_to_survive(world: tuple[Engine, World]) -> None:
    engine, w = world
    carls = sign_in(engine, "carl@test.example")
    pias = sign_in(engine, "pia@test.example")

    # Naming somebody else's token keeps nothing of one's own and ends nothing of theirs.
    change_password(w.participant, carls)

    assert is_live(engine, carls) and not is_live(engine, pias)
    with Session(engine) as session:
        revoked = session.exec(select(AuthSession).where(AuthSession.revoked_at.is_not(None))).all()
    assert {s.user_id for s in revoked} == {w.participant.id}


# Contact details


def save_contact(user: User, **changes: object) -> object:
    values = {
        "phone": "+31 6 1234 5678",
        "contact_email": "carl.coach@academy.example",
        "bio": "Ten years of data work.\nAsk me anything about SQL.",
        "availability": "available",
        **changes,
    }
    return run_write(contact_details_save, actor=actor(user), **values)


def test_a_coach_saves_contact_details_and_the_change_is_audited_field_by_field(
    world: tuple[Engine, World],
) -> None:
    engine, w = world
    original = run_read(account_contact_details, actor=actor(w.coach))

    saved = save_contact(w.coach, availability="unavailable")

    assert (saved.phone, saved.contact_email, saved.availability) == (  # type: ignore[attr-defined]
        "+31 6 1234 5678",
        "carl.coach@academy.example",
        "unavailable",
    )
    assert run_read(account_contact_details, actor=actor(w.coach)) == saved
    [event] = events(engine, audit_actions.CONTACT_DETAILS_CHANGED)
    assert (event.actor_id, event.target_type, event.target_id) == (w.coach.id, "user", w.coach.id)
    assert event.organization_id == w.coach.organization_id
    assert json.loads(event.before) == {
        "phone": "",
        "contact_email": original.contact_email,
        "bio": "",
        "availability": "available",
    }
    assert json.loads(event.after)["availability"] == "unavailable"


def test_saving_the_same_contact_details_again_writes_no_second_event(world: tuple[Engine, World]) -> None:
    engine, w = world

    save_contact(w.coach)
    save_contact(w.coach, phone=" +31 6 1234 5678 ")

    assert len(events(engine, audit_actions.CONTACT_DETAILS_CHANGED)) == 1


def test_a_coach_without_a_contact_card_gets_one_on_first_save(world: tuple[Engine, World]) -> None:
    engine, w = world
    with Session(engine) as session:
        session.delete(session.get(CoachProfile, w.coach.id))
        session.commit()

    assert run_read(account_contact_details, actor=actor(w.coach)).contact_email == ""
    save_contact(w.coach)

    with Session(engine) as session:
        assert session.get(CoachProfile, w.coach.id).phone == "+31 6 1234 5678"  # type: ignore[union-attr]


def test_empty_phone_and_contact_email_are_allowed(world: tuple[Engine, World]) -> None:
    _, w = world

    saved = save_contact(w.coach, phone="", contact_email="", bio="")

    assert (saved.phone, saved.contact_email, saved.bio) == ("", "", "")  # type: ignore[attr-defined]


@pytest.mark.parametrize("phone", ["020 123 4567", "+44 (0)20 7946 0958", "06-12345678", "+1.415.555.0132"])
def test_common_phone_notations_are_accepted(world: tuple[Engine, World], phone: str) -> None:
    _, w = world

    assert save_contact(w.coach, phone=phone).phone == phone  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "call me"}, PHONE_FORMAT),
        ({"phone": "12345"}, PHONE_FORMAT),
        ({"phone": "+31 6 1234 5678 9012 34"}, PHONE_FORMAT),
        ({"phone": "++31 6 1234 5678"}, PHONE_FORMAT),
        ({"phone": "06 1234 5678;ext=1"}, PHONE_FORMAT),
        ({"phone": "1" * 41}, "The phone number can have at most 40 characters."),
        ({"contact_email": "carl"}, EMAIL_FORMAT),
        ({"contact_email": "carl@localhost"}, EMAIL_FORMAT),
        ({"contact_email": "carl@academy.example?subject=hi"}, EMAIL_FORMAT),
        ({"contact_email": "a b@academy.example"}, EMAIL_FORMAT),
        ({"contact_email": "c" * 250 + "@x.nl"}, "The contact email can have at most 254 characters."),
        ({"bio": "x" * 2001}, BIO_TOO_LONG),
        ({"bio": "bell\x07"}, CONTROL_CHARACTERS),
        ({"availability": "on holiday"}, AVAILABILITY_CHOICE),
        ({"availability": None}, AVAILABILITY_CHOICE),
        ({"phone": 612345678}, "That value is not valid."),
    ],
)
def test_bad_contact_details_are_refused_with_a_message_and_change_nothing(
    world: tuple[Engine, World], changes: dict[str, object], message: str
) -> None:
    engine, w = world
    before = run_read(account_contact_details, actor=actor(w.coach))

    with pytest.raises(ValidationFailed) as refused:
        save_contact(w.coach, **changes)

    assert refused.value.message == message
    assert run_read(account_contact_details, actor=actor(w.coach)) == before
    assert events(engine, audit_actions.CONTACT_DETAILS_CHANGED) == []


@pytest.mark.parametrize("who", ["participant", "manager"])
def test_only_coaches_have_contact_details_to_read_or_save(world: tuple[Engine, World], who: str) -> None:
    engine, w = world

    with pytest.raises(NotAllowed):
        run_read(account_contact_details, actor=actor(getattr(w, who)))
    with pytest.raises(NotAllowed):
        save_contact(getattr(w, who))
    with Session(engine) as session:
        assert session.get(CoachProfile, getattr(w, who).id) is None


# The mentor card


def test_the_participant_sees_their_mentors_saved_contact_details_on_the_card(
    world: tuple[Engine, World],
) -> None:
    _, w = world
    save_contact(w.coach, bio="Ask me about SQL.", availability="unavailable")

    card = run_read(account_mentor_card, actor=actor(w.participant))

    assert card is not None
    assert (card.mentor_id, card.name, card.initials) == (w.coach.id, "Carl Coach", "CC")
    assert (card.contact_email, card.phone, card.bio, card.availability) == (
        "carl.coach@academy.example",
        "+31 6 1234 5678",
        "Ask me about SQL.",
        "unavailable",
    )
    assert card.is_active


def test_the_mentor_card_never_shows_the_mentors_login_email(world: tuple[Engine, World]) -> None:
    _, w = world
    save_contact(w.coach, contact_email="")

    card = run_read(account_mentor_card, actor=actor(w.participant))

    assert card is not None and card.contact_email == ""


def test_a_participant_without_a_mentor_gets_no_card(world: tuple[Engine, World]) -> None:
    _, w = world

    assert run_read(account_mentor_card, actor=actor(w.loner)) is None


def test_a_deactivated_mentor_is_flagged_on_the_card(world: tuple[Engine, World]) -> None:
    engine, w = world
    with Session(engine) as session:
        session.get(User, w.coach.id).is_active = False  # type: ignore[union-attr]
        session.commit()

    card = run_read(account_mentor_card, actor=actor(w.participant))

    assert card is not None and not card.is_active


@pytest.mark.parametrize("who", ["coach", "manager"])
def test_only_participants_have_a_mentor_card(world: tuple[Engine, World], who: str) -> None:
    _, w = world

    with pytest.raises(NotAllowed):
        run_read(account_mentor_card, actor=actor(getattr(w, who)))


def test_the_demo_participants_card_shows_maya_jansen(demo_engine: Engine) -> None:
    with override_engine(demo_engine), Session(demo_engine) as session:
        sam = session.exec(select(User).where(User.email == "participant@example.com")).one()
        card = run_read(account_mentor_card, actor=actor(sam))

    assert card is not None
    assert card.name == "Maya Jansen"
    assert card.contact_email == "maya.jansen@demo-academy.example.com"
    assert card.phone and card.bio
