"""Outcome kind country_resolution (issue 15): HRC regular-session country resolutions, from the
UN Digital Library connector, join special sessions, inquiries, missions and urgent debates.

Revision ID: bt1
Revises: cat1
"""
from alembic import op

revision = 'bt1'
down_revision = 'cat1'
branch_labels = None
depends_on = None

_BEFORE = ("'special_session', 'commission_of_inquiry', 'fact_finding_mission', "
           "'urgent_debate', 'other'")
_AFTER = ("'special_session', 'commission_of_inquiry', 'fact_finding_mission', "
          "'urgent_debate', 'country_resolution', 'other'")


def _kinds(allowed: str) -> None:
    # Batch mode: SQLite rebuilds the table with the new CHECK; PostgreSQL alters it in place.
    with op.batch_alter_table('outcomes', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_outcomes_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outcomes_kind_known'), f"kind IN ({allowed})")


def upgrade() -> None:
    _kinds(_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM outcomes WHERE kind = 'country_resolution'")
    _kinds(_BEFORE)
