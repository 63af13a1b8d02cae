"""Core tables: countries, imports, issuers (+ accreditation history), signals and their
issuers, memberships, outcomes, rule sets, quarantine, and the data-version counter.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 20:16:18.413760
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('countries',
    sa.Column('iso3', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('formal_name', sa.String(length=300), nullable=False),
    sa.Column('un_group', sa.String(length=40), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('iso3', name=op.f('pk_countries'))
    )
    data_version = op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    # The one counter row every write bumps (prevention.storage.frames.bump_version).
    op.bulk_insert(data_version, [{'id': 1, 'version': 0}])
    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source_kind', sa.String(length=40), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports'))
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imports_sha256'), ['sha256'], unique=False)

    op.create_table('rule_sets',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', 'version', name=op.f('pk_rule_sets'))
    )
    op.create_table('issuers',
    sa.Column('issuer_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('accreditation', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_issuers_import_id_imports')),
    sa.PrimaryKeyConstraint('issuer_id', name=op.f('pk_issuers'))
    )
    with op.batch_alter_table('issuers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issuers_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issuers_kind'), ['kind'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_memberships_import_id_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_memberships_key', ['org_id', 'country', 'since'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('special_session', 'commission_of_inquiry', 'fact_finding_mission', 'urgent_debate', 'other')", name=op.f('ck_outcomes_kind_known')),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_outcomes_import_id_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_outcomes_key', ['kind', 'reference', 'country'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('field', sa.String(length=200), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('suggestions', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('fixed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fixed_by', sa.String(length=120), nullable=True),
    sa.Column('fixed_import_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'fixed')", name=op.f('ck_quarantine_status_known')),
    sa.ForeignKeyConstraint(['fixed_import_id'], ['imports.id'], name=op.f('fk_quarantine_fixed_import_id_imports')),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_quarantine_import_id_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_import_id'), ['import_id'], unique=False)
        batch_op.create_index('ix_quarantine_status', ['status'], unique=False)

    op.create_table('signals',
    sa.Column('signal_id', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('concern', sa.Boolean(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_signals_import_id_imports')),
    sa.PrimaryKeyConstraint('signal_id', name=op.f('pk_signals')),
    sqlite_with_rowid=False
    )

    op.create_table('issuer_accreditations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_issuer_accreditations_import_id_imports')),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.issuer_id'], name=op.f('fk_issuer_accreditations_issuer_id_issuers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_accreditations'))
    )
    with op.batch_alter_table('issuer_accreditations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issuer_accreditations_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issuer_accreditations_issuer_id'), ['issuer_id'], unique=False)

    op.create_table('signal_issuers',
    sa.Column('signal_id', sa.String(length=200), nullable=False),
    sa.Column('issuer_id', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuers.issuer_id'], name=op.f('fk_signal_issuers_issuer_id_issuers')),
    sa.ForeignKeyConstraint(['signal_id'], ['signals.signal_id'], name=op.f('fk_signal_issuers_signal_id_signals')),
    sa.PrimaryKeyConstraint('signal_id', 'issuer_id', name=op.f('pk_signal_issuers')),
    sqlite_with_rowid=False
    )



def downgrade() -> None:
    op.drop_table('signal_issuers')
    with op.batch_alter_table('issuer_accreditations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issuer_accreditations_issuer_id'))
        batch_op.drop_index(batch_op.f('ix_issuer_accreditations_import_id'))

    op.drop_table('issuer_accreditations')
    op.drop_table('signals')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index('ix_quarantine_status')
        batch_op.drop_index(batch_op.f('ix_quarantine_import_id'))

    op.drop_table('quarantine')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_key')
        batch_op.drop_index(batch_op.f('ix_outcomes_import_id'))

    op.drop_table('outcomes')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_key')
        batch_op.drop_index(batch_op.f('ix_memberships_import_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('issuers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issuers_kind'))
        batch_op.drop_index(batch_op.f('ix_issuers_import_id'))

    op.drop_table('issuers')
    op.drop_table('rule_sets')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_sha256'))

    op.drop_table('imports')
    op.drop_table('data_version')
    op.drop_table('countries')
