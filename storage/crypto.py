"""Encryption of stored Slack tokens (Fernet: AES-128-CBC + HMAC, with key rotation)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenCipherError(Exception):
    """A stored token could not be decrypted with any configured key."""


class TokenCipher:
    """Encrypts with the first key, decrypts with any of them.

    `TOKEN_ENCRYPTION_KEY` holds one or more comma-separated Fernet keys; to rotate, put a
    new key first, run `journeybot rotate-key`, then drop the old key.
    """

    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ValueError("no encryption key given")
        try:
            self._fernet = MultiFernet([Fernet(part.encode()) for part in parts])
        except (ValueError, TypeError) as error:
            raise ValueError(
                "each key must be 32 url-safe base64-encoded bytes "
                "(make one with `journeybot generate-key`)"
            ) from error

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise TokenCipherError(
                "stored token does not decrypt with the configured keys"
            ) from None

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the newest key."""
        try:
            return self._fernet.rotate(ciphertext.encode()).decode()
        except InvalidToken:
            raise TokenCipherError(
                "stored token does not decrypt with the configured keys"
            ) from None
