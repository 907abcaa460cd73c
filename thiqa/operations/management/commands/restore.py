import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thiqa.lib.progress import progress_bar
from thiqa.operations import backup


class Command(BaseCommand):
    help = (
        "Restore a `thiqa backup` archive into an empty data directory and database, then check the"
        " row counts against the manifest and verify the audit log's hash chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        def bar(total: int, title: str) -> Any:
            return progress_bar(total, title, stream=self.stderr)

        try:
            report = backup.restore(archive, bar)
        except backup.BackupError as exc:
            self.stderr.write(self.style.ERROR(f"Nothing was restored: {exc}"))
            sys.exit(1)
        self.stdout.write(f"Restored {report.members} files from {archive}.")
        failed = False
        if report.counts_match:
            self.stdout.write(self.style.SUCCESS("Row counts match the manifest."))
        else:
            failed = True
            for table, (expected, found) in sorted(report.count_differences.items()):
                self.stderr.write(self.style.ERROR(f"{table}: {found} rows, the manifest says {expected}"))
        if report.audit_break is None:
            self.stdout.write(
                self.style.SUCCESS(f"Audit log intact: {report.audit_checked} events verified.")
            )
        else:
            failed = True
            self.stderr.write(
                self.style.ERROR(
                    f"Audit log BROKEN at event #{report.audit_break.seq}: {report.audit_break.reason}"
                )
            )
        if failed:
            sys.exit(1)
