"""Review (issue 5): which rule-set version is published, i.e. the one cases open under.

Revision ID: review2
Revises: watch1
"""
import sqlalchemy as sa
from alembic import op

revision = 'review2'
down_revision = 'watch1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rule_set_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.String(length=120), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('published_by', sa.String(length=120), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_set_publications'))
    )


def downgrade() -> None:
    op.drop_table('rule_set_publications')
