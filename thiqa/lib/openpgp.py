"""OpenPGP public keys of contacts: parse, validate, describe (Sequoia via pysequoia).

A key is accepted only if it is a public certificate (never a secret key), is not
revoked or expired, and can encrypt: the secure-communications room encrypts e-mail
copies to it.
"""

import warnings
from dataclasses import dataclass
from datetime import datetime

import pysequoia
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_KEY_BYTES = 64 * 1024


class InvalidKey(ValueError):
    """A key that cannot be used; the message is translated and says why."""


@dataclass(frozen=True)
class PublicKey:
    armored: str
    fingerprint: str
    expires_at: datetime | None
    user_ids: tuple[str, ...]

    @property
    def grouped_fingerprint(self) -> str:
        """The fingerprint in groups of four, as people read it aloud."""
        return " ".join(self.fingerprint[i : i + 4] for i in range(0, len(self.fingerprint), 4))


def parse_public_key(text: str, *, now: datetime | None = None) -> PublicKey:
    """Validate an ASCII-armored OpenPGP public key; raise :class:`InvalidKey` with a reason."""
    data = text.strip().encode()
    if len(data) > MAX_KEY_BYTES:
        raise InvalidKey(_("The OpenPGP key is larger than 64 KB."))
    if b"PRIVATE KEY BLOCK" in data:
        raise InvalidKey(
            _("This is a secret (private) key. Paste only the public key and keep the secret key safe.")
        )
    if not data.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"):
        raise InvalidKey(
            _("This is not an OpenPGP public key in ASCII armor (“-----BEGIN PGP PUBLIC KEY BLOCK-----”).")
        )
    try:
        cert = pysequoia.Cert.from_bytes(data)
    except Exception as exc:  # pysequoia raises RuntimeError/ValueError with a Rust backtrace
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise InvalidKey(_("The OpenPGP key cannot be read: %(reason)s.") % {"reason": reason}) from None
    with warnings.catch_warnings():  # pysequoia deprecates the question, not the answer
        warnings.simplefilter("ignore", DeprecationWarning)
        secret = cert.has_secret_keys
    if secret:
        raise InvalidKey(
            _("This is a secret (private) key. Paste only the public key and keep the secret key safe.")
        )
    if cert.is_revoked:
        raise InvalidKey(_("This OpenPGP key has been revoked by its owner."))
    expires_at = cert.expiration
    if expires_at is not None and expires_at <= (now or timezone.now()):
        raise InvalidKey(
            _("This OpenPGP key expired on %(date)s. Ask the contact for a renewed key.")
            % {"date": expires_at.date().isoformat()}
        )
    try:
        pysequoia.encrypt(b"thiqa", [cert])
    except Exception:
        raise InvalidKey(
            _("This OpenPGP key has no valid encryption subkey, so nothing can be encrypted to it.")
        ) from None
    return PublicKey(
        armored=str(cert),
        fingerprint=cert.fingerprint.upper(),
        expires_at=expires_at,
        user_ids=tuple(str(uid.value) if hasattr(uid, "value") else str(uid) for uid in cert.user_ids),
    )
