"""`journeybot rotate-key` (RELIABILITY.md row 3): every stored token re-encrypted under the new
key, the old key dropped afterwards, every read still working; a wrong key fails clearly."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation as SlackInstall
from sqlalchemy import select

from bot.core import Core
from bot.keys import TOKEN_COLUMNS
from bot.wiring.oauth_store import EncryptedInstallationStore
from storage.crypto import TokenCipher, TokenCipherError
from storage.models import Installation

# A Slack token as it starts in clear ("xoxb-", "xoxe-"…). Not just "xox": three letters
# turn up by chance in about one Fernet ciphertext in a thousand.
TOKEN_PREFIX = re.compile(r"xox[a-z]-")

CLIENT_ID = "1111.2222"
OLD_KEY = TokenCipher.generate_key()
NEW_KEY = TokenCipher.generate_key()
TEAMS = ("T0NORTH", "T0SOUTH", "T0EAST")


def _secrets(team_id: str) -> dict[str, str]:
    low = team_id.lower()
    return {
        "bot_token": f"xoxb-{low}-bot",
        "bot_refresh_token": f"xoxe-1-{low}-bot-refresh",
        "user_token": f"xoxp-{low}-user",
        "user_refresh_token": f"xoxe-1-{low}-user-refresh",
        "incoming_webhook_url": f"https://hooks.slack.test/services/{team_id}/secret",
    }


def _store(runtime: Core, keys: str) -> EncryptedInstallationStore:
    return EncryptedInstallationStore(runtime, TokenCipher(keys), CLIENT_ID)


def _install_all(runtime: Core) -> None:
    store = _store(runtime, OLD_KEY)
    for team_id in TEAMS:
        installation = SlackInstall(
            app_id="A0JOURNEY",
            team_id=team_id,
            team_name=team_id.lower(),
            bot_id=f"B{team_id}",
            bot_user_id=f"U{team_id}",
            bot_scopes="commands,chat:write",
            user_id=f"U{team_id}ADMIN",
            user_scopes="",
            incoming_webhook_channel_id="C0HOOK",
            installed_at=time.time(),
            **_secrets(team_id),
        )
        asyncio.run(store.async_save(installation))


def _stored(runtime: Core) -> dict[str, dict[str, str | None]]:
    with runtime.session_factory() as session:
        return {
            row.team_id: {column: getattr(row, column) for column in TOKEN_COLUMNS}
            for row in session.scalars(select(Installation))
        }


def _read_back(runtime: Core, keys: str, team_id: str) -> dict[str, str | None]:
    found = asyncio.run(
        _store(runtime, keys).async_find_installation(
            enterprise_id=None, team_id=team_id, user_id=f"U{team_id}ADMIN"
        )
    )
    assert found is not None
    return {name: getattr(found, name) for name in _secrets(team_id)}


def _rotate(database_url: str, keys: str) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it, in its own process with only its settings."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "DATABASE_", "TOKEN_ENCRYPTION"))
    }
    environment.update(DATABASE_URL=database_url, TOKEN_ENCRYPTION_KEY=keys)
    return subprocess.run(
        [sys.executable, "-m", "bot", "rotate-key"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_rotation_re_encrypts_every_token_and_the_old_key_can_go(
    runtime: Core,
    database_url: str,
) -> None:
    _install_all(runtime)
    before = _stored(runtime)

    # The new key first, the old one still listed so the stored tokens can be read.
    done = _rotate(database_url, f"{NEW_KEY},{OLD_KEY}")

    assert done.returncode == 0, done.stderr
    assert "re-encrypted 3 installation(s)" in done.stdout
    after = _stored(runtime)
    assert set(after) == set(TEAMS)
    for team_id in TEAMS:
        for column in TOKEN_COLUMNS:
            ciphertext = after[team_id][column]
            assert ciphertext is not None
            assert ciphertext != before[team_id][column]
            assert not TOKEN_PREFIX.search(ciphertext)
            with pytest.raises(TokenCipherError, match="does not decrypt"):
                TokenCipher(OLD_KEY).decrypt(ciphertext)
        # The old key dropped: every read through the app's own store works with the new alone.
        assert _read_back(runtime, NEW_KEY, team_id) == _secrets(team_id)


def test_a_wrong_key_fails_clearly_and_changes_nothing(
    runtime: Core,
    database_url: str,
) -> None:
    _install_all(runtime)
    before = _stored(runtime)

    done = _rotate(database_url, NEW_KEY)  # the old key forgotten too early

    assert done.returncode == 2
    err = done.stderr
    assert "does not decrypt with the configured keys" in err
    assert "TOKEN_ENCRYPTION_KEY" in err
    assert "Traceback" not in err
    assert OLD_KEY not in err
    assert NEW_KEY not in err
    assert _stored(runtime) == before  # one transaction: nothing half-rotated
    assert _read_back(runtime, OLD_KEY, TEAMS[0]) == _secrets(TEAMS[0])


def test_a_malformed_key_fails_clearly(
    runtime: Core,
    database_url: str,
) -> None:
    _install_all(runtime)
    before = _stored(runtime)

    done = _rotate(database_url, "not-a-fernet-key")

    assert done.returncode == 2
    err = done.stderr
    assert "32 url-safe base64-encoded bytes" in err
    assert "not-a-fernet-key" not in err
    assert _stored(runtime) == before
