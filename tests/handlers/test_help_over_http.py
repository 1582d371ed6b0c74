"""`/journey help` and the HTTP front door, through signed requests to /slack/events."""

from __future__ import annotations

import json

from tests.handlers.conftest import ANNA, BRUNO, CLIENTS, TEAM, Slack
from tests.slack_standin.inbound import slash_command_body
from tests.slack_standin.validation import validate_message_blocks


def _command(slack: Slack, text: str, user: str = ANNA) -> dict[str, object]:
    body = slash_command_body(
        text=text,
        team_id=TEAM,
        user_id=user,
        channel_id=CLIENTS,
        trigger_id=slack.standin.new_trigger_id(TEAM),
        response_url=slack.standin.new_response_url(),
    )
    response = slack.sender.post(body, content_type="application/x-www-form-urlencoded")
    assert response.status == 200, response.text
    assert response.elapsed_seconds < 3.0
    return dict(json.loads(response.text))


def test_help_lists_every_subcommand_in_english(slack: Slack) -> None:
    answer = _command(slack, "help")
    assert answer["response_type"] == "ephemeral"
    validate_message_blocks(answer["blocks"])  # raises like Slack's invalid_blocks would
    text = json.dumps(answer["blocks"])
    for word in ("help", "irritants", "export", "settings"):
        assert f"/journey {word}" in text
    assert "journeybot commands" in text


def test_bare_command_and_french_user_get_french_help(slack: Slack) -> None:
    answer = _command(slack, "", user=BRUNO)
    text = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "Commandes de journeybot" in text
    assert "/journey aide" in text
    assert "/journey réglages" in text


def test_french_subcommand_name_is_understood(slack: Slack) -> None:
    answer = _command(slack, "aide")
    assert "journeybot commands" in json.dumps(answer["blocks"])


def test_unknown_subcommand_suggests_the_closest(slack: Slack) -> None:
    answer = _command(slack, "irritans open")
    assert "Did you mean `/journey irritants`" in str(answer["text"])
    validate_message_blocks(answer["blocks"])


def test_locale_is_looked_up_once_per_user(slack: Slack) -> None:
    for _ in range(3):
        _command(slack, "help")
    lookups = [call for call in slack.standin.calls("users.info") if call.args.get("user") == ANNA]
    assert len(lookups) == 1


def test_a_signed_but_malformed_body_is_a_400_not_a_500(slack: Slack) -> None:
    response = slack.sender.post("{not json", content_type="application/json")
    assert response.status == 400


def test_url_verification_echoes_the_challenge(slack: Slack) -> None:
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm", "type": "url_verification"})
    response = slack.sender.post(body, content_type="application/json")
    assert response.status == 200
    assert "3eZbrw1aBm" in response.text


def test_health_is_ok_once_migrated(slack: Slack) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{slack.bot.url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read())["ok"] is True
