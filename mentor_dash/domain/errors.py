"""Errors the domain raises; pages turn each into a clear message."""


class DomainError(Exception):
    """A refusal with a message meant for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NOT_ALLOWED = "You are not allowed to do that, or it does not exist."
NOT_SIGNED_IN = "Please sign in again: your session has ended."


class NotAllowed(DomainError):
    """The actor may not do this, or the target does not exist: both look the same."""

    def __init__(
        self,
        message: str = NOT_ALLOWED,
        *,
        action: str = "",
        target_type: str = "",
        target_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.action = action
        self.target_type = target_type
        self.target_id = target_id


class NotSignedIn(NotAllowed):
    """No valid session: signed out, expired, revoked or deactivated."""

    def __init__(self) -> None:
        super().__init__(NOT_SIGNED_IN)


class ValidationFailed(DomainError):
    """The input breaks a rule; nothing was changed."""


class Conflict(DomainError):
    """Someone else changed the data meanwhile; nothing was overwritten."""


DATABASE_UNAVAILABLE = "The database could not be reached just now. Nothing was changed; please try again."


class Unavailable(DomainError):
    """The database or another service failed; the action was rolled back and can be retried."""

    def __init__(self, message: str = DATABASE_UNAVAILABLE) -> None:
        super().__init__(message)
