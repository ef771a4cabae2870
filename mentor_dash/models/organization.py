"""Tenants, people and the contact details coaches show to participants."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from mentor_dash.models._types import UTCDateTime, utcnow
from mentor_dash.models.enums import Availability


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (
        UniqueConstraint("email", name="uq_user_email"),
        Index("ix_user_org_name", "organization_id", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    is_participant: bool = False
    is_coach: bool = False
    is_manager: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CoachProfile(SQLModel, table=True):
    __tablename__ = "coach_profile"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    phone: str = Field(default="", max_length=40)
    contact_email: str = Field(default="", max_length=254)
    bio: str = Field(default="", max_length=2000)
    availability: str = Field(default=Availability.AVAILABLE, max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
