"""Every table; importing this module registers them all on `Base.metadata`."""

from storage.base import Base
from storage.models.installation import Installation, OAuthState

__all__ = ["Base", "Installation", "OAuthState"]
