"""Demo and scale data for mentor_dash (`python -m mentor_dash.seed`).

`seed_demo` fills an empty, migrated database with the demo: the organisation Demo Academy (four
learning programs, about 25 coaches, 600 participants with enrollments, mentors, subscriptions,
submissions, exams, XP and an audit history) and the smaller Northwind Institute, which shows that
organisations never see each other. `seed_scale` builds the same shape with any number of
participants for benchmarks.

Every seeded user signs in with the password `demo1234`: it is hashed once per run and that hash
is shared, because hashing per user would take minutes. The demo logins are

- mentor@example.com: Maya Jansen, a coach who mentors about 60 participants;
- coach@example.com: Sanne Bakker, a coach with graded and waiting work, exams and groups;
- participant@example.com: Sam Visser, mentored by Maya, coached by Sanne in one program and
  without a coach in another;
- manager@example.com: Lotte de Boer, program manager of Demo Academy
  (manager@northwind.example.com manages Northwind Institute).

The same seed gives the same rows on the same day: dates are relative to today (UTC midnight).
"""

from mentor_dash.seed.runner import (
    COACH_EMAIL,
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    MENTOR_EMAIL,
    NORTHWIND_MANAGER_EMAIL,
    PARTICIPANT_EMAIL,
    DatabaseNotEmpty,
    Progress,
    SeedSummary,
    database_is_empty,
    seed_demo,
    seed_scale,
)

__all__ = [
    "COACH_EMAIL",
    "DEMO_PASSWORD",
    "MANAGER_EMAIL",
    "MENTOR_EMAIL",
    "NORTHWIND_MANAGER_EMAIL",
    "PARTICIPANT_EMAIL",
    "DatabaseNotEmpty",
    "Progress",
    "SeedSummary",
    "database_is_empty",
    "seed_demo",
    "seed_scale",
]
