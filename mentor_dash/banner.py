"""Printed by `make run` before the app starts: where to open it and how to sign in."""

from mentor_dash import settings

DEMO_PASSWORD = "demo1234"
DEMO_LOGINS: list[tuple[str, str]] = [
    ("mentor@example.com", "a coach who mentors about 60 participants"),
    ("coach@example.com", "a coach"),
    ("participant@example.com", "a participant with a mentor"),
    ("manager@example.com", "the program manager of Demo Academy"),
]


def banner() -> str:
    lines = [
        "",
        f"Mentor Dash is starting on http://localhost:{settings.app_port()}/",
        f"Database: {settings.database_url()}",
        f"Demo logins (password {DEMO_PASSWORD}):",
        *[f"  {email:<26} {who}" for email, who in DEMO_LOGINS],
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(banner())
