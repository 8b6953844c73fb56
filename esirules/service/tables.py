"""The store's tables (SQLAlchemy Core): the schema the queries are written against.

The migrations in `migrations/versions/` create exactly these tables; a test compares the two.
Everything is immutable once written: files are held once by the SHA-256 of their bytes
(`blobs`), rulesets and evidence by the hash of their files, runs by the hash of their inputs.
Timestamps are ISO 8601 text in UTC, so both databases give them back alike.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# An integer key that increases: SQLite's rowid, PostgreSQL's bigint identity.
_SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

rulesets = sa.Table(
    "rulesets",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("version", sa.Text, nullable=False),
    sa.Column("main", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Index("rulesets_by_name", "name"),
    sa.Index("rulesets_by_time", "created_at"),
)

ruleset_files = sa.Table(
    "ruleset_files",
    metadata,
    sa.Column("ruleset", sa.String(64), sa.ForeignKey("rulesets.hash"), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
)

evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("main", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("cases", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Index("evidence_by_time", "created_at"),
)

evidence_files = sa.Table(
    "evidence_files",
    metadata,
    sa.Column("evidence", sa.String(64), sa.ForeignKey("evidence.hash"), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("ruleset", sa.String(64), sa.ForeignKey("rulesets.hash"), nullable=False),
    sa.Column("evidence", sa.String(64), sa.ForeignKey("evidence.hash"), nullable=False),
    sa.Column("inputs", sa.Text, nullable=False),  # canonical JSON: columns, title, adjustments, adjusts
    sa.Column("adjusts", sa.String(64), sa.ForeignKey("runs.id"), nullable=True),
    sa.Column("batch", sa.String(64), nullable=True),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("result_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Index("runs_by_ruleset", "ruleset"),
    sa.Index("runs_by_evidence", "evidence"),
    sa.Index("runs_by_time", "created_at"),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32), nullable=True),
)

audit = sa.Table(
    "audit",
    metadata,
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
