from typing import Any

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from thiqa.accounts.models import User


class Command(BaseCommand):
    help = "Demo only: print the current second-factor code of a sample account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.PROFILE != "demo":
            raise CommandError("democode works only in the demo profile.")
        user = User.objects.filter(email=email.lower(), is_sample=True).first()
        if user is None or not user.totp_secret:
            raise CommandError(f"{email} is not a sample account with a second factor.")
        self.stdout.write(pyotp.TOTP(user.totp_secret).now())
