"""``thiqa backup`` and ``thiqa restore``: the database, the stored files, the platform's
OpenPGP key and the secret key in one archive, with a manifest of SHA-256 hashes and of the
number of rows in every table.

The database is copied as one consistent snapshot: SQLite's online backup API, or
``pg_dump`` inside an exported snapshot whose rows are counted in the same snapshot. A
restore goes only into an empty data directory and database; it checks every hash before it
writes anything, then compares the row counts and verifies the audit chain.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

import thiqa
from thiqa.audit.models import AuditEvent
from thiqa.audit.services import ChainBreak, verify

FORMAT = "thiqa.backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/thiqa.sqlite3"
PG_MEMBER = "database/thiqa.pgdump"
# A progress bar: called with a number of steps and a title, it gives the function that
# advances it (``thiqa.lib.progress.progress_bar`` in the commands).
Bar = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def quiet_bar(total: int, title: str) -> Iterator[Callable[[int], None]]:
    yield lambda steps: None


class BackupError(Exception):
    """Said to the operator as it is; nothing was written."""


@dataclass(frozen=True)
class RestoreReport:
    members: int
    counts_match: bool
    count_differences: dict[str, tuple[int, int]]
    audit_checked: int
    audit_break: ChainBreak | None


def _stored_trees() -> dict[str, Path]:
    """The folders of stored files, by their name in the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "attachments": Path(settings.THIQA_ATTACHMENT_DIR)}


def _keys() -> dict[str, Path]:
    keys = {"keys/platform-key.asc": Path(settings.THIQA_OPENPGP_KEY_FILE)}
    if not os.environ.get("THIQA_SECRET_KEY"):
        keys["keys/secret_key"] = Path(settings.DATA_DIR) / "secret_key"
    return keys


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed})


def _count_rows(cursor: Any) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (a model's own table name)
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the configured database: the password never on a command line."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or ""}
    env.update({k: str(v) for k, v in (("PGHOST", db["HOST"]), ("PGPORT", db["PORT"])) if v})
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(command)s is needed (Debian package postgresql-client).") % {"command": command[0]}
        )
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> tuple[str, dict[str, int]]:
    """Copy the database into ``folder``; return its archive name and the row counts of
    the very state that was copied."""
    if connection.vendor == "sqlite":
        target = folder / SQLITE_MEMBER
        target.parent.mkdir(parents=True)
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            counts = _count_rows(copy.cursor())
        finally:
            copy.close()
        return SQLITE_MEMBER, counts
    if connection.vendor != "postgresql":
        raise BackupError(f"backups of {connection.vendor} databases are not supported")
    target = folder / PG_MEMBER
    target.parent.mkdir(parents=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}"],
        )
    return PG_MEMBER, counts


def _files_to_archive(folder: Path, database_member: str) -> Iterator[tuple[str, Path]]:
    yield database_member, folder / database_member
    for name, path in _keys().items():
        if path.is_file():
            yield name, path
    for tree, root in _stored_trees().items():
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                yield f"files/{tree}/{path.relative_to(root).as_posix()}", path


def create(destination: Path, bar: Bar = quiet_bar) -> dict[str, Any]:
    """Write the archive to ``destination`` (mode 0600: it holds the keys) and return its
    manifest. The archive appears only once it is complete."""
    destination = destination.resolve()
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".thiqa-backup-") as work:
        folder = Path(work)
        database_member, counts = _dump_database(folder)
        members = list(_files_to_archive(folder, database_member))
        head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "thiqa": thiqa.__version__,
            "database": connection.vendor,
            "counts": counts,
            "audit_head": head,
            "secret_key_in_archive": "keys/secret_key" in dict(members),
            "members": {},
        }
        partial = folder / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        sizes = [path.stat().st_size for _, path in members]
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz") as tar,
            bar(sum(sizes), _("Writing the backup")) as advance,
        ):
            for (name, path), size in zip(members, sizes, strict=True):
                manifest["members"][name] = {"sha256": _sha256(path), "size": size}
                tar.add(path, arcname=name, recursive=False)
                advance(size)
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, destination)
    return manifest


# --- restore --------------------------------------------------------------------------------


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))  # type: ignore[arg-type]
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError(_("This is not a Thiqa backup: it has no readable manifest.")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format %(format)s.") % {"format": manifest.get("format")})
    return manifest


def _unpack_checked(archive: Path, into: Path, bar: Bar) -> dict[str, Any]:
    """Extract every member into ``into`` and check it against the manifest: a member that is
    missing, added, altered or of an unsafe name stops the restore before anything is written."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _read_manifest(tar)
            names = {m.name for m in tar.getmembers()} - {MANIFEST}
            expected = set(manifest["members"])
            if names != expected:
                raise BackupError(
                    _("The archive does not match its manifest: %(names)s.")
                    % {"names": ", ".join(sorted(names ^ expected))}
                )
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(_("The archive cannot be read: %(error)s") % {"error": exc}) from exc
    total = sum(facts["size"] for facts in manifest["members"].values())
    with bar(total, _("Checking the backup")) as advance:
        for name, facts in manifest["members"].items():
            if _sha256(into / name) != facts["sha256"]:
                raise BackupError(_("%(name)s does not match its SHA-256 in the manifest.") % {"name": name})
            advance(facts["size"])
    return manifest


def _target_is_empty() -> list[str]:
    """What is already in the data directory and database (a restore needs them empty)."""
    found = []
    if connection.introspection.table_names():
        found.append(_("the database has tables"))
    for _tree, root in _stored_trees().items():
        if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
            found.append(_("stored files in %(path)s") % {"path": root})
    if Path(settings.THIQA_OPENPGP_KEY_FILE).exists():
        found.append(_("a platform key at %(path)s") % {"path": settings.THIQA_OPENPGP_KEY_FILE})
    return found


def _restore_database(manifest: dict[str, Any], folder: Path) -> None:
    if manifest["database"] != connection.vendor:
        raise BackupError(
            _("This backup holds a %(source)s database; the configured database is %(target)s.")
            % {"source": manifest["database"], "target": connection.vendor}
        )
    if connection.vendor == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        connections.close_all()
        source = sqlite3.connect(folder / SQLITE_MEMBER)
        target = sqlite3.connect(name)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(folder / PG_MEMBER),
        ],
    )


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _restore_files(manifest: dict[str, Any], folder: Path) -> None:
    trees = _stored_trees()
    for name in manifest["members"]:
        if name.startswith("files/"):
            _, tree, rest = name.split("/", 2)
            _place(folder / name, trees[tree] / rest)
    for name, path in _keys().items():
        if name in manifest["members"]:
            _place(folder / name, path)
            path.chmod(0o600)


def _compare_counts(expected: dict[str, int]) -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        found = _count_rows(cursor)
    return {t: (n, found.get(t, -1)) for t, n in expected.items() if found.get(t, -1) != n}


def restore(archive: Path, bar: Bar = quiet_bar) -> RestoreReport:
    if not archive.is_file():
        raise BackupError(_("No archive at %(path)s.") % {"path": archive})
    present = _target_is_empty()
    if present:
        raise BackupError(
            _("A backup is restored into an empty data directory and database; found: %(found)s.")
            % {"found": "; ".join(present)}
        )
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".thiqa-restore-") as work:
        folder = Path(work)
        manifest = _unpack_checked(archive, folder, bar)
        _restore_database(manifest, folder)
        _restore_files(manifest, folder)
    differences = _compare_counts(manifest["counts"])
    with bar(AuditEvent.objects.count(), _("Verifying the audit log")) as advance:
        checked, broken = verify(progress=advance)
    return RestoreReport(len(manifest["members"]), not differences, differences, checked, broken)
