"""``thiqa library ingest PATH...`` and ``thiqa library resolve``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thiqa.lib.progress import progress_bar
from thiqa.library.services import DuplicateDocument, LibraryError, ingest, resolve_citations


class Command(BaseCommand):
    help = "Add source documents to the library, or link catalogue citations to passages again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("ingest", help="ingest UTF-8 text, PDF or DOCX files")
        add.add_argument("paths", nargs="+")
        add.add_argument("--symbol", default="")
        add.add_argument("--title-en", default="")
        add.add_argument("--title-ar", default="")
        sub.add_parser("resolve", help="link catalogue citations to passages again")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "resolve":
            self._resolve()
            return
        failed = 0
        with progress_bar(len(options["paths"]), "Ingesting", self.stdout) as advance:
            for path in options["paths"]:
                try:
                    document = ingest(
                        path,
                        symbol=options["symbol"],
                        title_en=options["title_en"],
                        title_ar=options["title_ar"],
                    )
                    self.stdout.write(f"{path}: {document.slug} ({document.passages.count()} passages)")
                except DuplicateDocument as exc:
                    self.stdout.write(f"{path}: skipped, {exc}")
                except LibraryError as exc:
                    failed += 1
                    self.stderr.write(f"{path}: error: {exc}")
                advance(1)
        if failed:
            raise CommandError(f"{failed} of {len(options['paths'])} files failed")

    def _resolve(self) -> None:
        resolved, unresolved = resolve_citations()
        self.stdout.write(f"resolved: {resolved}, unresolved: {len(unresolved)}")
        for row in unresolved:
            self.stdout.write(f"  {row}")
