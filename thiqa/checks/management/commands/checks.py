import sys
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.accounts.services import ServiceError
from thiqa.checks import results, services
from thiqa.checks.models import CheckRound
from thiqa.directory.models import ContactRole
from thiqa.lib.progress import progress_bar


class Command(BaseCommand):
    help = "Communication checks: start a round (preparing its messages with a progress bar), show results."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        start = sub.add_parser("start", help="start a check round and prepare its messages now")
        start.add_argument(
            "--as", dest="email", required=True, help="e-mail of the secretariat member starting it"
        )
        start.add_argument("--title", default="Communication check")
        start.add_argument("--group", help="code of a participant group")
        start.add_argument("--participant", action="append", default=[], help="participant code (repeatable)")
        start.add_argument(
            "--role",
            action="append",
            choices=ContactRole.values,
            help="contact role (repeatable; default policy and technical)",
        )
        start.add_argument("--hours", type=float, help="deadline in hours from now (default from settings)")
        show = sub.add_parser("results", help="print a round's figures per participant")
        show.add_argument("round", type=int)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "start":
            self._start(options)
        else:
            self._results(options["round"])

    def _start(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(email=options["email"].lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['email']}")
        group = None
        if options["group"]:
            group = ParticipantGroup.objects.filter(code=options["group"]).first()
            if group is None:
                raise CommandError(f"no group {options['group']}")
        participants = list(Participant.objects.filter(code__in=options["participant"]))
        if len(participants) != len(set(options["participant"])):
            known = {p.code for p in participants}
            raise CommandError(
                f"unknown participants: {', '.join(sorted(set(options['participant']) - known))}"
            )
        deadline = timezone.now() + timedelta(hours=options["hours"]) if options["hours"] else None
        try:
            check = services.start_round(
                user,
                title=options["title"],
                roles=options["role"] or ["policy", "technical"],
                deadline=deadline,
                group=group,
                participants=participants,
            )
        except (ServiceError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        with progress_bar(check.planned, "Preparing pings", stream=self.stderr) as advance:
            services.prepare_round(check, progress=advance)
        deadline = f"{timezone.localtime(check.deadline):%Y-%m-%d %H:%M %Z}"
        self.stdout.write(
            self.style.SUCCESS(f"Round {check.pk} open: {check.planned} contacts, deadline {deadline}.")
        )

    def _results(self, round_id: int) -> None:
        check = CheckRound.objects.filter(pk=round_id).first()
        if check is None:
            self.stderr.write(self.style.ERROR(f"no round {round_id}"))
            sys.exit(1)
        outcome = results.round_results(check.pings.select_related("message", "participant", "round"))
        columns = ("pinged", 6), ("ack", 5), ("rate", 6), ("median h", 9), ("p90 h", 7), ("unreach", 7)
        self.stdout.write(f"{'participant':<40} " + " ".join(f"{name:>{width}}" for name, width in columns))
        for participant, f in [*outcome.by_participant, (None, outcome.overall)]:
            name = participant.name_en if participant else "ALL"
            self.stdout.write(
                f"{name[:40]:<40} {f.pinged:>6} {f.acknowledged:>5} {f.rate:>5.1f}% {_h(f.median_hours):>9}"
                f" {_h(f.p90_hours):>7} {f.unreachable:>7}"
            )


def _h(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
