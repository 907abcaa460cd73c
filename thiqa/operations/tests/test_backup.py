"""`thiqa backup` and `thiqa restore` with real processes, each site with its own data
directory and database (SQLite files, or PostgreSQL databases made for the test)."""

import io
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from conftest import thiqa_environment

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Run in the source site: some audited work, a stored file, the platform's key.
POPULATE = """
from thiqa.accounts.models import Participant
from thiqa.audit.services import record
from thiqa.lib import files
from thiqa.lib.openpgp import platform_key
eg = Participant.objects.create(code="EG", kind="state", name_en="Egypt", name_ar="مصر")
for n in range(5):
    record("test.backup", target=eg, data={"n": n, "نص": "عربي"})
files.store(files.check(files.Upload("note.txt", "ملاحظة محفوظة".encode())))
print(platform_key().fingerprint)
"""


def _server() -> dict:
    db = settings.DATABASES["default"]
    return {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "dbname": "postgres"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], dict[str, str]]]:
    """A new site: its environment, with an empty data directory and an empty database."""
    made: list[str] = []

    def make(name: str) -> dict[str, str]:
        data = tmp_path_factory.mktemp(name)
        if POSTGRES:
            database = f"thiqa_backup_{name}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(**_server(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
            made.append(database)
            db = _server()
            url = f"postgres://{db['user']}@{db['host']}:{db['port']}/{database}"
        else:
            url = f"sqlite:///{data / 'thiqa.sqlite3'}"
        return thiqa_environment(str(data), url)

    yield make
    for database in made:
        with psycopg.connect(**_server(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def thiqa(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "thiqa.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def shell(env: dict[str, str], code: str) -> str:
    done = thiqa(env, "shell", "--no-imports", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _populated(env: dict[str, str]) -> str:
    assert thiqa(env, "migrate", "-v", "0").returncode == 0
    return shell(env, POPULATE)


def _tables(env: dict[str, str]) -> int:
    return int(
        shell(env, "from django.db import connection; print(len(connection.introspection.table_names()))")
    )


@pytest.fixture(scope="module")
def backup(site, tmp_path_factory) -> tuple[dict[str, str], Path, str]:
    """A populated source site, its archive and its platform key's fingerprint."""
    source = site("source")
    fingerprint = _populated(source)
    archive = tmp_path_factory.mktemp("archives") / "thiqa-backup.tar.gz"
    made = thiqa(source, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert "Backup written" in made.stdout
    return source, archive, fingerprint


def test_the_archive_is_for_its_owner_only(backup):
    _, archive, _ = backup
    assert archive.stat().st_mode & 0o077 == 0  # it holds the keys


def test_a_restored_site_holds_the_same_rows_files_and_keys(site, backup):
    source, archive, fingerprint = backup
    target = site("target")

    restored = thiqa(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Row counts match the manifest." in restored.stdout
    assert "Audit log intact: 5 events verified." in restored.stdout

    assert thiqa(target, "audit", "verify").returncode == 0
    assert (
        shell(target, "from thiqa.lib.openpgp import platform_key; print(platform_key().fingerprint)")
        == fingerprint
    )
    source_dir, target_dir = Path(source["THIQA_DATA_DIR"]), Path(target["THIQA_DATA_DIR"])
    assert (target_dir / "secret_key").read_text() == (source_dir / "secret_key").read_text()
    stored = sorted(p.relative_to(source_dir) for p in (source_dir / "attachments").rglob("*") if p.is_file())
    assert len(stored) == 1
    assert (target_dir / stored[0]).read_bytes() == "ملاحظة محفوظة".encode()
    assert (
        shell(
            target, "from thiqa.accounts.models import Participant; print(Participant.objects.get().name_ar)"
        )
        == "مصر"
    )


def test_an_altered_archive_is_refused_and_nothing_is_written(site, backup, tmp_path):
    _, archive, _ = backup
    target = site("altered")
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(altered, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name.startswith("files/attachments/"):
                data = data.replace("ملاحظة".encode(), "تعديل".encode())
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))

    refused = thiqa(target, "restore", str(altered))
    assert refused.returncode == 1
    assert "Nothing was restored" in refused.stderr and "does not match its SHA-256" in refused.stderr
    assert _tables(target) == 0
    assert not (Path(target["THIQA_DATA_DIR"]) / "attachments").exists()


def test_a_restore_into_a_site_in_use_is_refused(backup):
    source, archive, _ = backup
    refused = thiqa(source, "restore", str(archive))
    assert refused.returncode == 1
    assert (
        "empty data directory and database" in refused.stderr and "the database has tables" in refused.stderr
    )


def test_something_that_is_not_a_backup_is_refused(site, tmp_path):
    target = site("bogus")
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="hello.py")
    refused = thiqa(target, "restore", str(bogus))
    assert refused.returncode == 1 and "no readable manifest" in refused.stderr
    assert _tables(target) == 0
