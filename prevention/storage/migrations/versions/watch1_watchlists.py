"""Watchlists (issue 4): lists of States per user, their items and each user's last visit.

Revision ID: watch1
Revises: review1
"""
import sqlalchemy as sa
from alembic import op

revision = 'watch1'
down_revision = 'review1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'watchlists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('shared', sa.Boolean(), nullable=False),
        sa.Column('share_token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_watchlists')),
        sa.UniqueConstraint('owner', 'name', name=op.f('uq_watchlists_owner_name')),
        sa.UniqueConstraint('share_token', name=op.f('uq_watchlists_share_token')),
    )
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watchlists_owner'), ['owner'], unique=False)
    op.create_table(
        'watchlist_items',
        sa.Column('watchlist_id', sa.Integer(), nullable=False),
        sa.Column('country', sa.String(length=3), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['watchlist_id'], ['watchlists.id'],
                                name=op.f('fk_watchlist_items_watchlist_id_watchlists'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('watchlist_id', 'country', name=op.f('pk_watchlist_items')),
    )
    op.create_table(
        'watchlist_visits',
        sa.Column('watchlist_id', sa.Integer(), nullable=False),
        sa.Column('user_name', sa.String(length=120), nullable=False),
        sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('statuses', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['watchlist_id'], ['watchlists.id'],
                                name=op.f('fk_watchlist_visits_watchlist_id_watchlists'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('watchlist_id', 'user_name', name=op.f('pk_watchlist_visits')),
    )


def downgrade() -> None:
    op.drop_table('watchlist_visits')
    op.drop_table('watchlist_items')
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watchlists_owner'))
    op.drop_table('watchlists')
