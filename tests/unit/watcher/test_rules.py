"""What a message, reaction or click means in a watched channel: examples, then properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.watcher.rules import (
    AckHow,
    Acknowledge,
    FollowUp,
    Ignore,
    NewRequest,
    Posted,
    RequestState,
    SameRequest,
    WatchTerms,
    Withdraw,
    read_deletion,
    read_message,
    read_reaction,
    read_take,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
TERMS = WatchTerms(team=frozenset({"UMARIE", "UJACK"}), window=timedelta(hours=4))


def msg(user: str | None, at: datetime, ts: str = "1.1", **extra: object) -> Posted:
    return Posted(ts=ts, at=at, user_id=user, **extra)  # type: ignore[arg-type]


def state(
    requester: str = "UCLIENT", last: datetime = T0, acknowledged: bool = False, ts: str = "1.1"
) -> RequestState:
    return RequestState(ts=ts, requester=requester, last_message_at=last, acknowledged=acknowledged)


def top(posted: Posted, latest: RequestState | None = None) -> object:
    return read_message(posted, TERMS, latest_of_author=latest, thread_request=None)


def reply(posted: Posted, request: RequestState | None) -> object:
    return read_message(posted, TERMS, latest_of_author=None, thread_request=request)


# --- requests -------------------------------------------------------------------------------


def test_a_clients_top_level_message_is_a_request() -> None:
    assert top(msg("UCLIENT", T0)) == NewRequest(ts="1.1", requester="UCLIENT", at=T0)


def test_a_file_shared_or_a_reply_broadcast_is_still_a_person_writing() -> None:
    assert isinstance(top(msg("UCLIENT", T0, subtype="file_share")), NewRequest)


def test_bots_joins_edits_and_other_subtypes_are_not_requests() -> None:
    assert top(msg("UCLIENT", T0, bot_id="B1")) == Ignore("bot")
    assert top(msg(None, T0, subtype="bot_message")) == Ignore("bot")
    for subtype in ("channel_join", "message_changed", "message_deleted", "channel_topic"):
        assert top(msg("UCLIENT", T0, subtype=subtype)) == Ignore(f"subtype {subtype}")
    assert top(msg(None, T0)) == Ignore("no author")


def test_the_teams_own_messages_are_not_requests() -> None:
    assert top(msg("UMARIE", T0)) == Ignore("the team's own message")


def test_a_thread_reply_is_not_a_request() -> None:
    assert reply(msg("UCLIENT", T0, ts="2.2", thread_ts="0.5"), None) == Ignore(
        "not in a request's thread"
    )


def test_messages_within_five_minutes_are_one_request() -> None:
    latest = state(last=T0)
    assert top(msg("UCLIENT", T0 + 5 * MIN, ts="2.2"), latest) == SameRequest("1.1", T0 + 5 * MIN)


def test_grouping_interval_is_configurable() -> None:
    terms = WatchTerms(team=frozenset(), window=timedelta(hours=1), grouping=timedelta(0))
    decision = read_message(
        msg("UCLIENT", T0 + timedelta(seconds=1), ts="2.2"),
        terms,
        latest_of_author=state(),
        thread_request=None,
    )
    assert decision == FollowUp("1.1", T0 + timedelta(seconds=1))


# --- follow-ups -----------------------------------------------------------------------------


def test_writing_again_later_before_any_acknowledgement_is_a_follow_up() -> None:
    at = T0 + 5 * MIN + timedelta(seconds=1)
    assert top(msg("UCLIENT", at, ts="2.2"), state()) == FollowUp("1.1", at)
    assert reply(msg("UCLIENT", at, ts="2.2", thread_ts="1.1"), state()) == FollowUp("1.1", at)


def test_after_the_acknowledgement_a_new_message_is_a_new_request_not_a_follow_up() -> None:
    at = T0 + 30 * MIN
    acked = state(acknowledged=True)
    assert top(msg("UCLIENT", at, ts="2.2"), acked) == NewRequest("2.2", "UCLIENT", at)
    assert isinstance(reply(msg("UCLIENT", at, ts="2.2", thread_ts="1.1"), acked), Ignore)


def test_the_requesters_thread_reply_within_the_interval_is_the_same_request() -> None:
    decision = reply(msg("UCLIENT", T0 + MIN, ts="2.2", thread_ts="1.1"), state())
    assert decision == SameRequest("1.1", T0 + MIN)


# --- acknowledgements -----------------------------------------------------------------------


def test_a_team_members_thread_reply_acknowledges() -> None:
    decision = reply(msg("UMARIE", T0 + MIN, ts="2.2", thread_ts="1.1"), state())
    assert decision == Acknowledge("1.1", "UMARIE", AckHow.reply, T0 + MIN)


def test_only_the_first_acknowledgement_counts() -> None:
    acked = state(acknowledged=True)
    assert reply(msg("UJACK", T0, ts="2.2", thread_ts="1.1"), acked) == Ignore(
        "already acknowledged"
    )


def test_replies_by_bots_or_outsiders_do_not_acknowledge() -> None:
    assert reply(msg("UMARIE", T0, ts="2.2", thread_ts="1.1", bot_id="B1"), state()) == Ignore(
        "bot"
    )
    assert isinstance(reply(msg("UOTHER", T0, ts="2.2", thread_ts="1.1"), state()), Ignore)


def reaction(user: str, name: str = "eyes", added: bool = True, acked: bool = False) -> object:
    return read_reaction(
        user_id=user,
        reaction=name,
        added=added,
        at=T0,
        terms=TERMS,
        request=state(acknowledged=acked),
        bot_user_ids=frozenset({"UBOT"}),
    )


def test_an_acknowledgement_reaction_by_a_team_member_acknowledges() -> None:
    assert reaction("UJACK") == Acknowledge("1.1", "UJACK", AckHow.reaction, T0)


def test_reactions_that_do_not_acknowledge() -> None:
    assert reaction("UJACK", "rage") == Ignore("not an acknowledgement reaction")
    assert reaction("UCLIENT") == Ignore("the requester's own reaction")
    assert reaction("UBOT") == Ignore("bot")
    assert reaction("UOTHER") == Ignore("a reaction by someone outside the team")
    assert reaction("UJACK", added=False) == Ignore("a reaction removed")
    assert reaction("UJACK", acked=True) == Ignore("already acknowledged")
    assert read_reaction(
        user_id="UJACK", reaction="eyes", added=True, at=T0, terms=TERMS, request=None
    ) == Ignore("not on a request")


def test_ill_take_it_acknowledges_for_the_clicker_but_not_the_requester() -> None:
    assert read_take(user_id="UANY", at=T0, request=state()) == Acknowledge(
        "1.1", "UANY", AckHow.button, T0
    )
    assert isinstance(read_take(user_id="UCLIENT", at=T0, request=state()), Ignore)
    assert isinstance(read_take(user_id="UANY", at=T0, request=state(acknowledged=True)), Ignore)


def test_a_deleted_request_is_withdrawn() -> None:
    assert read_deletion(deleted_ts="1.1", request=state()) == Withdraw("1.1")
    assert isinstance(read_deletion(deleted_ts="9.9", request=None), Ignore)


# --- properties over conversations ----------------------------------------------------------


@dataclass
class Request:
    ts: str
    requester: str
    last: datetime
    acknowledged_by: str | None = None
    follow_ups: int = 0
    messages: int = 1


@dataclass
class Channel:
    """An in-memory channel that applies the rules' decisions, as the storage would."""

    terms: WatchTerms
    requests: list[Request] = field(default_factory=list)
    acknowledgements: int = 0

    def state(self, request: Request) -> RequestState:
        return RequestState(
            ts=request.ts,
            requester=request.requester,
            last_message_at=request.last,
            acknowledged=request.acknowledged_by is not None,
        )

    def latest_of(self, user: str) -> RequestState | None:
        mine = [r for r in self.requests if r.requester == user]
        return self.state(mine[-1]) if mine else None

    def by_ts(self, ts: str) -> Request:
        return next(r for r in self.requests if r.ts == ts)

    def post(self, posted: Posted) -> object:
        thread = None
        if posted.in_thread:
            found = [r for r in self.requests if r.ts == posted.thread_ts]
            thread = self.state(found[0]) if found else None
        latest = self.latest_of(str(posted.user_id)) if posted.user_id else None
        decision = read_message(posted, self.terms, latest_of_author=latest, thread_request=thread)
        self.apply(decision)
        return decision

    def apply(self, decision: object) -> None:
        if isinstance(decision, NewRequest):
            self.requests.append(Request(decision.ts, decision.requester, decision.at))
        elif isinstance(decision, SameRequest):
            request = self.by_ts(decision.request_ts)
            request.last, request.messages = decision.at, request.messages + 1
        elif isinstance(decision, FollowUp):
            request = self.by_ts(decision.request_ts)
            request.last, request.follow_ups = decision.at, request.follow_ups + 1
            request.messages += 1
        elif isinstance(decision, Acknowledge):
            request = self.by_ts(decision.request_ts)
            assert request.acknowledged_by is None, "acknowledged twice"
            request.acknowledged_by = decision.by
            self.acknowledgements += 1


PEOPLE = ["UCLIENT", "UOTHERCLIENT", "UMARIE", "UJACK"]
steps = st.lists(
    st.tuples(
        st.sampled_from(PEOPLE),
        st.integers(min_value=0, max_value=15),  # minutes since the previous message
        st.booleans(),  # in the thread of the poster's (or someone's) latest request
        st.sampled_from([None, None, None, "channel_join", "message_changed", "file_share"]),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_every_client_message_is_a_request_a_regrouping_or_a_follow_up(
    conversation: list[tuple[str, int, bool, str | None]],
) -> None:
    channel = Channel(TERMS)
    now = T0
    client_messages = 0
    for index, (user, gap, in_thread, subtype) in enumerate(conversation):
        now += gap * MIN
        ts = f"{index + 1}.000"
        thread_ts = channel.requests[-1].ts if in_thread and channel.requests else None
        before = {r.ts: (r.last, r.follow_ups, r.acknowledged_by) for r in channel.requests}
        decision = channel.post(Posted(ts, now, user, subtype, thread_ts))
        if subtype not in (None, "file_share"):
            assert isinstance(decision, Ignore)
            continue
        if user in TERMS.team:
            # The team never makes requests or follow-ups.
            assert not isinstance(decision, NewRequest | SameRequest | FollowUp)
        if isinstance(decision, FollowUp):
            last, _, acknowledged_by = before[decision.request_ts]
            assert decision.at - last > TERMS.grouping
            assert acknowledged_by is None
        if isinstance(decision, SameRequest):
            last, _, _ = before[decision.request_ts]
            assert decision.at - last <= TERMS.grouping
        if isinstance(decision, NewRequest | SameRequest | FollowUp):
            client_messages += 1
    # Every message the clients' requests hold was counted once, as one of the three.
    assert client_messages == sum(r.messages for r in channel.requests)
    assert channel.acknowledgements == sum(r.acknowledged_by is not None for r in channel.requests)
    for request in channel.requests:
        assert request.requester not in TERMS.team
        assert request.acknowledged_by in TERMS.team | {None}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["UMARIE", "UJACK", "UCLIENT", "UBOT"]), max_size=10))
def test_at_most_one_acknowledgement_whatever_reacts(users: list[str]) -> None:
    acknowledged = False
    count = 0
    for user in users:
        decision = read_reaction(
            user_id=user,
            reaction="eyes",
            added=True,
            at=T0,
            terms=TERMS,
            request=state(acknowledged=acknowledged),
            bot_user_ids=frozenset({"UBOT"}),
        )
        if isinstance(decision, Acknowledge):
            acknowledged = True
            count += 1
            assert decision.by in TERMS.team
    assert count == (1 if {"UMARIE", "UJACK"} & set(users) else 0)
