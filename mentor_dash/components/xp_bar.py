"""Earned XP against what the programs offer, with an optional exam-threshold marker."""

import reflex as rx


def xp_bar(
    earned: rx.Var[int],
    available: rx.Var[int],
    percent: rx.Var[int],
    threshold_percent: rx.Var[int] | int | None = None,
) -> rx.Component:
    marker = (
        rx.box(
            position="absolute",
            top="-2px",
            bottom="-2px",
            width="2px",
            background="var(--gray-12)",
            left=f"{threshold_percent}%"
            if isinstance(threshold_percent, int)
            else threshold_percent.to_string() + "%",
            title="Exam threshold",
        )
        if threshold_percent is not None
        else rx.fragment()
    )
    return rx.vstack(
        rx.box(
            rx.box(
                height="100%",
                width=percent.to_string() + "%",
                background="var(--accent-9)",
                border_radius="var(--radius-1)",
            ),
            marker,
            position="relative",
            height="8px",
            width="100%",
            min_width="7em",
            background="var(--gray-a4)",
            border_radius="var(--radius-1)",
            role="progressbar",
            aria_valuenow=earned,
            aria_valuemin=0,
            aria_valuemax=available,
            aria_label="Earned XP",
        ),
        rx.text(earned, " / ", available, " XP", size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )
