import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thiqa.lib.progress import progress_bar
from thiqa.operations import backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database, stored files, the platform's OpenPGP key and the secret"
        " key, and a manifest of their SHA-256 hashes. The archive holds secrets: keep it safe."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="where to write the archive (.tar.gz)")

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        if archive.exists():
            self.stderr.write(self.style.ERROR(f"{archive} exists; choose a new name."))
            sys.exit(2)

        def bar(total: int, title: str) -> Any:
            return progress_bar(total, title, stream=self.stderr)

        try:
            manifest = backup.create(archive, bar)
        except backup.BackupError as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            sys.exit(1)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {archive}: {manifest['database']} database ({rows} rows), "
                f"{len(manifest['members'])} files, audit log up to event "
                f"#{(manifest['audit_head'] or {}).get('seq', 0)}."
            )
        )
