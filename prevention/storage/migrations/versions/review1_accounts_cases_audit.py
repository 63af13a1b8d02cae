"""Review (issue 5): accounts, review cases with their frozen snapshots, events, decisions and
assessments, and the append-only audit log (UPDATE and DELETE refused by triggers).

Revision ID: review1
Revises: 0001
Create Date: 2026-11-27 20:17:08.990790
"""
import sqlalchemy as sa
from alembic import op

# The audit log is append-only for everyone, the application's own database user included.
# A later migration that must rebuild audit_log on SQLite (batch mode copies the table) has to
# create these triggers again.
_PG_FUNCTION = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_PG_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
]


def _protect_audit_log() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        for statement in _PG_TRIGGERS:
            op.execute(statement)
    elif dialect == "sqlite":
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        raise NotImplementedError(f"no append-only guard for {dialect}; add one here")


def _unprotect_audit_log() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


revision = 'review1'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('viewer', 'reviewer', 'researcher', 'admin')", name=op.f('ck_accounts_role_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email')),
    sa.UniqueConstraint('username', name=op.f('uq_accounts_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=200), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_log_entity', ['entity_type', 'entity_id'], unique=False)
    _protect_audit_log()

    op.create_table('review_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rule_set_id', sa.String(length=120), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('new', 'in_review', 'decided', 'closed')", name=op.f('ck_review_cases_status_known')),
    sa.ForeignKeyConstraint(['assignee_id'], ['accounts.id'], name=op.f('fk_review_cases_assignee_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_cases'))
    )
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_cases_country'), ['country'], unique=False)
        batch_op.create_index('uq_review_cases_open_country', ['country'], unique=True, sqlite_where=sa.text("status != 'closed'"), postgresql_where=sa.text("status != 'closed'"))

    op.create_table('case_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('judgement', sa.String(length=60), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("rating IN ('positive', 'mixed', 'negative', 'unknown')", name=op.f('ck_case_assessments_rating_known')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_case_assessments_author_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_case_assessments_case_id_review_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assessments'))
    )
    with op.batch_alter_table('case_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assessments_case_id'), ['case_id'], unique=False)

    op.create_table('case_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_seq', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=120), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('dialogue', 'cooperation_mission', 'joint_mission', 'hc_briefing', 'special_session', 'technical_assistance', 'monitoring', 'no_action')", name=op.f('ck_case_decisions_action_known')),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_case_decisions_case_id_review_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['accounts.id'], name=op.f('fk_case_decisions_decided_by_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_decisions'))
    )
    with op.batch_alter_table('case_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_decisions_case_id'), ['case_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_case_events_actor_id_accounts')),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_case_events_case_id_review_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.String(length=120), nullable=False),
    sa.Column('rule_set_version', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('criteria_met', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['review_cases.id'], name=op.f('fk_case_snapshots_case_id_review_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_snapshots')),
    sa.UniqueConstraint('case_id', 'seq', name=op.f('uq_case_snapshots_case_id_seq'))
    )
    with op.batch_alter_table('case_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_snapshots_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('case_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_snapshots_case_id'))

    op.drop_table('case_snapshots')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('case_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_decisions_case_id'))

    op.drop_table('case_decisions')
    with op.batch_alter_table('case_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assessments_case_id'))

    op.drop_table('case_assessments')
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.drop_index('uq_review_cases_open_country', sqlite_where=sa.text("status != 'closed'"), postgresql_where=sa.text("status != 'closed'"))
        batch_op.drop_index(batch_op.f('ix_review_cases_country'))

    op.drop_table('review_cases')
    _unprotect_audit_log()
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('accounts')
