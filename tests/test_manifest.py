"""manifest.yml: valid for Slack, least privilege, and in step with the code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from handlers.ids import Command, Shortcut
from handlers.scopes import BOT_SCOPES

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST_PATH = REPO_ROOT / "manifest.yml"
SCHEMA_PATH = REPO_ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"

# The scope each subscribed bot event needs (None: the event needs no scope).
EVENT_SCOPES: dict[str, str | None] = {
    "reaction_added": "reactions:read",
    "reaction_removed": "reactions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
    "member_joined_channel": "channels:read",
    "user_change": "users:read",
    "member_left_channel": "channels:read",
    "channel_left": "channels:read",
    "group_left": "groups:read",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _bot_scopes(manifest: dict[str, Any]) -> list[str]:
    return list(manifest["oauth_config"]["scopes"]["bot"])


def _bot_events(manifest: dict[str, Any]) -> list[str]:
    return list(manifest["settings"]["event_subscriptions"]["bot_events"])


def test_manifest_validates_against_slack_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"Slack's manifest schema is not vendored at {SCHEMA_PATH}")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(manifest, schema)
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}
    # The schema names this pattern under a non-standard "regex" key, so check it here.
    color = manifest["display_information"]["background_color"]
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", color), color


def test_bot_scopes_are_exactly_the_code_s_scopes(manifest: dict[str, Any]) -> None:
    scopes = _bot_scopes(manifest)
    assert len(scopes) == len(set(scopes)), f"duplicate scopes in manifest.yml: {scopes}"
    assert set(scopes) == set(BOT_SCOPES), (
        f"only in manifest.yml: {sorted(set(scopes) - set(BOT_SCOPES))}; "
        f"only in handlers/scopes.py: {sorted(set(BOT_SCOPES) - set(scopes))}"
    )
    assert not manifest["oauth_config"]["scopes"].get("user"), "no user scopes"


def test_every_bot_event_has_its_scope(manifest: dict[str, Any]) -> None:
    granted = set(_bot_scopes(manifest))
    events = _bot_events(manifest)
    unknown = [event for event in events if event not in EVENT_SCOPES]
    assert not unknown, f"add these events to EVENT_SCOPES with their scope: {unknown}"
    missing = {
        event: EVENT_SCOPES[event]
        for event in events
        if EVENT_SCOPES[event] is not None and EVENT_SCOPES[event] not in granted
    }
    assert not missing, f"events subscribed without their scope: {missing}"


def test_slash_command_is_the_one_the_code_handles(manifest: dict[str, Any]) -> None:
    commands = [item["command"] for item in manifest["features"]["slash_commands"]]
    assert commands == [Command.journey.value]


def test_message_shortcut_reports_an_irritant(manifest: dict[str, Any]) -> None:
    shortcuts = manifest["features"]["shortcuts"]
    assert [(item["type"], item["callback_id"]) for item in shortcuts] == [
        ("message", "report_irritant")
    ]
    assert Shortcut.report_irritant.value == "report_irritant"


def test_every_scope_line_names_its_feature() -> None:
    lines = MANIFEST_PATH.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "bot:")
    scope_lines: list[str] = []
    for line in lines[start + 1 :]:
        if not line.lstrip().startswith("- "):
            break
        scope_lines.append(line)
    assert len(scope_lines) == len(BOT_SCOPES)
    for line in scope_lines:
        entry, sep, comment = line.partition("#")
        assert sep, f"scope line without a comment naming its feature: {line!r}"
        scope = entry.strip().removeprefix("- ").strip()
        assert comment.strip() == BOT_SCOPES.get(scope), (
            f"{scope}: comment should be the feature from handlers/scopes.py, "
            f"{BOT_SCOPES.get(scope)!r}"
        )
