"""The grading dialog: the submission as plain text, pass / fail or a score, and feedback."""

import reflex as rx

from mentor_dash.components.feedback import error_callout

LABEL_STYLE = {"font_weight": "500", "font_size": "14px"}


def _choice(value: str, label: str, group: str) -> rx.Component:
    control_id = f"{group}-{value}"
    return rx.el.label(
        rx.hstack(
            rx.radio_group.item(value=value, id=control_id), rx.text(label), spacing="2", align="center"
        ),
        html_for=control_id,
    )


def grade_dialog(
    *,
    open: rx.Var[bool],
    form_key: rx.Var[int],
    participant: rx.Var[str],
    program: rx.Var[str],
    assignment: rx.Var[str],
    xp: rx.Var[int],
    submitted: rx.Var[str],
    content: rx.Var[str],
    error: rx.Var[str],
    on_submit: rx.event.EventType,
    on_close: rx.event.EventHandler,
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Grade ", assignment),
            rx.dialog.description(
                participant, " · ", program, " · handed in ", submitted, " · worth ", xp, " XP", size="2"
            ),
            rx.box(
                rx.text(content, size="2", style={"white_space": "pre-wrap", "word_break": "break-word"}),
                aria_label="Submitted work",
                role="region",
                max_height="14em",
                overflow_y="auto",
                padding="0.75em",
                margin_y="0.75em",
                border_radius="var(--radius-2)",
                background="var(--gray-a3)",
            ),
            rx.form(
                rx.vstack(
                    rx.el.span("Result", id="grade-result-label", style=LABEL_STYLE),
                    rx.radio_group.root(
                        rx.hstack(
                            _choice("pass", "Pass", "grade-result"),
                            _choice("fail", "Fail", "grade-result"),
                            spacing="5",
                        ),
                        name="result",
                        aria_labelledby="grade-result-label",
                    ),
                    rx.el.label(
                        "Score (0 to 100, optional; 60 or more is a pass)",
                        html_for="grade-score",
                        style=LABEL_STYLE,
                    ),
                    rx.input(
                        id="grade-score",
                        name="score",
                        type="number",
                        min=0,
                        max=100,
                        step=1,
                        width="10em",
                    ),
                    rx.el.label("Feedback", html_for="grade-feedback", style=LABEL_STYLE),
                    rx.text_area(
                        id="grade-feedback", name="feedback", max_length=5000, rows="4", width="100%"
                    ),
                    error_callout(error),
                    rx.hstack(
                        rx.button(
                            "Cancel", type="button", variant="soft", color_scheme="gray", on_click=on_close
                        ),
                        rx.button("Save grade", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
                key=form_key.to_string(),
            ),
            max_width="40em",
        ),
        open=open,
        on_open_change=lambda _open: on_close(),  # type: ignore[operator]
    )
