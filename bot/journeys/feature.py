"""Journey exercises, declared once: what the wiring collects from this feature."""

from __future__ import annotations

from datetime import timedelta

from bot.features import Feature
from bot.journeys import schedule
from bot.journeys.commands import BOARD, LIST, MAP, MUTE, NEW, UNMUTE
from bot.journeys.outbox import KINDS
from bot.scheduler import Job
from storage.models import (
    JourneyBallot,
    JourneyCard,
    JourneyExercise,
    JourneyFeeling,
    JourneyMoment,
    JourneyMute,
    JourneyReminder,
    JourneyVote,
)

FEATURE = Feature(
    name="journeys",
    subcommands=(NEW, LIST, BOARD, MAP, MUTE, UNMUTE),
    tenant_tables=(
        JourneyVote,
        JourneyBallot,
        JourneyFeeling,
        JourneyCard,
        JourneyMoment,
        JourneyReminder,
        JourneyMute,
        JourneyExercise,
    ),
    jobs=(Job("journey-phases", timedelta(minutes=1), schedule.run),),
    outbox_kinds=KINDS,
)
