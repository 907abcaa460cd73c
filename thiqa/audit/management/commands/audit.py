import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thiqa.audit import checkpoint
from thiqa.audit.models import AuditEvent
from thiqa.audit.services import verify
from thiqa.lib.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Audit log tools. `thiqa audit verify` checks the hash chain and reports the first broken link;"
        " with --checkpoint FILE it also finds events cut off the end. `thiqa audit checkpoint` signs the"
        " chain's head into the checkpoint folder and e-mails it to the secretariat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="check every link of the hash chain")
        check.add_argument("--checkpoint", type=Path, help="a checkpoint file the chain must still reach")
        check.add_argument(
            "--key",
            type=Path,
            help="the platform's public key kept apart (default: the platform's own key file)",
        )
        sub.add_parser("checkpoint", help="write a signed checkpoint of the chain's head now")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "checkpoint":
            self._checkpoint()
            return
        self._verify(options.get("checkpoint"), options.get("key"))

    def _checkpoint(self) -> None:
        path = checkpoint.write()
        if path is None:
            self.stdout.write(
                "No new checkpoint: the audit log is empty or has not moved since the last one."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Checkpoint written to {path} and e-mailed to the secretariat.")
            )

    def _verify(self, checkpoint_file: Path | None, key_file: Path | None) -> None:
        recorded = None
        if checkpoint_file is not None:
            try:
                key = key_file.read_text() if key_file else None
                recorded = checkpoint.read(checkpoint_file, key)
            except (checkpoint.CheckpointError, OSError) as exc:
                self.stderr.write(self.style.ERROR(f"Checkpoint {checkpoint_file} not accepted: {exc}"))
                sys.exit(2)
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
        if recorded is not None:
            problem = checkpoint.compare(recorded)
            if problem:
                self.stderr.write(self.style.ERROR(f"Audit log BROKEN: {problem}"))
                sys.exit(1)
            self.stdout.write(
                f"The chain still holds event #{recorded.seq} of the checkpoint of {recorded.at}."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} events verified."))
