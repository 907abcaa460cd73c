"""Who takes part: participants, their groups, users and their roles, API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Participant(models.Model):
    """A State, an organization or a non-state partner taking part in the community."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        INTERNATIONAL_ORGANIZATION = "international_organization", _("International organization")
        REGIONAL_ORGANIZATION = "regional_organization", _("Regional organization")
        COMPANY = "company", _("Company")
        CSIRT = "csirt", _("CERT/CSIRT")
        ACADEMIA = "academia", _("Academia")
        CIVIL_SOCIETY = "civil_society", _("Civil society")

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code for a State, a short slug otherwise."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    iso_alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, blank=True)
    iso_numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, blank=True)
    un_member = models.BooleanField(_("UN Member State"), default=False)
    website = models.URLField(_("website"), blank=True)
    is_secretariat = models.BooleanField(
        _("runs the platform"),
        default=False,
        help_text=_("The participant whose staff hold the secretariat role."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_ar if get_language() == "ar" else self.name_en


class ParticipantGroup(models.Model):
    """A regional or international grouping of participants (OSCE, OAS, League of Arab States...)."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International")
        REGIONAL = "regional", _("Regional")
        SUBREGIONAL = "subregional", _("Subregional")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_en = models.CharField(_("name in English"), max_length=200)
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    members = models.ManyToManyField(Participant, related_name="groups", blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ar if get_language() == "ar" else self.name_en


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in. What they may do comes from their memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="en",
        choices=[("en", "English"), ("ar", "العربية")],
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    totp_last_step = models.BigIntegerField(default=0, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret)


class Membership(models.Model):
    """A user's role within a participant."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        FOCAL_POINT = "focal_point", _("Focal point")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "participant"], name="one_membership_per_participant")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user}, {self.participant} ({self.get_role_display()})"


class SignInThrottle(models.Model):
    """Failed sign-in attempts for one account name, for lock-out."""

    email = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.email


TOKEN_PREFIX = "thq_"


def hash_token(raw: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is a safe one-way store."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the secret is shown once."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def allows_writes(self) -> bool:
        return self.scope == self.Scope.WRITE

    def touch(self) -> None:
        """Record use, at most once a minute so reads do not turn into writes."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
