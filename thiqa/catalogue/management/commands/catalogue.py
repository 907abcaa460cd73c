import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thiqa.catalogue import export
from thiqa.catalogue.loader import DATA_DIR, CatalogueError, load_catalogue, read_catalogue
from thiqa.lib.progress import progress_bar


class Command(BaseCommand):
    help = "The framework catalogue: load (validate and write), check (validate only), export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("load", "validate the data files and load them"), ("check", "validate only")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--data", type=Path, default=DATA_DIR, help="folder of the YAML files")
        p = sub.add_parser("export", help="write the whole catalogue as JSON or CSV")
        p.add_argument("--format", choices=["json", "csv"], default="json")
        p.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "check":
                _vocabulary, files = read_catalogue(options["data"])
                count = sum(len(f.data["items"]) for f in files)
                self.stdout.write(
                    self.style.SUCCESS(f"Catalogue valid: {len(files)} frameworks, {count} items.")
                )
            elif action == "load":
                _vocabulary, files = read_catalogue(options["data"])
                with progress_bar(len(files), "Loading frameworks", stream=self.stderr) as advance:
                    result = load_catalogue(options["data"], progress=advance)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Catalogue loaded: {result.frameworks} frameworks, {result.items} items"
                        f" ({result.withdrawn} withdrawn)."
                    )
                )
            else:
                self._export(options["format"], options["output"])
        except CatalogueError as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            sys.exit(1)

    def _export(self, fmt: str, output: Path | None) -> None:
        text = export.as_json() if fmt == "json" else export.as_csv()
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
