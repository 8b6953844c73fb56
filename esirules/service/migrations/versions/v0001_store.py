"""The first store: content-addressed files, rulesets, evidence and runs; tokens; an append-only audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Written once, never changed: an UPDATE (or, for the audit, a DELETE) is refused by the database.
_IMMUTABLE = ("blobs", "rulesets", "ruleset_files", "evidence", "evidence_files", "runs")


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "rulesets",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("main", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
    )
    op.create_index("rulesets_by_name", "rulesets", ["name"])
    op.create_index("rulesets_by_time", "rulesets", ["created_at"])
    op.create_table(
        "ruleset_files",
        sa.Column("ruleset", sa.String(64), sa.ForeignKey("rulesets.hash"), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("main", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
    )
    op.create_index("evidence_by_time", "evidence", ["created_at"])
    op.create_table(
        "evidence_files",
        sa.Column("evidence", sa.String(64), sa.ForeignKey("evidence.hash"), primary_key=True),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("ruleset", sa.String(64), sa.ForeignKey("rulesets.hash"), nullable=False),
        sa.Column("evidence", sa.String(64), sa.ForeignKey("evidence.hash"), nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("adjusts", sa.String(64), sa.ForeignKey("runs.id"), nullable=True),
        sa.Column("batch", sa.String(64), nullable=True),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
    )
    op.create_index("runs_by_ruleset", "runs", ["ruleset"])
    op.create_index("runs_by_evidence", "runs", ["evidence"])
    op.create_index("runs_by_time", "runs", ["created_at"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "audit",
        sa.Column("id", _SERIAL, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("actor_name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("request_id", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION esirules_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'esirules: % of % refused: it is written once and never changed', TG_OP, TG_TABLE_NAME; END $$"
        )
        for table in _IMMUTABLE:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION esirules_refuse_change()")
        op.execute("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                   "FOR EACH ROW EXECUTE FUNCTION esirules_refuse_change()")
        op.execute("CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION esirules_refuse_change()")
    else:
        refuse = "BEGIN SELECT RAISE(ABORT, 'esirules: {what} refused: it is written once and never changed'); END"
        for table in _IMMUTABLE:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                       + refuse.format(what=f"UPDATE of {table}"))
        op.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit " + refuse.format(what="UPDATE of audit"))
        op.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit " + refuse.format(what="DELETE of audit"))


def downgrade() -> None:
    for table in ("audit", "tokens", "runs", "evidence_files", "evidence", "ruleset_files", "rulesets", "blobs"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION esirules_refuse_change()")
