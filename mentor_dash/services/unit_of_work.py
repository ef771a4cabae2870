"""Running one selector or service in its own transaction, recording refusals.

A refused call rolls back whatever it began and leaves a 'denied' audit event behind.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from mentor_dash.db import read_session, write_session
from mentor_dash.domain.access import Actor
from mentor_dash.domain.errors import NotAllowed, NotSignedIn
from mentor_dash.services.audit import audit_denied

T = TypeVar("T")


def _record_refusal(error: NotAllowed, actor: Actor | None) -> None:
    if isinstance(error, NotSignedIn):
        return
    audit_denied(actor=actor, action=error.action, target_type=error.target_type, target_id=error.target_id)


def run_read(fn: Callable[..., T], /, *, actor: Actor | None = None, **kwargs: Any) -> T:
    """Call `fn(session=..., actor=..., **kwargs)` in a read-only session."""
    try:
        with read_session() as session:
            return fn(session=session, **({"actor": actor} if actor is not None else {}), **kwargs)
    except NotAllowed as error:
        _record_refusal(error, actor)
        raise


def run_write(fn: Callable[..., T], /, *, actor: Actor | None = None, **kwargs: Any) -> T:
    """Call `fn(session=..., actor=..., **kwargs)` in one write transaction, committed on success."""
    try:
        with write_session() as session:
            return fn(session=session, **({"actor": actor} if actor is not None else {}), **kwargs)
    except NotAllowed as error:
        _record_refusal(error, actor)
        raise
