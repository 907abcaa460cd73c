from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thiqa.lib.progress import progress_bar
from thiqa.library import search


class Command(BaseCommand):
    help = "The search index: rebuild it from the catalogue and the ingested documents."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="drop and rebuild the whole index")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        with progress_bar(search.rebuild_steps(), "Indexing", stream=self.stderr) as advance:
            count = search.rebuild(progress=advance)
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} entries."))
