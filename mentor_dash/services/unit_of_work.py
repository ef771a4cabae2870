"""Running one selector or service in its own transaction, recording refusals.

A refused call rolls back whatever it began and leaves a 'denied' audit event behind.
"""

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session

from mentor_dash.db import read_session, write_session
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import Conflict, NotAllowed, NotSignedIn, Unavailable
from mentor_dash.services.audit import audit_denied

T = TypeVar("T")
logger = logging.getLogger(__name__)
CHANGED_MEANWHILE = "Someone else changed this at the same time. The page shows the current state now."
_NO_ACTOR: Any = object()


def _run(
    opener: Callable[[], AbstractContextManager[Session]], fn: Callable[..., T], actor: Any, kwargs: dict
) -> T:
    with_actor = {} if actor is _NO_ACTOR else {"actor": actor}
    try:
        with opener() as session:
            return fn(session=session, **with_actor, **kwargs)
    except IntegrityError as error:
        # A unique or foreign key constraint caught a race the service could not see coming.
        raise Conflict(CHANGED_MEANWHILE) from error
    except (OperationalError, InterfaceError) as error:
        # A dropped connection or a server restart: the pool reconnects on the next checkout.
        logger.warning("database unavailable: %s", str(error).splitlines()[0][:300])
        raise Unavailable() from error
    except NotAllowed as error:
        if not isinstance(error, NotSignedIn):
            audit_denied(
                actor=None if actor is _NO_ACTOR else actor,
                action=error.action,
                target_type=error.target_type,
                target_id=error.target_id,
            )
        raise


def run_read(fn: Callable[..., T], /, *, actor: Actor | None = _NO_ACTOR, **kwargs: Any) -> T:
    """Call `fn(session=..., [actor=...], **kwargs)` in a read-only session."""
    return _run(read_session, fn, actor, kwargs)


def run_write(fn: Callable[..., T], /, *, actor: Actor | None = _NO_ACTOR, **kwargs: Any) -> T:
    """Call `fn(session=..., [actor=...], **kwargs)` in one write transaction, committed on success."""
    return _run(write_session, fn, actor, kwargs)
