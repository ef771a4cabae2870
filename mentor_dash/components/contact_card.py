"""A coach's contact card as participants see it: in My Mentor, and small in the left main menu."""

import reflex as rx


def tel_href(phone: rx.Var[str]) -> rx.Var[str]:
    """tel: links take no spaces; the stored number only has digits, +, brackets, dots and dashes."""
    return "tel:" + phone.split(" ").join("")


def availability_badge(availability: rx.Var[str]) -> rx.Component:
    return rx.cond(
        availability == "unavailable",
        rx.badge(rx.icon("circle-pause", size=12), "Unavailable", color_scheme="gray", variant="soft"),
        rx.badge(rx.icon("circle-check", size=12), "Available", color_scheme="green", variant="soft"),
    )


def _contact_line(icon: str, value: rx.Var[str], href: rx.Var[str], label: str, missing: str) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=16, color="var(--gray-10)", aria_hidden="true", flex_shrink="0"),
        rx.cond(
            value != "",
            rx.link(value, href=href, aria_label=label + " " + value),
            rx.text(missing, color_scheme="gray", size="2"),
        ),
        align="center",
        spacing="2",
    )


def mentor_contact_card(
    *,
    name: rx.Var[str],
    initials: rx.Var[str],
    contact_email: rx.Var[str],
    phone: rx.Var[str],
    bio: rx.Var[str],
    availability: rx.Var[str],
    since: rx.Var[str],
    is_active: rx.Var[bool],
) -> rx.Component:
    """The full card: photo placeholder (initials), name, availability, email, phone, bio."""
    return rx.card(
        rx.hstack(
            rx.avatar(fallback=initials, size="6", radius="full", color_scheme="indigo", aria_hidden="true"),
            rx.vstack(
                rx.hstack(
                    rx.heading(name, size="5", as_="h3"),
                    availability_badge(availability),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.text("Your mentor since ", since, size="2", color_scheme="gray"),
                _contact_line(
                    "mail", contact_email, "mailto:" + contact_email, "Email", "No contact email given"
                ),
                _contact_line("phone", phone, tel_href(phone), "Call", "No phone number given"),
                rx.cond(
                    bio != "",
                    rx.text(bio, size="2", style={"white_space": "pre-wrap"}, max_width="40em"),
                ),
                rx.cond(
                    ~is_active,
                    rx.callout(
                        "This coach's account is no longer active: choose another mentor.",
                        icon="triangle-alert",
                        color_scheme="amber",
                        size="1",
                    ),
                ),
                spacing="2",
                align="start",
            ),
            spacing="5",
            align="start",
        ),
        size="3",
        width="100%",
        aria_label="Mentor contact card",
        role="region",
    )


def mentor_menu_card(name: rx.Var[str], email: rx.Var[str], phone: rx.Var[str]) -> rx.Component:
    """The mentor's name and quick contact links, under the entries of the left main menu."""
    return rx.box(
        rx.text("Your mentor", size="1", color_scheme="gray", weight="medium"),
        rx.text(name, weight="bold", size="3"),
        rx.vstack(
            rx.cond(
                email != "",
                rx.link(
                    rx.hstack(
                        rx.icon("mail", size=14, flex_shrink="0"),
                        rx.text(email, size="2"),
                        align="center",
                        spacing="2",
                    ),
                    href="mailto:" + email,
                    aria_label="Email your mentor " + email,
                ),
            ),
            rx.cond(
                phone != "",
                rx.link(
                    rx.hstack(
                        rx.icon("phone", size=14, flex_shrink="0"),
                        rx.text(phone, size="2"),
                        align="center",
                        spacing="2",
                    ),
                    href=tel_href(phone),
                    aria_label="Call your mentor " + phone,
                ),
            ),
            spacing="1",
            padding_top="0.4em",
        ),
        role="region",
        aria_label="Your mentor",
        padding="0.75em",
        border_radius="var(--radius-3)",
        background="var(--accent-a2)",
        border="1px solid var(--accent-a5)",
        width="100%",
        style={"word_break": "break-word"},
    )
