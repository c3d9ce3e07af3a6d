"""Authenticated encryption of OLT credentials at rest (AES-256-GCM from `cryptography`).

The key is ``CREDENTIALS_KEY`` (any string; stretched with HKDF) or, when unset, derived from
``SECRET_KEY`` with a different HKDF label so the two uses never share key material.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"
_NONCE = 12
_AAD = b"ponapi-olt-credential"


class CredentialError(Exception):
    """A stored credential could not be decrypted (wrong key or tampered data)."""


def derive_key(material: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ponapi credentials v1"
    ).derive(material.encode("utf-8"))


class CredentialCipher:
    def __init__(self, key_material: str) -> None:
        self._aead = AESGCM(derive_key(key_material))

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), _AAD)

    def decrypt(self, blob: bytes) -> str:
        if len(blob) < 1 + _NONCE + 16 or blob[:1] != _VERSION:
            raise CredentialError("stored credential has an unknown format")
        nonce = blob[1 : 1 + _NONCE]
        try:
            return self._aead.decrypt(nonce, blob[1 + _NONCE :], _AAD).decode("utf-8")
        except InvalidTag as exc:
            raise CredentialError("stored credential cannot be decrypted with this key") from exc

    def seal(self, data: bytes, label: bytes) -> bytes:
        """``data`` encrypted (AES-256-GCM), bound to ``label`` (what it is: a blob sealed
        for one use never opens as another)."""
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, data, label)

    def unseal(self, blob: bytes, label: bytes) -> bytes:
        """What ``seal`` encrypted with ``label``; CredentialError when it cannot be."""
        if len(blob) < 1 + _NONCE + 16 or blob[:1] != _VERSION:
            raise CredentialError("sealed data has an unknown format")
        try:
            return self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], label)
        except InvalidTag as exc:
            raise CredentialError("sealed data cannot be decrypted with this key") from exc
