"""Live routes (issue 16): a feed token and an e-mail digest setting per watchlist; API tokens
per account; request counts for the API's rate limits.

Revision ID: live1
Revises: src1
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = 'live1'
down_revision = 'src1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=10), server_default='off',
                                      nullable=False))
        batch_op.add_column(sa.Column('digest_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('digest_statuses', sa.JSON(), nullable=True))
    # Every existing list gets its own unguessable feed address.
    conn = op.get_bind()
    table = sa.table('watchlists', sa.column('id', sa.Integer), sa.column('feed_token', sa.String))
    for (wid,) in conn.execute(sa.select(table.c.id)).all():
        conn.execute(table.update().where(table.c.id == wid)
                     .values(feed_token=secrets.token_urlsafe(16)))
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.alter_column('feed_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_watchlists_feed_token'), ['feed_token'])
        batch_op.create_check_constraint('digest_known', "digest IN ('off', 'weekly', 'change')")
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_api_tokens_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_account_id'), ['account_id'], unique=False)
    op.create_table('api_rate_counts',
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_start', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.CheckConstraint("scope IN ('address', 'token')", name=op.f('ck_api_rate_counts_scope_known')),
    sa.PrimaryKeyConstraint('scope', 'key', 'window_start', name=op.f('pk_api_rate_counts'))
    )
    with op.batch_alter_table('api_rate_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_rate_counts_window_start'), ['window_start'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('api_rate_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_rate_counts_window_start'))
    op.drop_table('api_rate_counts')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_account_id'))
    op.drop_table('api_tokens')
    with op.batch_alter_table('watchlists', schema=None) as batch_op:
        batch_op.drop_constraint('digest_known', type_='check')
        batch_op.drop_constraint(batch_op.f('uq_watchlists_feed_token'), type_='unique')
        batch_op.drop_column('digest_statuses')
        batch_op.drop_column('digest_sent_at')
        batch_op.drop_column('digest')
        batch_op.drop_column('feed_token')
