"""Every table; importing this module registers them all on `Base.metadata`."""

from storage.base import Base
from storage.models.channel import ChannelMember, ChannelSync, LocaleSetting
from storage.models.installation import Installation, OAuthState
from storage.models.irritant import Irritant, IrritantEvent, IrritantNote, IrritantVote
from storage.models.outbox import OutboxMessage
from storage.models.workspace import InboundEvent, WorkspaceSettings

__all__ = [
    "Base",
    "ChannelMember",
    "ChannelSync",
    "InboundEvent",
    "Installation",
    "Irritant",
    "IrritantEvent",
    "IrritantNote",
    "IrritantVote",
    "LocaleSetting",
    "OAuthState",
    "OutboxMessage",
    "WorkspaceSettings",
]
