import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thiqa.audit.models import AuditEvent
from thiqa.audit.services import verify
from thiqa.lib.progress import progress_bar


class Command(BaseCommand):
    help = "Audit log tools. `thiqa audit verify` checks the hash chain and reports the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check every link of the hash chain")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        total = AuditEvent.objects.count()
        with progress_bar(total, "Verifying audit log", stream=self.stderr) as advance:
            checked, broken = verify(progress=advance)
        if broken:
            self.stderr.write(
                self.style.ERROR(
                    f"Audit log BROKEN at event #{broken.seq}: {broken.reason} "
                    f"({checked} events before it are intact)"
                )
            )
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} events verified."))
