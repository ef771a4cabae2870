"""Learning programs, their modules, assignments and exams, and which coaches may coach them."""

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class LearningProgram(SQLModel, table=True):
    __tablename__ = "learning_program"
    __table_args__ = (UniqueConstraint("organization_id", "name", name="uq_program_org_name"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    exam_threshold_pct: int = 80


class Module(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("program_id", "position", name="uq_module_program_position"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="learning_program.id")
    position: int
    title: str = Field(max_length=200)
    is_optional: bool = False


class Assignment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", index=True)
    position: int
    title: str = Field(max_length=200)
    xp: int


class Exam(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="module.id", unique=True)
    title: str = Field(max_length=200)
    xp: int


class CoachRegistration(SQLModel, table=True):
    __tablename__ = "coach_registration"
    __table_args__ = (
        UniqueConstraint("coach_id", "program_id", name="uq_registration_coach_program"),
        Index("ix_registration_program", "program_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id")
    coach_id: int = Field(foreign_key="app_user.id")
    program_id: int = Field(foreign_key="learning_program.id")
