"""/account: My Account with the tabs Profile, Contact details (coaches) and My Mentor (participants)."""

import reflex as rx

from mentor_dash.components.contact_card import availability_badge, mentor_contact_card
from mentor_dash.components.feedback import error_callout
from mentor_dash.pages.account.state import CONTACT, MENTOR, PROFILE, AccountState, CoachEntryView
from mentor_dash.services.account import MAX_BIO, MAX_EMAIL, MAX_NAME, MAX_PHONE
from mentor_dash.templates.layout import page_layout

LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}


def _success(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-check", color_scheme="green", role="status", width="100%"),
    )


def _field(
    label: str,
    name: str,
    *,
    default: rx.Var[str] | str = "",
    kind: str = "text",
    autocomplete: str = "off",
    max_length: int = 200,
    hint: str = "",
    read_only: bool = False,
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.input(
            id=name,
            name=name,
            type=kind,
            default_value=default,
            auto_complete=autocomplete,
            max_length=max_length,
            read_only=read_only,
            variant="soft" if read_only else "surface",
            width="100%",
        ),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="4", width="100%"),
        size="3",
        width="100%",
        max_width="36em",
    )


def _profile_tab() -> rx.Component:
    profile = rx.form(
        rx.vstack(
            _field("Name", "name", default=AccountState.name, autocomplete="name", max_length=MAX_NAME),
            _field(
                "Email",
                "email",
                default=AccountState.email,
                read_only=True,
                hint="Ask your program manager to change it.",
            ),
            error_callout(AccountState.profile_error),
            _success(AccountState.profile_message),
            rx.button("Save name", type="submit"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=AccountState.save_profile,
        reset_on_submit=False,
        key=AccountState.form_version.to_string() + "-profile",
    )
    password = rx.form(
        rx.vstack(
            _field(
                "Current password",
                "current_password",
                kind="password",
                autocomplete="current-password",
                max_length=1024,
            ),
            _field(
                "New password",
                "new_password",
                kind="password",
                autocomplete="new-password",
                max_length=1024,
                hint="At least 8 characters. Your other sessions are signed out.",
            ),
            _field(
                "Repeat new password",
                "new_password_repeat",
                kind="password",
                autocomplete="new-password",
                max_length=1024,
            ),
            error_callout(AccountState.password_error),
            _success(AccountState.password_message),
            rx.button("Change password", type="submit"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=AccountState.change_password,
        reset_on_submit=False,
        key=AccountState.form_version.to_string() + "-password",
    )
    return rx.vstack(_section("Profile", profile), _section("Password", password), spacing="4", width="100%")


def _availability_choice() -> rx.Component:
    def option(value: str, label: str) -> rx.Component:
        return rx.el.label(
            rx.hstack(
                rx.radio_group.item(value=value, id=f"availability-{value}"),
                rx.text(label),
                spacing="2",
                align="center",
            ),
            html_for=f"availability-{value}",
        )

    return rx.vstack(
        rx.el.span("Availability", id="availability-label", style=LABEL_STYLE),
        rx.radio_group.root(
            rx.hstack(option("available", "Available"), option("unavailable", "Unavailable"), spacing="5"),
            name="availability",
            default_value=AccountState.availability,
            aria_labelledby="availability-label",
        ),
        spacing="1",
    )


def _contact_tab() -> rx.Component:
    form = rx.form(
        rx.vstack(
            rx.text(
                "Participants who choose you as mentor see these details in My Mentor and in their main "
                "menu.",
                size="2",
                color_scheme="gray",
            ),
            _field(
                "Phone",
                "phone",
                default=AccountState.phone,
                kind="tel",
                autocomplete="tel",
                max_length=MAX_PHONE,
                hint="For example +31 6 1234 5678.",
            ),
            _field(
                "Contact email",
                "contact_email",
                default=AccountState.contact_email,
                kind="email",
                autocomplete="email",
                max_length=MAX_EMAIL,
            ),
            rx.vstack(
                rx.el.label("Short bio", html_for="bio", style=LABEL_STYLE),
                rx.text_area(
                    id="bio",
                    name="bio",
                    default_value=AccountState.bio,
                    max_length=MAX_BIO,
                    rows="5",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            _availability_choice(),
            rx.cond(
                AccountState.contact_updated != "",
                rx.text("Last changed ", AccountState.contact_updated, size="1", color_scheme="gray"),
            ),
            error_callout(AccountState.contact_error),
            _success(AccountState.contact_message),
            rx.button("Save contact details", type="submit"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=AccountState.save_contact_details,
        reset_on_submit=False,
        key=AccountState.form_version.to_string() + "-contact",
    )
    return _section("Contact details", form)


def _mentor_tab() -> rx.Component:
    mentor = AccountState.mentor
    return rx.vstack(
        _success(AccountState.mentor_message),
        rx.cond(
            mentor.id > 0,
            mentor_contact_card(
                name=mentor.name,
                initials=mentor.initials,
                contact_email=mentor.contact_email,
                phone=mentor.phone,
                bio=mentor.bio,
                availability=mentor.availability,
                since=mentor.since,
                is_active=mentor.is_active,
            ),
            rx.callout(
                "You have no mentor yet. A mentor keeps an eye on your progress in all your programs "
                "and is the person to ask when you are stuck: choose one of the coaches.",
                icon="user-search",
                width="100%",
            ),
        ),
        rx.button(
            rx.icon("user-round-cog", size=16), "Change Mentor", on_click=AccountState.open_change_mentor
        ),
        _change_mentor_dialog(),
        spacing="4",
        width="100%",
        max_width="44em",
    )


def _coach_entry(coach: CoachEntryView) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.avatar(fallback=coach.initials, size="3", radius="full", aria_hidden="true"),
            rx.vstack(
                rx.hstack(
                    rx.text(coach.name, weight="bold"),
                    availability_badge(coach.availability),
                    rx.cond(
                        coach.is_current, rx.badge("Your mentor", color_scheme="indigo", variant="solid")
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    rx.cond(coach.contact_email != "", coach.contact_email, "No contact email given"),
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    coach.coaches_you_in != "",
                    rx.hstack(
                        rx.icon("graduation-cap", size=14, aria_hidden="true"),
                        rx.text("Coaches you in ", coach.coaches_you_in, size="1"),
                        spacing="1",
                        align="center",
                        color="var(--accent-11)",
                    ),
                ),
                spacing="1",
                flex="1",
            ),
            rx.button(
                "Select",
                variant="soft",
                disabled=coach.is_current,
                on_click=AccountState.select_coach(coach.id),
                aria_label="Select " + coach.name,
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        aria_label=coach.name,
        style={"list_style": "none", "padding": "0.6em 0", "border_bottom": "1px solid var(--gray-a4)"},
    )


def _coach_list() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            rx.el.label("Search coaches", html_for="coach-search", style=LABEL_STYLE),
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                id="coach-search",
                placeholder="Name or email",
                value=AccountState.search,
                on_change=AccountState.set_search,
                debounce_timeout=300,
                max_length=100,
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            AccountState.coach_total > 0,
            rx.el.ul(
                rx.foreach(AccountState.coaches, _coach_entry),
                aria_label="Coaches",
                style={"width": "100%", "padding": "0", "margin": "0"},
            ),
            rx.text("No coach matches this search.", color_scheme="gray", size="2"),
        ),
        rx.hstack(
            rx.text(AccountState.coach_total, " coaches", size="2", color_scheme="gray"),
            rx.spacer(),
            rx.text("Page ", AccountState.coach_page, " of ", AccountState.coach_page_count, size="2"),
            rx.button(
                rx.icon("chevron-left", size=16),
                "Previous",
                variant="soft",
                size="1",
                disabled=AccountState.coach_page <= 1,
                on_click=AccountState.previous_coaches,
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=16),
                variant="soft",
                size="1",
                disabled=AccountState.coach_page >= AccountState.coach_page_count,
                on_click=AccountState.next_coaches,
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _confirmation() -> rx.Component:
    return rx.vstack(
        rx.heading("Make ", AccountState.confirm_name, " your mentor?", size="4", as_="h3"),
        rx.text(
            rx.cond(
                AccountState.confirm_current != "",
                AccountState.confirm_current + " stops being your mentor; the history is kept. ",
                "",
            ),
            AccountState.confirm_name,
            " will see your programs, coaches, XP and exam status, but not your work or grades.",
            size="2",
        ),
        rx.hstack(
            rx.button("Back", variant="soft", color_scheme="gray", on_click=AccountState.back_to_list),
            rx.button(
                "Confirm",
                on_click=AccountState.confirm_mentor,
                aria_label="Confirm " + AccountState.confirm_name + " as mentor",
            ),
            spacing="3",
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
        role="group",
        aria_label="Confirm your new mentor",
    )


def _change_mentor_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title("Change Mentor", margin="0"),
                rx.spacer(),
                rx.dialog.close(rx.icon_button(rx.icon("x"), variant="ghost", aria_label="Close")),
                align="center",
                width="100%",
            ),
            rx.dialog.description(
                "Choose one of the coaches of your organisation as your mentor.",
                size="2",
                color_scheme="gray",
                margin_bottom="0.75em",
            ),
            error_callout(AccountState.directory_error),
            rx.cond(AccountState.confirm_name != "", _confirmation(), _coach_list()),
            max_width="36em",
        ),
        open=AccountState.dialog_open,
        on_open_change=AccountState.set_dialog_open,
    )


@page_layout("My Account")
def my_account() -> rx.Component:
    return rx.vstack(
        rx.heading("My Account", size="7"),
        error_callout(AccountState.error),
        rx.cond(
            AccountState.loaded,
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("Profile", value=PROFILE),
                    rx.cond(AccountState.is_coach, rx.tabs.trigger("Contact details", value=CONTACT)),
                    rx.cond(AccountState.is_participant, rx.tabs.trigger("My Mentor", value=MENTOR)),
                ),
                rx.box(
                    rx.tabs.content(_profile_tab(), value=PROFILE),
                    rx.tabs.content(_contact_tab(), value=CONTACT),
                    rx.tabs.content(_mentor_tab(), value=MENTOR),
                    padding_top="1.25em",
                ),
                value=AccountState.tab,
                on_change=AccountState.set_tab,
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="3em"),
        ),
        spacing="4",
        width="100%",
    )
