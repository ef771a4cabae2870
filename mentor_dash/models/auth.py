"""Sign-in sessions and failed sign-in attempts."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mentor_dash.models._types import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_email_at", "email", "attempted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    succeeded: bool
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
