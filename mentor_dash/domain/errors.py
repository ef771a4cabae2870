"""Errors the domain raises; pages turn each into a clear message."""


class DomainError(Exception):
    """A refusal with a message meant for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The actor may not do this, or the target does not exist: both look the same."""

    def __init__(self, message: str = "You are not allowed to do that, or it does not exist.") -> None:
        super().__init__(message)


class ValidationFailed(DomainError):
    """The input breaks a rule; nothing was changed."""


class Conflict(DomainError):
    """Someone else changed the data meanwhile; nothing was overwritten."""
