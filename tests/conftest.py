"""Database fixtures shared by every test: each backend-aware test runs on SQLite and PostgreSQL."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

import mentor_dash.models  # noqa: F401  (registers the tables)
from tests.databases import DatabaseTemplate, require_postgres

BACKENDS = ["sqlite", "postgresql"]
_outcomes_by_backend: Counter[tuple[str, str]] = Counter()
_report_lines: list[str] = []


def report_line(line: str) -> None:
    """A line for the end of the test run's output (figures a test wants to show)."""
    _report_lines.append(line)


@pytest.fixture(scope="session")
def db_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("databases")


def _template(request: pytest.FixtureRequest, workdir: Path, fill=None) -> Iterator[DatabaseTemplate]:
    backend = request.param
    if backend == "postgresql":
        require_postgres()
    template = DatabaseTemplate(backend, workdir)
    template.build(fill)
    yield template
    template.destroy()


@pytest.fixture(scope="session", params=BACKENDS)
def empty_template(request: pytest.FixtureRequest, db_workdir: Path) -> Iterator[DatabaseTemplate]:
    yield from _template(request, db_workdir)


@pytest.fixture(scope="session", params=BACKENDS)
def demo_template(request: pytest.FixtureRequest, db_workdir: Path) -> Iterator[DatabaseTemplate]:
    from mentor_dash.seed import seed_demo

    yield from _template(request, db_workdir, fill=lambda engine: seed_demo(engine))


@pytest.fixture
def engine(empty_template: DatabaseTemplate) -> Iterator[Engine]:
    """A freshly migrated, empty database on each backend."""
    with empty_template.copy() as fresh:
        yield fresh


@pytest.fixture
def demo_engine(demo_template: DatabaseTemplate) -> Iterator[Engine]:
    """A fresh copy of the seeded demo database on each backend."""
    with demo_template.copy() as fresh:
        yield fresh


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec else {}
    backend = next(
        (params[name].split("-")[0] for name in ("empty_template", "demo_template") if name in params),
        None,
    )
    if backend is not None:
        _outcomes_by_backend[(backend, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _report_lines:
        terminalreporter.section("figures")
        for line in _report_lines:
            terminalreporter.write_line(line)
    if not _outcomes_by_backend:
        return
    terminalreporter.section("database backends")
    for backend in BACKENDS:
        counts = {o: n for (b, o), n in _outcomes_by_backend.items() if b == backend}
        summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.items())) or "none"
        terminalreporter.write_line(f"{backend}: {summary}")
