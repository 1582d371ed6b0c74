"""Key rotation for stored tokens."""

from __future__ import annotations

from bot.settings import CoreSettings
from storage.crypto import TokenCipher
from storage.db import make_engine, make_session_factory
from storage.repositories.installations import all_installations

TOKEN_COLUMNS = (
    "bot_token_encrypted",
    "bot_refresh_token_encrypted",
    "user_token_encrypted",
    "user_refresh_token_encrypted",
    "incoming_webhook_url_encrypted",
)


def rotate_stored_tokens(settings: CoreSettings) -> int:
    """Re-encrypt every stored token under the newest key; returns the rows touched."""
    if settings.token_encryption_key is None:
        raise ValueError("TOKEN_ENCRYPTION_KEY is not set")
    cipher = TokenCipher(settings.token_encryption_key.get_secret_value())
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            rows = all_installations(session)
            for row in rows:
                for column in TOKEN_COLUMNS:
                    value = getattr(row, column)
                    if value is not None:
                        setattr(row, column, cipher.rotate(value))
            return len(rows)
    finally:
        engine.dispose()
