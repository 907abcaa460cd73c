"""Every write about accounts: sign-in bookkeeping, second factor, roles, tokens."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.accounts.forms import PasswordLinkForm
from thiqa.accounts.models import ApiToken, Membership, Participant, SignInThrottle, User, hash_token
from thiqa.audit.services import record


class ServiceError(Exception):
    """A request that cannot be carried out; the message is translated and shown to the user."""


class InvalidInput(ServiceError):
    """Input that cannot be saved as it is: ``errors`` maps each field (dotted for nested
    ones, such as ``fields.severity``) to its translated problems. Pages show them beside
    their fields; the API answers 422 with them, under the subclass's ``title``."""

    title = gettext_lazy("The request is not valid.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


# --- sign-in lock-out -------------------------------------------------------------


def locked_for(email: str) -> timedelta | None:
    """How long an account name is still locked, or None."""
    throttle = SignInThrottle.objects.filter(email=email.strip().lower()).first()
    if throttle and throttle.locked_until and throttle.locked_until > timezone.now():
        return throttle.locked_until - timezone.now()
    return None


def note_failure(email: str, request: HttpRequest | None, reason: str) -> None:
    """Count a failed password or code; lock the account name after too many."""
    email = email.strip().lower()[:254]
    now = timezone.now()
    window = timedelta(seconds=settings.THIQA_SIGNIN_LOCKOUT_SECONDS)
    with transaction.atomic():
        throttle, _ = SignInThrottle.objects.select_for_update().get_or_create(email=email)
        if throttle.first_failure_at is None or now - throttle.first_failure_at > window:
            throttle.failures, throttle.first_failure_at = 0, now
        throttle.failures += 1
        locked = throttle.failures >= settings.THIQA_SIGNIN_MAX_FAILURES
        if locked:
            throttle.locked_until = now + window
            throttle.failures, throttle.first_failure_at = 0, None
        throttle.save()
        record("signin.failed", data={"email": email, "reason": reason}, request=request)
        if locked:
            record("signin.locked", data={"email": email}, request=request)


def note_success(user: User, request: HttpRequest) -> None:
    SignInThrottle.objects.filter(email=user.email).delete()
    record("signin", actor=user, target=user, request=request)


def note_reset_request(email: str, request: HttpRequest) -> None:
    """Recorded whether or not the address has an account (the page never says which)."""
    record("password.reset_requested", data={"email": email.strip().lower()[:254]}, request=request)


def note_password_reset(user: User, request: HttpRequest) -> None:
    """A reset through the e-mailed link also lifts a lock-out."""
    SignInThrottle.objects.filter(email=user.email).delete()
    record("password.reset", actor=user, target=user, request=request)


def note_password_change(user: User, request: HttpRequest) -> None:
    record("password.changed", actor=user, target=user, request=request)


# --- second factor (TOTP, RFC 6238) ----------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Thiqa")


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second time step that ``code`` is valid for (now ±1 step), or None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp, now = pyotp.TOTP(secret), timezone.now()
    for drift in (0, -1, 1):
        at = now + timedelta(seconds=30 * drift)
        if totp.verify(code, for_time=at, valid_window=0):
            return totp.timecode(at)
    return None


def verify_totp(user: User, code: str) -> bool:
    """Check a code; each code works once (a replayed code is refused)."""
    step = _matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is None:
        return False
    updated = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
    user.totp_last_step = step
    return bool(updated)


def enrol_totp(user: User, secret: str, code: str, request: HttpRequest) -> bool:
    step = _matching_step(secret, code)
    if step is None:
        return False
    with transaction.atomic():
        user.totp_secret, user.totp_last_step = secret, step
        user.save(update_fields=["totp_secret", "totp_last_step"])
        record("mfa.enrolled", actor=user, target=user, request=request)
    return True


# --- participants and roles -----------------------------------------------------------


def update_participant(
    participant: Participant,
    changes: dict[str, Any],
    *,
    actor: User,
    token: ApiToken | None = None,
    request: HttpRequest | None = None,
) -> Participant:
    """Change a participant's public details (names, website)."""
    policy.require(actor, "participant.edit", participant, token)
    allowed = {"name_en", "name_ar", "website"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if not changes:
        return participant
    before = {field: getattr(participant, field) for field in changes}
    for field, value in changes.items():
        setattr(participant, field, value)
    participant.full_clean()
    with transaction.atomic():
        participant.save(update_fields=list(changes))
        record(
            "participant.changed",
            actor=actor,
            target=participant,
            request=request,
            data={"before": before, "after": changes},
        )
    return participant


@dataclass
class Invitation:
    user: User
    membership: Membership
    created_user: bool


def invite(
    *,
    actor: User,
    participant: Participant,
    email: str,
    full_name: str,
    role: str,
    language: str = "en",
    request: HttpRequest | None = None,
) -> Invitation:
    """Give a person a role within a participant; a new person gets an e-mail to set a password."""
    policy.require(actor, "membership.assign", (participant, role))
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        created = user is None
        if created:
            user = User.objects.create_user(email, None, full_name=full_name, language=language)
        if Membership.objects.filter(user=user, participant=participant).exists():
            raise ServiceError(
                _("%(email)s already has a role in %(participant)s.")
                % {"email": email, "participant": participant.name}
            )
        membership = Membership.objects.create(user=user, participant=participant, role=role)
        record(
            "membership.granted",
            actor=actor,
            target=membership,
            request=request,
            data={"user": email, "participant": participant.code, "role": role},
        )
        if created:
            send_password_link(user, request, purpose="invitation")
    return Invitation(user, membership, created)


def change_role(
    membership: Membership, role: str, *, actor: User, request: HttpRequest | None = None
) -> Membership:
    policy.require(actor, "membership.change", membership)
    policy.require(actor, "membership.assign", (membership.participant, role))
    with transaction.atomic():
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            "membership.role_changed",
            actor=actor,
            target=membership,
            request=request,
            data={"user": membership.user.email, "before": before, "after": role},
        )
    policy.forget_roles(membership.user)
    return membership


def end_membership(membership: Membership, *, actor: User, request: HttpRequest | None = None) -> None:
    policy.require(actor, "membership.change", membership)
    with transaction.atomic():
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        record(
            "membership.ended",
            actor=actor,
            target=membership,
            request=request,
            data={"user": membership.user.email, "role": membership.role},
        )
    policy.forget_roles(membership.user)


def send_password_link(user: User, request: HttpRequest | None, *, purpose: str) -> None:
    """E-mail a one-time link to set a password (invitation or reset), via the outbox."""
    form = PasswordLinkForm({"email": user.email})
    form.purpose = purpose
    form.is_valid()
    form.save(
        request=request,
        domain_override=settings.SITE_URL.split("://", 1)[1],
        use_https=settings.SITE_URL.startswith("https"),
        subject_template_name=f"accounts/email/{purpose}_subject.txt",
        email_template_name=f"accounts/email/{purpose}.txt",
        extra_email_context={"site_url": settings.SITE_URL},
    )


# --- API tokens -----------------------------------------------------------------------


def create_token(
    user: User, *, name: str, scope: str, days: int, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token; return it with its secret, which is never stored nor shown again."""
    policy.require(user, "token.manage")
    if not 1 <= days <= settings.THIQA_TOKEN_MAX_DAYS:
        raise ServiceError(
            _("A token lasts between 1 and %(days)d days.") % {"days": settings.THIQA_TOKEN_MAX_DAYS}
        )
    if scope not in ApiToken.Scope.values:
        raise ServiceError(_("Unknown scope."))
    secret = ApiToken.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            scope=scope,
            key_hash=hash_token(secret),
            key_hint=secret[:8],
            expires_at=timezone.now() + timedelta(days=days),
        )
        record(
            "token.created",
            actor=user,
            target=token,
            request=request,
            data={"name": token.name, "scope": scope, "expires_at": token.expires_at.isoformat()},
        )
    return token, secret


def revoke_token(token: ApiToken, *, actor: User, request: HttpRequest | None = None) -> None:
    policy.require(actor, "token.revoke", token)
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record("token.revoked", actor=actor, target=token, request=request, data={"name": token.name})


def token_for(secret: str) -> ApiToken | None:
    """The usable token with this secret, or None (unknown, revoked or expired)."""
    if not secret.startswith("thq_") or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    token.touch()
    return token


def set_language(user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
