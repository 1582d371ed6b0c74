"""Every table; importing this module registers them all on `Base.metadata`."""

from storage.base import Base
from storage.models.channel import ChannelMember, ChannelSync, LocaleSetting
from storage.models.digest import ChannelDigest
from storage.models.home import HomeViewer
from storage.models.installation import Installation, OAuthState
from storage.models.irritant import Irritant, IrritantEvent, IrritantNote, IrritantVote
from storage.models.journey import (
    JourneyBallot,
    JourneyCard,
    JourneyExercise,
    JourneyFeeling,
    JourneyMoment,
    JourneyMute,
    JourneyReminder,
    JourneyVote,
)
from storage.models.outbox import OutboxMessage
from storage.models.promise import MemberProfile, Promise, PromiseVersion
from storage.models.request import ClientRequest
from storage.models.workspace import InboundEvent, WorkspaceSettings

__all__ = [
    "Base",
    "ChannelDigest",
    "ChannelMember",
    "ChannelSync",
    "ClientRequest",
    "HomeViewer",
    "InboundEvent",
    "Installation",
    "Irritant",
    "IrritantEvent",
    "IrritantNote",
    "IrritantVote",
    "JourneyBallot",
    "JourneyCard",
    "JourneyExercise",
    "JourneyFeeling",
    "JourneyMoment",
    "JourneyMute",
    "JourneyReminder",
    "JourneyVote",
    "LocaleSetting",
    "MemberProfile",
    "OAuthState",
    "OutboxMessage",
    "Promise",
    "PromiseVersion",
    "WorkspaceSettings",
]
