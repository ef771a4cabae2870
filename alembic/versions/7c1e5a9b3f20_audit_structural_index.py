"""audit structural index

Revision ID: 7c1e5a9b3f20
Revises: d28047dde078
Create Date: 2026-12-05 00:35:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '7c1e5a9b3f20'
down_revision: Union[str, Sequence[str], None] = 'd28047dde078'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Written out rather than imported: a migration keeps the schema of its day.
STRUCTURAL_CHANGE = "action NOT LIKE 'submission.%' AND action NOT LIKE 'exam.%' AND action NOT LIKE 'xp.%'"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        'ix_audit_org_structural_id',
        'audit_event',
        ['organization_id', 'id'],
        unique=False,
        sqlite_where=sa.text(STRUCTURAL_CHANGE),
        postgresql_where=sa.text(STRUCTURAL_CHANGE),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_audit_org_structural_id', table_name='audit_event')
