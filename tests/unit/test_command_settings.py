"""Each command asks only for the settings it uses: a release job migrates with DATABASE_URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine

from storage.db import make_engine
from storage.migrate import current_revision, head_revision


def journeybot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_migrate_needs_only_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'release.db'}"
    result = journeybot("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    engine: Engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_rotate_key_needs_only_the_database_and_the_key(tmp_path: Path) -> None:
    from storage.crypto import TokenCipher

    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'keys.db'}",
        "TOKEN_ENCRYPTION_KEY": TokenCipher.generate_key(),
    }
    assert journeybot("migrate", env=env, cwd=tmp_path).returncode == 0
    result = journeybot("rotate-key", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "re-encrypted 0 installation(s)" in result.stdout
    without_key = journeybot("rotate-key", env={"DATABASE_URL": env["DATABASE_URL"]}, cwd=tmp_path)
    assert without_key.returncode == 2
    assert "TOKEN_ENCRYPTION_KEY" in without_key.stderr


def test_a_malformed_database_url_still_stops_migrate_in_one_line(tmp_path: Path) -> None:
    result = journeybot("migrate", env={"DATABASE_URL": "mysql://x"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "DATABASE_URL" in result.stderr


def test_run_still_needs_the_slack_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    result = journeybot("run", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
