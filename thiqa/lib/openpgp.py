"""OpenPGP with Sequoia (pysequoia): contacts' public keys (parse, validate, describe) and
the platform's own key, which signs every e-mail copy of a message and encrypts copies to
contacts' keys.

A contact's key is accepted only if it is a public certificate (never a secret key), is
not revoked or expired, and can encrypt: the messaging room encrypts e-mail copies to it.
"""

import os
import warnings
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path

import pysequoia
from django.conf import settings
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


# --- the platform's own key: it signs every e-mail copy and encrypts to contacts' keys ---------


class PlatformKey:
    """The platform's OpenPGP key, generated once into the data directory (or read from
    ``THIQA_OPENPGP_KEY_FILE``). The secret key never leaves that file: it is not logged,
    not shown and not exported; its public half is published for recipients to verify."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tsk: pysequoia.Tsk | None = None

    @property
    def tsk(self) -> pysequoia.Tsk:
        if self._tsk is None:
            self._tsk = pysequoia.Tsk.from_bytes(self._read_or_create())
        return self._tsk

    def _read_or_create(self) -> bytes:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
            armored = str(pysequoia.Tsk.generate(f"Thiqa <{address}>")).encode()
            # Written under another name, then linked: two processes starting at once keep
            # one key, the first one linked, and nobody reads a half-written file.
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(armored)
            with suppress(FileExistsError):
                os.link(temporary, self.path)
            temporary.unlink()
        return self.path.read_bytes()

    @property
    def public(self) -> str:
        """The ASCII-armored public key, for recipients to verify signatures."""
        return str(self.tsk.extract_certificate())

    @property
    def fingerprint(self) -> str:
        return self.tsk.extract_certificate().fingerprint.upper()

    def sign_detached(self, data: bytes) -> tuple[bytes, str]:
        """An armored detached signature of ``data`` and its RFC 3156 ``micalg`` name."""
        signature = pysequoia.sign(self.tsk.signer(), data, mode=pysequoia.SignatureMode.DETACHED)
        algorithm = pysequoia.Sig.from_bytes(signature).hash_algorithm
        return signature, "pgp-" + str(algorithm).rsplit(".", 1)[-1].lower()

    def sign_clear(self, text: str) -> str:
        """``text`` as a cleartext-signed message (RFC 9580 section 7): readable as it is,
        verifiable by any OpenPGP tool with the platform's public key."""
        return pysequoia.sign(self.tsk.signer(), text.encode(), mode=pysequoia.SignatureMode.CLEAR).decode()

    def encrypt_and_sign(self, data: bytes, recipient_key: str) -> bytes:
        """``data`` signed by the platform and encrypted to ``recipient_key``, armored."""
        recipient = pysequoia.Cert.from_bytes(recipient_key.encode())
        return pysequoia.encrypt(data, recipients=[recipient], signer=self.tsk.signer())

    def decrypt(self, data: bytes) -> bytes | None:
        """``data`` decrypted with the platform's key; None if it was not encrypted to it
        (or is no OpenPGP message at all)."""
        try:
            return bytes(pysequoia.decrypt(data, decryptor=self.tsk.decryptor()).bytes)
        except (RuntimeError, ValueError):
            return None


class InvalidSignature(ValueError):
    pass


def verify_clear(signed: str, public_key: str) -> str:
    """The text of a cleartext-signed message if ``public_key`` made a valid signature on
    it; else :class:`InvalidSignature`."""
    try:
        certificate = pysequoia.Cert.from_bytes(public_key.encode())
        verified = pysequoia.verify(bytes=signed.encode(), store=lambda ids: [certificate])
    except (RuntimeError, ValueError) as exc:
        raise InvalidSignature(_("The signature is not valid for the platform's key.")) from exc
    if not verified.valid_sigs:
        raise InvalidSignature(_("The signature is not valid for the platform's key."))
    return verified.bytes.decode()


_platform_keys: dict[Path, PlatformKey] = {}


def platform_key() -> PlatformKey:
    """The platform's key for the configured path (one object per path and process)."""
    path = Path(settings.THIQA_OPENPGP_KEY_FILE)
    if path not in _platform_keys:
        _platform_keys[path] = PlatformKey(path)
    return _platform_keys[path]


def usable_key(armored: str, *, now: datetime | None = None) -> str | None:
    """``armored`` if it can still be encrypted to (not expired or revoked since it was
    accepted), else None: a copy is then sent as for a contact without a key."""
    if not armored:
        return None
    try:
        return parse_public_key(armored, now=now).armored
    except InvalidKey:
        return None
