"""One coach in a picker list: name, contact email, load in the program, availability, a choose button."""

import dataclasses
from collections.abc import Callable

import reflex as rx


@dataclasses.dataclass
class CandidateView:
    """A coach who may take an enrollment, as the picker shows them."""

    coach_id: int = 0
    name: str = ""
    email: str = ""
    load: int = 0
    available: bool = True
    current: bool = False


def candidate_row(
    candidate: CandidateView,
    *,
    choose_label: str,
    current_label: str,
    on_choose: Callable[[rx.Var[int]], rx.event.EventSpec],
    aria_prefix: str | None = None,
) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(candidate.name, weight="medium", size="2"),
            rx.text(candidate.email, size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.badge(candidate.load.to_string() + " active in program", variant="soft", size="1"),
        rx.cond(
            candidate.available,
            rx.badge("Available", color_scheme="green", size="1"),
            rx.badge("Unavailable", color_scheme="gray", size="1"),
        ),
        rx.cond(
            candidate.current,
            rx.badge(current_label, color_scheme="indigo", size="1"),
            rx.button(
                choose_label,
                size="1",
                on_click=on_choose(candidate.coach_id),
                aria_label=f"{aria_prefix or choose_label} " + candidate.name,
            ),
        ),
        width="100%",
        align="center",
        spacing="2",
        padding_y="0.4em",
        border_bottom="1px solid var(--gray-a4)",
    )
