"""Status badges: subscription, coach, exam counters."""

import reflex as rx

SUBSCRIPTION_LABELS = {
    "active": ("Active", "green"),
    "expiring": ("Expiring soon", "amber"),
    "expired": ("Expired", "red"),
    "none": ("No subscription", "gray"),
}


def subscription_badge(status: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        *[
            (key, rx.badge(label, color_scheme=color, variant="soft"))  # type: ignore[arg-type]
            for key, (label, color) in SUBSCRIPTION_LABELS.items()
        ],
        rx.badge(status, variant="soft"),
    )


def no_coach_badge() -> rx.Component:
    return rx.badge(rx.icon("user-x", size=12), "No coach", color_scheme="red", variant="solid", size="1")


def primary_marker() -> rx.Component:
    return rx.tooltip(
        rx.badge(rx.icon("star", size=11), "Primary", color_scheme="indigo", variant="soft", size="1"),
        content="Primary coach",
    )


def count_badge(count: rx.Var[int], label: str, color: str, description: str) -> rx.Component:
    return rx.cond(
        count > 0,
        rx.tooltip(
            rx.badge(f"{label} ", count, color_scheme=color, variant="soft", size="1"),  # type: ignore[arg-type]
            content=description,
        ),
    )
