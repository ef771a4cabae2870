from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from mentor_dash.db import override_engine


@pytest.fixture
def demo(demo_engine: Engine) -> Iterator[Engine]:
    """The demo data, with the services pointed at it."""
    with override_engine(demo_engine):
        yield demo_engine
