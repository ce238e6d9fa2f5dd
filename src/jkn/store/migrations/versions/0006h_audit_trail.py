"""A complete, append-only audit trail (issue #10): the facility of an audited act, and triggers
that make the database refuse any UPDATE or DELETE of ``audit_event`` (on PostgreSQL TRUNCATE
too), so that no code path, the application's or anyone else's, rewrites the trail.
Table: jkn.store.portal_tables.AuditEventRow.

Revision ID: 0006h
Revises: 0006e
"""

import sqlalchemy as sa
from alembic import op

revision = "0006h"
down_revision = "0006a"
branch_labels = None
depends_on = None

REFUSED = "audit_event is append-only: % refused"

POSTGRESQL = [
    f"""CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{REFUSED}', TG_OP;
END $$""",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]
SQLITE = [
    f"CREATE TRIGGER audit_event_no_{op_name.lower()} BEFORE {op_name} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED.replace('%', op_name)}'); END"
    for op_name in ("UPDATE", "DELETE")
]


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as table:
        table.add_column(sa.Column("facility_code", sa.String(12), nullable=True))
    op.create_index("ix_audit_event_facility_code", "audit_event", ["facility_code"])
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        for op_name in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_event_no_{op_name}")
    op.drop_index("ix_audit_event_facility_code", table_name="audit_event")
    with op.batch_alter_table("audit_event") as table:
        table.drop_column("facility_code")
