"""The Slack calls journey decisions lead to, written in the deciding transaction."""

from __future__ import annotations

from bot.outbox import OutboxKind, Payload


class ExerciseRef(Payload):
    exercise_id: int


class PhaseReminder(Payload):
    exercise_id: int
    phase: str


# Post the exercise message in its channel, once, when the exercise starts.
POST_MESSAGE = OutboxKind("journey_post", ExerciseRef)
# Bring the posted message up to date (chat.update). Until it is posted there is nothing to
# update: the post reads the exercise when it is sent, so it shows the latest state anyway.
EXERCISE_MESSAGE = OutboxKind("journey_message", ExerciseRef)
# DM the channel members who haven't contributed to a phase that ends soon.
REMIND = OutboxKind("journey_remind", PhaseReminder)


class HandOver(Payload):
    exercise_id: int
    to_user: str
    from_user: str


# The closing summary in the channel.
SUMMARY = OutboxKind("journey_summary", ExerciseRef)
# Tell the new facilitator, in a DM and in their language, that the exercise is theirs.
HAND_OVER = OutboxKind("journey_hand_over", HandOver)

KINDS = (POST_MESSAGE, EXERCISE_MESSAGE, REMIND, SUMMARY, HAND_OVER)
