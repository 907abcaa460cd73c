from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from thiqa.lib.demo import LOADERS


class Command(BaseCommand):
    help = "Migrate, load the demo data (all marked as sample) and serve the platform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="load the data, then exit")
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args: Any, no_serve: bool, bind: str, **options: Any) -> None:
        if settings.PROFILE == "production":
            raise CommandError(
                "The demo runs with THIQA_PROFILE=demo (see `make demo`), never in production."
            )
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database ready: {settings.DATABASES['default']['NAME']}")
        lines: list[str] = []
        for name, loader in LOADERS:
            self.stdout.write(f"Loading demo data: {name}")
            lines += loader()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Thiqa demo: open {settings.SITE_URL}/"))
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("")
        if not no_serve:
            call_command("serve", bind=bind, web_workers=2)
