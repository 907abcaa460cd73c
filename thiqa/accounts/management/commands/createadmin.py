import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from thiqa.accounts.models import Membership, Participant, User
from thiqa.audit.services import record


class Command(BaseCommand):
    help = (
        "Create a secretariat account (and the secretariat participant if there is none). "
        "The password comes from THIQA_ADMIN_PASSWORD or a prompt; a second factor is set up "
        "at first sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="full name")
        parser.add_argument(
            "--organization",
            default="Secretariat",
            help="name of the secretariat participant, if it must be created",
        )

    def handle(self, *args: Any, email: str, name: str, organization: str, **options: Any) -> None:
        email = email.strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"{email} already has an account.")
        password = os.environ.get("THIQA_ADMIN_PASSWORD") or self._ask_password()
        try:
            validate_password(password, User(email=email, full_name=name))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            secretariat = Participant.objects.filter(is_secretariat=True).first()
            if secretariat is None:
                secretariat = Participant.objects.create(
                    code="secretariat",
                    kind=Participant.Kind.INTERNATIONAL_ORGANIZATION,
                    name_en=organization,
                    name_ar=organization,
                    is_secretariat=True,
                )
            user = User.objects.create_user(email, password, full_name=name)
            membership = Membership.objects.create(
                user=user, participant=secretariat, role=Membership.Role.SECRETARIAT
            )
            record(
                "membership.granted",
                target=membership,
                data={
                    "user": email,
                    "participant": secretariat.code,
                    "role": "secretariat",
                    "via": "createadmin",
                },
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Secretariat account {email} created; set up the second factor at first sign-in."
            )
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
