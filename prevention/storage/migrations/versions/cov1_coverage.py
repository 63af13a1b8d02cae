"""Coverage (issue 10): what each source was searched for, by issuer kind, State and days.

Revision ID: cov1
Revises: review3
"""
import sqlalchemy as sa
from alembic import op

revision = 'cov1'
down_revision = 'review3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coverage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('issuer_kind', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('completeness', sa.String(length=10), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('declared_by', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("completeness IN ('complete', 'sample')", name=op.f('ck_coverage_completeness_known')),
    sa.CheckConstraint('"end" >= start', name=op.f('ck_coverage_end_after_start')),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_coverage_import_id_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage'))
    )
    with op.batch_alter_table('coverage', schema=None) as batch_op:
        batch_op.create_index('ix_coverage_key', ['source', 'issuer_kind', 'country', 'start'], unique=False)
        batch_op.create_index(batch_op.f('ix_coverage_import_id'), ['import_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('coverage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverage_import_id'))
        batch_op.drop_index('ix_coverage_key')
    op.drop_table('coverage')
