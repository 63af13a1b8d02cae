"""Fetching the public sources (issue 14, phase 2): a cursor per source (with the run in
progress, so a killed fetch resumes at the page it did not store), the archive of raw responses
(gzip body, SHA-256 unique per source, the request that asked for it) and which response each
signal was read from.

Revision ID: src1
Revises: hard1
"""
import sqlalchemy as sa
from alembic import op

revision = 'src1'
down_revision = 'hard1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source_cursors',
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('known', sa.JSON(), nullable=False),
    sa.Column('etag', sa.Text(), nullable=False),
    sa.Column('last_modified', sa.String(length=100), nullable=False),
    sa.Column('run', sa.JSON(), nullable=True),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_outcome', sa.String(length=20), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('last_actor', sa.String(length=120), nullable=False),
    sa.Column('last_pages', sa.Integer(), nullable=False),
    sa.Column('last_accepted', sa.Integer(), nullable=False),
    sa.Column('last_duplicates', sa.Integer(), nullable=False),
    sa.Column('last_quarantined', sa.Integer(), nullable=False),
    sa.Column('last_skipped', sa.Integer(), nullable=False),
    sa.Column('last_coverage', sa.Integer(), nullable=False),
    sa.CheckConstraint("last_outcome IN ('', 'done', 'not_modified', 'incomplete', 'failed')", name=op.f('ck_source_cursors_outcome_known')),
    sa.PrimaryKeyConstraint('source', name=op.f('pk_source_cursors'))
    )
    op.create_table('raw_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=200), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_raw_responses_import_id_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_responses')),
    sa.UniqueConstraint('source', 'sha256', name=op.f('uq_raw_responses_source_sha256'))
    )
    with op.batch_alter_table('raw_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_responses_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_responses_source'), ['source'], unique=False)

    op.create_table('signal_responses',
    sa.Column('signal_id', sa.String(length=200), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['raw_responses.id'], name=op.f('fk_signal_responses_response_id_raw_responses')),
    sa.ForeignKeyConstraint(['signal_id'], ['signals.signal_id'], name=op.f('fk_signal_responses_signal_id_signals')),
    sa.PrimaryKeyConstraint('signal_id', 'response_id', name=op.f('pk_signal_responses'))
    )
    with op.batch_alter_table('signal_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signal_responses_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('signal_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signal_responses_response_id'))

    op.drop_table('signal_responses')
    with op.batch_alter_table('raw_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_responses_source'))
        batch_op.drop_index(batch_op.f('ix_raw_responses_import_id'))

    op.drop_table('raw_responses')
    op.drop_table('source_cursors')
