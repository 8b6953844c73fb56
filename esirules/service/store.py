"""The store: the service's records in and out of the database, each write with its audit entry in one transaction.

Files are held once by the SHA-256 of their bytes; a ruleset or an evidence upload is addressed by
the hash of its main file's name and its files' names and bytes (`bundle_hash`), a run by the
hash of its inputs. Writing what is already there changes nothing and says so (`created` false),
so a client may repeat any write safely. Every write, repeated or not, is audited.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa

from esirules.service import tables as t
from esirules.service.database import Database

T = TypeVar("T")
TOKEN_PREFIX = "esirules"


def now() -> str:
    """The time in UTC, as the store writes it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the text a hash of structured inputs is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plain(text: str) -> str:
    """Text for a column of the store: PostgreSQL's text holds no NUL, so one (from an evidence
    file's title, say) is written as U+FFFD; the files themselves are stored as bytes, unchanged."""
    return text.replace("\x00", "\ufffd")


def bundle_hash(main: str, files: Mapping[str, bytes]) -> str:
    """The address of a ruleset or an evidence upload: its main file's name and every file's name and bytes."""
    return sha256(canonical({"main": main, "files": {name: sha256(data) for name, data in files.items()}}).encode())


@attrs.frozen
class Actor:
    """Who writes: a token (id, holder's name, role), or the command line."""

    id: str
    name: str
    role: str


@attrs.frozen
class RunRecord:
    """A run as stored: its inputs (canonical JSON) and its result JSON."""

    id: str
    ruleset: str
    evidence: str
    inputs: str
    adjusts: str | None
    batch: str | None
    result: str
    result_sha256: str


class Writer:
    """One write transaction: what it puts in the store, and the audit entries that say so."""

    def __init__(self, database: Database, connection: sa.Connection, actor: Actor, request_id: str):
        self.database = database
        self.connection = connection
        self.actor = actor
        self.request_id = request_id
        self.at = now()

    def audit(self, action: str, subject: str, details: Mapping[str, Any]) -> None:
        self.connection.execute(sa.insert(t.audit).values(
            at=self.at, actor=self.actor.id, actor_name=plain(self.actor.name), role=self.actor.role, action=action,
            subject=plain(subject), details=canonical(details), request_id=plain(self.request_id),
        ))

    def _files(self, files: Mapping[str, bytes]) -> None:
        digests = {sha256(data): data for data in files.values()}
        present = set(self.connection.scalars(sa.select(t.blobs.c.sha256).where(t.blobs.c.sha256.in_(list(digests)))))
        missing = [{"sha256": d, "size": len(data), "data": data} for d, data in sorted(digests.items()) if d not in present]
        self.database.insert_new(self.connection, t.blobs, missing)

    def put_ruleset(self, main: str, files: Mapping[str, bytes], meta: Mapping[str, str]) -> tuple[str, bool]:
        """Publish a checked ruleset; (its hash, whether it is new)."""
        address = bundle_hash(main, files)
        self._files(files)
        row = {"hash": address, "main": main, "created_at": self.at, "created_by": self.actor.id,
               **{key: plain(value) for key, value in meta.items()}}
        created = self.database.insert_new(self.connection, t.rulesets, [row]) == 1
        if created:
            self.connection.execute(sa.insert(t.ruleset_files), [
                {"ruleset": address, "name": name, "sha256": sha256(data)} for name, data in sorted(files.items())
            ])
        self.audit("ruleset.publish", address, {
            "created": created, "name": meta["name"], "version": meta["version"], "main": main,
            "files": {name: sha256(data) for name, data in sorted(files.items())},
        })
        return address, created

    def put_evidence(self, main: str, files: Mapping[str, bytes], title: str, cases: int, checked_with: str) -> tuple[str, bool]:
        """Store checked evidence; (its hash, whether it is new)."""
        address = bundle_hash(main, files)
        self._files(files)
        row = {"hash": address, "main": main, "title": plain(title), "cases": cases,
               "created_at": self.at, "created_by": self.actor.id}
        created = self.database.insert_new(self.connection, t.evidence, [row]) == 1
        if created:
            self.connection.execute(sa.insert(t.evidence_files), [
                {"evidence": address, "name": name, "sha256": sha256(data)} for name, data in sorted(files.items())
            ])
        self.audit("evidence.upload", address, {
            "created": created, "main": main, "checked_with": checked_with,
            "files": {name: sha256(data) for name, data in sorted(files.items())},
        })
        return address, created

    def put_run(self, run: RunRecord, action: str = "run.create") -> bool:
        """Store a run; whether it is new (a run with the same inputs is the same run)."""
        row = {**attrs.asdict(run), "created_at": self.at, "created_by": self.actor.id}
        created = self.database.insert_new(self.connection, t.runs, [row]) == 1
        self.audit(action, run.id, {
            "created": created, "ruleset": run.ruleset, "evidence": run.evidence, "adjusts": run.adjusts,
            "batch": run.batch, "result_sha256": run.result_sha256,
        })
        return created

    def create_token(self, role: str, name: str) -> tuple[str, dict[str, Any]]:
        """A new token: (its secret, shown once; its row, which holds only the secret's hash)."""
        token_id = "t" + secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        row = {"id": token_id, "name": plain(name), "role": role, "secret_sha256": sha256(secret.encode()),
               "created_at": self.at, "revoked_at": None}
        self.connection.execute(sa.insert(t.tokens).values(**row))
        self.audit("token.create", token_id, {"role": role, "name": name})
        return f"{TOKEN_PREFIX}_{token_id}_{secret}", row

    def revoke_token(self, token_id: str) -> dict[str, Any] | None:
        """Revoke a token (from now on it is refused); its row, or None if there is no such token."""
        row = self.connection.execute(sa.select(t.tokens).where(t.tokens.c.id == token_id)).mappings().first()
        if row is None:
            return None
        if row["revoked_at"] is None:
            self.connection.execute(sa.update(t.tokens).where(t.tokens.c.id == token_id).values(revoked_at=self.at))
        self.audit("token.revoke", token_id, {"role": row["role"], "name": row["name"]})
        return {**row, "revoked_at": row["revoked_at"] or self.at}


class Store:
    """Reads, and write transactions, over one database."""

    def __init__(self, database: Database):
        self.database = database

    def write(self, actor: Actor, request_id: str, work: Callable[[Writer], T]) -> T:
        """Run `work` in one write transaction (retried whole if the database was busy)."""
        return self.database.write(lambda connection: work(Writer(self.database, connection, actor, request_id)))

    def _one(self, statement: sa.Select[Any]) -> dict[str, Any] | None:
        with self.database.read() as connection:
            row = connection.execute(statement).mappings().first()
        return None if row is None else dict(row)

    def _files(self, table: sa.Table, key: sa.Column[Any], address: str, *, data: bool) -> dict[str, Any]:
        columns = [table.c.name, t.blobs.c.sha256, t.blobs.c.size] + ([t.blobs.c.data] if data else [])
        statement = (sa.select(*columns).join(t.blobs, t.blobs.c.sha256 == table.c.sha256)
                     .where(key == address).order_by(table.c.name))
        with self.database.read() as connection:
            rows = connection.execute(statement).mappings().all()
        if data:
            return {row["name"]: bytes(row["data"]) for row in rows}
        return {row["name"]: {"name": row["name"], "size": row["size"], "sha256": row["sha256"]} for row in rows}

    # --- rulesets -------------------------------------------------------------------------------

    def ruleset(self, address: str) -> dict[str, Any] | None:
        return self._one(sa.select(t.rulesets).where(t.rulesets.c.hash == address))

    def ruleset_of_content(self, content_hash: str) -> dict[str, Any] | None:
        """A published ruleset whose `content_hash` (what a result or a check calls its `hash`) this is."""
        return self._one(sa.select(t.rulesets).where(t.rulesets.c.content_hash == content_hash).limit(1))

    def ruleset_files(self, address: str, *, data: bool = True) -> dict[str, Any]:
        return self._files(t.ruleset_files, t.ruleset_files.c.ruleset, address, data=data)

    def rulesets(self, name: str | None, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        where = [t.rulesets.c.name == name] if name is not None else []
        return self._page(t.rulesets, where, [t.rulesets.c.created_at.desc(), t.rulesets.c.hash], limit, offset)

    # --- evidence -------------------------------------------------------------------------------

    def evidence(self, address: str) -> dict[str, Any] | None:
        return self._one(sa.select(t.evidence).where(t.evidence.c.hash == address))

    def evidence_files(self, address: str, *, data: bool = True) -> dict[str, Any]:
        return self._files(t.evidence_files, t.evidence_files.c.evidence, address, data=data)

    def evidence_list(self, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        return self._page(t.evidence, [], [t.evidence.c.created_at.desc(), t.evidence.c.hash], limit, offset)

    # --- runs -----------------------------------------------------------------------------------

    def run(self, run_id: str) -> dict[str, Any] | None:
        return self._one(sa.select(t.runs).where(t.runs.c.id == run_id))

    def runs(self, ruleset: str | None, evidence: str | None, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        where = []
        if ruleset is not None:
            where.append(t.runs.c.ruleset == ruleset)
        if evidence is not None:
            where.append(t.runs.c.evidence == evidence)
        columns = [c for c in t.runs.c if c.name != "result"]
        return self._page(t.runs, where, [t.runs.c.created_at.desc(), t.runs.c.id], limit, offset, columns)

    def _page(
        self, table: sa.Table, where: Sequence[Any], order: Sequence[Any], limit: int, offset: int,
        columns: Sequence[Any] | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        statement = sa.select(*(columns or [table])).where(*where).order_by(*order).limit(limit).offset(offset)
        with self.database.read() as connection:
            rows = [dict(r) for r in connection.execute(statement).mappings()]
            total = connection.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
        return rows, int(total)

    # --- tokens and the audit -------------------------------------------------------------------

    def token(self, presented: str) -> dict[str, Any] | None:
        """The token row a presented secret belongs to, if it is valid and not revoked."""
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or len(parts[1]) > 32:
            return None
        row = self._one(sa.select(t.tokens).where(t.tokens.c.id == parts[1]))
        if row is None or row["revoked_at"] is not None:
            return None
        if not secrets.compare_digest(row["secret_sha256"], sha256(parts[2].encode())):
            return None
        return row

    def tokens(self) -> list[dict[str, Any]]:
        with self.database.read() as connection:
            rows = connection.execute(sa.select(t.tokens).order_by(t.tokens.c.created_at.desc(), t.tokens.c.id))
            return [dict(r) for r in rows.mappings()]

    def audit(self, after: int, limit: int) -> list[dict[str, Any]]:
        statement = sa.select(t.audit).where(t.audit.c.id > after).order_by(t.audit.c.id).limit(limit)
        with self.database.read() as connection:
            return [dict(r) for r in connection.execute(statement).mappings()]

    def counts(self) -> dict[str, int]:
        with self.database.read() as connection:
            def count(table: sa.Table, *where: Any) -> int:
                return int(connection.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())

            return {
                "rulesets": count(t.rulesets),
                "evidence": count(t.evidence),
                "runs": count(t.runs),
                "tokens": count(t.tokens, t.tokens.c.revoked_at.is_(None)),
                "audit": count(t.audit),
            }
