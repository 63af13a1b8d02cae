"""Accounts security (issue 12): the once-only first administrator, sign-in throttling, the
one-time code that hands a sign-in to the HttpOnly cookie, and an audit-log guard against
SQLite's INSERT OR REPLACE.

Revision ID: sec1
Revises: cov1
"""
import sqlalchemy as sa
from alembic import op

revision = 'sec1'
down_revision = 'cov1'
branch_labels = None
depends_on = None

# SQLite's REPLACE conflict resolution deletes the row in the way without firing DELETE
# triggers (unless PRAGMA recursive_triggers is on), so `INSERT OR REPLACE INTO audit_log` with
# an existing id would rewrite history past review1's guards. Refuse any insert whose id exists.
# PostgreSQL needs nothing new: INSERT ... ON CONFLICT DO UPDATE fires the UPDATE trigger.
_SQLITE_NO_REPLACE = (
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
    "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: INSERT over an existing id refused'); END"
)


def upgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_admin', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index('uq_accounts_first_admin', ['first_admin'], unique=True,
                              sqlite_where=sa.text('first_admin'),
                              postgresql_where=sa.text('first_admin'))

    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handoff_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('handoff_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_account_sessions_handoff_hash'), ['handoff_hash'])

    op.create_table('sign_in_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("scope IN ('account', 'address')", name=op.f('ck_sign_in_throttle_scope_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttle')),
    sa.UniqueConstraint('scope', 'key', name=op.f('uq_sign_in_throttle_scope_key'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failure_at'), ['last_failure_at'],
                              unique=False)

    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SQLITE_NO_REPLACE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failure_at'))
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('account_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_account_sessions_handoff_hash'), type_='unique')
        batch_op.drop_column('handoff_expires_at')
        batch_op.drop_column('handoff_hash')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_accounts_first_admin', sqlite_where=sa.text('first_admin'),
                            postgresql_where=sa.text('first_admin'))
        batch_op.drop_column('first_admin')
