"""State of My Account (/account): profile, password, contact details, My Mentor and Change Mentor.

The browser holds the actor's own profile, one page of coaches while the Change Mentor dialog is
open, and the mentor card; the coach chosen for confirmation is kept on the server.
"""

import dataclasses
from datetime import datetime
from typing import Any

import reflex as rx

from mentor_dash.domain.access import Action, Actor
from mentor_dash.domain.errors import DomainError
from mentor_dash.domain.validation import as_text
from mentor_dash.live import Apply, LivePage
from mentor_dash.selectors.account import (
    AccountPage,
    ContactDetails,
    MentorCard,
    account_mentor_card,
    account_page,
)
from mentor_dash.selectors.mentor_directory import MAX_SEARCH, DirectoryPage, mentor_directory_search
from mentor_dash.services.account import (
    WRONG_PASSWORD,
    account_password_change,
    account_password_failed,
    account_rename,
    contact_details_save,
)
from mentor_dash.services.mentorship import mentor_choose
from mentor_dash.services.unit_of_work import run_read, run_write
from mentor_dash.state import SessionState, acting_user, in_thread, requires, signed_in

PROFILE, CONTACT, MENTOR = "profile", "contact", "mentor"
NOT_IN_LIST = "Choose a coach from the list."
NOTHING_TO_CONFIRM = "Select a coach first."
BAD_FORM = "The form was not sent completely. Reload the page and try again."


def _date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


@dataclasses.dataclass
class MentorView:
    id: int = 0
    name: str = ""
    initials: str = ""
    contact_email: str = ""
    phone: str = ""
    bio: str = ""
    availability: str = "available"
    since: str = ""
    is_active: bool = True


@dataclasses.dataclass
class CoachEntryView:
    id: int = 0
    name: str = ""
    initials: str = ""
    contact_email: str = ""
    availability: str = "available"
    coaches_you_in: str = ""
    is_current: bool = False


def mentor_view(card: MentorCard | None) -> MentorView:
    if card is None:
        return MentorView()
    return MentorView(
        id=card.mentor_id,
        name=card.name,
        initials=card.initials,
        contact_email=card.contact_email,
        phone=card.phone,
        bio=card.bio,
        availability=card.availability,
        since=_date(card.since),
        is_active=card.is_active,
    )


def _form_texts(form_data: Any, *names: str) -> dict[str, str] | None:
    """The named text fields of a submitted form, or None when something is missing or not text."""
    if not isinstance(form_data, dict):
        return None
    values = {name: form_data.get(name) for name in names}
    return values if all(isinstance(value, str) for value in values.values()) else None  # type: ignore[return-value]


class AccountState(LivePage, rx.State):  # type: ignore[misc]
    tab: str = PROFILE
    loaded: bool = False
    error: str = ""
    form_version: int = 0

    name: str = ""
    email: str = ""
    profile_error: str = ""
    profile_message: str = ""
    password_error: str = ""
    password_message: str = ""

    is_coach: bool = False
    phone: str = ""
    contact_email: str = ""
    bio: str = ""
    availability: str = "available"
    contact_updated: str = ""
    contact_error: str = ""
    contact_message: str = ""

    is_participant: bool = False
    mentor: MentorView = MentorView()
    mentor_message: str = ""

    dialog_open: bool = False
    search: str = ""
    coaches: list[CoachEntryView] = []
    coach_total: int = 0
    coach_page: int = 1
    coach_page_count: int = 1
    directory_error: str = ""
    confirm_name: str = ""
    confirm_current: str = ""
    _confirm_id: int = 0

    def _allowed_tabs(self) -> list[str]:
        return [PROFILE] + ([CONTACT] if self.is_coach else []) + ([MENTOR] if self.is_participant else [])

    def _show_contact(self, contact: ContactDetails | None) -> None:
        contact = contact or ContactDetails("", "", "", "available", None)
        self.phone = contact.phone
        self.contact_email = contact.contact_email
        self.bio = contact.bio
        self.availability = contact.availability
        self.contact_updated = _date(contact.updated_at)

    def _show(self, page: AccountPage) -> None:
        self.name = page.profile.name
        self.email = page.profile.email
        self.is_coach = page.profile.is_coach
        self.is_participant = page.profile.is_participant
        self._show_contact(page.contact)
        self.mentor = mentor_view(page.mentor)
        self.form_version += 1
        self.loaded = True

    def _clear_messages(self) -> None:
        for name in (
            "error",
            "profile_error",
            "profile_message",
            "password_error",
            "password_message",
            "contact_error",
            "contact_message",
            "mentor_message",
        ):
            setattr(self, name, "")

    @rx.event
    @signed_in
    async def load(self) -> rx.event.EventSpec | None:
        """on_load: the actor's own profile, contact details (coaches) and mentor card (participants).

        Participants then follow the change feed, so their mentor's new contact details show up live.
        """
        actor = await acting_user(self)
        self._clear_messages()
        self.dialog_open = False
        try:
            page = await in_thread(run_read, account_page, actor=actor)
        except DomainError as error:
            self.error = error.message
            return None
        self._show(page)
        wanted = self.router.url.query_parameters.get("tab", PROFILE)
        self.tab = wanted if wanted in self._allowed_tabs() else PROFILE
        return await self._start_live(actor) if actor.is_participant else None

    async def _live_reload(self, actor: Actor, touched: list[int], snapshot: Any) -> Apply | None:
        # Contact details changes concern no participant (0); a mentor change in another tab does.
        if not actor.is_participant or not ({0, actor.user_id} & set(touched)):
            return None
        card = await in_thread(run_read, account_mentor_card, actor=actor)

        def apply() -> None:
            self.mentor = mentor_view(card)

        return apply

    @rx.event
    @signed_in
    def set_tab(self, value: str) -> None:
        if isinstance(value, str) and value in self._allowed_tabs():
            self.tab = value

    # Profile

    @rx.event
    @requires(Action.EDIT_OWN_PROFILE)
    async def save_profile(self, form_data: dict[str, Any]) -> None:
        actor = await acting_user(self)
        self.profile_message = ""
        fields = _form_texts(form_data, "name")
        if fields is None:
            self.profile_error = BAD_FORM
            return
        try:
            name = await in_thread(run_write, account_rename, actor=actor, name=fields["name"])
        except DomainError as error:
            self.profile_error = error.message
            return
        self.profile_error = ""
        self.name = name
        (await self.get_state(SessionState)).user_name = name
        self.profile_message = "Your name is saved."

    @rx.event
    @requires(Action.EDIT_OWN_PROFILE)
    async def change_password(self, form_data: dict[str, Any]) -> None:
        actor = await acting_user(self)
        self.password_message = ""
        fields = _form_texts(form_data, "current_password", "new_password", "new_password_repeat")
        if fields is None:
            self.password_error = BAD_FORM
            return
        token = (await self.get_state(SessionState)).session_token
        try:
            ended = await in_thread(
                run_write, account_password_change, actor=actor, keep_token=token, **fields
            )
        except DomainError as error:
            if error.message == WRONG_PASSWORD:
                await in_thread(run_write, account_password_failed, actor=actor)
            self.password_error = error.message
            return
        self.password_error = ""
        self.form_version += 1
        others = "No other session was open." if ended == 0 else f"Signed out {ended} other session(s)."
        self.password_message = f"Your password is changed. {others}"

    # Contact details (coaches)

    @rx.event
    @requires(Action.EDIT_CONTACT_DETAILS)
    async def save_contact_details(self, form_data: dict[str, Any]) -> None:
        actor = await acting_user(self)
        self.contact_message = ""
        fields = _form_texts(form_data, "phone", "contact_email", "bio", "availability")
        if fields is None:
            self.contact_error = BAD_FORM
            return
        try:
            saved = await in_thread(run_write, contact_details_save, actor=actor, **fields)
        except DomainError as error:
            self.contact_error = error.message
            return
        self.contact_error = ""
        self._show_contact(saved)
        self.form_version += 1
        self.contact_message = (
            "Your contact details are saved. Participants who chose you as mentor see them now."
        )

    # My Mentor and Change Mentor (participants)

    def _show_directory(self, page: DirectoryPage) -> None:
        self.coaches = [
            CoachEntryView(
                id=entry.coach_id,
                name=entry.name,
                initials=entry.initials,
                contact_email=entry.contact_email,
                availability=entry.availability,
                coaches_you_in=", ".join(entry.coaches_you_in),
                is_current=entry.is_current_mentor,
            )
            for entry in page.entries
        ]
        self.coach_total = page.total
        self.coach_page = page.page
        self.coach_page_count = page.page_count

    async def _load_directory(self) -> None:
        actor = await acting_user(self)
        try:
            page = await in_thread(
                run_read, mentor_directory_search, actor=actor, search=self.search, page=self.coach_page
            )
        except DomainError as error:
            self.directory_error = error.message
            return
        self.directory_error = ""
        self._show_directory(page)

    def _clear_confirmation(self) -> None:
        self.confirm_name = ""
        self.confirm_current = ""
        self._confirm_id = 0

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    async def open_change_mentor(self) -> None:
        self.search = ""
        self.coach_page = 1
        self.mentor_message = ""
        self._clear_confirmation()
        await self._load_directory()
        self.dialog_open = True

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    def set_dialog_open(self, value: bool) -> None:
        """The dialog closes itself (Escape, outside click); opening goes through open_change_mentor."""
        if value is not True:
            self.dialog_open = False
            self._clear_confirmation()

    @rx.event(supersedes=True)
    @requires(Action.CHOOSE_MENTOR)
    async def set_search(self, value: str) -> None:
        try:
            search = as_text(value, limit=MAX_SEARCH, strip=False)
        except DomainError as error:
            self.directory_error = error.message
            return
        self.search = search
        self.coach_page = 1
        self._clear_confirmation()
        await self._load_directory()

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    async def next_coaches(self) -> None:
        self.coach_page = min(self.coach_page + 1, self.coach_page_count)
        await self._load_directory()

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    async def previous_coaches(self) -> None:
        self.coach_page = max(self.coach_page - 1, 1)
        await self._load_directory()

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    def select_coach(self, coach_id: int) -> None:
        """Ask for confirmation; only a coach of the page the server listed can be selected."""
        chosen = next(
            (
                c
                for c in self.coaches
                if isinstance(coach_id, int) and not isinstance(coach_id, bool) and c.id == coach_id
            ),
            None,
        )
        if chosen is None:
            self._clear_confirmation()
            self.directory_error = NOT_IN_LIST
            return
        self.directory_error = ""
        self._confirm_id = chosen.id
        self.confirm_name = chosen.name
        self.confirm_current = self.mentor.name

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    def back_to_list(self) -> None:
        self._clear_confirmation()

    @rx.event
    @requires(Action.CHOOSE_MENTOR)
    async def confirm_mentor(self) -> None:
        actor = await acting_user(self)
        if not self._confirm_id:
            self.directory_error = NOTHING_TO_CONFIRM
            return
        try:
            change = await in_thread(
                run_write,
                mentor_choose,
                actor=actor,
                participant_id=actor.user_id,
                mentor_id=self._confirm_id,
            )
        except DomainError as error:
            self._clear_confirmation()
            self.directory_error = error.message
            await self._load_directory()
            return
        self._clear_confirmation()
        self.directory_error = ""
        self.dialog_open = False
        self.mentor = mentor_view(change.mentor)
        session = await self.get_state(SessionState)
        session.mentor_name = change.mentor.name
        session.mentor_email = change.mentor.contact_email
        session.mentor_phone = change.mentor.phone
        self.mentor_message = f"{change.mentor.name} is now your mentor."
