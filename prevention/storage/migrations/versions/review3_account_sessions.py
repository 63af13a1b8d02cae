"""Review (issue 5): signed-in browser sessions (only a hash of each cookie's token is stored).

Revision ID: review3
Revises: review2
"""
import sqlalchemy as sa
from alembic import op

revision = 'review3'
down_revision = 'review2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_sessions_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_sessions_token_hash'))
    )
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_sessions_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_sessions_account_id'))
    op.drop_table('account_sessions')
