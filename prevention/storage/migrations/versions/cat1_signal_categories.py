"""GA/SC categories (issue 13): a signal's category, which rule sets may filter on.

Revision ID: cat1
Revises: sec1
"""
import sqlalchemy as sa
from alembic import op

revision = 'cat1'
down_revision = 'sec1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=60), server_default='',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_column('category')
