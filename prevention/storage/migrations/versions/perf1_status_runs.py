"""The stored status table (issue 17): runs of days per State and rule-set version, and the
days each rule-set version was computed for.

Revision ID: perf1
Revises: live1
"""
import sqlalchemy as sa
from alembic import op

revision = 'perf1'
down_revision = 'live1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('status_refreshes',
    sa.Column('rule_set_id', sa.String(length=100), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('rules_sha', sa.String(length=64), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('rule_set_id', 'rule_set_version', name=op.f('pk_status_refreshes'))
    )
    op.create_table('status_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.String(length=100), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('criteria_met', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_runs'))
    )
    op.create_index('ix_status_runs_lookup', 'status_runs',
                    ['rule_set_id', 'rule_set_version', 'last_day', 'first_day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_status_runs_lookup', table_name='status_runs')
    op.drop_table('status_runs')
    op.drop_table('status_refreshes')
