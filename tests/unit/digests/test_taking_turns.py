"""Due digests are queued one workspace after another, so the relay's groups mix workspaces."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bot.digests.usecases import taking_turns


@given(st.lists(st.sampled_from(["T1", "T2", "T3", "T4"]), max_size=60))
def test_turns_keep_every_message_and_never_let_a_workspace_run_ahead(teams: list[str]) -> None:
    messages: list[dict[str, object]] = [
        {"team_id": team, "n": index} for index, team in enumerate(teams)
    ]
    ordered = taking_turns(messages)
    assert sorted(id(m) for m in ordered) == sorted(id(m) for m in messages)
    # Within a workspace the order is kept; across them, in any prefix, a workspace that
    # still has messages to send is never more than one turn behind another.
    for team in set(teams):
        assert [m["n"] for m in ordered if m["team_id"] == team] == [
            m["n"] for m in messages if m["team_id"] == team
        ]
    total = Counter(teams)
    for end in range(len(ordered) + 1):
        seen = Counter(str(m["team_id"]) for m in ordered[:end])
        waiting = [seen[team] for team in total if seen[team] < total[team]]
        if waiting:
            assert max(seen[team] for team in total) - min(waiting) <= 1


def test_three_workspaces_take_turns() -> None:
    messages: list[dict[str, object]] = [
        {"team_id": team, "n": n} for team, n in [("A", 1), ("A", 2), ("A", 3), ("B", 1), ("C", 1)]
    ]
    assert [(m["team_id"], m["n"]) for m in taking_turns(messages)] == [
        ("A", 1),
        ("B", 1),
        ("C", 1),
        ("A", 2),
        ("A", 3),
    ]
